/**
 * Which token goes where (CLI.md, credentials.ts): with GOOGLE_SHEETS_ROOT_URL only the explicit
 * GOOGLE_SHEETS_ACCESS_TOKEN is sent, and plain http: only to this computer. The Google token in
 * these tests is real in every way that matters: google-auth-library mints it from a credentials
 * file (an `external_account` file, whose token exchange URL may point at 127.0.0.1), so a leak
 * would show up as that token arriving at the root URL.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/shared/errors.js';
import { createGoogleSheetStore, GoogleSheetStore } from '../../src/sheets/google/index.js';

const GOOGLE_TOKEN = 'ya29.the-service-accounts-real-token';

/** A real HTTP server on 127.0.0.1 that records the Authorization header of every request. */
async function listen(answer: (body: string) => { status: number; json: unknown }) {
  const authorizations: (string | undefined)[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      authorizations.push(req.headers.authorization);
      const { status, json } = answer(body);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    authorizations,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let folder: string;
let keyFile: string;
let tokenServer: Awaited<ReturnType<typeof listen>>;
let rootServer: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'productops-google-credentials-'));
  // Google's security token service, as google-auth-library calls it for an external account.
  tokenServer = await listen(() => ({
    status: 200,
    json: {
      access_token: GOOGLE_TOKEN,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 3600,
    },
  }));
  // The server GOOGLE_SHEETS_ROOT_URL names (a proxy): it answers every request with a 404.
  rootServer = await listen(() => ({ status: 404, json: { error: { code: 404, message: 'not here' } } }));
  await writeFile(join(folder, 'subject-token'), 'a-workload-identity-token');
  keyFile = join(folder, 'credentials.json');
  await writeFile(
    keyFile,
    JSON.stringify({
      type: 'external_account',
      audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/pool/providers/p',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: `${tokenServer.origin}/v1/token`,
      credential_source: { file: join(folder, 'subject-token') },
    }),
  );
});

beforeEach(() => {
  tokenServer.authorizations.length = 0;
  rootServer.authorizations.length = 0;
});

afterAll(async () => {
  await tokenServer.close();
  await rootServer.close();
  await rm(folder, { recursive: true, force: true });
});

describe('GOOGLE_SHEETS_ROOT_URL without GOOGLE_SHEETS_ACCESS_TOKEN', () => {
  it('is refused before any request: no Google token is minted, none reaches the root URL', async () => {
    const rootUrl = `${rootServer.origin}/`;
    const error = await (async () => {
      const store = createGoogleSheetStore('sheet-1', {
        GOOGLE_SHEETS_ROOT_URL: rootUrl,
        GOOGLE_APPLICATION_CREDENTIALS: keyFile,
      });
      await store.exists();
    })().catch((e: unknown) => e);
    expect(rootServer.authorizations).toEqual([]);
    expect(tokenServer.authorizations).toEqual([]);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      `GOOGLE_SHEETS_ROOT_URL ${rootUrl} needs GOOGLE_SHEETS_ACCESS_TOKEN: productops sends Google credentials (GOOGLE_APPLICATION_CREDENTIALS or the application default credentials) only to Google. Set GOOGLE_SHEETS_ACCESS_TOKEN to the token that server expects, or unset GOOGLE_SHEETS_ROOT_URL.`,
    );
  });

  it('is refused with application default credentials too, and when the store is built directly', () => {
    expect(() => createGoogleSheetStore('sheet-1', { GOOGLE_SHEETS_ROOT_URL: rootServer.origin })).toThrow(
      ConfigError,
    );
    expect(() => new GoogleSheetStore('sheet-1', { rootUrl: rootServer.origin, keyFile })).toThrow(
      /needs GOOGLE_SHEETS_ACCESS_TOKEN/,
    );
  });

  it('with the explicit token, only that token is sent', async () => {
    const store = createGoogleSheetStore('sheet-1', {
      GOOGLE_SHEETS_ROOT_URL: `${rootServer.origin}/`,
      GOOGLE_SHEETS_ACCESS_TOKEN: 'token-for-the-proxy',
      GOOGLE_APPLICATION_CREDENTIALS: keyFile,
    });
    expect(await store.exists()).toBe(false);
    expect(rootServer.authorizations.length).toBeGreaterThan(0);
    expect(new Set(rootServer.authorizations)).toEqual(new Set(['Bearer token-for-the-proxy']));
    expect(tokenServer.authorizations).toEqual([]);
  });

  it('the key file still works for Google itself (no root URL, or Google named as the root)', () => {
    expect(() =>
      createGoogleSheetStore('sheet-1', { GOOGLE_APPLICATION_CREDENTIALS: keyFile }),
    ).not.toThrow();
    expect(
      () => new GoogleSheetStore('sheet-1', { rootUrl: 'https://sheets.googleapis.com/', keyFile }),
    ).not.toThrow();
  });
});

describe('plain http: is accepted only for this computer', () => {
  const withToken = (rootUrl: string) => () =>
    createGoogleSheetStore('sheet-1', {
      GOOGLE_SHEETS_ROOT_URL: rootUrl,
      GOOGLE_SHEETS_ACCESS_TOKEN: 'token-for-the-proxy',
    });

  it.each([
    'http://127.0.0.1:8080/',
    'http://127.0.0.2/',
    'http://localhost:8080/',
    'http://[::1]:8080/',
    'https://sheets-proxy.example.com/',
  ])('%s is accepted', (rootUrl) => {
    expect(withToken(rootUrl)).not.toThrow();
  });

  it.each([
    'http://sheets-proxy.example.com/',
    'http://10.0.0.5:8080/',
    'http://[2001:db8::1]/',
    'http://sheets.googleapis.com/',
  ])('%s is refused', (rootUrl) => {
    expect(withToken(rootUrl)).toThrow(
      `GOOGLE_SHEETS_ROOT_URL ${rootUrl} uses plain http: to another computer, so the access token would cross the network unencrypted. Use an https: URL (plain http: is accepted only for this computer: localhost, 127.0.0.1, [::1]).`,
    );
  });

  it('a refused URL is named without its password', () => {
    const error = (() => {
      try {
        withToken('http://proxy-user:s3cret-proxy-pw@sheets-proxy.example.com/')();
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toContain('http://proxy-user:***@sheets-proxy.example.com/');
    expect(error!.message).not.toContain('s3cret-proxy-pw');
  });
});
