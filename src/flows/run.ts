/**
 * Runs a command's flows: read every tab once, compute everything in memory, write each
 * workbook at most once (only the changes of the flows the command includes), then save the
 * backend's memory. When someone saved a workbook in between, the whole command is redone on a
 * fresh read, so their edit is never overwritten.
 */
import type { Config } from '../config/index.js';
import {
  acquireRunLock,
  type Database,
  insertRun,
  type RunLock,
  RunLockTimeoutError,
  reserveSequence,
} from '../db/index.js';
import { DEFAULT_FRAMEWORKS, type Frameworks, Scoreboard } from '../scoring/index.js';
import { DatabaseError, ProductOpsError, WorkbookError } from '../shared/errors.js';
import { type Logger, silentLogger } from '../shared/logging.js';
import { collectGarbage } from '../shared/memory.js';
import {
  type CellValue,
  columnLetter,
  readTable,
  type SheetStore,
  type TabChanges,
  type TabData,
  type TabId,
  type Table,
  type TabSpec,
  type TabWrite,
  tabsFor,
  WorkbookChangedError,
  withHeaders,
} from '../sheets/index.js';
import { KEY_SEQUENCE, keysToIssue, runBacklogSync, runBacklogWrite } from './backlog-sync.js';
import { FLOWS, type FlowName, type FlowReport, Ledger, type RunTables, type RunWarning } from './ledger.js';
import { createLlmSession, type LlmDeps, type LlmSession } from './llm-session.js';
import { emptyMemory, loadMemory, type Memory, saveMemory } from './memory.js';
import { runModelsSuggest } from './models-suggest.js';
import { runModelsSync, runModelsWrite } from './models-sync.js';
import { runParamsSeed, suggestMetadata } from './params-seed.js';
import { runParamsSync, runParamsWrite } from './params-sync.js';
import { type RankingOptions, runScoringActivate } from './scoring-activate.js';
import { runScoringCompute } from './scoring-compute.js';
import { runScoringSync } from './scoring-sync.js';
import { runScoringWrite } from './scoring-write.js';
import { runUncertainty, type UncertaintySettings } from './uncertainty.js';

export interface RunDeps {
  config: Config;
  backlog: SheetStore;
  productOps: SheetStore;
  /** null on a dry run without a database: the run then starts from an empty memory. */
  database: Database | null;
  now?: () => Date;
  /** Progress and diagnostics; silent when not given. */
  logger?: Logger;
  /** How long to wait for another run on the same database; default 60 s. */
  lockTimeoutMs?: number;
  /** The LLM co-pilot, when one is configured; its steps are skipped otherwise. */
  llm?: LlmDeps;
  /** The frameworks to score with; RICE, WSJF and MATH_MODEL when not given. */
  frameworks?: Frameworks;
}

export interface RankedInitiative {
  rank: number;
  initiative_key: string;
  title: string;
  framework: string | null;
  value_score: number | null;
  overall_score: number | null;
  priority_score: number | null;
  /** The chance to be among the `uncertainty.topN` highest priorities (0–1). */
  p_top_n: number | null;
  /** The param whose range moves the value most, with its share of the swing. */
  top_driver: string | null;
}

/** One initiative under uncertainty, as `productops simulate` shows it. */
export interface SimulatedInitiativeReport {
  initiative_key: string;
  title: string;
  framework: string | null;
  rank: number | null;
  value: { p10: number; p50: number; p90: number } | null;
  overall: { p10: number; p50: number; p90: number } | null;
  prob_value_negative: number | null;
  priority: { p10: number; p90: number } | null;
  p_top_n: number | null;
  top_driver: string | null;
  /** Each param's swing of the value between its 10th and 90th percentile, largest first. */
  tornado: { name: string; low: number; high: number; swing: number; share: number }[];
  /** Of the value, between its 1st and 99th percentile. */
  histogram: { from: number; to: number; count: number }[];
  failed_samples: number;
}

/** One cell a dry run would write: where it is, what it holds now and what it would hold. */
export interface PlannedCell {
  /** The tab's name in the workbook. */
  tab: string;
  /** A1 reference (`F7`); row 1 is the header row. */
  cell: string;
  /** The cell as read; null when it is blank, or belongs to a new row or a new header cell. */
  old: CellValue;
  new: CellValue;
}

export interface RunReport {
  ok: boolean;
  dryRun: boolean;
  steps: FlowReport[];
  warnings: RunWarning[];
  ranking: RankedInitiative[];
  /** Informational lines for the summary (e.g. how to enable LLM suggestions). */
  notes: string[];
  /** With `RunOptions.simulation`: every initiative's uncertainty, in rank order, unranked last. */
  simulation?: SimulatedInitiativeReport[];
  /** The `runs` row this command wrote; absent on a dry run and without a database. */
  runId?: number;
  /**
   * Dry runs only: every cell the run would write, per tab in write order, by row and column
   * (new header cells and the non-blank cells of appended rows included).
   */
  plannedCells?: PlannedCell[];
}

export interface RunOptions {
  command: string;
  include: ReadonlySet<FlowName>;
  dryRun: boolean;
  notes?: string[];
  /** Report every initiative's uncertainty in detail (`productops simulate`). */
  simulation?: boolean;
  /**
   * Only these initiatives get LLM formula suggestions and new Params rows (the rows a person
   * selected in the sheet); every other step still covers every row, since scores and ranks depend
   * on all of them. Every initiative when not given.
   */
  onlyKeys?: ReadonlySet<string>;
}

const MAX_ATTEMPTS = 3;

/**
 * From this many rows (all tabs together) a run logs a line as each step starts: a
 * 5,000-initiative run computes for tens of seconds, and a person watching should see it move.
 * Smaller runs take a second or two, and log those lines at debug level only.
 */
export const LONG_RUN_ROWS = 1000;

/** How long a run waits for another run on the same database to finish. */
const RUN_LOCK_TIMEOUT_MS = 60_000;

export async function runFlows(deps: RunDeps, options: RunOptions): Promise<RunReport> {
  // One LLM budget and call record for the whole command, however many attempts it takes.
  const llmSession = createLlmSession(options.dryRun ? null : deps.database, deps.now);
  const lock = await lockDatabase(deps, options);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await runOnce(deps, options, llmSession);
      } catch (e) {
        if (!(e instanceof WorkbookChangedError)) throw e;
        (deps.logger ?? silentLogger).warn(
          `${e.message}; reading again (attempt ${attempt + 1} of ${MAX_ATTEMPTS})`,
        );
        if (attempt >= MAX_ATTEMPTS) {
          throw new WorkbookError(
            `${e.message}. The workbook kept changing while productops was writing (${MAX_ATTEMPTS} attempts); nothing of yours was overwritten. Save and close it, then run again.`,
            { cause: e },
          );
        }
      }
    }
  } finally {
    await lock?.release();
  }
}

/**
 * One writing run per database: two runs at once would interleave their sheet writes and their
 * memory. A dry run writes nothing, so it neither takes nor waits for the lock.
 */
async function lockDatabase(deps: RunDeps, options: RunOptions): Promise<RunLock | null> {
  const database = deps.database;
  if (options.dryRun || !database) return null;
  const timeoutMs = deps.lockTimeoutMs ?? RUN_LOCK_TIMEOUT_MS;
  try {
    return await acquireRunLock(database, {
      timeoutMs,
      onWait: (holder) =>
        (deps.logger ?? silentLogger).warn(
          `another productops run (${holder}) is using the database ${database.displayUrl}; waiting up to ${Math.round(timeoutMs / 1000)} s for it to finish`,
        ),
    });
  } catch (e) {
    if (e instanceof RunLockTimeoutError) {
      throw new DatabaseError(`${e.message}, so nothing was written. Run again when it has finished.`, {
        cause: e,
      });
    }
    // A driver failure is already a DatabaseError naming the database: give its reason once.
    const reason =
      e instanceof DatabaseError && e.cause instanceof Error ? e.cause.message : (e as Error).message;
    throw new DatabaseError(`Cannot lock the database ${database.displayUrl}: ${reason}`, { cause: e });
  }
}

interface TabPlan<S extends TabSpec> {
  id: TabId;
  /** The tab's description, with the team's own headers (config `columns`). */
  spec: S;
  name: string;
  store: SheetStore;
}

/** Each tab of a run: its description, its name in the workbook, and the store it lives in. */
type TabPlans = { [T in TabId]: TabPlan<RunTables[T]['spec']> };

function tabPlans(deps: RunDeps): TabPlans {
  const { config } = deps;
  const specs = tabsFor(deps.frameworks ?? DEFAULT_FRAMEWORKS);
  const plan = <T extends TabId, S extends TabSpec>(id: T, spec: S, name: string, store: SheetStore) => ({
    id,
    spec: withHeaders(spec, config.columns[id]),
    name,
    store,
  });
  return {
    backlog: plan('backlog', specs.backlog, config.backlog.tab, deps.backlog),
    scoring: plan('scoring', specs.scoring, config.productOps.tabs.scoring, deps.productOps),
    mathModels: plan('mathModels', specs.mathModels, config.productOps.tabs.mathModels, deps.productOps),
    params: plan('params', specs.params, config.productOps.tabs.params, deps.productOps),
  };
}

async function readAll(deps: RunDeps, plans: TabPlans): Promise<RunTables> {
  const all = Object.values(plans);
  const stores = [...new Set(all.map((p) => p.store))];
  const data = new Map<SheetStore, Map<string, TabData | null>>();
  for (const store of stores) {
    if (!(await store.exists())) {
      throw new WorkbookError(
        `the workbook ${store.label} does not exist (run 'productops init' to create it)`,
      );
    }
    const started = performance.now();
    (deps.logger ?? silentLogger).info(`reading ${store.label}`);
    data.set(store, await store.read(all.filter((p) => p.store === store).map((p) => p.name)));
    (deps.logger ?? silentLogger).debug(
      `read ${store.label} in ${Math.round(performance.now() - started)} ms`,
    );
  }
  const errors: string[] = [];
  const read = <S extends TabSpec>({ spec, name, store }: TabPlan<S>): Table<S> | undefined => {
    const result = readTable(spec, name, data.get(store)!.get(name) ?? null, store.label);
    errors.push(...result.errors);
    return result.table;
  };
  const backlog = read(plans.backlog);
  const scoring = read(plans.scoring);
  const mathModels = read(plans.mathModels);
  const params = read(plans.params);
  if (errors.length > 0 || !backlog || !scoring || !mathModels || !params) {
    throw new WorkbookError(errors.join('\n'));
  }
  return { backlog, scoring, mathModels, params };
}

/** Every flow, in the order PRODUCT.md lists them. */
async function planAll(
  board: Scoreboard,
  ledger: Ledger,
  ranking: RankingOptions,
  uncertainty: UncertaintySettings,
  llm?: LlmDeps,
  session: LlmSession = createLlmSession(null),
  /** Called as each phase starts, with what it does, for progress lines. */
  progress: (doing: string) => void = () => {},
): Promise<void> {
  progress('checking the Backlog');
  runBacklogSync(board, ledger);
  progress('syncing Scoring_Inputs');
  runScoringSync(board, ledger);
  progress('syncing MathModels');
  runModelsSync(board, ledger);
  progress('checking Params');
  runParamsSync(board, ledger);
  if (llm && ledger.include.has('models suggest')) {
    progress('asking the LLM for formulas');
    await runModelsSuggest(board, ledger, llm, session);
  }
  let metadata: Awaited<ReturnType<typeof suggestMetadata>> = new Map();
  if (llm && ledger.include.has('params seed')) {
    progress('asking the LLM to describe new params');
    metadata = await suggestMetadata(board, ledger, llm, session);
  }
  progress('seeding Params');
  runParamsSeed(board, ledger, metadata);
  progress('computing scores');
  runScoringCompute(board, ledger);
  progress('ranking');
  runScoringActivate(board, ledger, ranking);
  progress('simulating uncertainty');
  await runUncertainty(board, ledger, uncertainty);
  progress('planning the cells to write');
  runScoringWrite(board, ledger);
  runModelsWrite(board, ledger);
  runParamsWrite(board, ledger);
  runBacklogWrite(board, ledger);
}

async function runOnce(deps: RunDeps, options: RunOptions, llmSession: LlmSession): Promise<RunReport> {
  const plans = tabPlans(deps);
  const tables = await readAll(deps, plans);
  const memory: Memory = deps.database ? await loadMemory(deps.database) : emptyMemory();
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const ledger = new Ledger(tables, memory, options.include, now);
  if (options.onlyKeys) ledger.onlyKeys = options.onlyKeys;
  const board = new Scoreboard(deps.frameworks ?? DEFAULT_FRAMEWORKS);
  if (deps.database && !options.dryRun) await reserveKeys(deps.database, ledger);
  const progress = progressLog(deps, tables);
  await planAll(board, ledger, deps.config.ranking, deps.config.uncertainty, deps.llm, llmSession, progress);
  noteUnknownKeys(board, ledger);

  // One write per workbook, with only the changes of the included flows.
  const writes = new Map<SheetStore, TabWrite[]>();
  const planned: PlannedCell[] = [];
  for (const p of Object.values(plans)) {
    const changes = ledger.changes[p.id];
    const { write } = changes.toWrite(options.include);
    if (!write) continue;
    writes.set(p.store, [...(writes.get(p.store) ?? []), write]);
    if (options.dryRun) planned.push(...plannedCells(changes, write));
  }
  countCells(ledger);
  let runId: number | undefined;
  if (!options.dryRun) {
    for (const [store, changes] of writes) {
      const cells = changes.reduce((n, c) => n + (c.updates?.length ?? 0) + (c.appends?.length ?? 0), 0);
      (deps.logger ?? silentLogger).info(`writing ${store.label} (${cells} changes)`);
      const result = await store.write(changes);
      for (const w of result.warnings) {
        ledger.warnings.push({
          tab: changes.map((c) => c.tab).join(', '),
          row: null,
          column: null,
          key: null,
          message: w,
        });
      }
    }
    // The writes' buffers are garbage now; let them go before the save builds its rows.
    if (writes.size > 0) collectGarbage();
    if (deps.database) {
      progress('saving to the database');
      runId = await recordRun(deps.database, options, ledger);
      try {
        await llmSession.assignRun(runId);
        await saveMemory(deps.database, board, ledger, runId);
      } catch (e) {
        throw new ProductOpsError(
          `the sheets were updated, but saving to the database failed: ${(e as Error).message}`,
          { cause: e },
        );
      }
    }
  }
  const result = report(board, ledger, options);
  if (options.dryRun) result.plannedCells = planned;
  if (runId !== undefined) result.runId = runId;
  return result;
}

/** Keys of `onlyKeys` the Backlog does not have: a selection that missed, said rather than ignored. */
function noteUnknownKeys(board: Scoreboard, ledger: Ledger): void {
  const unknown = [...(ledger.onlyKeys ?? [])].filter((key) => !board.initiatives.has(key));
  if (unknown.length > 0) {
    ledger.notes.push(`Not on the Backlog, so nothing was done for: ${unknown.join(', ')}.`);
  }
}

/**
 * A line per phase: at info level when the tables are large enough for the run to take a while
 * (LONG_RUN_ROWS), at debug level otherwise.
 */
function progressLog(deps: RunDeps, tables: RunTables): (doing: string) => void {
  const logger = deps.logger ?? silentLogger;
  const rows = Object.values(tables).reduce((n: number, t: Table) => n + t.rows.length, 0);
  const started = performance.now();
  return (doing) => {
    const line = `${doing} (${rows.toLocaleString('en-US')} rows, ${((performance.now() - started) / 1000).toFixed(1)} s)`;
    if (rows >= LONG_RUN_ROWS) logger.info(line);
    else logger.debug(line);
  };
}

/** The cells one tab's write would change, as a person finds them in the sheet. */
function plannedCells(changes: TabChanges<FlowName>, write: TabWrite): PlannedCell[] {
  const { table } = changes;
  const tab = write.tab;
  const rows = new Map(table.rows.map((r) => [r.rowNumber, r]));
  const updates = [...(write.updates ?? [])].sort((a, b) => a.row - b.row || a.column - b.column);
  const cells: PlannedCell[] = updates.map((u) => ({
    tab,
    cell: `${columnLetter(u.column)}${u.row}`,
    old: rows.get(u.row)?.cells[u.column] ?? null,
    new: u.value,
  }));
  (write.addHeaders ?? []).forEach((header, i) => {
    cells.push({ tab, cell: `${columnLetter(table.width + i)}1`, old: null, new: header });
  });
  // Appended rows go below the last used row, in order (TabWrite.appends).
  (write.appends ?? []).forEach((row, i) => {
    row.forEach((value, column) => {
      if (value === null || value === '') return;
      cells.push({ tab, cell: `${columnLetter(column)}${table.lastRow + i + 1}`, old: null, new: value });
    });
  });
  return cells;
}

/**
 * Reserves, in the database and committed before any of them is written to a sheet, the keys this
 * run will give to new Backlog rows: a failed save or a second run can never hand them out again.
 */
async function reserveKeys(database: Database, ledger: Ledger): Promise<void> {
  if (!ledger.include.has('backlog sync')) return;
  const { count, highest } = keysToIssue(ledger.records('backlog'));
  if (count === 0) return;
  const first = await reserveSequence(
    database,
    KEY_SEQUENCE,
    count,
    Math.max(highest, ledger.memory.sequence),
  );
  ledger.reservedKeys = { next: first, last: first + count - 1 };
}

function countCells(ledger: Ledger): void {
  for (const changes of Object.values(ledger.changes)) {
    for (const u of changes.updates) if (ledger.include.has(u.flow)) ledger.report(u.flow).cellsWritten += 1;
    for (const a of changes.appends) {
      if (!ledger.include.has(a.flow)) continue;
      ledger.report(a.flow).cellsWritten += Object.values(a.values).filter(
        (v) => v !== null && v !== '',
      ).length;
    }
  }
}

async function recordRun(database: Database, options: RunOptions, ledger: Ledger): Promise<number> {
  return insertRun(database, {
    command: options.command,
    dry_run: 0,
    started_at: ledger.now,
    finished_at: new Date().toISOString(),
    status: 'done',
    summary_json: JSON.stringify({ steps: [...ledger.reports.values()], warnings: ledger.warnings.length }),
  });
}

function report(board: Scoreboard, ledger: Ledger, options: RunOptions): RunReport {
  const included = FLOWS.filter((f) => options.include.has(f));
  const steps = included.map(
    (f) => ledger.reports.get(f) ?? { name: f, rowsRead: 0, cellsWritten: 0, warnings: 0 },
  );
  const ranking = [...board.initiatives.values()]
    .filter((i) => i.rank !== undefined)
    .sort((a, b) => a.rank! - b.rank! || a.key.localeCompare(b.key))
    .map((i) => ({
      rank: i.rank!,
      initiative_key: i.key,
      title: i.title,
      framework: i.active?.framework ?? null,
      value_score: i.active?.value ?? null,
      overall_score: i.active?.overall ?? null,
      priority_score: i.active?.priority ?? null,
      p_top_n: i.uncertainty?.pTopN ?? null,
      top_driver: i.uncertainty?.topDriver ?? null,
    }));
  return {
    ok: true,
    dryRun: options.dryRun,
    steps,
    warnings: ledger.warnings,
    ranking,
    notes: [...(options.notes ?? []), ...ledger.notes],
    ...(options.simulation ? { simulation: simulationReport(board) } : {}),
  };
}

function simulationReport(board: Scoreboard): SimulatedInitiativeReport[] {
  const byRank = [...board.initiatives.values()].sort(
    (a, b) =>
      (a.rank ?? Number.POSITIVE_INFINITY) - (b.rank ?? Number.POSITIVE_INFINITY) ||
      a.key.localeCompare(b.key),
  );
  return byRank.map((i) => {
    const u = i.uncertainty;
    return {
      initiative_key: i.key,
      title: i.title,
      framework: i.active?.framework ?? null,
      rank: i.rank ?? null,
      value: u?.value ?? null,
      overall: u?.overall ?? null,
      prob_value_negative: u?.probValueNegative ?? null,
      priority: u?.priority ?? null,
      p_top_n: u?.pTopN ?? null,
      top_driver: u?.topDriver ?? null,
      tornado: [...(u?.tornado ?? [])],
      histogram: [...(u?.histogram ?? [])],
      failed_samples: u?.failures ?? 0,
    };
  });
}
