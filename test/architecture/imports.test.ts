/**
 * Dependencies point inward (STYLE.md): the formula language and the scoring frameworks do no I/O
 * and know nothing of sheets, the database, the LLM, the flows or the command line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The module specifiers a file imports or re-exports. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'";]*?from\s+['"]([^'"]+)['"]/gm)].map(
    (match) => match[1]!,
  );
}

describe('the core imports nothing from the outer layers', () => {
  it.each(['formula', 'scoring'])('src/%s reaches no sheets, db, llm, flows or cli module', (core) => {
    const offending = sourceFiles(join(SRC, core)).flatMap((file) =>
      importsOf(file)
        .filter((specifier) => /^\.\.\/(sheets|db|llm|flows|cli|config)\//.test(specifier))
        .map((specifier) => `${relative(SRC, file)} imports ${specifier}`),
    );
    expect(offending).toEqual([]);
  });

  it('src/formula imports nothing from outside itself but shared/', () => {
    const offending = sourceFiles(join(SRC, 'formula')).flatMap((file) =>
      importsOf(file)
        .filter((specifier) => specifier.startsWith('../') && !specifier.startsWith('../shared/'))
        .map((specifier) => `${relative(SRC, file)} imports ${specifier}`),
    );
    expect(offending).toEqual([]);
  });
});

/**
 * The folder a module lives in is entered through its index.ts: `src/<folder>/` for every folder
 * but shared/ (a toolbox of leaf modules, imported where used), and the two stores behind
 * sheets/ (`sheets/xlsx/`, `sheets/google/`) from the rest of sheets/. Tests may reach inside.
 */
const OPEN_FOLDERS = new Set(['shared']);
const NESTED_FRONT_DOORS = ['sheets/xlsx', 'sheets/google'];

function frontDoor(importer: string, target: string): string | null {
  const to = relative(SRC, target).split('/');
  const from = relative(SRC, importer).split('/');
  if (to.length < 2 || OPEN_FOLDERS.has(to[0]!)) return null;
  if (from.length === 1 || from[0] !== to[0]) return `${to[0]}/index.ts`;
  for (const nested of NESTED_FRONT_DOORS) {
    const parts = nested.split('/');
    const inside = (path: string[]) => parts.every((p, i) => path[i] === p);
    if (inside(to) && !inside(from)) return `${nested}/index.ts`;
  }
  return null;
}

describe('folders reach each other only through their index.ts', () => {
  it('no module imports a file behind another folder’s front door', () => {
    const offending = sourceFiles(SRC).flatMap((file) =>
      importsOf(file)
        .filter((specifier) => specifier.startsWith('.'))
        .flatMap((specifier) => {
          const target = join(file, '..', specifier).replace(/\.js$/, '.ts');
          const door = frontDoor(file, target);
          return door && relative(SRC, target) !== door
            ? [`${relative(SRC, file)} imports ${specifier} (use ${door})`]
            : [];
        }),
    );
    expect(offending).toEqual([]);
  });

  it('knows a front door when it sees one', () => {
    expect(frontDoor(join(SRC, 'flows/run.ts'), join(SRC, 'db/repositories/sequences.ts'))).toBe(
      'db/index.ts',
    );
    expect(frontDoor(join(SRC, 'sheets/index.ts'), join(SRC, 'sheets/xlsx/xlsx-sheet-store.ts'))).toBe(
      'sheets/xlsx/index.ts',
    );
    expect(frontDoor(join(SRC, 'sheets/xlsx/worksheet-xml.ts'), join(SRC, 'sheets/read-tab.ts'))).toBeNull();
    expect(frontDoor(join(SRC, 'flows/run.ts'), join(SRC, 'shared/errors.ts'))).toBeNull();
  });
});

describe('flows read cells through typed records and the change ledger', () => {
  it('no file under src/flows reads a cell by a string column name', () => {
    const offending = sourceFiles(join(SRC, 'flows'))
      .filter((file) => !file.endsWith('ledger.ts'))
      .flatMap((file) => {
        const text = readFileSync(file, 'utf8');
        const found = [
          ...text.matchAll(/\bcell\(|\bchanges\.\w+\.(?:current|original|pending|set)\(|\bcellLink\(/g),
        ].map((m) => m[0]);
        return found.map((call) => `${relative(SRC, file)} calls ${call}`);
      });
    expect(offending).toEqual([]);
  });
});
