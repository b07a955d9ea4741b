/** `productops init`: creates missing workbooks, tabs and header columns; never deletes or reorders. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE, defaultConfigFile } from '../../config/config.js';
import type { NewTab } from '../../sheets/sheet-store.js';
import {
  backlogTab,
  FRAMEWORKS,
  mathModelsTab,
  paramsTab,
  scoringTab,
  type TabSpec,
} from '../../sheets/tabs.js';
import { type CliIo, EXIT, type GlobalOptions } from '../io.js';
import { openWorkspace } from './workspace.js';

export function newTab(spec: TabSpec, name: string): NewTab {
  const dropdowns: Record<string, string[]> = {};
  for (const c of spec.columns) if (c.type === 'framework') dropdowns[c.name] = [...FRAMEWORKS];
  return {
    name,
    headers: spec.columns.map((c) => c.name),
    dropdowns,
    checkboxes: spec.columns.filter((c) => c.type === 'boolean').map((c) => c.name),
    backendColumns: spec.columns.filter((c) => c.owner === 'backend').map((c) => c.name),
  };
}

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
  try {
    const { config } = ws;
    const plans = [
      { store: ws.backlog, tabs: [newTab(backlogTab, config.backlog.tab)] },
      {
        store: ws.productOps,
        tabs: [
          newTab(scoringTab, config.productOps.tabs.scoring),
          newTab(mathModelsTab, config.productOps.tabs.mathModels),
          newTab(paramsTab, config.productOps.tabs.params),
        ],
      },
    ];
    for (const { store, tabs } of plans) {
      if (options.dryRun) {
        const exists = await store.exists();
        const data = exists ? await store.read(tabs.map((t) => t.name)) : new Map();
        for (const t of tabs)
          if (!data.get(t.name)) lines.push(`would add tab '${t.name}' to ${store.label}`);
        continue;
      }
      const result = await store.ensureTabs(tabs);
      for (const t of result.tabsAdded) lines.push(`added tab '${t}' to ${store.label}`);
      for (const h of result.headersAdded)
        lines.push(`added column '${h.header}' to tab '${h.tab}' of ${store.label}`);
      added.push({ workbook: store.label, ...result });
    }
  } finally {
    await ws.close();
  }
  if (lines.length === 0) lines.push('Everything is in place: nothing to add.');
  if (options.json)
    io.stdout(
      `${JSON.stringify({ ok: true, dryRun: options.dryRun, changes: added, messages: lines }, null, 2)}\n`,
    );
  else if (!options.quiet) io.stderr(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
