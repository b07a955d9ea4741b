/** `productops serve` on a real socket: the host and token rules, the printed address, and stopping. */

import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCommand } from '../../src/cli/commands/serve.js';
import type { GlobalOptions } from '../../src/cli/io.js';
import { type Config, loadConfig } from '../../src/config/index.js';
import { isLoopbackHost, startDashboardServer } from '../../src/dashboard/index.js';
import { createDatabase, type Database } from '../../src/db/index.js';
import { runCli } from '../support/cli.js';

let dir: string;
let demo: string;
let config: Config;
let database: Database;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'productops-serve-'));
  demo = join(dir, 'demo');
  expect((await runCli(['demo', demo, '--quiet'], dir)).code).toBe(0);
  config = loadConfig({ cwd: demo, env: {} });
  database = await createDatabase(config.database.url, { baseDir: config.baseDir });
}, 60_000);

afterAll(async () => {
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A GET with the Host header a browser would send for `host` (fetch cannot set it). */
function get(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('productops serve', () => {
  it('refuses another address than loopback without a token (exit code 2)', async () => {
    const r = await runCli(['serve', '--host', '0.0.0.0'], demo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('serving on 0.0.0.0 lets other machines read the dashboard: give --token');
    const empty = await runCli(['serve', '--token', ''], demo);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('the token is empty');
  });

  it('names a bad port (exit code 2)', async () => {
    const r = await runCli(['serve', '--port', '99999'], demo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "--port must be a port number from 1 to 65535, or 0 for any free port (got '99999')",
    );
  });

  it('says to run first when there is no database yet (exit code 1)', async () => {
    const empty = join(dir, 'empty');
    const r = await runCli(['serve'], empty);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("run 'productops run' (or 'productops demo') first");
  });

  it('prints its address, serves the dashboard there until stopped, and only for its own name', async () => {
    const out: string[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let done!: Promise<number>;
    const printed = new Promise<string>((resolve) => {
      const io = {
        stdout: (t: string) => {
          out.push(t);
          resolve(t);
        },
        stderr: () => {},
        isTty: false,
        cwd: demo,
        env: {},
      };
      const options: GlobalOptions = {
        dryRun: false,
        json: false,
        logLevel: 'info',
        quiet: true,
        strict: false,
      };
      done = serveCommand({ port: '0' }, options, io, () => stopped);
    });
    const line = await printed;
    const url = /at (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C to stop\)/.exec(line)![1]!;
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('INIT-000010');
    // A page of another site whose name was made to point at 127.0.0.1 gets nothing.
    expect(await get(url, 'attacker.example')).toBe(403);
    expect(await get(url, `localhost:${new URL(url).port}`)).toBe(200);
    stop();
    expect(await done).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('with a token, prints it in the address and wants it on every request', async () => {
    const server = await startDashboardServer({ database, config, port: 0, token: 'a b&c' });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=a%20b%26c`);
      expect((await fetch(server.url.replace(/\?.*/, ''))).status).toBe(401);
      const link = await fetch(server.url, { redirect: 'manual' });
      expect(link.status).toBe(303);
      const cookie = link.headers.get('set-cookie')!.split(';')[0]!;
      expect(
        (await fetch(new URL(link.headers.get('location')!, server.url), { headers: { cookie } })).status,
      ).toBe(200);
      const bearer = await fetch(new URL('/api/status', server.url), {
        headers: { Authorization: 'Bearer a b&c' },
      });
      expect(bearer.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('says so when the port is taken', async () => {
    const first = await startDashboardServer({ database, config, port: 0 });
    try {
      await expect(startDashboardServer({ database, config, port: first.port })).rejects.toThrow(
        `cannot serve on 127.0.0.1:${first.port}: the port is in use; choose another with --port`,
      );
    } finally {
      await first.close();
    }
  });

  it('knows a loopback address', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'example.com', '127.0.0.1.example.com']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
