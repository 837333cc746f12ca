/**
 * One point of a parameter sweep (pure, used by the workers and in-process): the reduced map of a registry algorithm for the
 * base config with (λ_v, x) substituted, x = η̃ (or η), d, α or φ by grid, run for `steps` steps without recording.
 * Reports the escape step, the peak of b/a and its step, the final loss and divergence.
 */
import type { ExperimentConfig } from '../config/config.js';
import { DEFAULTS } from '../config/defaults.js';
import { algorithmById, algorithmOf, type AlgorithmConfig } from '../algorithms/index.js';
import { buildModelSpec, initialBlockCoefficients } from '../model/spec.js';
import type { CompiledSystem } from '../symbolic/compiled.js';
import { systemFor } from '../symbolic/compile.js';
import { summarizeMap } from './maps.js';
import { statContext } from './statistics.js';

/** lambda-phi (issue 13): the second axis is the spiked model's signalSpikeAngle φ (θ = cos φ·u + sin φ·v). */
export type SweepGrid = 'lambda-eta' | 'lambda-d' | 'lambda-alpha' | 'lambda-phi';
/** Registry id of a swept algorithm (src/algorithms/): "gd", "specgd", "muon", ... */
export type SweepAlgorithm = string;

/** Everything a worker needs (structured-clone safe). */
export interface SweepJob {
  base: ExperimentConfig;
  grid: SweepGrid;
  lambdaV: number[];
  /** Second axis: η̃/η, d, α or φ. */
  values: number[];
  algorithms: SweepAlgorithm[];
  steps: number;
}

export interface SweepPoint {
  algorithm: SweepAlgorithm;
  lambdaV: number;
  /** The second-axis value (η, d or α). */
  x: number;
  /** Step size used. */
  eta: number;
  status: 'ok' | 'diverged';
  /** First non-finite / out-of-bound step (diverged runs), else null. */
  divergedAt: number | null;
  escapeStep: number | null;
  peakRatio: number;
  peakStep: number;
  /** Loss at the last step (null when diverged: the last finite loss is `lastFiniteLoss`). */
  finalLoss: number | null;
  lastFiniteLoss: number;
  /** Diverged points: what happened and what to change (no stability bound quoted; see divergedPointMessage); else null. */
  message: string | null;
}

/** Number of points of a job: |algorithms| · |λ_v| · |values| (index = (alg·|λ_v| + i)·|values| + j). */
export function jobSize(job: SweepJob): number {
  return job.algorithms.length * job.lambdaV.length * job.values.length;
}

const cache = new Map<string, CompiledSystem>();
/**
 * Message of a diverged point: where, and what to change. It quotes no stability bound: the one stability value the
 * tool reports is `stableUpTo` (dynamics/stability.ts, a scan per model, too costly per sweep point), which
 * `specgd thresholds` and the theory run's divergence message give for the same model.
 */
function divergedPointMessage(algorithm: SweepAlgorithm, eta: number, lambdaV: number, step: number): string {
  const def = algorithmById(algorithm);
  const etaSym = def.timeStep === 'etaTilde' ? 'η̃' : 'η';
  const where = `${def.title} diverged at step ${step} (some |a_k| > ${DEFAULTS.divergenceBound} or not finite)`;
  if (!def.gradientMap) return `${where}: ${etaSym} = ${eta} for λ_v = ${lambdaV}; lower eta`;
  return `${where}: ${etaSym} = ${eta} for λ_v = ${lambdaV} (\`specgd thresholds\` reports stableUpTo, the largest η̃ below which every scanned step size converges, for this model); lower eta`;
}

/** Config of point `index` of a job. */
export function pointConfig(job: SweepJob, index: number): { config: ExperimentConfig; algorithm: SweepAlgorithm; algorithmConfig: AlgorithmConfig; lambdaV: number; x: number; eta: number } {
  const nv = job.values.length;
  const nl = job.lambdaV.length;
  const j = index % nv;
  const i = Math.floor(index / nv) % nl;
  const algorithm = job.algorithms[Math.floor(index / (nv * nl))];
  const lambdaV = job.lambdaV[i];
  const x = job.values[j];
  const base = job.base;
  if (base.model.covariance.kind !== 'spiked') throw new Error('sweeps need a spiked covariance');
  const def = algorithmById(algorithm);
  // The base config's entry for this algorithm (its settings), else the algorithm's defaults.
  const baseAlg = base.algorithms.find((a) => algorithmOf(a) === def) ?? def.defaults;
  let eta = baseAlg.eta;
  let d = base.model.d;
  let init = base.model.init;
  let angle: Record<string, number> = {};
  if (job.grid === 'lambda-eta') eta = x;
  else if (job.grid === 'lambda-d') d = x;
  else if (job.grid === 'lambda-phi') angle = { signalSpikeAngle: x };
  else init = { kind: 'scaled-identity', alpha: x };
  const config: ExperimentConfig = {
    ...base,
    model: { ...base.model, d, init, covariance: { ...base.model.covariance, spikeVariance: lambdaV, ...angle } },
    steps: job.steps,
  };
  return { config, algorithm, algorithmConfig: { ...baseAlg, eta }, lambdaV, x, eta };
}

/** Run point `index` of a job. */
export function runPoint(job: SweepJob, index: number): SweepPoint {
  const { config, algorithm, algorithmConfig, lambdaV, x, eta } = pointConfig(job, index);
  const spec = buildModelSpec(config);
  const key = JSON.stringify([config.model.covariance, config.model.d, config.model.student, config.model.lossScale]);
  let sys = cache.get(key);
  if (!sys) {
    sys = systemFor(spec);
    // bounded: a long-lived process may sweep many models (oldest dropped first)
    if (cache.size >= 256) cache.delete(cache.keys().next().value!);
    cache.set(key, sys);
  }
  const a0 = initialBlockCoefficients(spec);
  if (!a0) throw new Error('sweeps need a scaled-identity initialization');
  const ctx = statContext(sys, spec, DEFAULTS.signTieRelTol);
  const run = summarizeMap(sys, ctx, a0, algorithmConfig, job.steps, config.events.escapeLevel, DEFAULTS.divergenceBound);
  return {
    algorithm,
    lambdaV,
    x,
    eta,
    status: run.status,
    divergedAt: run.divergedAt,
    escapeStep: run.escapeStep,
    peakRatio: run.peakRatio,
    peakStep: run.peakStep,
    finalLoss: run.status === 'ok' ? run.finalLoss : null,
    lastFiniteLoss: run.finalLoss,
    message: run.status === 'diverged' ? divergedPointMessage(algorithm, eta, lambdaV, run.divergedAt ?? 0) : null,
  };
}
