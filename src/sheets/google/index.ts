/**
 * The Google Sheets store's front door: the store, and the factory that configures it from the
 * environment (CLI.md): `GOOGLE_SHEETS_ROOT_URL` sends every request to another base URL, and
 * `GOOGLE_SHEETS_ACCESS_TOKEN` is then the bearer token; otherwise the service-account key file in
 * `GOOGLE_APPLICATION_CREDENTIALS`, or application default credentials.
 */
import { ConfigError } from '../../shared/errors.js';
import { GoogleSheetStore, type GoogleSheetStoreOptions } from './google-sheet-store.js';

export { GoogleSheetStore, type GoogleSheetStoreOptions } from './google-sheet-store.js';

/**
 * A store for one spreadsheet, configured from `env`. Reads nothing and calls nothing yet: a
 * missing or broken key file is reported by the first operation, as a `WorkbookError`.
 * `options` adds settings the environment does not carry (timeouts, retries).
 */
export function createGoogleSheetStore(
  spreadsheetId: string,
  env: Record<string, string | undefined> = process.env,
  options: Omit<GoogleSheetStoreOptions, 'rootUrl' | 'accessToken' | 'keyFile'> = {},
): GoogleSheetStore {
  const setting = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const rootUrl = setting('GOOGLE_SHEETS_ROOT_URL');
  if (rootUrl !== undefined && !isHttpUrl(rootUrl)) {
    throw new ConfigError(
      `GOOGLE_SHEETS_ROOT_URL must be an http(s) URL such as http://127.0.0.1:8080/, not "${rootUrl}"`,
    );
  }
  return new GoogleSheetStore(spreadsheetId, {
    ...options,
    rootUrl,
    accessToken: setting('GOOGLE_SHEETS_ACCESS_TOKEN'),
    keyFile: setting('GOOGLE_APPLICATION_CREDENTIALS'),
  });
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
