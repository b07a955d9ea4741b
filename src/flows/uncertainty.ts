/**
 * Uncertainty (SHEETS.md), after the scores are ranked: every initiative whose primary math model
 * scored and reads a param with a plausible range (min/max, distribution) is simulated, with the
 * shared assumptions (`*` rows) drawn once per sample for all of them; every other ranked
 * initiative (RICE, WSJF, a model on fixed params) is a constant. The results go on the
 * scoreboard; scoring write and backlog sync put them on the sheets. A param whose range cannot be
 * used is warned about on the cell to fix, and used as fixed.
 */
import type { CompiledScript } from '../formula/index.js';
import {
  type BoardInitiative,
  type BoardParam,
  type BoardUncertainty,
  type Scoreboard,
  SHARED_KEY,
} from '../scoring/index.js';
import {
  checkDistribution,
  type DistributionSpec,
  type InitiativeUncertainty,
  roundQuantile,
  type SimulatedInitiative,
  simulate,
} from '../uncertainty/index.js';
import type { FlowReport, Ledger } from './ledger.js';
import { modelRowKey } from './models-sync.js';
import { paramRowKey } from './params-sync.js';

export interface UncertaintySettings {
  samples: number;
  seed: number;
  topN: number;
}

/** Above this share of failed samples, the model's row says so. */
const FAILURE_WARNING_SHARE = 0.001;

export async function runUncertainty(
  board: Scoreboard,
  ledger: Ledger,
  settings: UncertaintySettings,
): Promise<FlowReport> {
  const report = ledger.report('scoring compute');
  const specs = paramSpecs(board, ledger);
  const shared = new Map<string, DistributionSpec>();
  for (const p of board.params) {
    const spec = specs.get(p);
    if (p.key === SHARED_KEY && spec) shared.set(p.name, spec);
  }

  // Each math model's own param ranges (its shared ones are in `shared`), and whether any of
  // the ranges it reads, own or shared, is more than a point.
  const models = new Map<
    BoardInitiative,
    { script: CompiledScript; text: string; params: Map<string, DistributionSpec>; uncertain: boolean }
  >();
  for (const i of board.initiatives.values()) {
    const model = primaryScript(board, i);
    if (!model) continue;
    const params = new Map<string, DistributionSpec>();
    let uncertain = false;
    for (const name of model.script.inputs) {
      const own = board.paramsNamed(i.key, 'MATH_MODEL', name);
      const spec = own.length > 0 ? specs.get(own[0]!) : shared.get(name);
      if (spec && own.length > 0) params.set(name, spec);
      if (spec && spec.kind !== 'fixed') uncertain = true;
    }
    models.set(i, { ...model, params, uncertain });
  }
  const anyUncertain = [...models.values()].some((m) => m.uncertain);

  const simulated: SimulatedInitiative[] = [];
  const constants: { key: string; priority: number }[] = [];
  for (const i of board.initiatives.values()) {
    const model = models.get(i);
    const competes = isRanked(i) && i.active?.framework === 'MATH_MODEL';
    // Ranked by percentile, a math model on fixed params still moves: the others' draws move its percentile.
    if (anyUncertain && model && (model.uncertain || (competes && board.rankedBy === 'percentile'))) {
      simulated.push({
        key: i.key,
        script: model.script,
        formulaText: model.text,
        params: model.params,
        effortDays: i.effortDays.kind === 'ok' ? i.effortDays.value : null,
        coefficient: i.coefficient.kind === 'ok' ? i.coefficient.value : 1,
        competes,
      });
    } else if (isRanked(i)) {
      constants.push({ key: i.key, priority: i.active!.priority! });
    }
  }
  report.rowsRead += simulated.length;

  // Nothing varies: every chance is 0 or 1 and every percentile is the score itself.
  const result = !anyUncertain
    ? null
    : await simulate({
        initiatives: simulated,
        shared,
        constants,
        samples: settings.samples,
        seed: settings.seed,
        topN: settings.topN,
        normalize: board.rankedBy,
      });
  for (const i of board.initiatives.values()) {
    const math = result?.initiatives.get(i.key);
    if (math) {
      if (math.failures / result!.samples > FAILURE_WARNING_SHARE)
        warnFailures(ledger, i, math, result!.samples);
      i.uncertainty = simulatedUncertainty(i, math);
    } else {
      const pTopN = result ? (result.constants.get(i.key) ?? null) : null;
      i.uncertainty = fixedUncertainty(i, settings.topN, pTopN);
    }
  }
  return report;
}

function isRanked(i: BoardInitiative): boolean {
  return i.rank !== undefined && i.active?.priority != null;
}

function simulatedUncertainty(i: BoardInitiative, math: InitiativeUncertainty): BoardUncertainty {
  const competes = isRanked(i) && i.active?.framework === 'MATH_MODEL';
  const driver = math.tornado[0];
  const priority = i.active?.priority ?? null;
  return {
    value: math.value,
    overall: math.overall,
    probValueNegative: math.value === null ? null : math.probValueNegative,
    priority: competes ? math.priority : isRanked(i) ? { p10: priority!, p90: priority! } : null,
    pTopN: competes ? math.pTopN : null,
    topDriver: driver && driver.swing > 0 ? `${driver.name} (${Math.round(driver.share * 100)}%)` : null,
    tornado: math.tornado,
    histogram: math.histogram,
    failures: math.failures,
  };
}

/**
 * A score with nothing uncertain in it: its percentiles are the score, its chance to make the top
 * N is 1 or 0 by its rank, or what the simulation of the others says.
 */
function fixedUncertainty(i: BoardInitiative, topN: number, simulatedPTopN: number | null): BoardUncertainty {
  const math = i.scores.MATH_MODEL;
  const point = (v: number | null | undefined) =>
    v === null || v === undefined
      ? null
      : { p10: roundQuantile(v), p50: roundQuantile(v), p90: roundQuantile(v) };
  const priority = isRanked(i) ? i.active!.priority! : null;
  return {
    value: point(math?.value),
    overall: point(math?.overall),
    probValueNegative: math?.value == null ? null : math.value < 0 ? 1 : 0,
    priority: priority === null ? null : { p10: roundQuantile(priority), p90: roundQuantile(priority) },
    pTopN: priority === null ? null : (simulatedPTopN ?? (i.rank! <= topN ? 1 : 0)),
    topDriver: null,
    tornado: [],
    histogram: [],
    failures: 0,
  };
}

/** The primary approved model's compiled script, when the math model scored. */
function primaryScript(
  board: Scoreboard,
  i: BoardInitiative,
): { script: CompiledScript; text: string } | null {
  const score = i.scores.MATH_MODEL;
  if (!score || score.value === null || score.formulaText === undefined) return null;
  const script = board.formulas.check(score.formulaText).compiled;
  return script ? { script, text: score.formulaText } : null;
}

/**
 * Each usable MATH_MODEL param's distribution; a row whose range cannot be used is warned about on
 * the cell to fix, and used as fixed at its value.
 */
function paramSpecs(board: Scoreboard, ledger: Ledger): Map<BoardParam, DistributionSpec> {
  const specs = new Map<BoardParam, DistributionSpec>();
  const bound = (b: BoardParam['min']) => (b.kind === 'ok' ? b.value : null);
  for (const p of board.params) {
    if (p.seeded || p.duplicated || !p.approved || p.value.kind !== 'ok' || p.framework !== 'MATH_MODEL')
      continue;
    const check = checkDistribution({
      value: p.value.value,
      min: bound(p.min),
      max: bound(p.max),
      distribution: p.distribution,
    });
    specs.set(p, check.spec);
    if (check.problem) {
      ledger.warn('params sync', {
        ...ledger.at('params', ledger.paramRows.get(p)!.row, check.column ?? null),
        key: paramRowKey(p),
        message: `${check.problem}; until then it has no uncertainty`,
      });
    }
  }
  return specs;
}

function warnFailures(
  ledger: Ledger,
  i: BoardInitiative,
  math: InitiativeUncertainty,
  samples: number,
): void {
  const model = i.scores.MATH_MODEL?.modelName;
  const row = model === undefined ? undefined : ledger.modelRows.get(modelRowKey(i.key, model));
  if (!row) return;
  const share = (100 * math.failures) / samples;
  ledger.warn('scoring compute', {
    ...ledger.at('mathModels', row, 'formula_text_final'),
    key: `${i.key}/${model}`,
    message: `${math.failures} of ${samples} uncertainty samples (${share < 1 ? share.toFixed(1) : Math.round(share)}%) cannot be computed (${math.firstFailure}): narrow the params' min/max, or keep the formula away from that case`,
  });
}
