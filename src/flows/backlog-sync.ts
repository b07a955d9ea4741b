/**
 * Flow 1, backlog sync. First phase (`readBacklog`): the Central Backlog's rows become
 * initiatives; a row with a title and no key gets the next key from the database sequence;
 * duplicated keys are reported and left unscored. Second phase (`writeBacklog`): the active
 * scores, priority, rank and warnings go back to each row, with `updated_at` when anything changed.
 */
import { MAX_SEQUENCE_VALUE } from '../db/repositories/sequences.js';
import { parseFramework } from '../scoring/registry.js';
import { cellText, isBlank, parseBoolean, parseNumber } from '../shared/values.js';
import { cell, type Table } from '../sheets/read-tab.js';
import { backlogTab } from '../sheets/tabs.js';
import { at, changesFor, type Initiative, type RunContext, setBackendCell, step, warn } from './context.js';

const FLOW = 'backlog sync' as const;
const KEY_PATTERN = /^INIT-(\d{6,})$/;
/** The database counter new keys come from. */
export const KEY_SEQUENCE = 'initiative_key';

/** The number of a well-formed key that new keys may continue from; null otherwise. */
function keyNumber(key: string): number | null {
  const m = KEY_PATTERN.exec(key);
  if (!m) return null;
  const n = Number(m[1]);
  return n <= MAX_SEQUENCE_VALUE ? n : null;
}

/** How many Backlog rows need a new key (a title, no key), and the highest key number in use. */
export function keysToIssue(table: Table): { count: number; highest: number } {
  let count = 0;
  let highest = 0;
  for (const row of table.rows) {
    const key = cellText(cell(table, row, 'initiative_key'));
    if (key === '' && cellText(cell(table, row, 'title')) !== '') count++;
    highest = Math.max(highest, keyNumber(key) ?? 0);
  }
  return { count, highest };
}

export function formatKey(n: number): string {
  return `INIT-${String(n).padStart(6, '0')}`;
}

/**
 * The next key's number: from the range reserved in the database for this run, or (a dry run, no
 * database) counted on from the highest key seen.
 */
function nextKeyNumber(ctx: RunContext): number {
  const reserved = ctx.reservedKeys;
  if (reserved && reserved.next <= reserved.last) {
    const n = reserved.next++;
    ctx.sequence = Math.max(ctx.sequence, n);
    return n;
  }
  ctx.sequence += 1;
  return ctx.sequence;
}

export function readBacklog(ctx: RunContext): void {
  const table = ctx.tables.backlog!;
  const changes = changesFor(ctx, 'backlog')!;
  const report = step(ctx, FLOW);
  report.rowsRead = table.rows.length;

  // Keys never come from row positions: the sequence continues above every key ever seen.
  let highest = ctx.memory.sequence;
  for (const row of table.rows) {
    const key = cellText(cell(table, row, 'initiative_key'));
    const n = keyNumber(key);
    if (n !== null) highest = Math.max(highest, n);
    else if (KEY_PATTERN.test(key)) {
      warn(ctx, FLOW, {
        ...at(table, row, 'initiative_key'),
        key,
        message: `initiative_key '${key}' has more than nine digits: it still names this initiative, but new keys do not continue from it`,
      });
    }
  }
  ctx.sequence = highest;

  const byKey = new Map<string, number[]>();
  const candidates: { row: (typeof table.rows)[number]; key: string; title: string }[] = [];
  for (const row of table.rows) {
    const title = cellText(cell(table, row, 'title'));
    let key = cellText(cell(table, row, 'initiative_key'));
    if (title === '') {
      const hasContent = backlogTab.columns.some(
        (c) => c.owner !== 'backend' && c.name !== 'title' && !isBlank(cell(table, row, c.name)),
      );
      if (hasContent) {
        warn(ctx, FLOW, {
          ...at(table, row, 'title'),
          key: key || null,
          message: 'This row has no title, so it is ignored: give it a title to score it',
        });
      }
      continue;
    }
    if (key === '') {
      if (!ctx.include.has(FLOW)) continue; // only backlog sync may write a key
      key = formatKey(nextKeyNumber(ctx));
      changes.set(row, 'initiative_key', key, FLOW);
    }
    candidates.push({ row, key, title });
    byKey.set(key, [...(byKey.get(key) ?? []), row.rowNumber]);
  }

  for (const { row, key, title } of candidates) {
    const rows = byKey.get(key)!;
    if (rows.length > 1) {
      const message = `initiative_key '${key}' is on rows ${rows.join(', ')}: keep it on one row and clear it on the others (a blank key gets a new one)`;
      ctx.duplicateBacklogRows.set(row, message);
      warn(ctx, FLOW, { ...at(table, row, 'initiative_key'), key, message });
      continue;
    }
    const initiative: Initiative = {
      key,
      title,
      row,
      problems: [],
      framework: parseFramework(cell(table, row, 'active_scoring_framework')),
      useMathModel: false,
      coefficient: parseNumber(cell(table, row, 'strategic_priority_coefficient')),
      effortDays: parseNumber(cell(table, row, 'effort_engineering_days')),
      lifecycle: cellText(cell(table, row, 'lifecycle_status'))
        .trim()
        .toLowerCase(),
      models: [],
      scores: {},
      inputWarnings: [],
      mathWarnings: [],
    };
    const useMath = parseBoolean(cell(table, row, 'use_math_model'));
    initiative.useMathModel = useMath.kind === 'ok' && useMath.value;
    ctx.initiatives.set(key, initiative);
  }
  archiveDeleted(ctx, table);
}

/**
 * A key the database knows that no Backlog row carries any more was deleted by a person: its
 * initiative is archived (saved with the memory), so its rows on the other tabs are kept but
 * ignored, said once here rather than as warnings on every run. A row pasted back with the key
 * brings it back.
 */
function archiveDeleted(ctx: RunContext, table: Table): void {
  const onBacklog = new Set(table.rows.map((row) => cellText(cell(table, row, 'initiative_key'))));
  for (const [key, remembered] of ctx.memory.initiatives) {
    if (onBacklog.has(key)) continue;
    ctx.archived.add(key);
    if (remembered.archivedAt !== null) continue;
    warn(ctx, FLOW, {
      ...at(table, null, null),
      key,
      message: `'${remembered.title}' is no longer on the Central Backlog (its row was deleted), so it is archived: its rows on the other tabs are kept but no longer scored. Paste the row back with its key to restore it`,
    });
  }
}

/** Problems with the Backlog's own cells, found after the shared fields were merged. */
export function backlogProblems(ctx: RunContext, i: Initiative): void {
  const table = ctx.tables.backlog!;
  const report = (column: string, message: string) => {
    i.problems.push(message);
    warn(ctx, FLOW, { ...at(table, i.row, column), key: i.key, message });
  };
  if (i.framework.kind === 'bad')
    report('active_scoring_framework', `active_scoring_framework: ${i.framework.message}`);
  if (i.coefficient.kind === 'bad')
    report('strategic_priority_coefficient', `strategic_priority_coefficient: ${i.coefficient.message}`);
  else if (i.coefficient.kind === 'ok' && i.coefficient.value < 0) {
    // Still used as typed (no value is invented), but it ranks the initiative below every one
    // with a positive weight, which is rarely what was meant.
    report(
      'strategic_priority_coefficient',
      `strategic_priority_coefficient is negative (${i.coefficient.value}), which turns the priority upside down: use a positive weight (1 = normal, 2 = twice as important, 0.5 = half)`,
    );
  }
  if (i.effortDays.kind === 'bad')
    report('effort_engineering_days', `effort_engineering_days: ${i.effortDays.message}`);
  else if (i.effortDays.kind === 'ok' && i.effortDays.value < 0) {
    report(
      'effort_engineering_days',
      `effort_engineering_days cannot be negative (got ${i.effortDays.value})`,
    );
    i.effortDays = { kind: 'bad', message: 'negative' };
  }
}

export function writeBacklog(ctx: RunContext): void {
  const table = ctx.tables.backlog!;
  const changes = changesFor(ctx, 'backlog')!;
  const set = (i: { row: Initiative['row'] }, key: string, column: string, value: string | number | null) =>
    setBackendCell(ctx, FLOW, 'backlog', i.row, key, column, value);

  for (const i of ctx.initiatives.values()) {
    const a = i.active;
    const warnings = [...i.problems, ...(a?.warnings ?? [])];
    let changed = false;
    changed = set(i, i.key, 'value_score', a?.value ?? null) || changed;
    changed = set(i, i.key, 'effort_score', a?.effort ?? null) || changed;
    changed = set(i, i.key, 'overall_score', a?.overall ?? null) || changed;
    changed = set(i, i.key, 'priority_score', a?.priority ?? null) || changed;
    changed = set(i, i.key, 'rank', i.rank ?? null) || changed;
    changed = set(i, i.key, 'score_warnings', warnings.join('; ') || null) || changed;
    // Key assignment and mirrored shared fields count as changes to the row too.
    const touched = changes.rowChanges(i.row, 'updated_at');
    if (changed || touched) set(i, i.key, 'updated_at', ctx.now);
  }
  for (const [row, message] of ctx.duplicateBacklogRows) {
    const key = cellText(cell(table, row, 'initiative_key'));
    for (const column of ['value_score', 'effort_score', 'overall_score', 'priority_score', 'rank']) {
      setBackendCell(ctx, FLOW, 'backlog', row, `${key}@${row.rowNumber}`, column, null);
    }
    setBackendCell(ctx, FLOW, 'backlog', row, `${key}@${row.rowNumber}`, 'score_warnings', message);
  }
}
