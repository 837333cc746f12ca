/**
 * The `theory-corrected` trajectory of a finite-sample or online config (issue 11): per algorithm, the population
 * (reduced) trajectory plus the predicted leading-order finite-sample correction of the ensemble mean,
 *   E s_k ≈ s(W̄_k) + c_k / N,   N = n (full batch, order 1/n) or B (online SGD, order 1/B),
 * with the predicted per-seed standard deviation σ_k/√N beside it (`sd`). The coefficients come from the linear
 * response of propagate.ts and predict.ts. GD: over the whole run (the expansion's next order is part of the
 * comparison's tolerance, compare/tolerance.ts). SpecGD: up to the first sign switch of a block gradient, where the
 * polar factor is not differentiable; the trajectory stops there and says so (`correction.validity`).
 */
import { provenance } from '../../core/provenance.js';
import type { Trajectory } from '../../core/trajectory.js';
import type { ExperimentConfig } from '../../config/config.js';
import { DEFAULTS } from '../../config/defaults.js';
import { algorithmOf } from '../../algorithms/index.js';
import { buildModelSpec, initialBlockCoefficients, type ModelSpec } from '../../model/spec.js';
import { propagateResponse, type ResponseAlgorithm, type ResponseRun } from './propagate.js';
import { predictEscape, predictStatistics, type EscapePrediction, type PredictionContext, type StatisticPrediction } from './predict.js';

/** What a corrected trajectory carries besides its series (`Trajectory.correction`). */
export interface CorrectionInfo {
  /** "1/n" (full batch) or "1/B" (online). */
  order: '1/n' | '1/B';
  /** n or B. */
  size: number;
  mode: 'full-batch' | 'online';
  /** "ok" over the whole run, "sign-switch" (SpecGD: stopped at the first sign switch) or "diverged". */
  validity: 'ok' | 'sign-switch' | 'diverged';
  /** Last step with a prediction. */
  validUntilStep: number;
  message: string;
  /** Predicted escape-step shift (mean, per-seed SD) at this size, in steps. */
  escape: { level: number; populationStep: number | null; meanShift: number | null; sd: number | null };
  /** Mean-shift coefficients c_k (E s − s̄ ≈ c/N) per series, for claims and figures. */
  coefficients: Record<string, number[]>;
  /** Population values s(W̄_k) per series. */
  population: Record<string, number[]>;
}

/** The response problem of one algorithm of a config (null when the algorithm has no response model). */
function responseAlgorithm(alg: ExperimentConfig['algorithms'][number], spec: ModelSpec): ResponseAlgorithm | null {
  const id = algorithmOf(alg).id;
  if (id === 'gd') return { kind: 'gd', h: 4 * spec.lossScale * alg.eta };
  if (id === 'specgd') return { kind: 'specgd', eta: alg.eta };
  return null;
}

/** Whether a config has a finite-sample correction: full batch or online, matrix student, W₀ = αI. */
export function correctionApplies(config: ExperimentConfig): string | null {
  if (config.data.mode === 'population') return 'population data: no finite-sample correction';
  if (config.model.student.kind !== 'matrix') return 'vector student: the response is derived for the matrix student (m = d)';
  if (config.model.init.kind !== 'scaled-identity') return `initialization ${config.model.init.kind}: the response is about the block manifold (W₀ = αI)`;
  return null;
}

export interface AlgorithmResponse {
  label: string;
  run: ResponseRun;
  predictions: StatisticPrediction[];
  escape: EscapePrediction;
}

/** Response runs and predictions per GD/SpecGD algorithm of a config (unsupported algorithms are skipped). */
export function responsesOf(config: ExperimentConfig): AlgorithmResponse[] {
  const spec = buildModelSpec(config);
  const a0 = initialBlockCoefficients(spec)!;
  const blocks = { lambda: Float64Array.from(spec.blocks.map((b) => b.variance)), rank: Float64Array.from(spec.blocks.map((b) => b.rank)), labelNoise: spec.labelNoise };
  const ctx: PredictionContext = { blocks, symbols: spec.blocks.map((b) => b.symbol), signal: spec.signalBlock, spike: spec.spikeBlock, lossScale: spec.lossScale };
  const out: AlgorithmResponse[] = [];
  for (const alg of config.algorithms) {
    const ra = responseAlgorithm(alg, spec);
    if (!ra) continue;
    const run = propagateResponse({ blocks, signal: spec.signalBlock, a0, algorithm: ra, mode: config.data.mode === 'online' ? 'online' : 'full-batch', steps: config.steps, divergenceBound: DEFAULTS.divergenceBound });
    out.push({ label: algorithmOf(alg).label(alg), run, predictions: predictStatistics(run, ctx), escape: predictEscape(run, spec.signalBlock, blocks.rank[spec.signalBlock], config.events.escapeLevel) });
  }
  return out;
}

/** The `theory-corrected` trajectories of a finite-sample or online config (one per GD/SpecGD algorithm). */
export function correctedTheory(config: ExperimentConfig, record: ArrayLike<number>, command = 'theory'): Trajectory[] {
  if (correctionApplies(config) !== null) return [];
  const N = config.data.mode === 'full-batch' ? config.data.n : config.data.mode === 'online' ? config.data.batch : 1;
  const order = config.data.mode === 'online' ? '1/B' : '1/n';
  const out: Trajectory[] = [];
  for (const r of responsesOf(config)) {
    const last = r.run.points.length - 1;
    const steps = Array.from(record).filter((k) => k <= last);
    const series: Record<string, number[]> = {};
    const sd: Record<string, number[]> = {};
    const coefficients: Record<string, number[]> = {};
    const population: Record<string, number[]> = {};
    for (const p of r.predictions) {
      const at = p.atSize(N);
      series[p.name] = steps.map((k) => at.mean[k]);
      sd[p.name] = steps.map((k) => at.sd[k]);
      coefficients[p.name] = steps.map((k) => p.meanShift[k]);
      population[p.name] = steps.map((k) => p.population[k]);
    }
    const eta = config.algorithms.find((a) => algorithmOf(a).label(a) === r.label)!.eta;
    const validity = r.run.status;
    const message = `population theory + predicted ${order} correction (${config.data.mode}, ${order === '1/n' ? 'n' : 'B'} = ${N}); ${validity === 'ok' ? `valid over all ${config.steps} steps` : r.run.message}`;
    const correction: CorrectionInfo = {
      order,
      size: N,
      mode: config.data.mode === 'online' ? 'online' : 'full-batch',
      validity,
      validUntilStep: Math.max(0, last),
      message,
      escape: { level: r.escape.level, populationStep: r.escape.step, meanShift: r.escape.shift === null ? null : r.escape.shift / N, sd: r.escape.sd === null ? null : r.escape.sd / Math.sqrt(N) },
      coefficients,
      population,
    };
    out.push({
      kind: 'theory-corrected',
      algorithm: r.label,
      status: 'ok',
      message,
      step: steps,
      t: steps.map((k) => eta * k),
      series,
      sd,
      events: [],
      provenance: provenance(command, config, { seeds: config.seeds, settings: { correction: order, size: N, validity, validUntilStep: Math.max(0, last) } }),
      correction: correction as unknown as Record<string, unknown>,
    });
  }
  return out;
}
