/**
 * `productops demo [DIR]`: a config and two sample workbooks in DIR, then `run` there, then the
 * ranked backlog. Offline, no account, no key. Run again, it reuses what DIR already has.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG_FILE, defaultConfigFile } from '../../config/index.js';
import { type DemoTab, demoWorkbooks } from '../../demo/index.js';
import {
  backlogTab,
  mathModelsTab,
  newTab,
  paramsTab,
  type SheetStore,
  scoringTab,
  type TabSpec,
  XlsxSheetStore,
} from '../../sheets/index.js';
import { type CliIo, EXIT, type GlobalOptions } from '../io.js';
import { rankingTable } from '../summary.js';
import { ALL_FLOWS, runCommand } from './flows.js';

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

export const DEMO_PLANTED_NOTE =
  'The demo workbooks contain mistakes planted on purpose, the kind a PM makes: the warnings below are those examples, not a problem with your setup.';

/** `productops` on the PATH, not counting the node_modules/.bin folders npm and npx add for one command. */
function productopsOnPath(env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '')
    .split(delimiter)
    .filter((folder) => folder !== '' && !folder.split(sep).includes('node_modules'))
    .some((folder) => {
      try {
        return statSync(join(folder, 'productops')).isFile();
      } catch {
        return false;
      }
    });
}

const shellWord = (text: string) =>
  /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;

/**
 * What to type next, from the demo folder. Not `npx productops`: outside a clone, npx looks the
 * name up in the npm registry, where no such package is published.
 */
export function nextStepHint(folder: string, io: CliIo): string {
  const fromHere = relative(io.cwd, folder);
  const outside = fromHere.startsWith('..') || isAbsolute(fromHere);
  const cd = `cd ${shellWord(fromHere === '' ? '.' : outside ? folder : fromHere)}`;
  if (productopsOnPath(io.env)) {
    return `Next: open the workbooks in ${folder}/workbooks, change a value or approve a formula, save, then:\n  ${cd}\n  productops run`;
  }
  // dist/ is built by `npm install` in the clone: src/cli/commands and dist/cli/commands sit three folders below its root.
  const bin = join(fileURLToPath(new URL('../../../', import.meta.url)), 'dist', 'cli', 'bin.js');
  return [
    `Next: open the workbooks in ${folder}/workbooks, change a value or approve a formula, save, then:`,
    `  ${cd}`,
    `  node ${shellWord(bin)} run`,
    "To type 'productops run' instead, put the command on your PATH: run 'npm install -g .' (or 'npm link') in the productops folder.",
  ].join('\n');
}

export async function demoCommand(
  dir: string | undefined,
  options: GlobalOptions,
  io: CliIo,
  /** How many ranked rows to print; Infinity for all. */
  rankingLimit = Number.POSITIVE_INFINITY,
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
    [DEMO_PLANTED_NOTE],
  );
  if (!options.json) {
    if (rankingLimit > 0) {
      io.stdout(
        `\nRanked backlog (${folder}/workbooks/central-backlog.xlsx):\n${rankingTable(report, rankingLimit)}\n`,
      );
    }
    io.stdout(`\n${nextStepHint(folder, io)}\n`);
  }
  return code === EXIT.ok || code === EXIT.warnings ? code : EXIT.failed;
}
