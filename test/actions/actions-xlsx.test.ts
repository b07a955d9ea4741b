/**
 * The actions API of `productops serve` on the demo's .xlsx workbooks, as a person starts it (the
 * command, a real socket, the production executor): runs asked for over HTTP run in order and
 * report what `productops run` reports, the LLM commands keep to the selected rows, and a workbook
 * that cannot be read fails its run with the reason while the next run works.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FLOWS } from '../../src/flows/index.js';
import { runCli } from '../support/cli.js';
import { OpenAiStandIn, reply } from '../support/openai-stand-in.js';
import { runsClient, type ServedWorkspace, serveWorkspace } from './helpers.js';

const TOKEN = 'xlsx-actions-token';
let dir: string;
let demo: string;
let llm: OpenAiStandIn;
let served: ServedWorkspace;
let client: ReturnType<typeof runsClient>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'productops-actions-'));
  demo = join(dir, 'demo');
  expect((await runCli(['demo', demo, '--quiet'], dir)).code).toBe(0);
  llm = await OpenAiStandIn.start();
  served = await serveWorkspace(demo, {
    token: TOKEN,
    env: { OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: 'sk-test-key' },
  });
  client = runsClient(served.fetch, TOKEN);
}, 60_000);

afterAll(async () => {
  expect(await served?.stop()).toBe(0);
  await llm?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  llm.reset();
  llm.otherwise = () =>
    reply.json({ formula_text: 'value = switchers * months * price', assumptions: [], notes: '' });
});

const runIds = async () => {
  const { runs } = (await (
    await served.fetch('/api/runs', { headers: { Authorization: `Bearer ${TOKEN}` } })
  ).json()) as { runs: { id: number; runId: number | null }[] };
  return runs;
};

describe('the actions API on .xlsx workbooks', () => {
  // First: a whole run would ask the LLM about every described row.
  it('asks the LLM only about the selected rows', async () => {
    // INIT-000001's model is approved: nothing to suggest for the row selected.
    const approvedOnly = await client.settled(
      await client.queue({ command: 'models suggest', keys: ['INIT-000001', 'INIT-999999'] }),
    );
    expect(approvedOnly.status).toBe('done');
    expect(llm.requests).toHaveLength(0);
    expect(approvedOnly.summary!.notes).toContain(
      'Not on the Backlog, so nothing was done for: INIT-999999.',
    );

    const described = await client.settled(
      await client.queue({ command: 'models suggest', keys: ['INIT-000012'] }),
    );
    expect(described.status).toBe('done');
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0]!.rawBody).toContain('INIT-000012');
    expect(described.summary!.steps).toEqual([
      expect.objectContaining({ name: 'models suggest', cellsWritten: expect.any(Number) }),
    ]);
    expect(described.summary!.steps[0]!.cellsWritten).toBeGreaterThan(0);
  });

  it('runs what is asked, in order, and reports it as the command would', async () => {
    const whole = await client.queue({ command: 'run', requestedBy: 'ana@example.com' });
    const sync = await client.queue({ command: 'backlog sync' });
    const [first, second] = [await client.settled(whole), await client.settled(sync)];
    expect(first).toMatchObject({ status: 'done', requestedBy: 'ana@example.com', error: null });
    expect(second.status).toBe('done');
    expect(second.startedAt! >= first.finishedAt!).toBe(true);
    expect(first.summary!.steps.map((s) => s.name)).toEqual([...FLOWS]);
    expect(second.summary!.steps.map((s) => s.name)).toEqual(['backlog sync']);
    expect(first.summary!.ranked).toBeGreaterThan(15);
    // The demo's deliberate problems, located where a person fixes them.
    expect(first.warnings.length).toBeGreaterThan(0);
    expect(first.summary!.warnings).toBe(first.warnings.length);
    expect(first.warnings.every((w) => w.tab !== '' && w.message !== '')).toBe(true);
    // Each wrote its own runs row, the newer one later.
    expect(first.runId).not.toBeNull();
    expect(second.runId).toBeGreaterThan(first.runId!);
    const status = (await (
      await served.fetch('/api/status', { headers: { Authorization: `Bearer ${TOKEN}` } })
    ).json()) as Record<string, unknown>;
    expect(JSON.stringify(status)).toContain('"command":"backlog sync"');
    expect(served.stderr()).toContain(`info: run request ${whole} (run, asked by ana@example.com): running`);
  });

  it('fails a run whose workbook cannot be read, with the reason, and the next run works', async () => {
    const file = join(demo, 'workbooks', 'productops.xlsx');
    const saved = readFileSync(file);
    writeFileSync(file, 'not a workbook');
    let failed: Awaited<ReturnType<typeof client.settled>>;
    try {
      failed = await client.settled(await client.queue({ command: 'run' }));
    } finally {
      writeFileSync(file, saved);
    }
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('productops.xlsx');
    expect(failed.runId).toBeNull();
    const next = await client.settled(await client.queue({ command: 'run' }));
    expect(next).toMatchObject({ status: 'done', error: null });
    const listed = await runIds();
    expect(listed[0]!.id).toBe(next.id);
    expect(listed[1]!.runId).toBeNull();
  });
});
