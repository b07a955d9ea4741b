/**
 * `productops explain KEY [--since RUN|DATE]` (CLI.md): why an initiative's score and rank changed
 * — between the last two runs that changed its score, or since a run or a date — as a short report
 * or, with --json, one JSON document `{ ok, explanation, message? }`. Reads the database only (the
 * workbooks may be closed or unreachable) and writes nothing.
 */
import { existsSync } from 'node:fs';
import { createDatabase, localDatabaseFile } from '../../db/index.js';
import { type Explanation, explainInitiative, parseSince } from '../../explain/index.js';
import { UsageError } from '../../shared/errors.js';
import { type CliIo, EXIT, type GlobalOptions } from '../io.js';
import { formatNumber } from '../summary.js';
import { workspaceConfig } from './workspace.js';

export async function explainCommand(
  key: string,
  since: string | undefined,
  options: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (since !== undefined) {
    try {
      parseSince(since);
    } catch (e) {
      throw new UsageError(`--since: ${(e as Error).message}`);
    }
  }
  const config = workspaceConfig(options, io);
  const file = localDatabaseFile(config.database.url, config.baseDir);
  if (file !== null && !existsSync(file)) {
    throw new UsageError(
      `no initiative '${key}': there is no database at ${file} yet (run 'productops run' first)`,
    );
  }
  const database = await createDatabase(config.database.url, { baseDir: config.baseDir });
  try {
    const explanation = await explainInitiative(database, key, since === undefined ? {} : { since });
    const message =
      explanation === null
        ? since === undefined
          ? `Nothing to explain yet: the score of ${key} has not changed since it was first recorded. Change a param or a formula, run, then explain again.`
          : `Nothing to explain yet: no score of ${key} is recorded. Run 'productops run' first.`
        : undefined;
    if (options.json) {
      io.stdout(`${JSON.stringify({ ok: true, explanation, ...(message ? { message } : {}) }, null, 2)}\n`);
    } else {
      io.stdout(`${explanation ? report(explanation) : message}\n`);
    }
    return EXIT.ok;
  } finally {
    await database.close();
  }
}

/** How many initiatives that passed it (or fell behind) the report names; --json lists them all. */
const MOVES_SHOWN = 10;

const signed = (v: number | null) => (v === null ? '?' : v > 0 ? `+${formatNumber(v)}` : formatNumber(v));
const shown = (v: number | null) => (v === null ? 'none' : formatNumber(v));
const when = (at: string) => at.slice(0, 16).replace('T', ' ');

/** The explanation as a person reads it: what changed, each change's share, then the rank. */
function report(e: Explanation): string {
  const lines = [
    `${e.key}  ${e.title}`,
    `run ${e.from.run} (${when(e.from.at)}) → run ${e.to.run} (${when(e.to.at)})`,
  ];
  const changes: string[] = [];
  if (e.framework) changes.push(`framework: ${e.framework.from ?? 'none'} → ${e.framework.to ?? 'none'}`);
  if (e.coefficient) {
    changes.push(
      `strategic_priority_coefficient: ${e.coefficient.from ?? 'blank (1)'} → ${e.coefficient.to ?? 'blank (1)'}`,
    );
  }
  if (e.formula) {
    const { from, to } = e.formula.model;
    changes.push(`formula${from === to ? ` (${to})` : ` (${from} → ${to})`}:`);
    const mark = { same: ' ', removed: '-', added: '+' } as const;
    for (const line of e.formula.lines) changes.push(`  ${mark[line.kind]} ${line.text}`);
  }
  for (const p of e.params) {
    const how =
      p.kind === 'changed'
        ? `${formatNumber(p.from)} → ${formatNumber(p.to)}`
        : p.kind === 'added'
          ? `${formatNumber(p.to)} (newly read)`
          : `${formatNumber(p.from)} (no longer read)`;
    changes.push(`param ${p.name}: ${how}`);
  }
  if (e.effortDays) {
    changes.push(`effort_engineering_days: ${shown(e.effortDays.from)} → ${shown(e.effortDays.to)}`);
  }
  lines.push('', ...(changes.length > 0 ? changes : ['nothing of its own changed']));

  const score = (name: string, c: Explanation['value']) =>
    `${name.padEnd(9)}${shown(c.from)} → ${shown(c.to)}${c.change === null || c.change === 0 ? '' : ` (${signed(c.change)})`}`;
  lines.push('', score('value', e.value), score('overall', e.overall));
  if (e.contributions.length > 0) {
    const label = (c: Explanation['contributions'][number]) =>
      c.kind === 'param' ? c.name! : c.kind === 'other' ? 'other (not reproduced)' : (c.name ?? c.kind);
    const rows = [
      ['explained by', 'value', 'overall'],
      ...e.contributions.map((c) => [label(c), signed(c.value), signed(c.overall)]),
    ];
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) {
      lines.push(
        `  ${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padStart(widths[1]!)}  ${r[2]!.padStart(widths[2]!)}`,
      );
    }
  }

  const p = e.priority;
  const parts =
    p.contributions && e.coefficient
      ? ` = ${signed(p.contributions.basis)} from its score, ${signed(p.contributions.coefficient)} from the coefficient`
      : '';
  lines.push(
    '',
    `priority ${shown(p.from)} → ${shown(p.to)}${p.change === null || p.change === 0 ? '' : ` (${signed(p.change)}${parts})`}`,
  );
  const { rank } = e;
  const moved =
    rank.up === null || rank.up === 0 ? '' : rank.up > 0 ? ` (up ${rank.up})` : ` (down ${-rank.up})`;
  lines.push(`rank     ${rank.from ?? 'unranked'} → ${rank.to ?? 'unranked'}${moved}`);
  const who = (title: string, moves: Explanation['rank']['passedBy']) => {
    if (moves.length === 0) return;
    lines.push(`  ${title}:`);
    for (const m of moves.slice(0, MOVES_SHOWN)) {
      lines.push(`    ${m.key}  ${m.title}  (${m.from ?? 'unranked'} → ${m.to ?? 'unranked'})`);
    }
    if (moves.length > MOVES_SHOWN) {
      lines.push(`    … and ${moves.length - MOVES_SHOWN} more (--json lists them all)`);
    }
  };
  who('passed it', rank.passedBy);
  who('fell behind it', rank.fellBehind);
  return lines.join('\n');
}
