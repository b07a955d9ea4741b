/**
 * The Google Sheets store's front door: the store, and the factory that configures it from the
 * environment (CLI.md): `GOOGLE_SHEETS_ROOT_URL` sends every request to another base URL, and
 * `GOOGLE_SHEETS_ACCESS_TOKEN` is then the bearer token (required with it); otherwise the
 * service-account key file in `GOOGLE_APPLICATION_CREDENTIALS`, or application default credentials.
 */
import { GoogleSheetStore, type GoogleSheetStoreOptions } from './google-sheet-store.js';

export { GoogleSheetStore, type GoogleSheetStoreOptions } from './google-sheet-store.js';

/**
 * A store for one spreadsheet, configured from `env`. Reads nothing and calls nothing yet: a
 * missing or broken key file is reported by the first operation, as a `WorkbookError`; settings
 * that would send a token where it must not go throw a `ConfigError` at once.
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
  // The store refuses (ConfigError) a root URL that is not http(s), plain http: beyond this
  // computer, and a root URL without GOOGLE_SHEETS_ACCESS_TOKEN (credentials.ts).
  return new GoogleSheetStore(spreadsheetId, {
    ...options,
    rootUrl: setting('GOOGLE_SHEETS_ROOT_URL'),
    accessToken: setting('GOOGLE_SHEETS_ACCESS_TOKEN'),
    keyFile: setting('GOOGLE_APPLICATION_CREDENTIALS'),
  });
}
