/**
 * `productops status`: what is configured, how many rows each tab has, the last run and how many
 * initiatives are ranked; writes nothing. Printed on stdout (one JSON document with --json).
 */
import { existsSync } from 'node:fs';
import { createDatabase, type Database, redactDatabaseUrl } from '../../db/index.js';
import { redactUrls } from '../../shared/redact.js';
import { createSheetStore } from '../../sheets/index.js';
import { type CliIo, EXIT, type GlobalOptions } from '../io.js';
import { workspaceConfig } from './workspace.js';

/** The last run that wrote (dry runs are not recorded), as `status` shows it. */
interface LastRun {
  command: string;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  cellsWritten: number | null;
  warnings: number | null;
}

async function lastRun(database: Database): Promise<LastRun | null> {
  const row = await database.db
    .selectFrom('runs')
    .selectAll()
    .where('dry_run', '=', 0)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  // summary_json as run.ts records it: { steps: StepReport[], warnings: number }.
  let summary: { steps?: { cellsWritten?: number }[]; warnings?: number } = {};
  try {
    summary = JSON.parse(row.summary_json ?? '{}') ?? {};
  } catch {
    // An unreadable summary still leaves when and what ran.
  }
  return {
    command: row.command,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    cellsWritten: Array.isArray(summary.steps)
      ? summary.steps.reduce((n, s) => n + (s.cellsWritten ?? 0), 0)
      : null,
    warnings: typeof summary.warnings === 'number' ? summary.warnings : null,
  };
}

function describeRun(run: LastRun | null): string {
  if (!run) return 'last run: none yet';
  const counts = [
    run.cellsWritten === null ? null : `${run.cellsWritten} cells written`,
    run.warnings === null ? null : `${run.warnings} warning(s)`,
  ].filter((part) => part !== null);
  return `last run: '${run.command}' at ${run.finishedAt ?? run.startedAt} (${[run.status, ...counts].join(', ')})`;
}

export async function statusCommand(options: GlobalOptions, io: CliIo): Promise<number> {
  const config = workspaceConfig(options, io);
  const workbooks = [
    { role: 'Central Backlog', location: config.backlog, tabs: [config.backlog.tab] },
    {
      role: 'ProductOps',
      location: config.productOps,
      tabs: [
        config.productOps.tabs.scoring,
        config.productOps.tabs.mathModels,
        config.productOps.tabs.params,
      ],
    },
  ];
  const result: Record<string, unknown> = {
    ok: true,
    config: config.file ?? null,
    workbooks: [] as unknown[],
  };
  const lines = [`config: ${config.file ?? '(none: defaults)'}`];
  for (const w of workbooks) {
    const store = await createSheetStore(w.location, io.env);
    const exists = await store.exists();
    const tabs: Record<string, number | null> = {};
    if (exists) {
      const data = await store.read(w.tabs);
      for (const t of w.tabs) tabs[t] = data.get(t)?.rows.length ?? null;
    }
    (result.workbooks as unknown[]).push({ role: w.role, label: store.label, exists, rows: tabs });
    lines.push(`${w.role}: ${store.label}${exists ? '' : ' (missing: run productops init)'}`);
    for (const [t, n] of Object.entries(tabs))
      lines.push(`  ${t}: ${n === null ? 'missing tab' : `${n} rows`}`);
  }
  const url = config.database.url;
  const dbInfo: Record<string, unknown> = { url: redactDatabaseUrl(url) };
  const sqliteMissing = url.startsWith('sqlite:') && url !== 'sqlite::memory:' && !existsSync(url.slice(7));
  if (sqliteMissing) {
    dbInfo.exists = false;
    dbInfo.lastRun = null;
    lines.push(`database: ${redactDatabaseUrl(url)} (not created yet)`);
    lines.push(describeRun(null));
  } else {
    const database = await createDatabase(url, { baseDir: config.baseDir });
    try {
      const initiatives = await database.db
        .selectFrom('initiatives')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      const runs = await database.db
        .selectFrom('runs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      const ranked = await database.db
        .selectFrom('initiatives')
        .where('rank', 'is not', null)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      dbInfo.initiatives = Number(initiatives?.n ?? 0);
      dbInfo.ranked = Number(ranked?.n ?? 0);
      dbInfo.runs = Number(runs?.n ?? 0);
      dbInfo.lastRun = await lastRun(database);
      lines.push(`database: ${database.displayUrl} (${dbInfo.initiatives} initiatives, ${dbInfo.runs} runs)`);
      lines.push(describeRun(dbInfo.lastRun as LastRun | null));
      lines.push(`ranked: ${dbInfo.ranked} of ${dbInfo.initiatives} initiatives`);
    } finally {
      await database.close();
    }
  }
  result.database = dbInfo;
  // A base URL may carry a proxy's password (`http://user:password@host/v1`): it is shown masked.
  const baseUrl = config.llm.baseUrl === null ? null : redactUrls(config.llm.baseUrl);
  result.llm = { configured: config.llm.configured, model: config.llm.model, baseUrl };
  lines.push(
    config.llm.configured
      ? `LLM: ${config.llm.model} at ${baseUrl ?? 'the OpenAI API'}`
      : 'LLM: not configured (set OPENAI_API_KEY, or llm.baseUrl for a local server)',
  );
  if (options.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
