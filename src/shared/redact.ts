/**
 * Credentials inside URLs, masked wherever a URL may be shown: `status`, error messages, warnings
 * and log lines. A URL's userinfo (`scheme://user:password@host`, RFC 3986 §3.2.1) is a credential
 * even without a password: proxies take a token as the user name (`https://TOKEN@host`). Query
 * parameters named like secrets (`?api_key=…`, `&token=…`) are masked too. Database URLs have their
 * own, stricter rules (db/database-url.ts).
 */

const MASK = '***';

/**
 * `scheme://` then either `user:password@` or a lone `user@`. The password runs to the last '@'
 * before the end of the authority (whitespace, '/', '?', '#'), so a password with an unencoded
 * '@' is masked whole.
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)(?:([^\s/?#:@]*):[^\s/?#]*|[^\s/?#:]*)@/gi;

/** `?name=value` / `&name=value` where the name says it is a secret. */
const SECRET_PARAMETER =
  /([?&](?:[a-z0-9_-]*[_-])?(?:password|passwd|pwd|secret|token|api[_-]?key|key|sig|signature)=)[^&#\s"']*/gi;

/**
 * `text` with every URL's userinfo and secret query parameters replaced by `***`: a password keeps
 * its user name (`http://bob:***@host`), a lone user name does not (`http://***@host`). Works on a
 * single URL and on any text that contains URLs; text without URLs comes back unchanged.
 */
export function redactUrls(text: string): string {
  return text
    .replace(USERINFO, (_match, scheme: string, user: string | undefined) =>
      user === undefined ? `${scheme}${MASK}@` : `${scheme}${user}:${MASK}@`,
    )
    .replace(SECRET_PARAMETER, `$1${MASK}`);
}

/**
 * The secrets in a URL's userinfo, as written and percent-decoded: the password, or the user name
 * when it stands alone. For scrubbing text that may quote them outside the URL.
 */
export function urlCredentials(url: string | null | undefined): string[] {
  if (!url) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const raw = parsed.password !== '' ? parsed.password : parsed.username;
  if (raw === '') return [];
  const secrets = new Set([raw]);
  try {
    secrets.add(decodeURIComponent(raw));
  } catch {
    // Not valid percent-encoding: only the text as written can appear.
  }
  return [...secrets];
}
