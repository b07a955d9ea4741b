/**
 * Who may read the dashboard. With a token, every request must carry it: as
 * `Authorization: Bearer TOKEN` (scripts), or as the cookie a `?token=TOKEN` link sets (a browser
 * opening the URL `serve` printed). Without one, 401. A page opened with `?token=` is redirected to
 * its address without it, so the token does not stay in the address bar, the history or a shared
 * link; an API call with `?token=` is answered directly (a script may not keep cookies).
 *
 * Without a token the server listens on a loopback address only (server.ts); there, the Host
 * header must name that address too, so a web page whose domain is made to resolve to 127.0.0.1
 * (DNS rebinding) cannot read the dashboard through a visitor's browser.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

/** The cookie a `?token=` link sets. */
const TOKEN_COOKIE = 'productops_token';

export interface AccessOptions {
  /** When set, every request must carry it. */
  token?: string;
  /**
   * The host names the Host header may carry (without the port, IPv6 in brackets); any when not
   * given. The server sets it when it runs without a token.
   */
  allowedHosts?: readonly string[];
}

/** Compares in constant time: how long a wrong guess takes says nothing about the token. */
function sameSecret(given: string, token: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1]?.trim();
}

/**
 * The middleware that lets a request through or answers it with `deny`'s response: `host` for a
 * Host header not allowed, `token` for a missing or wrong token; `api` tells it to answer in JSON.
 */
export function accessControl(
  options: AccessOptions,
  deny: (reason: 'host' | 'token', api: boolean) => Response,
): MiddlewareHandler {
  const { token, allowedHosts } = options;
  return async (c, next) => {
    const api = c.req.path.startsWith('/api/');
    // The server builds the request's URL from its Host header: `127.0.0.1`, `[::1]`, lower-cased.
    if (allowedHosts && !allowedHosts.includes(new URL(c.req.url).hostname)) {
      return deny('host', api);
    }
    if (token === undefined) return next();
    const fromQuery = c.req.query('token');
    if (fromQuery !== undefined) {
      if (!sameSecret(fromQuery, token)) return deny('token', api);
      // Lax, not Strict: a link from another site (a chat message) then opens the dashboard too.
      setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Lax', path: '/' });
      if (api) return next();
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    const given = bearer(c.req.header('authorization')) ?? getCookie(c, TOKEN_COOKIE);
    if (given === undefined || !sameSecret(given, token)) return deny('token', api);
    return next();
  };
}
