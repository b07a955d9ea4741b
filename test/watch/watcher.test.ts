/**
 * The watcher's timing on a fake clock: hours of checks in milliseconds. A person's saves are
 * times on that clock; a run takes time on it and writes the workbooks (its own write).
 */
import { describe, expect, it } from 'vitest';
import type { BackoffPolicy } from '../../src/shared/retry.js';
import { realClock, startWatcher, type WatchClock, type WatchEvent } from '../../src/watch/index.js';

const S = 1_000;
const M = 60 * S;

interface Scenario {
  every: number;
  debounce?: number;
  /** The clock time at which the test stops the watcher. */
  until: number;
  /** When a person saves the first workbook (a change of its content). */
  edits?: number[];
  /** Instead of `edits`: what the first workbook holds from each time on (`'0'` before the first). */
  versions?: [number, string][];
  /** How long a run takes on the clock. */
  runMs?: number;
  /** Whether the check at this time fails (Google unreachable, say). */
  checkFails?: (now: number) => boolean;
  /** Whether run number `n` (1-based) fails. */
  runFails?: (n: number) => boolean;
  /** false: the watcher takes its own baseline at start. */
  givenBaseline?: boolean;
  backoff?: BackoffPolicy;
  /** Backoff jitter; default just below 1, so waits are the full exponential step. */
  random?: () => number;
}

interface Outcome {
  /** Clock time at which each run started. */
  runs: number[];
  /** Each wait the watcher asked for. */
  sleeps: number[];
  events: WatchEvent[];
}

async function simulate(s: Scenario): Promise<Outcome> {
  let now = 0;
  let writes = 0;
  const edits = s.edits ?? [];
  const outcome: Outcome = { runs: [], sleeps: [], events: [] };
  let stop: () => void = () => {};
  // A failed check announces its retry: the next wait is exactly that long.
  let announced: number | null = null;
  const clock: WatchClock = {
    now: () => now,
    sleep: async (ms) => {
      if (announced !== null) expect(ms).toBe(announced);
      announced = null;
      outcome.sleeps.push(ms);
      now += ms;
      if (now >= s.until) stop();
    },
  };
  const content = (index: number) => {
    if (s.checkFails?.(now)) throw new Error('unreachable');
    if (index > 0) return `0/${writes}`;
    const version = s.versions
      ? (s.versions.filter(([t]) => t <= now).at(-1)?.[1] ?? '0')
      : String(edits.filter((t) => t <= now).length);
    return `${version}/${writes}`;
  };
  const workbooks = [0, 1].map((index) => ({
    label: `workbook ${index + 1}`,
    fingerprint: async () => content(index),
  }));
  let running = false;
  const watcher = startWatcher({
    workbooks,
    every: s.every,
    ...(s.debounce === undefined ? {} : { debounce: s.debounce }),
    ...(s.givenBaseline === false ? {} : { baseline: ['0/0', '0/0'] }),
    ...(s.backoff ? { backoff: s.backoff } : {}),
    clock,
    random: s.random ?? (() => 0.999_999),
    onEvent: (event) => {
      outcome.events.push(event);
      if (event.kind === 'check-failed') announced = event.retryInMs;
    },
    onChange: async () => {
      expect(running).toBe(false);
      running = true;
      outcome.runs.push(now);
      now += s.runMs ?? S;
      running = false;
      if (s.runFails?.(outcome.runs.length)) throw new Error('the database is locked');
      writes++; // the run writes the workbooks: its own change
    },
  });
  stop = () => void watcher.stop();
  await watcher.done;
  return outcome;
}

const kinds = (o: Outcome, kind: WatchEvent['kind']) => o.events.filter((e) => e.kind === kind);

describe('nothing changes', () => {
  it('checks every period for an hour and never runs', async () => {
    const o = await simulate({ every: 2 * M, until: 60 * M });
    expect(o.runs).toEqual([]);
    expect(o.sleeps.every((ms) => ms === 2 * M)).toBe(true);
    expect(kinds(o, 'checked')).toHaveLength(29);
    expect(kinds(o, 'stopped')).toHaveLength(1);
  });

  it('takes its own baseline at start without running', async () => {
    const o = await simulate({ every: S, until: 20 * S, givenBaseline: false });
    expect(o.sleeps[0]).toBe(S);
    expect(o.runs).toEqual([]);
  });
});

describe('debounce', () => {
  it('runs once for a burst of three saves within a second, after it settled, and not for its own write', async () => {
    const o = await simulate({ every: S, edits: [10_100, 10_500, 10_900], until: 30 * S });
    expect(o.runs).toHaveLength(1);
    // Seen at 11 s, unchanged at 12 s: one period of quiet (debounce = min(1s, 30s)).
    expect(o.runs[0]).toBe(12 * S);
    expect(kinds(o, 'run-started')[0]).toEqual({ kind: 'run-started', workbooks: ['workbook 1'] });
  });

  it('a burst that straddles a check still runs once, a period after its last save', async () => {
    const o = await simulate({ every: S, edits: [10_700, 11_300, 11_600], until: 30 * S });
    expect(o.runs).toEqual([13 * S]);
  });

  it('waits until a person who keeps typing stops, then runs once, at least 30 s after the last save', async () => {
    const edits = Array.from({ length: 10 }, (_, i) => 10 * S + i * 20 * S); // 10 s … 190 s
    const o = await simulate({ every: 2 * M, edits, until: 20 * M });
    expect(o.runs).toEqual([240 * S]);
    expect(o.runs[0]! - edits.at(-1)!).toBeGreaterThanOrEqual(30 * S);
    // Once a change is seen the next check comes after the debounce, not the full period.
    expect(o.sleeps.slice(0, 5)).toEqual([2 * M, 30 * S, 30 * S, 30 * S, 30 * S]);
    expect(kinds(o, 'changed')[0]).toMatchObject({ workbooks: ['workbook 1'], debounceMs: 30 * S });
  });

  it('runs once per burst when bursts are apart', async () => {
    const o = await simulate({ every: S, edits: [5_200, 5_400, 20_100, 20_300], until: 40 * S });
    expect(o.runs).toEqual([7 * S, 22 * S]);
  });

  it('does not run when the workbook is changed and changed back before a check settles it', async () => {
    // Seen changed at 2 min, back as it was at the settling check 30 s later.
    const o = await simulate({
      every: 2 * M,
      versions: [
        [100 * S, '1'],
        [130 * S, '0'],
      ],
      until: 10 * M,
    });
    expect(kinds(o, 'changed')).toHaveLength(1);
    expect(o.sleeps.slice(0, 3)).toEqual([2 * M, 30 * S, 2 * M]);
    expect(o.runs).toEqual([]);
  });

  it('honours a debounce longer than the period', async () => {
    const o = await simulate({ every: S, debounce: 5 * S, edits: [10_100], until: 30 * S });
    expect(o.runs).toEqual([16 * S]);
  });
});

describe('one run at a time', () => {
  it('never starts a run while one is in progress, and checks again only after it', async () => {
    // A 10-minute run (many LLM calls), with saves before it and right after it.
    const o = await simulate({
      every: S,
      edits: [1_500, 14 * M + 500],
      runMs: 10 * M,
      until: 20 * M,
    });
    expect(o.runs).toEqual([3 * S, 14 * M + 2 * S]);
  });
});

describe('backoff', () => {
  it('waits longer after each failed check, up to the cap, and runs nothing when the content is back unchanged', async () => {
    const o = await simulate({
      every: S,
      until: 60 * S,
      checkFails: (now) => now >= 5 * S && now < 30 * S,
      backoff: { baseMs: S, capMs: 8 * S },
    });
    const failed = kinds(o, 'check-failed').map((e) => (e as { retryInMs: number }).retryInMs);
    expect(failed).toEqual([S, 2 * S, 4 * S, 8 * S, 8 * S, 8 * S]);
    expect(kinds(o, 'check-recovered')).toHaveLength(1);
    expect(o.runs).toEqual([]);
  });

  it('waits exactly as long as a failed check announced, whatever the jitter', async () => {
    let draw = 0;
    const o = await simulate({
      every: S,
      until: 120 * S,
      checkFails: (now) => now >= 5 * S && now < 60 * S,
      random: () => [0.1, 0.9, 0.4, 0.7][draw++ % 4]!,
    });
    const waits = kinds(o, 'check-failed').map((e) => (e as { retryInMs: number }).retryInMs);
    expect(new Set(waits).size).toBeGreaterThan(3);
    expect(waits.every((ms) => ms >= S)).toBe(true);
  });

  it('the default backoff starts at the period and is capped at 10 minutes', async () => {
    const o = await simulate({ every: 2 * M, until: 3 * 60 * M, checkFails: () => true });
    const waits = kinds(o, 'check-failed').map((e) => (e as { retryInMs: number }).retryInMs);
    expect(waits.slice(0, 4)).toEqual([2 * M, 4 * M, 8 * M, 10 * M]);
    expect(Math.max(...waits)).toBe(10 * M);
  });

  it('retries a failed run with growing waits even when nothing changes, until it works', async () => {
    const o = await simulate({
      every: S,
      edits: [2_500],
      until: 120 * S,
      runFails: (n) => n <= 3,
      backoff: { baseMs: S, capMs: 60 * S },
    });
    // Run at 4 s fails (1 s long); retries 1 s, 2 s, 4 s after each failed run ends.
    expect(o.runs).toEqual([4 * S, 6 * S, 9 * S, 14 * S]);
    expect(kinds(o, 'run-failed').map((e) => (e as { retryInMs: number }).retryInMs)).toEqual([
      S,
      2 * S,
      4 * S,
    ]);
    expect(kinds(o, 'run-started').slice(1)).toEqual([
      { kind: 'run-started', workbooks: [] },
      { kind: 'run-started', workbooks: [] },
      { kind: 'run-started', workbooks: [] },
    ]);
    expect(kinds(o, 'run-finished')).toHaveLength(1);
  });

  it('after a failed run, a change that settles runs at once, without waiting for the retry', async () => {
    const o = await simulate({
      every: S,
      edits: [2_500, 10_500],
      until: 60 * S,
      runFails: (n) => n === 1,
      backoff: { baseMs: 30 * S, capMs: 60 * S },
    });
    // The first run fails at 4 s (retry planned 30 s later); the fix saved at 10.5 s runs at 12 s.
    expect(o.runs).toEqual([4 * S, 12 * S]);
  });

  it('when the check after a run fails, the next working check leads to one more run', async () => {
    const o = await simulate({
      every: S,
      edits: [2_500],
      until: 60 * S,
      checkFails: (now) => now === 5 * S,
      backoff: { baseMs: S, capMs: 8 * S },
    });
    // Run 4–5 s; the check at 5 s fails, the one at 6 s works but cannot tell its write from an
    // edit, so after a quiet second it runs again.
    expect(o.runs).toEqual([4 * S, 7 * S]);
  });
});

describe('stop', () => {
  it('ends a long wait at once', async () => {
    const watcher = startWatcher({
      workbooks: [{ label: 'a', fingerprint: async () => 'same' }],
      every: 60 * M,
      baseline: ['same'],
      clock: realClock,
      onChange: async () => {},
    });
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await watcher.stop();
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('resolves only after the run in progress has finished', async () => {
    let content = 'before';
    let finished = false;
    let runStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      runStarted = resolve;
    });
    const watcher = startWatcher({
      workbooks: [{ label: 'a', fingerprint: async () => content }],
      every: 5,
      debounce: 5,
      baseline: ['before'],
      onChange: async () => {
        runStarted();
        await new Promise((resolve) => setTimeout(resolve, 100));
        finished = true;
      },
    });
    content = 'after';
    await started;
    await watcher.stop();
    expect(finished).toBe(true);
  });
});
