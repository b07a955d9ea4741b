/**
 * Flow 1, backlog sync. `runBacklogSync`: the Central Backlog's rows become the scoreboard's
 * initiatives; a row with a title and no key gets the next key from the database sequence;
 * duplicated keys are reported and left unscored; keys the database knows that no row carries any
 * more are archived. `runBacklogWrite` (after scoring): the active scores, priority, rank and
 * warnings go back to each row, with `updated_at` when anything changed.
 */
import { MAX_SEQUENCE_VALUE } from '../db/index.js';
import { type BoardInitiative, newInitiative, type Scoreboard } from '../scoring/index.js';
import { type BacklogTab, hasContent, type TabRecord } from '../sheets/index.js';
import type { FlowReport, Ledger, WritableColumn } from './ledger.js';

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
export function keysToIssue(records: readonly TabRecord<BacklogTab>[]): { count: number; highest: number } {
  let count = 0;
  let highest = 0;
  for (const r of records) {
    if (r.initiative_key === '' && r.title !== '') count++;
    highest = Math.max(highest, keyNumber(r.initiative_key) ?? 0);
  }
  return { count, highest };
}

function formatKey(n: number): string {
  return `INIT-${String(n).padStart(6, '0')}`;
}

/**
 * The next key's number: from the range reserved in the database for this run, or (a dry run, no
 * database) counted on from the highest key seen.
 */
function nextKeyNumber(ledger: Ledger): number {
  const reserved = ledger.reservedKeys;
  if (reserved && reserved.next <= reserved.last) {
    const n = reserved.next++;
    ledger.sequence = Math.max(ledger.sequence, n);
    return n;
  }
  ledger.sequence += 1;
  return ledger.sequence;
}

export function runBacklogSync(board: Scoreboard, ledger: Ledger): FlowReport {
  const table = ledger.tables.backlog;
  const records = ledger.records('backlog');
  const report = ledger.report(FLOW);
  report.rowsRead = records.length;

  // Keys never come from row positions: the sequence continues above every key ever seen.
  let highest = ledger.memory.sequence;
  for (const r of records) {
    const key = r.initiative_key;
    const n = keyNumber(key);
    if (n !== null) highest = Math.max(highest, n);
    else if (KEY_PATTERN.test(key)) {
      ledger.warn(FLOW, {
        ...ledger.at('backlog', r.row, 'initiative_key'),
        key,
        message: `initiative_key '${key}' has more than nine digits: it still names this initiative, but new keys do not continue from it`,
      });
    }
  }
  ledger.sequence = highest;

  const byKey = new Map<string, number[]>();
  const candidates: { record: TabRecord<BacklogTab>; key: string }[] = [];
  for (const r of records) {
    let key = r.initiative_key;
    if (r.title === '') {
      if (hasContent(table, r.row, (c) => c.owner !== 'backend' && c.name !== 'title')) {
        ledger.warn(FLOW, {
          ...ledger.at('backlog', r.row, 'title'),
          key: key || null,
          message: 'This row has no title, so it is ignored: give it a title to score it',
        });
      }
      continue;
    }
    if (key === '') {
      if (!ledger.include.has(FLOW)) continue; // only backlog sync may write a key
      key = formatKey(nextKeyNumber(ledger));
      ledger.set(FLOW, 'backlog', r.row, 'initiative_key', key);
    }
    candidates.push({ record: r, key });
    byKey.set(key, [...(byKey.get(key) ?? []), r.row.rowNumber]);
  }

  for (const { record: r, key } of candidates) {
    const rows = byKey.get(key)!;
    if (rows.length > 1) {
      const message = `initiative_key '${key}' is on rows ${rows.join(', ')}: keep it on one row and clear it on the others (a blank key gets a new one)`;
      ledger.duplicateBacklogRows.set(r.row, { key, message });
      ledger.warn(FLOW, { ...ledger.at('backlog', r.row, 'initiative_key'), key, message });
      continue;
    }
    const useMath = r.use_math_model;
    board.initiatives.set(
      key,
      newInitiative({
        key,
        title: r.title,
        framework: r.active_scoring_framework,
        useMathModel: useMath.kind === 'ok' && useMath.value,
        coefficient: r.strategic_priority_coefficient,
        effortDays: r.effort_engineering_days,
        lifecycle: r.lifecycle_status.toLowerCase(),
      }),
    );
    ledger.backlogRows.set(key, r.row);
    ledger.backlogRecords.set(key, r);
  }
  archiveDeleted(board, ledger, records);
  return report;
}

/**
 * A key the database knows that no Backlog row carries any more was deleted by a person: its
 * initiative is archived (saved with the memory), so its rows on the other tabs are kept but
 * ignored, said once here rather than as warnings on every run. A row pasted back with the key
 * brings it back.
 */
function archiveDeleted(board: Scoreboard, ledger: Ledger, records: readonly TabRecord<BacklogTab>[]): void {
  const onBacklog = new Set(records.map((r) => r.initiative_key));
  for (const [key, remembered] of ledger.memory.initiatives) {
    if (onBacklog.has(key)) continue;
    board.archived.add(key);
    if (remembered.archivedAt !== null) continue;
    ledger.warn(FLOW, {
      ...ledger.at('backlog', null, null),
      key,
      message: `'${remembered.title}' is no longer on the Central Backlog (its row was deleted), so it is archived: its rows on the other tabs are kept but no longer scored. Paste the row back with its key to restore it`,
    });
  }
}

/** Problems with the Backlog's own cells, found after the shared fields were merged. */
export function backlogProblems(ledger: Ledger, i: BoardInitiative): void {
  const row = ledger.backlogRows.get(i.key)!;
  const report = (
    column: 'active_scoring_framework' | 'strategic_priority_coefficient' | 'effort_engineering_days',
    message: string,
  ) => {
    i.problems.push(message);
    ledger.warn(FLOW, { ...ledger.at('backlog', row, column), key: i.key, message });
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

/** The active scores, priority, rank and warnings back on each Backlog row. */
export function runBacklogWrite(board: Scoreboard, ledger: Ledger): FlowReport {
  for (const i of board.initiatives.values()) {
    const row = ledger.backlogRows.get(i.key)!;
    const set = (column: WritableColumn<'backlog'>, value: string | number | null) =>
      ledger.setBackendCell(FLOW, 'backlog', row, i.key, column, value);
    const a = i.active;
    const warnings = [...i.problems, ...(a?.warnings ?? [])];
    let changed = false;
    changed = set('value_score', a?.value ?? null) || changed;
    changed = set('effort_score', a?.effort ?? null) || changed;
    changed = set('overall_score', a?.overall ?? null) || changed;
    changed = set('priority_score', a?.priority ?? null) || changed;
    const u = i.uncertainty;
    changed = set('priority_p10', u?.priority?.p10 ?? null) || changed;
    changed = set('priority_p90', u?.priority?.p90 ?? null) || changed;
    changed = set('p_top_n', u?.pTopN ?? null) || changed;
    changed = set('top_driver', u?.topDriver ?? null) || changed;
    changed = set('rank', i.rank ?? null) || changed;
    changed = set('score_warnings', warnings.join('; ') || null) || changed;
    // Key assignment and mirrored shared fields count as changes to the row too.
    const touched = ledger.rowChanges('backlog', row, 'updated_at');
    if (changed || touched) set('updated_at', ledger.now);
  }
  for (const [row, { key, message }] of ledger.duplicateBacklogRows) {
    const rowKey = `${key}@${row.rowNumber}`;
    for (const column of [
      'value_score',
      'effort_score',
      'overall_score',
      'priority_score',
      'rank',
    ] as const) {
      ledger.setBackendCell(FLOW, 'backlog', row, rowKey, column, null);
    }
    ledger.setBackendCell(FLOW, 'backlog', row, rowKey, 'score_warnings', message);
  }
  return ledger.report(FLOW);
}
