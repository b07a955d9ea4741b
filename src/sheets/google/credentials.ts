/**
 * Where the bearer token of each Sheets request comes from (CLI.md): a fixed token
 * (`GOOGLE_SHEETS_ACCESS_TOKEN`, used with `GOOGLE_SHEETS_ROOT_URL`), a service-account key file
 * (`GOOGLE_APPLICATION_CREDENTIALS`), or Google's application default credentials. The key file is
 * read and checked on first use, so a broken file is reported by name before any network call;
 * google-auth-library then signs, caches and refreshes the tokens.
 *
 * Google's tokens go only to Google: with another root URL (a proxy, a test server) only the
 * explicit token is sent, and never over plain `http:` except to this machine (`createTokenSource`).
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { GoogleAuth, type JWTInput } from 'google-auth-library';
import { ConfigError, WorkbookError } from '../../shared/errors.js';
import { redactUrls } from '../../shared/redact.js';

/** Read and write cells, add tabs, validations and protected ranges; nothing outside Sheets. */
export const SHEETS_SCOPE = 'https://www.googleapis.com/auth/spreadsheets';

export interface AccessTokenSource {
  /** A bearer token valid for the next request. */
  token(): Promise<string>;
  /** The account to share a spreadsheet with, when it is known (a service account's email). */
  account(): Promise<string | null>;
  /** Where the credentials come from, for messages. */
  readonly description: string;
}

/** Where the Sheets API lives; any other root URL is a "custom root". */
const GOOGLE_SHEETS_ORIGIN = 'https://sheets.googleapis.com';

/** The settings a store's token source is chosen from (GoogleSheetStoreOptions). */
export interface TokenSourceOptions {
  /** `GOOGLE_SHEETS_ROOT_URL`; undefined = Google. */
  rootUrl?: string | undefined;
  /** `GOOGLE_SHEETS_ACCESS_TOKEN`. */
  accessToken?: string | undefined;
  /** `GOOGLE_APPLICATION_CREDENTIALS`. */
  keyFile?: string | undefined;
  /** A caller's own source (tests, embedding code), used as it is. */
  credentials?: AccessTokenSource | undefined;
}

/**
 * The token source for a store, in order: the caller's own source, the explicit token, the key
 * file, the application default credentials. Throws ConfigError, before any request, for settings
 * that would hand a token to someone else:
 * - a custom root URL without the explicit token: the service account's (or this machine's)
 *   Google token would be sent to that server, which could then act as the account on every
 *   spreadsheet shared with it;
 * - a custom root URL over plain `http:` to anything but a loopback address: the token would
 *   cross the network unencrypted.
 */
export function createTokenSource(options: TokenSourceOptions): AccessTokenSource {
  const { rootUrl } = options;
  if (rootUrl !== undefined && !isGoogle(rootUrl)) {
    const shown = redactUrls(rootUrl);
    const transport = transportOf(rootUrl);
    if (transport === 'invalid') {
      throw new ConfigError(
        `GOOGLE_SHEETS_ROOT_URL must be an http(s) URL such as http://127.0.0.1:8080/, not "${shown}"`,
      );
    }
    if (transport === 'http') {
      throw new ConfigError(
        `GOOGLE_SHEETS_ROOT_URL ${shown} uses plain http: to another computer, so the access token would cross the network unencrypted. Use an https: URL (plain http: is accepted only for this computer: localhost, 127.0.0.1, [::1]).`,
      );
    }
    if (!options.credentials && !options.accessToken) {
      throw new ConfigError(
        `GOOGLE_SHEETS_ROOT_URL ${shown} needs GOOGLE_SHEETS_ACCESS_TOKEN: productops sends Google credentials (GOOGLE_APPLICATION_CREDENTIALS or the application default credentials) only to Google. Set GOOGLE_SHEETS_ACCESS_TOKEN to the token that server expects, or unset GOOGLE_SHEETS_ROOT_URL.`,
      );
    }
  }
  if (options.credentials) return options.credentials;
  if (options.accessToken) return createFixedTokenSource(options.accessToken);
  if (options.keyFile) return createKeyFileTokenSource(options.keyFile);
  return createDefaultTokenSource();
}

function isGoogle(rootUrl: string): boolean {
  try {
    return new URL(rootUrl).origin === GOOGLE_SHEETS_ORIGIN;
  } catch {
    return false;
  }
}

/**
 * How a token would travel to `rootUrl`: `https`, `loopback` (plain `http:` that never leaves
 * this computer: 127.0.0.0/8 and ::1, RFC 1122 §3.2.1.3 and RFC 4291 §2.5.3, or the name
 * `localhost`, RFC 6761 §6.3), `http` (plain, across the network) or `invalid` (not an http(s) URL).
 */
function transportOf(rootUrl: string): 'https' | 'loopback' | 'http' | 'invalid' {
  let url: URL;
  try {
    url = new URL(rootUrl);
  } catch {
    return 'invalid';
  }
  if (url.protocol === 'https:') return 'https';
  if (url.protocol !== 'http:') return 'invalid';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const loopback = host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  return loopback ? 'loopback' : 'http';
}

/** A token given from outside: no file, no network call of its own. */
export function createFixedTokenSource(token: string): AccessTokenSource {
  return {
    description: 'the access token in GOOGLE_SHEETS_ACCESS_TOKEN',
    token: async () => token,
    account: async () => null,
  };
}

/** A service-account key file (or any credentials file google-auth-library reads). */
export function createKeyFileTokenSource(path: string): AccessTokenSource {
  let loaded: Promise<{ auth: GoogleAuth; email: string | null }> | undefined;
  const load = () => {
    loaded ??= loadKeyFile(path);
    // A file fixed between two calls is read again.
    loaded.catch(() => {
      loaded = undefined;
    });
    return loaded;
  };
  return {
    description: `the key file ${path}`,
    async token() {
      const { auth } = await load();
      return fetchToken(auth, `the key file ${path}`);
    },
    async account() {
      try {
        return (await load()).email;
      } catch {
        return null;
      }
    },
  };
}

/** Application default credentials: gcloud's login, or the service account of the machine. */
export function createDefaultTokenSource(): AccessTokenSource {
  const auth = new GoogleAuth({ scopes: [SHEETS_SCOPE] });
  return {
    description: 'the application default credentials',
    token: () => fetchToken(auth, 'the application default credentials'),
    async account() {
      try {
        return (await auth.getCredentials()).client_email ?? null;
      } catch {
        return null;
      }
    },
  };
}

async function loadKeyFile(path: string): Promise<{ auth: GoogleAuth; email: string | null }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : 'cannot be read';
    throw new WorkbookError(
      `The Google key file ${path} (GOOGLE_APPLICATION_CREDENTIALS) ${reason}. Point GOOGLE_APPLICATION_CREDENTIALS at the JSON key of the service account.`,
      { cause: error },
    );
  }
  const credentials = parseKeyFile(path, text);
  const email = credentials.type === 'service_account' ? String(credentials.client_email) : null;
  return {
    // Other credential types (a user's login, workload identity) are passed on as they are.
    auth: new GoogleAuth({ credentials: credentials as JWTInput, scopes: [SHEETS_SCOPE] }),
    email,
  };
}

const NEW_KEY_HINT =
  'Create a new JSON key (Google Cloud console → IAM & Admin → Service accounts → the account → Keys → Add key → JSON) and point GOOGLE_APPLICATION_CREDENTIALS at the downloaded file.';

/** Checks the parts of a key file that google-auth-library would otherwise report obscurely. */
export function parseKeyFile(path: string, text: string): Record<string, unknown> & { type: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new WorkbookError(`The Google key file ${path} is not valid JSON (${detail}). ${NEW_KEY_HINT}`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WorkbookError(`The Google key file ${path} does not hold a JSON object. ${NEW_KEY_HINT}`);
  }
  const fields = parsed as Record<string, unknown>;
  if (typeof fields.type !== 'string') {
    throw new WorkbookError(
      `The Google key file ${path} has no "type" field, so it is not a Google credentials file. ${NEW_KEY_HINT}`,
    );
  }
  if (fields.type === 'service_account') {
    const missing = ['client_email', 'private_key'].filter(
      (name) => typeof fields[name] !== 'string' || (fields[name] as string).trim() === '',
    );
    if (missing.length > 0) {
      throw new WorkbookError(
        `The service-account key file ${path} is incomplete: it has no ${missing.map((m) => `"${m}"`).join(' or ')}. ${NEW_KEY_HINT}`,
      );
    }
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(fields.private_key as string)) {
      throw new WorkbookError(
        `The "private_key" in the service-account key file ${path} is not a PEM private key (it should start with -----BEGIN PRIVATE KEY-----). ${NEW_KEY_HINT}`,
      );
    }
  }
  return fields as Record<string, unknown> & { type: string };
}

/**
 * A token from google-auth-library. A refusal by Google's sign-in service or an unusable key is a
 * `WorkbookError`; a network failure is thrown as it is, so the request is retried.
 */
async function fetchToken(auth: GoogleAuth, source: string): Promise<string> {
  let token: string | null | undefined;
  try {
    token = await auth.getAccessToken();
  } catch (error) {
    if (isNetworkFailure(error)) throw error;
    throw new WorkbookError(
      `Could not get a Google access token from ${source}: ${describeAuthError(error)}`,
      {
        cause: error,
      },
    );
  }
  if (!token) throw new WorkbookError(`Google returned no access token for ${source}.`);
  return token;
}

function isNetworkFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const failure = error as { config?: unknown; response?: { status?: number } };
  const status = failure.response?.status;
  return failure.config !== undefined && (status === undefined || status >= 500 || status === 429);
}

function describeAuthError(error: unknown): string {
  const failure = error as {
    response?: { data?: { error?: string; error_description?: string } };
    message?: string;
  };
  const data = failure.response?.data;
  if (data?.error) {
    const detail = data.error_description ? `${data.error}: ${data.error_description}` : data.error;
    if (data.error === 'invalid_grant') {
      return `${detail}. The key may have been deleted or disabled, or this computer's clock is wrong.`;
    }
    return detail;
  }
  const message = failure.message ?? String(error);
  if (/Could not load the default credentials/i.test(message)) {
    return 'no credentials found. Set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run `gcloud auth application-default login`.';
  }
  if (/DECODER|PEM|private key|asn1/i.test(message)) {
    return `its private key cannot be read (${message}). ${NEW_KEY_HINT}`;
  }
  return message;
}
