/**
 * `productops demo [DIR]`: a config and two sample workbooks in DIR, then `run` there, then the
 * ranked backlog. Offline, no account, no key. Run again, it reuses what DIR already has.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE, defaultConfigFile } from '../../config/config.js';
import { type DemoTab, demoWorkbooks } from '../../demo/demo-data.js';
import type { SheetStore } from '../../sheets/sheet-store.js';
import { backlogTab, mathModelsTab, paramsTab, scoringTab, type TabSpec } from '../../sheets/tabs.js';
import { XlsxSheetStore } from '../../sheets/xlsx/xlsx-sheet-store.js';
import { type CliIo, EXIT, type GlobalOptions } from '../io.js';
import { rankingTable } from '../summary.js';
import { ALL_FLOWS, runCommand } from './flows.js';
import { newTab } from './init.js';

async function writeWorkbook(store: SheetStore, tabs: { spec: TabSpec; data: DemoTab }[]): Promise<void> {
  await store.ensureTabs(tabs.map((t) => newTab(t.spec, t.spec.defaultName)));
  const current = await store.read(tabs.map((t) => t.spec.defaultName));
  await store.write(
    tabs.map(({ spec, data }) => {
      const header = current.get(spec.defaultName)!.header.map(String);
      const index = data.headers.map((h) => header.indexOf(h));
      return {
        tab: spec.defaultName,
        appends: data.rows.map((row) => {
          const cells = Array.from({ length: header.length }, () => null as string | number | boolean | null);
          row.forEach((v, i) => {
            if (index[i]! >= 0) cells[index[i]!] = v;
          });
          return cells;
        }),
      };
    }),
  );
}

export async function demoCommand(
  dir: string | undefined,
  options: GlobalOptions,
  io: CliIo,
): Promise<number> {
  const folder = resolve(io.cwd, dir ?? 'productops-demo');
  const configFile = join(folder, DEFAULT_CONFIG_FILE);
  const fresh = !existsSync(configFile);
  if (fresh && options.dryRun) {
    // A dry run writes nothing anywhere, and a demo that does not exist yet has nothing to read.
    const message = `A dry run writes nothing: 'productops demo' would write a config and two sample workbooks to ${folder} and run there. Run it without --dry-run.`;
    if (options.json) io.stdout(`${JSON.stringify({ ok: true, dryRun: true, notes: [message] }, null, 2)}\n`);
    else if (!options.quiet) io.stderr(`${message}\n`);
    return EXIT.ok;
  }
  if (fresh) {
    mkdirSync(join(folder, 'workbooks'), { recursive: true });
    writeFileSync(configFile, `${JSON.stringify(defaultConfigFile(), null, 2)}\n`);
    const data = demoWorkbooks();
    await writeWorkbook(new XlsxSheetStore(join(folder, 'workbooks/central-backlog.xlsx')), [
      { spec: backlogTab, data: data.backlog },
    ]);
    await writeWorkbook(new XlsxSheetStore(join(folder, 'workbooks/productops.xlsx')), [
      { spec: scoringTab, data: data.scoring },
      { spec: mathModelsTab, data: data.mathModels },
      { spec: paramsTab, data: data.params },
    ]);
  }
  if (!options.json && !options.quiet) {
    io.stderr(
      `${fresh ? 'Wrote a demo config and two workbooks to' : 'Using the demo already in'} ${folder}\n`,
    );
  }
  const { code, report } = await runCommand(
    'demo',
    ALL_FLOWS,
    { ...options, config: configFile },
    { ...io, cwd: folder },
    0,
    { off: true },
  );
  if (!options.json) {
    io.stdout(`\nRanked backlog (${folder}/workbooks/central-backlog.xlsx):\n${rankingTable(report, 100)}\n`);
    io.stdout(
      `\nOpen the workbooks, change a value or approve a formula, then run 'npx productops run --config ${configFile}'.\n`,
    );
  }
  return code === EXIT.ok || code === EXIT.warnings ? code : EXIT.failed;
}
