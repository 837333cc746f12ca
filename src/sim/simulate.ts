/**
 * Full-dimensional runs (model.md §3) on W ∈ R^{m×d} of every algorithm of the config: W ← step(W, ∇L(W)) with
 * the step and optimizer state of the algorithm's registry file (src/algorithms/, each file's `full`).
 * Gradients: population-exact, full-batch on a fixed seeded sample of size n, or online (a fresh mini-batch each
 * step). Statistics (stats.ts) on the recording grid (record.ts); ensembles over the config's seeds give every
 * series as { mean, se } with se = σ̂/√K. Deterministic: the same config + seeds give bit-identical output.
 */
import type { ExperimentConfig } from '../config/config.js';
import { DEFAULTS } from '../config/defaults.js';
import { ConfigError } from '../core/errors.js';
import { defaultBackend, type LinalgBackend } from '../core/linalg.js';
import { linalgSettings, provenance } from '../core/provenance.js';
import { mean, standardError } from '../core/stats.js';
import { assertFiniteDeep, lossIncreased, type Trajectory, type TrajectoryEvent, type TrajectoryStatus } from '../core/trajectory.js';
import { algorithmOf, type AlgorithmConfig } from '../algorithms/index.js';
import { buildModelSpec, specStatModel, type ModelSpec } from '../model/spec.js';
import { drawSamples, sampleBuffers, type SampleBuffers } from './data.js';
import { fullBatchGradient, gradientPathName, populationGradient, populationWorkspace, sampleGradient, sampleWorkspace, type FullBatchGradient } from './gradient.js';
import { buildProblem, initialWeights, RNG_STREAMS, type SimProblem } from './problem.js';
import { createRng } from '../core/rng.js';
import { recordSteps } from '../config/record.js';
import { FullStatView, statsWorkspace } from './stats.js';
import { simulationLayout } from '../statistics/index.js';
import { runSeedsParallel } from './parallel.js';


export interface SimulateOptions {
  backend?: LinalgBackend;
  /** Worker threads for the seeds (default: SPECGD_WORKERS or one per core when the run is long enough; 1 = sequential). */
  workers?: number;
  /** Called with (steps done, total steps) over all seeds and algorithms. */
  onProgress?: (done: number, total: number) => void;
  /** Command recorded in the provenance (default "simulate"). */
  command?: string;
  /**
   * Called at every recorded step with the live weights W (m×d, row-major; copy it to keep it). For tests and
   * diagnostics that need more than the summary statistics.
   */
  onRecord?: (info: { algorithm: string; seed: number; step: number; W: Float64Array }) => void;
}

/** One seed's run of one algorithm: raw series on the recorded prefix of the grid. */
export interface SeedRun {
  seed: number;
  status: 'ok' | 'diverged';
  message: string;
  /** the step at which W first became non-finite or exceeded DIVERGENCE_NORM */
  divergedStep: number | null;
  step: number[];
  series: Record<string, number[]>;
}

/** Series names of a simulation: every statistic of the registry (src/statistics/) with a full evaluation. */
export function seriesNames(spec: ModelSpec, dataMode: ExperimentConfig['data']['mode']): string[] {
  return simulationLayout(specStatModel(spec, DEFAULTS.signTieRelTol, dataMode)).names;
}

interface SeedContext {
  config: ExperimentConfig;
  spec: ModelSpec;
  problem: SimProblem;
  seed: number;
  /** full-batch sample (null otherwise) */
  dataset: SampleBuffers | null;
  /** its gradient (moment operator or direct path), shared by the algorithms of the seed */
  fullBatch: FullBatchGradient | null;
  grid: number[];
  backend: LinalgBackend;
  progress: (doneInRun: number) => void;
  onRecord?: SimulateOptions['onRecord'];
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : String(x);
}

/** Run one algorithm from one seed's initialization. */
function runSeed(ctx: SeedContext, alg: AlgorithmConfig): SeedRun {
  const { config, spec, problem, seed, dataset, grid, backend } = ctx;
  const { d, m } = problem;
  const steps = config.steps;
  const tieTol = DEFAULTS.signTieRelTol;
  const mode = config.data.mode;
  const model = specStatModel(spec, tieTol, mode);
  const layout = simulationLayout(model);
  const names = layout.names;
  const row = new Float64Array(names.length);
  const nRec = grid.length;
  // ---- every buffer is allocated here, before the step loop ----
  const W = initialWeights(problem, seed);
  const G = new Float64Array(m * d);
  const popWs = populationWorkspace(d);
  const def = algorithmOf(alg);
  const label = def.label(alg);
  const optimizer = def.full(alg, { m, d, backend, tieRelTol: tieTol });
  const batchN = mode === 'full-batch' ? config.data.n : mode === 'online' ? config.data.batch : 0;
  const batch = mode === 'online' ? sampleBuffers(problem, batchN) : dataset;
  const sampleWs = mode === 'online' ? sampleWorkspace(batchN, m) : null;
  const onlineRng = mode === 'online' ? createRng(seed, RNG_STREAMS.data) : null;
  const view = new FullStatView(problem, backend, statsWorkspace(problem), tieTol);
  const rec: Float64Array[] = names.map(() => new Float64Array(nRec));
  const pre = { WtW: popWs.M, loss: 0 };
  let nDone = 0;
  let status: 'ok' | 'diverged' = 'ok';
  let message = '';
  let divergedStep: number | null = null;
  let next = 0; // index into grid of the next step to record
  const eta = alg.eta;

  const diverge = (t: number, why: string): void => {
    status = 'diverged';
    divergedStep = t;
    const etaName = def.timeStep === 'etaTilde' ? 'η̃' : 'η';
    // Name the other causes of a large step than η itself: the loss scale κ multiplies every gradient (the
    // effective step is 4κ·η̃ against model.md's κ = 1/4), and label noise enters the sample gradients.
    const kappa = config.model.lossScale;
    const causes: string[] = [];
    if (kappa !== 0.25) causes.push(`the loss scale κ = ${kappa} multiplies every gradient (effective step 4κ·${etaName} = ${Number.isFinite(4 * kappa * eta) ? 4 * kappa * eta : 'beyond the float64 range'})`);
    if (config.model.labelNoise > 0 && mode !== 'population') causes.push(`label noise σ_ε = ${config.model.labelNoise} enters the sample gradients`);
    message =
      `${label} diverged at step ${t} (seed ${seed}): ${why}; ${etaName} = ${eta} is too large for this model ` +
      `(d = ${d}, data ${mode}${causes.length ? `; ${causes.join('; ')}` : ''}) — lower eta${causes.length ? ' (or the loss scale / label noise)' : ''}`;
  };

  for (let t = 0; t <= steps; t++) {
    const recordNow = next < nRec && grid[next] === t;
    // gradient at W_t (also gives the training loss); at t = steps only when it is needed for train_loss
    let trainLoss = 0;
    let popLoss = Number.NaN;
    const needGrad = t < steps || (recordNow && mode !== 'population');
    if (needGrad) {
      if (mode === 'population') popLoss = populationGradient(problem, backend, W, G, popWs);
      else if (ctx.fullBatch) trainLoss = ctx.fullBatch.evaluate(W, t < steps ? G : null, recordNow);
      else {
        drawSamples(problem, onlineRng!, batch!, backend);
        trainLoss = sampleGradient(problem, backend, W, batch!.X, batch!.y, batchN, G, sampleWs!);
      }
    }
    if (recordNow) {
      ctx.onRecord?.({ algorithm: label, seed, step: t, W });
      // population steps already hold WᵀW and L(W) from the gradient: reused, not recomputed
      pre.loss = popLoss;
      view.load(W, Number.isNaN(popLoss) ? undefined : pre, mode === 'population' ? Number.NaN : trainLoss);
      for (const e of layout.entries) e.statistic.full!(view, model, row, e.offset);
      let finite = true;
      for (let k = 0; k < row.length; k++) {
        rec[k][next] = row[k];
        if (!Number.isFinite(row[k])) finite = false;
      }
      if (!finite) {
        diverge(t, 'a statistic of W became non-finite');
        break;
      }
      next++;
      nDone = next;
    }
    if (t === steps) break;
    let gFinite = true;
    for (let i = 0; i < m * d && gFinite; i++) gFinite = Number.isFinite(G[i]);
    if (!gFinite) {
      diverge(t + 1, 'the gradient became non-finite');
      break;
    }
    // ---- update: the algorithm's own step (registry) ----
    const failed = optimizer.step(W, G);
    if (failed !== null) {
      diverge(t + 1, failed);
      break;
    }
    // diverged: an entry of W beyond DEFAULTS.divergenceBound (on the canonical-basis manifold the entries are the
    // a_k, so this is the theory side's |a_k| > bound) or not finite
    let wMax = 0;
    let wNaN = false;
    for (let i = 0; i < m * d; i++) {
      const v = Math.abs(W[i]);
      if (v > wMax) wMax = v;
      else if (v !== v) wNaN = true;
    }
    if (wNaN || !(wMax <= DEFAULTS.divergenceBound)) {
      diverge(t + 1, !wNaN && Number.isFinite(wMax) ? `max |W_ij| = ${fmt(wMax)} exceeds ${DEFAULTS.divergenceBound}` : 'W became non-finite');
      break;
    }
    ctx.progress(t + 1);
  }
  const series: Record<string, number[]> = {};
  names.forEach((name, i) => (series[name] = Array.from(rec[i].subarray(0, nDone))));
  return { seed, status, message, divergedStep, step: grid.slice(0, nDone), series };
}

/** Time of step k: t = η̃ k (gradient methods) or η k (normalized methods), as on the theory side. */
function timeOf(alg: AlgorithmConfig, step: number): number {
  return alg.eta * step;
}

/** Combine one algorithm's seed runs into a Trajectory with { mean, se } series over the common recorded prefix. */
export function ensembleTrajectory(config: ExperimentConfig, spec: ModelSpec, alg: AlgorithmConfig, runs: SeedRun[], prov: Trajectory['provenance']): Trajectory {
  const label = algorithmOf(alg).label(alg);
  const K = runs.length;
  const len = Math.min(...runs.map((r) => r.step.length));
  const step = runs[0].step.slice(0, len);
  const names = Object.keys(runs[0].series);
  const series: Record<string, { mean: number[]; se: number[] }> = {};
  const col = new Float64Array(K);
  for (const name of names) {
    const mu: number[] = new Array(len);
    const se: number[] = new Array(len);
    for (let i = 0; i < len; i++) {
      for (let k = 0; k < K; k++) col[k] = runs[k].series[name][i];
      mu[i] = mean(col);
      se[i] = standardError(col);
    }
    series[name] = { mean: mu, se };
  }
  const diverged = runs.filter((r) => r.status === 'diverged');
  let status: TrajectoryStatus = 'ok';
  let message: string;
  const where = config.data.mode === 'population' ? 'population gradient' : config.data.mode === 'full-batch' ? `full batch, n = ${config.data.n}` : `online, batch ${config.data.batch}`;
  if (diverged.length > 0) {
    status = 'diverged';
    const first = diverged.reduce((a, b) => ((b.divergedStep ?? Infinity) < (a.divergedStep ?? Infinity) ? b : a));
    message = `${diverged.length} of ${K} seed(s) diverged; series end at the last step recorded by every seed. ${first.message}`;
  } else if (lossIncreased(series.loss.mean, algorithmOf(alg).timeStep === 'etaTilde' ? 'η̃' : 'η', alg.eta) !== null) {
    status = 'loss-increased';
    message = `${label}: ${lossIncreased(series.loss.mean, algorithmOf(alg).timeStep === 'etaTilde' ? 'η̃' : 'η', alg.eta)}`;
  } else message = `${label}: ${config.steps} steps × ${K} seed(s) (${where})`;
  const events: TrajectoryEvent[] = [];
  const sig = spec.blocks[spec.signalBlock].symbol;
  const a = series[sig].mean;
  for (let i = 0; i < len; i++) {
    if (Math.abs(a[i]) >= config.events.escapeLevel) {
      events.push({ name: 'escape', step: step[i], t: timeOf(alg, step[i]), value: a[i] });
      break;
    }
  }
  if (config.events.lossLevel !== undefined) {
    const L = series.loss.mean;
    for (let i = 0; i < len; i++) {
      if (L[i] <= config.events.lossLevel) {
        events.push({ name: 'loss-below', step: step[i], t: timeOf(alg, step[i]), value: L[i] });
        break;
      }
    }
  }
  return {
    kind: 'simulation',
    algorithm: label,
    status,
    message,
    step,
    t: step.map((s) => timeOf(alg, s)),
    series,
    events,
    provenance: prov,
  };
}

/**
 * Every algorithm of the config over its seeds, as raw per-seed runs ([algorithm][seed]). Per seed the
 * eigenbasis, the initialization and the full-batch sample are drawn once and shared by the algorithms (common
 * random numbers; online runs of the same seed also see the same mini-batches).
 */
/**
 * Largest array the simulation allocates, in float64 entries (2²⁷ = 1 GiB): W, Σ, Σ^{1/2} and the SVD workspaces
 * are d × d, the dataset n × d (full batch) or batch × d (online). Larger problems are bad input, not a crash.
 */
export const MAX_SIM_ARRAY_ENTRIES = 2 ** 27;

/** Reject configs whose d × d matrices or sample buffers cannot be allocated (ConfigError naming the field). */
export function checkSimulationSize(config: ExperimentConfig): void {
  const d = config.model.d;
  if (d * d > MAX_SIM_ARRAY_ENTRIES) {
    throw new ConfigError('model.d', d, `d ≤ ${Math.floor(Math.sqrt(MAX_SIM_ARRAY_ENTRIES))} for specgd simulate (W and Σ are d × d float64 arrays, at most ${MAX_SIM_ARRAY_ENTRIES} entries each); the reduced theory has no such limit`);
  }
  const data = config.data;
  const rows = data.mode === 'full-batch' ? data.n : data.mode === 'online' ? data.batch : 0;
  if (rows * d > MAX_SIM_ARRAY_ENTRIES) {
    const field = data.mode === 'full-batch' ? 'data.n' : 'data.batch';
    throw new ConfigError(field, rows, `an integer ≤ ${Math.floor(MAX_SIM_ARRAY_ENTRIES / d)} at d = ${d} (the samples are an ${field.slice(5)} × d float64 array of at most ${MAX_SIM_ARRAY_ENTRIES} entries)`);
  }
}

/**
 * Every algorithm of the config from one seed ([algorithm]); `onSteps(k)` is called with the steps done so far in
 * this seed (over its algorithms). The unit of work of the seed-parallel ensembles (parallel.ts).
 */
export function runSeedAlgorithms(config: ExperimentConfig, seed: number, backend: LinalgBackend, onSteps?: (done: number) => void, onRecord?: SimulateOptions['onRecord']): SeedRun[] {
  const spec = buildModelSpec(config);
  const grid = Array.from(recordSteps(config.steps, config.record));
  const rules = config.algorithms;
  const problem = buildProblem(spec, seed);
  let dataset: SampleBuffers | null = null;
  let fullBatch: FullBatchGradient | null = null;
  if (config.data.mode === 'full-batch') {
    dataset = sampleBuffers(problem, config.data.n);
    drawSamples(problem, createRng(seed, RNG_STREAMS.data), dataset, backend);
    fullBatch = fullBatchGradient(problem, backend, dataset.X, dataset.y, config.data.n, config.steps * rules.length);
  }
  return rules.map((rule, ai) => {
    const base = ai * config.steps;
    const progress = (k: number): void => onSteps?.(base + k);
    const run = runSeed({ config, spec, problem, seed, dataset, fullBatch, grid, backend, progress, onRecord }, rule);
    onSteps?.(base + config.steps);
    return run;
  });
}

export function runSimulationSeeds(config: ExperimentConfig, opts: SimulateOptions = {}): SeedRun[][] {
  checkSimulationSize(config);
  const backend = opts.backend ?? defaultBackend();
  const nAlg = config.algorithms.length;
  const total = config.steps * nAlg * config.seeds.length;
  // seeds in parallel on worker threads when that pays (parallel.ts); identical results
  const bySeed =
    (opts.onRecord ? null : runSeedsParallel(config, backend, opts.workers, opts.onProgress)) ??
    config.seeds.map((seed, si) => runSeedAlgorithms(config, seed, backend, (k) => opts.onProgress?.(si * config.steps * nAlg + k, total), opts.onRecord));
  return config.algorithms.map((_, ai) => bySeed.map((runs) => runs[ai]));
}

/** Simulate every algorithm of the config over its seeds: one Trajectory per algorithm (series as { mean, se }). */
export function runSimulation(config: ExperimentConfig, opts: SimulateOptions = {}): Trajectory[] {
  return runSimulationWithSeeds(config, opts).trajectories;
}

/** `runSimulation` together with the per-seed runs behind each ensemble trajectory ([algorithm][seed]). */
export function runSimulationWithSeeds(config: ExperimentConfig, opts: SimulateOptions = {}): { trajectories: Trajectory[]; runs: SeedRun[][] } {
  const backend = opts.backend ?? defaultBackend();
  const spec = buildModelSpec(config);
  const runs = runSimulationSeeds(config, { ...opts, backend });
  const prov = provenance(opts.command ?? 'simulate', config, {
    seeds: [...config.seeds],
    settings: {
      ...linalgSettings(backend),
      gradientPath: gradientPathName(backend, config),
      signTieRelTol: DEFAULTS.signTieRelTol,
      divergenceBound: DEFAULTS.divergenceBound,
      recordedSteps: recordSteps(config.steps, config.record).length,
      dataMode: config.data.mode,
    },
  });
  const out = config.algorithms.map((alg, ai) => ensembleTrajectory(config, spec, alg, runs[ai], prov));
  assertFiniteDeep(out);
  return { trajectories: out, runs };
}
