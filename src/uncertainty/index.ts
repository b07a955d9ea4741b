/**
 * The uncertainty module's front door: a pure Monte Carlo engine over math models. Seeded random
 * streams, param distributions (the Params tab's min / max / distribution), and the simulation
 * that gives each initiative its value and overall quantiles, P(top N), tornado and histogram.
 * No I/O; worker threads only when asked or when the run is large.
 */
export {
  cdf,
  checkDistribution,
  DISTRIBUTION_NAMES,
  type DistributionCells,
  type DistributionCheck,
  type DistributionKind,
  type DistributionSpec,
  mean,
  quantile,
  sample,
} from './distributions.js';
export { closeSimulationWorkers } from './parallel.js';
export { createRandom, type Random, stream } from './random.js';
export {
  type InitiativeUncertainty,
  PARALLEL_FROM,
  type Quantiles,
  type SimulatedInitiative,
  type SimulationInput,
  type SimulationOptions,
  type SimulationResult,
  simulate,
  simulateSync,
} from './simulate.js';
export { HISTOGRAM_BINS, type HistogramBin, roundPercent, roundQuantile } from './statistics.js';
export type { TornadoBar } from './tornado.js';
