/**
 * The watcher's timing: check every workbook's fingerprint every `every`, and run once a change has
 * settled. It knows nothing of workbooks or runs: it compares the texts `fingerprint()` returns and
 * calls `onChange`, so the command line and the server share it, and tests drive it with a clock
 * of their own.
 *
 * Rules, in the order they apply:
 * - **Debounce.** A change is acted on only once the fingerprints have stayed the same for
 *   `debounce` (default min(every, 30 s)): when a check sees a change, the next check comes
 *   `debounce` later instead of `every`, and each further change starts the wait again. A person
 *   typing, or saving three times in a row, gets one run after they stop, not one per save.
 * - **One run at a time.** `onChange` is awaited before the next check: a run never starts while
 *   another one of this watcher is in progress. (Runs of other processes on the same database wait
 *   for its run lock, src/db/repositories/run-lock.ts.)
 * - **Its own writes are no change.** After each run the fingerprints are taken again and become
 *   the new baseline, so the cells the run wrote do not trigger another run. An edit saved in the
 *   instant between the run's write and that check is taken for the run's own; the next edit is seen.
 * - **Backoff.** A failed check waits longer before the next (shared exponential backoff, from
 *   `every` up to `backoff.capMs`, never sooner than `every`); a failed run is tried again after
 *   such a wait even when nothing changes (the workbook or database may be back), and at once when
 *   a change settles, since a person may just have fixed what made it fail.
 * - **Stop.** `stop()` ends the wait at once and resolves after the check or run in progress.
 *
 * It does not run at start: it acts on changes made while it watches.
 */
import { type BackoffPolicy, backoffDelay } from '../shared/retry.js';

/** The part of a workbook the watcher needs. */
export interface Fingerprinted {
  readonly label: string;
  fingerprint(): Promise<string>;
}

/** Time, injectable so tests run hours of checks in milliseconds. */
export interface WatchClock {
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** What happened, for a log line (the CLI) or a status endpoint (the server). */
export type WatchEvent =
  /** A check found no difference from the last check (`changed` empty) or some (their labels). */
  | { kind: 'checked'; changed: string[] }
  /** Workbooks differ from the last run's state; a run follows once they stay the same for `debounceMs`. */
  | { kind: 'changed'; workbooks: string[]; debounceMs: number }
  /** `workbooks`: what changed since the last run; empty when it retries a failed run. */
  | { kind: 'run-started'; workbooks: string[] }
  | { kind: 'run-finished'; ms: number }
  | { kind: 'run-failed'; error: unknown; retryInMs: number }
  | { kind: 'check-failed'; error: unknown; retryInMs: number }
  /** A check succeeded after failed ones. */
  | { kind: 'check-recovered' }
  | { kind: 'stopped' };

export interface WatcherOptions {
  workbooks: readonly Fingerprinted[];
  /** Milliseconds between checks while nothing changes. */
  every: number;
  /** How long a change must stay put before it runs; default min(every, 30 s). */
  debounce?: number;
  /** The run. Throwing counts as a failed run (retried with backoff), never stops the watcher. */
  onChange(): Promise<void>;
  onEvent?(event: WatchEvent): void;
  /**
   * The fingerprints as the caller already took them (in `workbooks` order), so a broken workbook
   * can stop a command before it starts watching. Without them the first check takes them.
   */
  baseline?: readonly string[];
  /** Default: from `every`, doubled per failure, capped at max(every, 10 min). */
  backoff?: BackoffPolicy;
  clock?: WatchClock;
  /** Jitter in [0, 1) for the backoff; default Math.random. */
  random?: () => number;
}

export interface Watcher {
  /** Stops waiting; resolves once the check or run in progress has finished. */
  stop(): Promise<void>;
  /** Resolves when the watcher has stopped; rejects only on a bug (an `onEvent` that throws). */
  readonly done: Promise<void>;
}

/** Long enough for a person to finish a few cells, short enough to see the result while still there. */
export const MAX_DEBOUNCE_MS = 30_000;
/** A failing check or run is tried at least this often, whatever the number of failures. */
const BACKOFF_CAP_MS = 10 * 60_000;

export const defaultDebounce = (every: number) => Math.min(every, MAX_DEBOUNCE_MS);

export const realClock: WatchClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
    }),
};

type Fingerprints = readonly string[];

const same = (a: Fingerprints | null, b: Fingerprints | null) =>
  a !== null && b !== null && a.every((value, index) => value === b[index]);

export function startWatcher(options: WatcherOptions): Watcher {
  const { workbooks, every, onChange } = options;
  const debounce = options.debounce ?? defaultDebounce(every);
  const policy = options.backoff ?? { baseMs: every, capMs: Math.max(every, BACKOFF_CAP_MS) };
  const clock = options.clock ?? realClock;
  const random = options.random ?? Math.random;
  const emit = (event: WatchEvent) => options.onEvent?.(event);
  const controller = new AbortController();
  const { signal } = controller;
  const retryDelay = (failures: number) => Math.max(every, backoffDelay(failures - 1, policy, random));
  const labels = (current: Fingerprints, before: Fingerprints | null) =>
    workbooks.filter((_, index) => current[index] !== before?.[index]).map((w) => w.label);
  const check = () => Promise.all(workbooks.map((workbook) => workbook.fingerprint()));

  async function loop(): Promise<void> {
    // The state a run last left (null: unknown, after a check that failed right after a run).
    let baseline: Fingerprints | null = options.baseline ?? null;
    // Without a baseline from the caller, the first check that works is it, and runs nothing.
    let adoptNext = options.baseline === undefined;
    // The last check's fingerprints, and when they were first seen.
    let last = baseline;
    let lastSince = clock.now();
    let checkFailures = 0;
    // The wait after the last failed check, as announced in its event.
    let checkRetryMs = 0;
    let runFailures = 0;
    // When a failed run is tried again even if nothing changes.
    let retryAt: number | null = null;
    const checkFailed = (error: unknown) => {
      checkFailures++;
      checkRetryMs = retryDelay(checkFailures);
      emit({ kind: 'check-failed', error, retryInMs: checkRetryMs });
    };

    while (!signal.aborted) {
      let wait: number;
      if (checkFailures > 0) wait = checkRetryMs;
      else if (adoptNext) wait = 0;
      // A change is settling: check again when it has stayed put for `debounce`; a due retry waits too.
      else if (!same(last, baseline)) wait = Math.max(0, lastSince + debounce - clock.now());
      else wait = retryAt === null ? every : Math.min(every, Math.max(0, retryAt - clock.now()));
      if (wait > 0) await clock.sleep(wait, signal);
      if (signal.aborted) break;

      let current: Fingerprints;
      try {
        current = await check();
      } catch (error) {
        checkFailed(error);
        continue;
      }
      if (checkFailures > 0) emit({ kind: 'check-recovered' });
      checkFailures = 0;
      if (adoptNext) {
        adoptNext = false;
        baseline = last = current;
        lastSince = clock.now();
        continue;
      }
      const changed = labels(current, last);
      emit({ kind: 'checked', changed });
      if (changed.length > 0) {
        last = current;
        lastSince = clock.now();
        if (!same(current, baseline)) {
          emit({ kind: 'changed', workbooks: labels(current, baseline), debounceMs: debounce });
        }
        continue;
      }
      // Changed since the last run: run once it stayed put long enough; else only a due retry runs.
      const due = same(current, baseline)
        ? retryAt !== null && clock.now() >= retryAt
        : clock.now() - lastSince >= debounce;
      if (signal.aborted || !due) continue;

      emit({ kind: 'run-started', workbooks: labels(current, baseline) });
      const started = clock.now();
      try {
        await onChange();
        runFailures = 0;
        retryAt = null;
        emit({ kind: 'run-finished', ms: clock.now() - started });
      } catch (error) {
        runFailures++;
        const retryInMs = retryDelay(runFailures);
        retryAt = clock.now() + retryInMs;
        emit({ kind: 'run-failed', error, retryInMs });
      }
      if (signal.aborted) break;
      // The run wrote the workbooks: what it wrote is the new starting point, not a person's edit.
      try {
        baseline = last = await check();
        lastSince = clock.now();
      } catch (error) {
        // Unknown after the run: the next check that works differs from it, so that state gets
        // one more run rather than an edit of a person being lost.
        baseline = last = null;
        checkFailed(error);
      }
    }
    emit({ kind: 'stopped' });
  }

  const done = loop();
  return {
    done,
    stop: () => {
      controller.abort();
      return done;
    },
  };
}
