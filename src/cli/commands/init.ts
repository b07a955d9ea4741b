/** `productops init`: creates missing workbooks, tabs and header columns; never deletes or reorders. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE, defaultConfigFile } from '../../config/index.js';
import {
  backlogTab,
  headerOf,
  mathModelsTab,
  missingColumns,
  type NewTab,
  newTab,
  normalizeHeader,
  paramsTab,
  scoringTab,
  type TabData,
  withHeaders,
} from '../../sheets/index.js';
import { type CliIo, EXIT, type GlobalOptions } from '../io.js';
import { openWorkspace } from './workspace.js';

/** Writes the default config when there is none; returns its path when it wrote one. */
export function ensureConfigFile(options: GlobalOptions, io: CliIo): string | undefined {
  const file = resolve(io.cwd, options.config ?? io.env.PRODUCTOPS_CONFIG ?? DEFAULT_CONFIG_FILE);
  if (existsSync(file)) return undefined;
  if (options.dryRun) return file;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(defaultConfigFile(), null, 2)}\n`);
  return file;
}

export async function initCommand(options: GlobalOptions, io: CliIo): Promise<number> {
  const lines: string[] = [];
  const configFile = ensureConfigFile(options, io);
  if (configFile) lines.push(`${options.dryRun ? 'would write' : 'wrote'} ${configFile}`);
  const ws = await openWorkspace({ ...options, config: configFile ?? options.config }, io, {
    requireWorkbooks: false,
  });
  const added: Record<string, unknown>[] = [];
  const blockers: string[] = [];
  try {
    const { config } = ws;
    const backlogSpec = withHeaders(backlogTab, config.columns.backlog);
    const scoringSpec = withHeaders(scoringTab, config.columns.scoring);
    const mathModelsSpec = withHeaders(mathModelsTab, config.columns.mathModels);
    const paramsSpec = withHeaders(paramsTab, config.columns.params);
    const plans = [
      { store: ws.backlog, tabs: [[backlogSpec, newTab(backlogSpec, config.backlog.tab)] as const] },
      {
        store: ws.productOps,
        tabs: [
          [scoringSpec, newTab(scoringSpec, config.productOps.tabs.scoring)] as const,
          [mathModelsSpec, newTab(mathModelsSpec, config.productOps.tabs.mathModels)] as const,
          [paramsSpec, newTab(paramsSpec, config.productOps.tabs.params)] as const,
        ],
      },
    ];
    // Plan every workbook before changing any, so a dry run says exactly what init would add and a
    // tab whose required header was cleared stops init before anything is written.
    const planned = [];
    for (const { store, tabs } of plans) {
      const exists = await store.exists();
      const data = exists ? await store.read(tabs.map(([, t]) => t.name)) : new Map<string, TabData | null>();
      const toEnsure: NewTab[] = [];
      const result = { tabsAdded: [] as string[], headersAdded: [] as { tab: string; header: string }[] };
      for (const [spec, tab] of tabs) {
        const existing = data.get(tab.name);
        if (!existing) {
          result.tabsAdded.push(tab.name);
          toEnsure.push(tab);
          continue;
        }
        const { missing, blockers: stop } = missingColumns(spec, existing);
        blockers.push(...stop);
        const adding = new Set(missing.map(headerOf));
        const header = new Set(existing.header.map(normalizeHeader));
        result.headersAdded.push(...missing.map((c) => ({ tab: existing.name, header: headerOf(c) })));
        // A column present under an alias is not added again under its own name.
        toEnsure.push({
          ...tab,
          headers: tab.headers.filter((h) => adding.has(h) || header.has(normalizeHeader(h))),
        });
      }
      planned.push({ store, toEnsure, result });
    }
    if (blockers.length === 0) {
      for (const { store, toEnsure, result } of planned) {
        if (options.dryRun) {
          for (const t of result.tabsAdded) lines.push(`would add tab '${t}' to ${store.label}`);
          for (const h of result.headersAdded)
            lines.push(`would add column '${h.header}' to tab '${h.tab}' of ${store.label}`);
          added.push({ workbook: store.label, ...result });
          continue;
        }
        const done = await store.ensureTabs(toEnsure);
        for (const t of done.tabsAdded) lines.push(`added tab '${t}' to ${store.label}`);
        for (const h of done.headersAdded)
          lines.push(`added column '${h.header}' to tab '${h.tab}' of ${store.label}`);
        added.push({ workbook: store.label, ...done });
      }
    }
  } finally {
    await ws.close();
  }
  if (blockers.length > 0) {
    if (options.json)
      io.stdout(`${JSON.stringify({ ok: false, dryRun: options.dryRun, errors: blockers }, null, 2)}\n`);
    else io.stderr(`${blockers.join('\n')}\n`);
    return EXIT.failed;
  }
  if (lines.length === 0) lines.push('Everything is in place: nothing to add.');
  if (options.json)
    io.stdout(
      `${JSON.stringify({ ok: true, dryRun: options.dryRun, changes: added, messages: lines }, null, 2)}\n`,
    );
  else if (!options.quiet) io.stderr(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
