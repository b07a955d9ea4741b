/**
 * Database URLs as they may be shown: a password never leaves this module. Used for every message
 * that names a database, and by anything that prints the configured database (`status`).
 */

const MASK = '***';

/**
 * The URL with its password (`user:PASSWORD@`, `?password=`, `?sslpassword=`) replaced by `***`.
 * Works on malformed URLs too, and when unsure masks more rather than less.
 */
export function redactDatabaseUrl(url: string): string {
  let redacted = url;
  const userinfo = findUserinfo(url);
  if (userinfo?.passwordStart !== undefined) {
    redacted = url.slice(0, userinfo.passwordStart) + MASK + url.slice(userinfo.end);
  }
  return redacted.replace(/([?&][^=&#]*password=)[^&#]*/gi, `$1${MASK}`);
}

/** `text` with every password of `url` (as written and percent-decoded) replaced by `***`. */
export function scrubDatabasePasswords(text: string, url: string): string {
  let scrubbed = text;
  for (const secret of passwordsOf(url)) scrubbed = scrubbed.split(secret).join(MASK);
  return scrubbed;
}

function passwordsOf(url: string): string[] {
  const raw: string[] = [];
  const userinfo = findUserinfo(url);
  if (userinfo?.passwordStart !== undefined) raw.push(url.slice(userinfo.passwordStart, userinfo.end));
  for (const match of url.matchAll(/[?&][^=&#]*password=([^&#]*)/gi)) raw.push(match[1] ?? '');
  const all = new Set<string>();
  for (const secret of raw) {
    all.add(secret);
    try {
      all.add(decodeURIComponent(secret));
    } catch {
      // Not valid percent-encoding: only the text as written can appear.
    }
  }
  all.delete('');
  return [...all];
}

/**
 * `scheme://user:password@host…`: the password runs from the first ':' after '//' to the last
 * '@', so a password with an unencoded '@' or '/' is still masked whole.
 */
function findUserinfo(url: string): { passwordStart?: number; end: number } | undefined {
  const start = url.indexOf('://');
  if (start < 0) return undefined;
  const authorityStart = start + 3;
  const end = url.lastIndexOf('@');
  if (end < authorityStart) return undefined;
  const colon = url.indexOf(':', authorityStart);
  return colon >= 0 && colon < end ? { passwordStart: colon + 1, end } : { end };
}
