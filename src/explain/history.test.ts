import { describe, expect, it } from 'vitest';
import { type InitiativeHistory, type RankRecord, type ScoreRecord, scoreSteps, stateAt } from './history.js';

const at = (run: number) => `2026-01-0${run}T09:00:00.000Z`;
let ids = 0;

function score(run: number, framework: string, value: number): ScoreRecord {
  ids += 1;
  return {
    id: ids,
    run,
    at: at(run),
    framework,
    model: null,
    formula: null,
    value,
    effort: 1,
    overall: value,
    inputs: {},
  };
}

function ranking(
  run: number,
  framework: string | null,
  rank: number | null,
  coefficient: number | null = null,
): RankRecord {
  return { run, at: at(run), framework, coefficient, priority: rank === null ? null : 100 - rank, rank };
}

describe('an initiative over its runs', () => {
  // Run 1: scored by RICE and WSJF, RICE active, rank 3. Run 2: only its rank moved. Run 3: its
  // WSJF score changed (not the active one). Run 4: RICE changed. Run 5: switched to WSJF. Run 6:
  // coefficient set.
  const history: InitiativeHistory = {
    scores: [score(1, 'RICE', 10), score(1, 'WSJF', 4), score(3, 'WSJF', 5), score(4, 'RICE', 12)],
    ranks: [
      ranking(1, 'RICE', 3),
      ranking(2, 'RICE', 4),
      ranking(4, 'RICE', 2),
      ranking(5, 'WSJF', 6),
      ranking(6, 'WSJF', 5, 2),
    ],
    framework: 'WSJF',
  };

  it('steps are the runs that changed its framework, its coefficient or its active score', () => {
    expect(
      scoreSteps(history).map((s) => [s.run, s.framework, s.coefficient, s.score?.value, s.rank]),
    ).toEqual([
      [1, 'RICE', null, 10, 3],
      [4, 'RICE', null, 12, 2],
      [5, 'WSJF', null, 5, 6],
      [6, 'WSJF', 2, 5, 5],
    ]);
  });

  it('the state as of a run or an instant is the latest recorded by then', () => {
    const afterTwo = stateAt(history, { runId: 2 })!;
    expect([afterTwo.run, afterTwo.at, afterTwo.rank, afterTwo.score?.value]).toEqual([2, at(2), 4, 10]);
    expect(afterTwo.scores.get('WSJF')?.value).toBe(4);
    expect(stateAt(history, { at: '2026-01-03T12:00:00.000Z' })!.scores.get('WSJF')?.value).toBe(5);
    expect(stateAt(history)!.run).toBe(6);
    expect(stateAt(history, { at: '2025-12-31T00:00:00.000Z' })).toBeNull();
  });

  it('without a recorded ranking (an older database), the framework it has now is the active one', () => {
    const old: InitiativeHistory = {
      scores: [score(1, 'RICE', 1), score(1, 'WSJF', 2), score(2, 'WSJF', 3)],
      ranks: [],
      framework: 'WSJF',
    };
    expect(scoreSteps(old).map((s) => s.score?.value)).toEqual([2, 3]);
  });
});
