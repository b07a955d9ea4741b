/**
 * The spreadsheet menu (examples/google-apps-script/Code.gs) against the real server: the script
 * runs in a `vm` context with stand-ins for the Apps Script services (apps-script-host.mjs), and
 * every request it makes goes to `productops serve` over HTTP. So the exact JSON the script sends
 * must be accepted, and the script must understand every answer: queued, running, done with
 * warnings, failed, refused (401, 403) and no answer at all. The script holds no secret.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import {
  type ActionExecutor,
  type DashboardServer,
  startDashboardServer,
} from '../../src/dashboard/index.js';
import { createDatabase, type Database } from '../../src/db/index.js';
import { runCli } from '../support/cli.js';
import { report, runsClient, type ServedWorkspace, serveWorkspace } from './helpers.js';

const CODE_PATH = join(import.meta.dirname, '../../examples/google-apps-script/Code.gs');
const CODE = readFileSync(CODE_PATH, 'utf8');
const TOKEN = 'contract-token';

type ScriptEvent =
  | { kind: 'menu'; name: string; items: ([string, string] | '-')[] }
  | { kind: 'fetch'; url: string; method: string; headers: Record<string, string>; body?: string }
  | { kind: 'toast'; message: string; title: string; seconds: number }
  | { kind: 'alert'; title: string; prompt: string; buttons: string }
  | { kind: 'sidebar'; title: string; html: string }
  | { kind: 'dialog'; title: string; html: string }
  | { kind: 'sleep'; ms: number };

interface SheetFake {
  name: string;
  grid: unknown[][];
  /** 1-based first row and row count of each selected range. */
  selections: { row: number; numRows: number }[];
}

const EMPTY_SHEET: SheetFake = { name: 'Backlog', grid: [['initiative_key', 'title']], selections: [] };

/** Calls one function of Code.gs; `sleepMs`: how long each 2 s sleep of the script really waits. */
async function runScript(
  call: string,
  {
    url,
    token = TOKEN,
    keyColumn,
    sheet = EMPTY_SHEET,
    email = 'ana@example.com',
    sleepMs = 20,
  }: {
    url: string | null;
    token?: string | null;
    keyColumn?: string;
    sheet?: SheetFake;
    email?: string;
    sleepMs?: number;
  },
) {
  const control = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  port1.on(
    'message',
    async (request: { url: string; method: string; headers: Record<string, string>; body?: string }) => {
      let answer: { status: number; body: string } | { error: string };
      try {
        const response = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
        });
        answer = { status: response.status, body: await response.text() };
      } catch (e) {
        answer = { error: (e as Error).message };
      }
      port1.postMessage(answer);
      const flag = new Int32Array(control);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    },
  );
  const properties: Record<string, string> = {};
  if (url !== null) properties.PRODUCTOPS_URL = url;
  if (token !== null) properties.PRODUCTOPS_TOKEN = token;
  if (keyColumn !== undefined) properties.PRODUCTOPS_KEY_COLUMN = keyColumn;
  const worker = new Worker(new URL('./apps-script-host.mjs', import.meta.url), {
    workerData: { code: CODE, call, properties, email, sheet, sleepMs, control, port: port2 },
    transferList: [port2],
  });
  try {
    const result = await new Promise<{ events: ScriptEvent[]; error: string | null }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const of = <K extends ScriptEvent['kind']>(kind: K) =>
      result.events.filter((e): e is Extract<ScriptEvent, { kind: K }> => e.kind === kind);
    return { ...result, of };
  } finally {
    port1.close();
    await worker.terminate();
  }
}

describe('Code.gs', () => {
  it('adds the productops menu, each item calling a function of the script', async () => {
    const { of, error } = await runScript('onOpen', { url: null, token: null });
    expect(error).toBeNull();
    const [menu] = of('menu');
    expect(menu).toEqual({
      kind: 'menu',
      name: 'productops',
      items: [
        ['Run now', 'productopsRunNow'],
        ['Suggest formulas for selected rows', 'productopsSuggestFormulas'],
        ['Seed params for selected rows', 'productopsSeedParams'],
        '-',
        ['Open dashboard', 'productopsOpenDashboard'],
      ],
    });
    for (const item of menu!.items) {
      if (item !== '-') expect(CODE).toContain(`function ${item[1]}() {`);
    }
  });

  it('holds no secret: no token, and no address but the placeholder', () => {
    expect(secretsIn(CODE)).toEqual([]);
    expect(CODE).toMatch(/getProperty\('PRODUCTOPS_TOKEN'\)/);
    // The check finds what it looks for.
    const planted = `${CODE}\nvar URL = 'https://productops.acme.io';\nvar T = "f3a9c1d2e4b5a6978877665544332211";\nvar H = 'Bearer abc';`;
    expect(secretsIn(planted)).toEqual([
      'https://productops.acme.io',
      'f3a9c1d2e4b5a6978877665544332211',
      'Bearer abc',
    ]);
  });

  it('says which Script Properties to set, and asks nothing without them', async () => {
    const missing = await runScript('productopsRunNow', { url: null, token: null });
    expect(missing.of('fetch')).toEqual([]);
    expect(missing.of('alert').map((a) => a.prompt)).toEqual([
      'Set PRODUCTOPS_URL and PRODUCTOPS_TOKEN in Extensions → Apps Script → Project Settings → Script Properties: the address of productops serve and its token.',
    ]);
    const bad = await runScript('productopsRunNow', { url: 'productops.example.com' });
    expect(bad.of('alert').map((a) => a.prompt)).toEqual([
      'PRODUCTOPS_URL must start with https:// (it is "productops.example.com").',
    ]);
    expect(bad.of('fetch')).toEqual([]);
  });
});

describe('Code.gs against productops serve on the demo', () => {
  let dir: string;
  let served: ServedWorkspace;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'productops-apps-script-'));
    const demo = join(dir, 'demo');
    expect((await runCli(['demo', demo, '--quiet'], dir)).code).toBe(0);
    served = await serveWorkspace(demo, { token: TOKEN });
  }, 60_000);
  afterAll(async () => {
    expect(await served?.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('Run now: the server takes the request, and the script shows how the run ended', async () => {
    const { of, error } = await runScript('productopsRunNow', { url: `${served.origin}/`, sleepMs: 50 });
    expect(error).toBeNull();
    const [post, ...polls] = of('fetch');
    expect(post).toEqual({
      kind: 'fetch',
      url: `${served.origin}/api/runs`,
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: '{"command":"run","force":false,"requestedBy":"ana@example.com"}',
    });
    expect(polls.length).toBeGreaterThan(0);
    const id = Number(/\/api\/runs\/(\d+)$/.exec(polls[0]!.url)![1]);
    expect(polls.every((p) => p.method === 'GET' && p.url === `${served.origin}/api/runs/${id}`)).toBe(true);
    expect(of('sleep').every((s) => s.ms === 2000)).toBe(true);
    expect(of('sleep')).toHaveLength(polls.length);

    const run = await runsClient(served.fetch, TOKEN).get(id);
    expect(run).toMatchObject({ status: 'done', command: 'run', requestedBy: 'ana@example.com', keys: null });
    const toasts = of('toast').map((t) => t.message);
    expect(toasts).toEqual([
      'Run asked for; waiting for it…',
      `Run done, ${run.warnings.length} warning(s).`,
    ]);
    const [sidebar] = of('sidebar');
    expect(sidebar!.title).toBe('productops');
    expect(sidebar!.html).toContain('<h3>Run done</h3>');
    expect(sidebar!.html).toContain('<li>backlog sync: ');
    expect(sidebar!.html).toContain(`<h4>${run.warnings.length} warning(s)</h4>`);
    const first = run.warnings[0]!;
    expect(sidebar!.html).toContain(escapeHtml(first.message));
  });

  it('Suggest formulas: sends the keys of the selected rows, found by their header', async () => {
    const sheet: SheetFake = {
      name: 'MathModels',
      grid: [
        ['model_name', ' Initiative Key', 'notes'],
        ['m12', 'INIT-000012', ''],
        ['m1', 'INIT-000001', ''],
        ['blank', '', ''],
        ['m12b', 'INIT-000012', ''],
        ['shared', '*', ''],
        ['m3', 'INIT-000003', ''],
      ],
      // The header row, the first two models and the blank row; then two rows further down.
      selections: [
        { row: 1, numRows: 4 },
        { row: 5, numRows: 2 },
      ],
    };
    const { of, error } = await runScript('productopsSuggestFormulas', {
      url: served.origin,
      sheet,
      keyColumn: 'initiative key',
      sleepMs: 50,
    });
    expect(error).toBeNull();
    const [post] = of('fetch');
    expect(JSON.parse(post!.body!)).toEqual({
      command: 'models suggest',
      keys: ['INIT-000012', 'INIT-000001'],
      force: true,
      requestedBy: 'ana@example.com',
    });
    expect(of('toast')[0]!.message).toBe('Formula suggestions for 2 row(s) asked for; waiting for it…');
    const id = Number(/(\d+)$/.exec(of('fetch')[1]!.url)![1]);
    const run = await runsClient(served.fetch, TOKEN).get(id);
    expect(run).toMatchObject({ status: 'done', keys: ['INIT-000012', 'INIT-000001'], force: true });
    // The demo server has no LLM: its note reaches the sidebar.
    expect(of('sidebar')[0]!.html).toContain('LLM suggestions are off');
  });

  it('Seed params: says so when the selection holds no key, or the sheet has no key column', async () => {
    const noKeys = await runScript('productopsSeedParams', {
      url: served.origin,
      sheet: {
        name: 'Params',
        grid: [['initiative_key'], [''], ['*']],
        selections: [{ row: 1, numRows: 3 }],
      },
    });
    expect(noKeys.of('fetch')).toEqual([]);
    expect(noKeys.of('alert')[0]!.prompt).toBe(
      'Select the rows first: the selected rows have no initiative_key (a new row gets its key at the next run).',
    );
    const noColumn = await runScript('productopsSeedParams', {
      url: served.origin,
      sheet: { name: 'Notes', grid: [['what', 'who']], selections: [{ row: 1, numRows: 1 }] },
    });
    expect(noColumn.of('fetch')).toEqual([]);
    expect(noColumn.of('alert')[0]!.prompt).toBe(
      'The sheet "Notes" has no initiative_key column in its first row: select rows on the Backlog, Scoring_Inputs, MathModels or Params.',
    );
  });

  it('names a wrong token, with the server’s reason', async () => {
    const { of } = await runScript('productopsRunNow', { url: served.origin, token: 'not-the-token' });
    expect(of('fetch')).toHaveLength(1);
    expect(of('alert')[0]!.prompt).toMatch(
      /^productops did not accept the token: PRODUCTOPS_TOKEN must be the token productops serve was started with\. \(This dashboard needs its token/,
    );
  });

  it('opens the dashboard through a link that carries the token', async () => {
    const { of } = await runScript('productopsOpenDashboard', { url: served.origin, token: 'a&b c' });
    const [dialog] = of('dialog');
    expect(dialog!.title).toBe('productops');
    expect(dialog!.html).toContain(`href="${served.origin}/?token=a%26b%20c"`);
  });
});

describe('Code.gs against a server whose runs are scripted', () => {
  let database: Database;
  let outcome: () => Promise<ReturnType<typeof report>>;
  let server: DashboardServer;
  let tokenless: DashboardServer;
  let origin: string;

  beforeAll(async () => {
    database = await createDatabase('sqlite::memory:');
    const config = loadConfig({ cwd: '/nonexistent', env: {} });
    const executor: ActionExecutor = () => outcome();
    server = await startDashboardServer({ database, config, port: 0, token: TOKEN, executor });
    tokenless = await startDashboardServer({ database, config, port: 0, executor });
    origin = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.close();
    await tokenless?.close();
    await database?.close();
  });

  it('shows sheet text in the sidebar as text, never as markup, and links only to web pages', async () => {
    outcome = async () =>
      report({
        warnings: [
          {
            tab: 'Params',
            row: 3,
            column: 'value',
            key: 'INIT-000001/MATH_MODEL/<b>x</b>',
            message: `value: '<img src=x onerror="alert(1)">' is not a number`,
            link: 'javascript:alert(1)',
          },
          {
            tab: 'Backlog',
            row: 2,
            column: 'title',
            key: 'INIT-000002',
            message: 'a & b',
            link: 'https://docs.google.com/spreadsheets/d/abc/edit#gid=0&range=B2',
          },
        ],
        notes: ['<script>alert(2)</script>'],
      });
    const { of } = await runScript('productopsRunNow', { url: origin });
    const html = of('sidebar')[0]!.html;
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('javascript:');
    expect(html).toContain(
      'Params row 3, column value (INIT-000001/MATH_MODEL/&lt;b&gt;x&lt;/b&gt;): value: &#39;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39; is not a number',
    );
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain(
      'Backlog row 2, column title (INIT-000002): a &amp; b <a href="https://docs.google.com/spreadsheets/d/abc/edit#gid=0&amp;range=B2" target="_blank" rel="noopener noreferrer">open</a>',
    );
  });

  it('shows a run that failed, with its reason', async () => {
    outcome = async () => {
      throw new Error('the workbook <productops.xlsx> is open');
    };
    const { of } = await runScript('productopsRunNow', { url: origin });
    expect(of('toast').at(-1)!.message).toBe(
      'Run failed: unexpected error: the workbook <productops.xlsx> is open',
    );
    const html = of('sidebar')[0]!.html;
    expect(html).toContain('<h3>Run failed</h3>');
    expect(html).toContain(
      '<p><b>Why:</b> unexpected error: the workbook &lt;productops.xlsx&gt; is open</p>',
    );
  });

  it('stops waiting after 5 minutes of 2 s polls, and says where to look', async () => {
    let finish!: () => void;
    outcome = () =>
      new Promise((resolve) => {
        finish = () => resolve(report());
      });
    const { of } = await runScript('productopsRunNow', { url: origin, sleepMs: 0 });
    expect(of('sleep')).toHaveLength(150);
    expect(of('fetch')).toHaveLength(151);
    const id = /(\d+)$/.exec(of('fetch')[1]!.url)![1];
    expect(of('toast').at(-1)!.message).toBe(
      `Run is still running after 5 minutes; the dashboard shows how it ends (request ${id}).`,
    );
    expect(of('sidebar')).toEqual([]);
    finish();
  });

  it('passes on the 403 of a server started without a token', async () => {
    const { of } = await runScript('productopsRunNow', { url: `http://127.0.0.1:${tokenless.port}` });
    expect(of('alert')[0]!.prompt).toBe(
      'productops answered 403: Running from outside needs a token: start productops serve with --token TOKEN (or set PRODUCTOPS_TOKEN), then send it as Authorization: Bearer TOKEN.',
    );
  });

  it('says so when the server cannot be reached', async () => {
    const closed = await startDashboardServer({
      database,
      config: loadConfig({ cwd: '/nonexistent', env: {} }),
      port: 0,
    });
    const url = `http://127.0.0.1:${closed.port}`;
    await closed.close();
    const { of } = await runScript('productopsRunNow', { url });
    expect(of('alert')[0]!.prompt).toBe(
      `productops cannot be reached at ${url}: Address unavailable: ${url}/api/runs`,
    );
  });
});

/** Addresses other than the placeholder, token-like literals and literal bearer tokens in a script. */
function secretsIn(code: string): string[] {
  const urls = (code.match(/\bhttps?:\/\/[^\s'"<>)]+/g) ?? []).filter(
    (url) => url !== 'https://productops.example.com',
  );
  // Names are not secrets: the script's functions (menu items) and its Script Properties.
  const names = new Set([...code.matchAll(/^function (\w+)\(/gm)].map((m) => m[1]!));
  const literals = [...code.matchAll(/'([^'\n]*)'|"([^"\n]*)"/g)].map((m) => m[1] ?? m[2] ?? '');
  const tokens = literals.filter(
    (text) =>
      /^[A-Za-z0-9+/_.~-]{16,}={0,2}$/.test(text) &&
      /\d/.test(text) &&
      !names.has(text) &&
      !/^PRODUCTOPS_[A-Z_]+$/.test(text),
  );
  const bearers = code.match(/Bearer [A-Za-z0-9]+/g) ?? [];
  return [...urls, ...tokens, ...bearers];
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
