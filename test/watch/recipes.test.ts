/**
 * The scheduled-run recipes stay true: the GitHub Actions workflow parses and has the shape GitHub
 * expects, the systemd units and the cron line are well formed, and every productops command line
 * they run is a real command with real options.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const WORKFLOW = 'examples/github-actions/productops.yml';

/** Debian's PyYAML, when installed: there is no YAML parser among the project's dependencies. */
const PYTHON = '/usr/bin/python3';
const hasPyYaml = spawnSync(PYTHON, ['-c', 'import yaml']).status === 0;

function parseYaml(path: string): unknown {
  const script = 'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)';
  const result = spawnSync(PYTHON, ['-c', script, join(ROOT, path)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${path} does not parse as YAML:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** The words after `productops` on a command line, up to a shell operator. */
function commandLine(text: string): string[] {
  const words: string[] = [];
  for (const word of text.trim().split(/\s+/)) {
    if (['>>', '>', '2>&1', '&&', '||', '|', ';'].includes(word)) break;
    words.push(word);
  }
  return words;
}

/** Checks that `productops WORDS` names a command and only options that command has. */
async function assertRealCommand(words: string[]): Promise<void> {
  const firstOption = words.findIndex((word) => word.startsWith('-'));
  const command = firstOption === -1 ? words : words.slice(0, firstOption);
  const options = words.filter((word) => word.startsWith('--'));
  const help = await runCli([...command, '--help'], ROOT);
  expect(help.code, `productops ${command.join(' ')} --help: ${help.stderr}`).toBe(0);
  expect(help.stdout).toMatch(new RegExp(`^Usage: productops ${command.join(' ')} `));
  for (const option of options) expect(help.stdout, `productops ${command.join(' ')}`).toContain(option);
}

/** One cron field: `*`, `*\/n`, or a list of `a`, `a-b`, `a-b/n`, each within [min, max]. */
function cronFieldIsValid(field: string, min: number, max: number): boolean {
  return field.split(',').every((part) => {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return false;
    const [, , from, to, step] = match;
    const inRange = (n: string | undefined) => n === undefined || (Number(n) >= min && Number(n) <= max);
    return inRange(from) && inRange(to) && (step === undefined || Number(step) > 0);
  });
}

const CRON_RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

function cronIsValid(schedule: string): boolean {
  const fields = schedule.trim().split(/\s+/);
  return fields.length === 5 && fields.every((field, i) => cronFieldIsValid(field, ...CRON_RANGES[i]!));
}

describe('the cron field check', () => {
  it.each([
    ['*/30 7-18 * * 1-5', true],
    ['0 9 * * mon', false],
    ['61 * * * *', false],
    ['*/30 7-18 * *', false],
  ])('%s → %s', (schedule, valid) => {
    expect(cronIsValid(schedule)).toBe(valid);
  });
});

describe('the GitHub Actions workflow', () => {
  const text = read(WORKFLOW);

  it('is plain YAML: spaces only, even indentation, the keys GitHub reads at the top', () => {
    const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
    expect(text).not.toContain('\t');
    // Inside `run: |` blocks the shell's own indentation is free; elsewhere steps of two.
    expect(
      lines.filter((line) => /^ *[\w-]+:/.test(line) && (line.length - line.trimStart().length) % 2 !== 0),
    ).toEqual([]);
    expect(lines.filter((line) => /^\S/.test(line)).map((line) => line.split(':')[0])).toEqual([
      'name',
      'on',
      'concurrency',
      'permissions',
      'jobs',
    ]);
    expect(text.match(/\$\{\{/g)?.length).toBe(text.match(/\}\}/g)?.length);
  });

  it.skipIf(!hasPyYaml)(
    'parses (PyYAML) into a scheduled job whose steps each use an action or run a command',
    () => {
      // Skipped where Debian's python3-yaml is not installed: the structural check above still runs.
      const workflow = parseYaml(WORKFLOW) as Record<string, unknown>;
      // YAML 1.1 (PyYAML) reads the key `on` as the boolean true.
      const on = (workflow.on ?? workflow.true) as {
        schedule: { cron: string }[];
        workflow_dispatch: unknown;
      };
      expect(on.schedule.length).toBeGreaterThan(0);
      for (const { cron } of on.schedule) expect(cronIsValid(cron), cron).toBe(true);
      expect('workflow_dispatch' in on).toBe(true);
      expect(workflow.concurrency).toEqual({ group: 'productops', 'cancel-in-progress': false });
      const jobs = workflow.jobs as Record<string, { 'runs-on': string; steps: Record<string, unknown>[] }>;
      const steps = Object.values(jobs).flatMap((job) => {
        expect(job['runs-on']).toBe('ubuntu-latest');
        return job.steps;
      });
      for (const step of steps) {
        expect('uses' in step !== 'run' in step, JSON.stringify(step)).toBe(true);
        if ('uses' in step) expect(step.uses).toMatch(/^actions\/[\w-]+@v\d+$/);
      }
      // The database artifact is uploaded under the name it is downloaded by.
      const upload = steps.find((step) => String(step.uses).startsWith('actions/upload-artifact'))!;
      const name = (upload.with as { name: string }).name;
      expect(steps.some((step) => String(step.run ?? '').includes(`--name ${name}`))).toBe(true);
    },
  );

  it('uses only the secrets its header asks for', () => {
    const header = text.slice(0, text.indexOf('\nname:'));
    const used = [...new Set([...text.matchAll(/secrets\.(\w+)/g)].map((m) => m[1]!))];
    expect(used.sort()).toEqual(['DATABASE_URL', 'GOOGLE_SERVICE_ACCOUNT_KEY', 'OPENAI_API_KEY']);
    for (const secret of used) expect(header).toContain(secret);
  });

  it('runs only real productops commands', async () => {
    const commands = [...text.matchAll(/\bnpx productops ([^\n]*)/g)].map((m) => commandLine(m[1]!));
    expect(commands.map((c) => c[0])).toEqual(['status', 'run']);
    for (const command of commands) await assertRealCommand(command);
  });
});

/** `[Section]` → key → values (a key may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(\w+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const entry = /^(\w+)=(.*)$/.exec(line);
    if (!entry || !current) throw new Error(`not a unit file line: ${raw}`);
    current.set(entry[1]!, [...(current.get(entry[1]!) ?? []), entry[2]!]);
  }
  return sections;
}

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('the systemd units', () => {
  it.each([
    ['examples/systemd/productops.service', 'oneshot', 'run'],
    ['examples/systemd/productops-watch.service', 'simple', 'watch'],
  ])('%s is a %s service that runs a real productops command', async (path, type, verb) => {
    const unit = parseUnit(read(path));
    expect([...unit.keys()]).toEqual(expect.arrayContaining(['Unit', 'Service']));
    const service = unit.get('Service')!;
    expect(service.get('Type')).toEqual([type]);
    const [execStart] = service.get('ExecStart')!;
    // systemd wants an absolute path to the program.
    expect(execStart).toMatch(/^\/\S*\/productops /);
    const words = commandLine(execStart!.replace(/^\S+ /, ''));
    expect(words[0]).toBe(verb);
    await assertRealCommand(words);
  });

  it('the timer fires on a schedule systemd understands and starts productops.service', () => {
    const timer = parseUnit(read('examples/systemd/productops.timer'));
    const [calendar] = timer.get('Timer')!.get('OnCalendar')!;
    expect(calendar).toBeDefined();
    // Without Unit=, a timer starts the service of its own name: productops.timer → productops.service.
    expect(timer.get('Timer')!.has('Unit')).toBe(false);
    expect(timer.get('Install')!.get('WantedBy')).toEqual(['timers.target']);
    if (hasSystemdAnalyze) {
      // Skipped where systemd is not installed: the rest of the check still runs.
      const result = spawnSync('systemd-analyze', ['calendar', calendar!], { encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
    }
    // docs/team.md quotes the same schedule.
    expect(read('docs/team.md')).toContain(`systemd-analyze calendar '${calendar}'`);
  });
});

describe('the cron recipe in docs/team.md', () => {
  it('has a valid schedule and runs a real productops command', async () => {
    const block = /```cron\n([\s\S]*?)```/.exec(read('docs/team.md'))?.[1];
    expect(block).toBeDefined();
    const entries = block!
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#') && !/^\w+=/.test(line));
    expect(entries).toHaveLength(1);
    const fields = entries[0]!.trim().split(/\s+/);
    expect(cronIsValid(fields.slice(0, 5).join(' '))).toBe(true);
    // `cd /srv/productops && productops run …`: the program, not the folder.
    const command = /(?:^|\s)productops (.*)$/.exec(fields.slice(5).join(' '))?.[1] ?? '';
    const words = commandLine(command);
    expect(words).toEqual(['run', '--quiet']);
    await assertRealCommand(words);
  });
});
