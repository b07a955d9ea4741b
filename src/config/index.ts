/** The configuration's front door: loading `productops.config.json` and `.env`, and its shape (CLI.md). */
export { type Config, DEFAULT_CONFIG_FILE, defaultConfigFile, loadConfig, loadDotEnv } from './config.js';
