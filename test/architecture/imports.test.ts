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
