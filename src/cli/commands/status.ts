/** `productops status`: what is configured and how many rows each tab has; writes nothing. */
import { existsSync } from 'node:fs';
import { createDatabase } from '../../db/database.js';
import { redactDatabaseUrl } from '../../db/database-url.js';
import { redactUrls } from '../../shared/redact.js';
import { createSheetStore } from '../../sheets/index.js';
import { type CliIo, EXIT, type GlobalOptions } from '../io.js';
import { workspaceConfig } from './workspace.js';

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
    lines.push(`database: ${redactDatabaseUrl(url)} (not created yet)`);
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
      dbInfo.initiatives = Number(initiatives?.n ?? 0);
      dbInfo.runs = Number(runs?.n ?? 0);
      lines.push(`database: ${database.displayUrl} (${dbInfo.initiatives} initiatives, ${dbInfo.runs} runs)`);
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
  else io.stderr(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
