/**
 * The user docs stay true: every link in README.md and docs/ leads to a file (and heading) that
 * exists, every command and option `productops --help` shows is in docs/cli.md, and every column of
 * every tab is in docs/workbooks.md under its tab, with the owner the code gives it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allTabs, type Owner } from '../../src/sheets/tabs.js';
import { runCli } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DOCS = join(ROOT, 'docs');
const read = (file: string) => readFileSync(file, 'utf8');
const documents = [
  join(ROOT, 'README.md'),
  ...readdirSync(DOCS)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(DOCS, name)),
];

/** GitHub's anchor for a heading: lower-case, punctuation dropped, spaces → `-`. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  return new Set([...withoutCode.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!)));
}

/** `[text](target)` links outside code blocks and code spans. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

describe('docs links', () => {
  it('has the three user docs, linked from the README', () => {
    const readme = links(read(join(ROOT, 'README.md')));
    for (const doc of ['docs/workbooks.md', 'docs/formulas.md', 'docs/cli.md']) expect(readme).toContain(doc);
  });

  it.each(documents.map((file) => [file.slice(ROOT.length + 1), file]))(
    '%s links only to files and headings that exist',
    (_name, file) => {
      const broken: string[] = [];
      for (const target of links(read(file))) {
        if (/^[a-z]+:/i.test(target)) continue; // https:, mailto: — not ours to check offline
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const linked = path ? resolve(dirname(file), path) : file;
        if (!existsSync(linked)) broken.push(`${target}: no such file`);
        else if (anchor && linked.endsWith('.md') && !anchors(read(linked)).has(anchor))
          broken.push(`${target}: no such heading`);
      }
      expect(broken).toEqual([]);
    },
  );
});

/** Command names and long options listed in one `--help` text. */
function parseHelp(help: string): { commands: string[]; options: string[] } {
  const section = /\nCommands:\n([\s\S]*?)(?:\n\n|$)/.exec(help)?.[1] ?? '';
  const commands = [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
  const options = [...help.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!);
  return { commands, options: options.filter((option) => option !== '--help') };
}

describe('docs/cli.md', () => {
  it('lists every command and option that --help shows', async () => {
    const cli = read(join(DOCS, 'cli.md'));
    const missing: string[] = [];
    const seen: string[] = [];
    const visit = async (path: string[]) => {
      seen.push(path.join(' '));
      const { stdout, code } = await runCli([...path, '--help'], ROOT);
      expect(code, path.join(' ')).toBe(0);
      const { commands, options } = parseHelp(stdout);
      for (const option of options)
        if (!cli.includes(`\`${option}`)) missing.push(`${path.join(' ')} ${option}`);
      if (path.length > 0 && commands.length === 0 && !cli.includes(`\`productops ${path.join(' ')}`))
        missing.push(`productops ${path.join(' ')}`);
      for (const command of commands) await visit([...path, command]);
    };
    await visit([]);
    expect(seen).toEqual(expect.arrayContaining(['run', 'init', 'scoring compute', 'formula eval']));
    expect(missing).toEqual([]);
  });
});

const OWNER_WORDS: Record<Owner, string> = {
  pm: 'PM',
  backend: 'computed',
  llm: 'LLM',
  shared: 'shared',
  key: 'key',
  seeded: 'seeded',
};

describe('docs/workbooks.md', () => {
  const doc = read(join(DOCS, 'workbooks.md'));
  it.each(allTabs.map((tab) => [tab.defaultName, tab]))(
    'lists every column of %s under its tab, with its owner',
    (name, tab) => {
      const section = new RegExp(`\\n## [^\\n]*tab \`${name}\`[^\\n]*\\n([\\s\\S]*?)(?=\\n## |$)`).exec(
        doc,
      )?.[1];
      expect(section, `a section for the tab ${name}`).toBeDefined();
      const rows = new Map(
        [...section!.matchAll(/^\|\s*([a-z_0-9]+)\s*\|[^|]*\|\s*([^|]+?)\s*\|/gm)]
          .filter((m) => m[1] !== 'column')
          .map((m) => [m[1]!, m[2]!.trim()]),
      );
      const wrong = tab.columns
        .filter((column) => rows.get(column.name) !== OWNER_WORDS[column.owner])
        .map(
          (column) =>
            `${column.name}: ${rows.get(column.name) ?? 'missing'}, not ${OWNER_WORDS[column.owner]}`,
        );
      expect(wrong).toEqual([]);
      // And no column the code does not have.
      expect([...rows.keys()].filter((column) => !tab.columns.some((c) => c.name === column))).toEqual([]);
    },
  );
});
