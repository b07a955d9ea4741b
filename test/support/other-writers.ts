/**
 * The other programs that write .xlsx files, driven from tests: LibreOffice (`soffice`, headless)
 * and openpyxl (through the system Python). They prove the xlsx store against files it did not
 * write itself. Both are installed on CI (`.ci/run`); on a machine without them the tests that need
 * them skip and say why, but under CI (`process.env.CI`) a missing tool fails the test instead, so
 * CI never passes by silently skipping.
 *
 * LibreOffice is slow to start (seconds on a small machine), so every helper takes many files and
 * converts them with ONE `soffice` process. Each call gets its own throw-away user profile: two
 * `soffice` processes sharing a profile hand their work to each other or refuse to start, and test
 * files run in parallel.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The system Python, where the distribution's openpyxl (python3-openpyxl) is installed. */
export const PYTHON = '/usr/bin/python3';
/** LibreOffice as the distribution installs it (libreoffice-calc). */
export const SOFFICE = '/usr/bin/soffice';
/** The fixture scripts (`kitchen_sink.py`, `chart_workbooks.py`, `edit_like_a_person.py`). */
export const FIXTURE_SCRIPTS = resolve(import.meta.dirname, '../fixtures/other-writers');

/** A cold start plus a few conversions takes 5–20 s on a 2-core machine; leave a wide margin. */
const SOFFICE_TIMEOUT_MS = 180_000;
const PYTHON_TIMEOUT_MS = 60_000;

/**
 * LibreOffice 7.2+ CSV export options: `,` separator, `"` quotes, UTF-8, values rather than
 * formulas, and sheet `-1`: every sheet to its own `NAME-SheetName.csv`. Numbers keep their number
 * format's look in this export even with "as shown" off (0.8 formatted `0%` comes out as `80%`).
 */
const CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1';
const XLSX_FILTER = 'xlsx:Calc MS Excel 2007 XML';

let libreOffice: boolean | undefined;
let openpyxl: boolean | undefined;

export function hasLibreOffice(): boolean {
  libreOffice ??= existsSync(SOFFICE);
  return libreOffice;
}

export function hasOpenpyxl(): boolean {
  openpyxl ??=
    existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import openpyxl'], { stdio: 'ignore' }).status === 0;
  return openpyxl;
}

/** Why the other writers cannot run here, or null when both are installed. */
export function missingOtherWriters(): string | null {
  const missing: string[] = [];
  if (!hasLibreOffice()) missing.push(`LibreOffice (${SOFFICE}; apt-get install libreoffice-calc)`);
  if (!hasOpenpyxl()) missing.push(`openpyxl for ${PYTHON} (apt-get install python3-openpyxl)`);
  return missing.length === 0 ? null : `not installed: ${missing.join(', ')}`;
}

/**
 * Call first in every test that needs the other writers, with the test's context. Without them the
 * test is skipped with the reason; under CI it fails instead.
 */
export function requireOtherWriters(context: { skip: (note?: string) => never }): void {
  const missing = missingOtherWriters();
  if (missing === null) return;
  if (process.env.CI) {
    throw new Error(
      `${missing}. CI must run the other-writer tests, never skip them: install them in .ci/run.`,
    );
  }
  context.skip(missing);
}

interface Output {
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], timeout: number, cwd?: string): Promise<Output> {
  return new Promise((done, fail) => {
    execFile(
      command,
      args,
      {
        cwd,
        timeout,
        maxBuffer: 64 * 1024 * 1024,
        // No byte-code files beside the fixture scripts; no user site packages shadowing openpyxl.
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONNOUSERSITE: '1' },
      },
      (error, stdout, stderr) => {
        if (error) {
          fail(
            new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}`, { cause: error }),
          );
        } else {
          done({ stdout, stderr });
        }
      },
    );
  });
}

/** Runs a fixture script with the system Python; returns what it printed on stdout. */
export async function runPython(script: string, args: string[]): Promise<string> {
  const { stdout } = await run(PYTHON, [join(FIXTURE_SCRIPTS, script), ...args], PYTHON_TIMEOUT_MS);
  return stdout;
}

/** One `soffice --convert-to` over many files, with a private profile that is removed afterwards. */
async function convertWithLibreOffice(files: string[], filter: string, outDir: string): Promise<Output> {
  const bases = files.map((file) => basename(file, extname(file)));
  if (new Set(bases).size !== bases.length) {
    throw new Error(
      `LibreOffice writes NAME.ext into one folder, so these names collide: ${files.join(', ')}`,
    );
  }
  await mkdir(outDir, { recursive: true });
  const profile = await mkdtemp(join(tmpdir(), 'productops-soffice-profile-'));
  try {
    return await run(
      SOFFICE,
      [
        '--headless',
        '--norestore',
        `-env:UserInstallation=${pathToFileURL(profile).href}`,
        '--convert-to',
        filter,
        '--outdir',
        outDir,
        ...files.map((file) => resolve(file)),
      ],
      SOFFICE_TIMEOUT_MS,
    );
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/**
 * Opens every file in LibreOffice Calc and saves it as .xlsx into `outDir` (same base name), as a
 * person does with File → Save As. Returns the saved paths, in the order given.
 */
export async function resaveWithLibreOffice(files: string[], outDir: string): Promise<string[]> {
  const output = await convertWithLibreOffice(files, XLSX_FILTER, outDir);
  const saved = files.map((file) => join(outDir, `${basename(file, extname(file))}.xlsx`));
  const missing = saved.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`LibreOffice did not save ${missing.join(', ')}:\n${output.stdout}\n${output.stderr}`);
  }
  return saved;
}

/** Every sheet of each file as LibreOffice shows it, by file (as given), then by tab name. */
export async function libreOfficeCsvs(files: string[]): Promise<Map<string, Map<string, string[][]>>> {
  const outDir = await mkdtemp(join(tmpdir(), 'productops-soffice-csv-'));
  try {
    const output = await convertWithLibreOffice(files, CSV_FILTER, outDir);
    // soffice names each sheet's file as it writes it: "Writing sheet Params -> /out/book-Params.csv".
    const result = new Map<string, Map<string, string[][]>>();
    let current: Map<string, string[][]> | undefined;
    for (const line of output.stdout.split('\n')) {
      const converting = /^convert (.+?)(?: -> .+)? using filter/.exec(line);
      if (converting) {
        const index = files.findIndex((file) => resolve(file) === converting[1]);
        current = new Map();
        if (index >= 0) result.set(files[index]!, current);
        continue;
      }
      const writing = /^Writing sheet (.*) -> (.+\.csv)$/.exec(line.trimEnd());
      if (writing && current) {
        current.set(writing[1]!, parseCsv(await readFile(writing[2]!, 'utf8')));
      }
    }
    const missing = files.filter((file) => !result.get(file)?.size);
    if (missing.length > 0) {
      throw new Error(
        `LibreOffice exported no sheet of ${missing.join(', ')}:\n${output.stdout}\n${output.stderr}`,
      );
    }
    return result;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/** Every sheet of the workbook as LibreOffice shows it: tab name → rows of cell texts. */
export async function libreOfficeCsv(file: string): Promise<Map<string, string[][]>> {
  return (await libreOfficeCsvs([file])).get(file)!;
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (at < text.length) {
    const char = text[at]!;
    if (quoted) {
      if (char === '"' && text[at + 1] === '"') {
        field += '"';
        at += 2;
        continue;
      }
      if (char === '"') quoted = false;
      else field += char;
      at++;
      continue;
    }
    if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (char === '\r' && text[at + 1] === '\n') at++;
    } else field += char;
    at++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
