/**
 * Two processes on one database: key numbers reserved at the same moment never overlap, and a
 * second writing run waits for the first (or gives up clearly) instead of interleaving with it.
 * The other process is a real one (test/support/database-child.ts), on SQLite and on PostgreSQL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireRunLock, RunLockTimeoutError } from '../../src/db/repositories/run-lock.js';
import { readSequence } from '../../src/db/repositories/sequences.js';
import { FLOWS, runFlows } from '../../src/flows/index.js';
import { DatabaseError } from '../../src/shared/errors.js';
import { FlowHarness } from '../support/flow-harness.js';
import { forEachDatabase } from './databases.js';

const CHILD = join(import.meta.dirname, '../support/database-child.ts');

function child(args: string[]): { process: ChildProcess; output: Promise<string>; line: Promise<string> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let firstLine: (line: string) => void;
  const line = new Promise<string>((resolve) => {
    firstLine = resolve;
  });
  proc.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('\n')) firstLine(out.split('\n')[0]!);
  });
  proc.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const output = new Promise<string>((resolve, reject) => {
    proc.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`child failed (${code}): ${err}`)),
    );
  });
  return { process: proc, output, line };
}

forEachDatabase((kind, open, url) => {
  describe('key reservations from two processes at once', () => {
    it('give disjoint ranges, and the counter ends at their sum', async () => {
      const database = await open();
      const before = await readSequence(database.db, 'initiative_key');
      const [a, b] = [child(['reserve', url, '40', '5']), child(['reserve', url, '40', '5'])];
      const firsts = [...JSON.parse(await a.output), ...JSON.parse(await b.output)] as number[];
      const numbers = firsts.flatMap((first) => [0, 1, 2, 3, 4].map((i) => first + i));
      expect(new Set(numbers).size).toBe(400);
      expect(Math.min(...numbers)).toBe(before + 1);
      expect(await readSequence(database.db, 'initiative_key')).toBe(before + 400);
    }, 60_000);
  });

  describe('the run lock', () => {
    it('makes a second run wait for the first, saying so, then go ahead', async () => {
      const database = await open();
      const holder = child(['hold', url, '1500']);
      expect(await holder.line).toBe('locked');
      const waitedFor: string[] = [];
      const started = Date.now();
      const lock = await acquireRunLock(database, {
        timeoutMs: 20_000,
        onWait: (who) => waitedFor.push(who),
      });
      const waited = Date.now() - started;
      await holder.output;
      await lock.release();
      expect(waitedFor).toHaveLength(1);
      if (kind === 'sqlite') expect(waitedFor[0]).toBe(`pid ${holder.process.pid}@${hostname()}`);
      expect(waited).toBeGreaterThan(500);
    }, 60_000);

    it('gives up after the timeout with the holder named', async () => {
      const database = await open();
      const holder = child(['hold', url, '4000']);
      expect(await holder.line).toBe('locked');
      const attempt = acquireRunLock(database, { timeoutMs: 600 });
      await expect(attempt).rejects.toBeInstanceOf(RunLockTimeoutError);
      await expect(attempt).rejects.toThrow(/another productops run \(.+\) is still using this database/);
      holder.process.kill('SIGKILL');
      await holder.output.catch(() => {});
      // The holder died without releasing: its lock goes with it (PostgreSQL ends the session;
      // on SQLite the row of a process that no longer runs is taken over).
      const lock = await acquireRunLock(database, { timeoutMs: 10_000 });
      await lock.release();
    }, 60_000);

    it('keeps a whole run from starting while another holds it: nothing is read, written or saved', async () => {
      const database = await open();
      const h = await FlowHarness.create(database);
      h.add('Backlog', { initiative_key: null, title: 'New', active_scoring_framework: 'RICE' });
      const holder = child(['hold', url, '4000']);
      expect(await holder.line).toBe('locked');
      const warnings: string[] = [];
      const run = runFlows(
        {
          config: h.config,
          backlog: h.backlog,
          productOps: h.productOps,
          database,
          lockTimeoutMs: 600,
          logger: {
            warn: (m: string) => warnings.push(m),
            info: () => {},
            debug: () => {},
            error: () => {},
          } as never,
        },
        { command: 'run', include: new Set(FLOWS), dryRun: false },
      );
      await expect(run).rejects.toBeInstanceOf(DatabaseError);
      await expect(run).rejects.toThrow(/so nothing was written\. Run again when it has finished\./);
      expect(warnings.some((w) => w.startsWith('another productops run ('))).toBe(true);
      expect(h.backlog.writes + h.productOps.writes).toBe(0);
      expect(h.rows('Backlog')[0]!.initiative_key).toBeNull();
      holder.process.kill('SIGKILL');
      await holder.output.catch(() => {});
    }, 60_000);
  });
});
