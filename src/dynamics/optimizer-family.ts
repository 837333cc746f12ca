/**
 * Measurements on the optimizer family (issue 12): pure functions of configs, for claims and reports to call.
 *  - `stepFactors`: per-block step factors of a Muon config's reduced map, measured from the map itself,
 *      f_k = (a_k(1 − η·wd) − a_k')/(η ρ)   (the block coefficient of the Newton–Schulz output),
 *    next to the schedule's polynomial prediction p^{∘k}(u_k/(s‖u‖_F + ε)) (‖u‖_F = √(Σ_j r_j u_j²), u the momentum
 *    update of the block gradients), at W₀ and along the escape;
 *  - `escapeAndEndState`: escape step and constant-step end state (max over the last `tailSteps` steps of |a − 1|
 *    and |c|) of reduced runs over several η, and the exponents of the end state, the least-squares slopes of
 *    log|a − 1| and log|c| against log η (`powerLawFit`);
 *  - `basisComparison`: simulations of a config in the canonical and in a random basis (`withBasis`; run by the
 *    caller, since dynamics/ does not import sim/), the largest differences of their alignment, overlap and block
 *    coefficients (Adam: the reduction fails in a random basis; SpecGD: equal to rounding).
 */
import type { ExperimentConfig } from '../config/config.js';
import { DEFAULTS } from '../config/defaults.js';
import { algorithmOf } from '../algorithms/index.js';
import { lerp, lrScale, muonSettings, scheduleOf, type MuonConfig } from '../algorithms/muon.js';
import { scheduleComposite } from '../algorithms/newton-schulz.js';
import type { Trajectory } from '../core/trajectory.js';
import { iterateMap } from './maps.js';
import { theorySetup } from './setup.js';

export interface StepFactorRecord {
  step: number;
  /** Signal coefficient a_s at this step. */
  signal: number;
  /** Measured f_k per block (in the system's symbol order). */
  measured: number[];
  /** The schedule's polynomial p^{∘k}(x_k) per block (null for the exact polar factor: sgn). */
  predicted: number[];
}

export interface StepFactors {
  symbols: string[];
  records: StepFactorRecord[];
  /** max over records and blocks of |measured − predicted|. */
  maxDeviation: number;
}

/**
 * Step factors of a Muon config's reduced map over `steps` steps from W₀ (module comment); records at step 0
 * and then every `every` steps. The config must be a Muon config of a model on the block manifold.
 */
export function stepFactors(config: ExperimentConfig, steps: number, every = 1): StepFactors {
  const alg = config.algorithms[0] as MuonConfig;
  const def = algorithmOf(alg);
  if (def.id !== 'muon') throw new Error(`stepFactors needs a Muon config, got ${def.id}`);
  const { sys, a0 } = theorySetup(config);
  const s = muonSettings(alg);
  const schedule = scheduleOf(s.nsCoefficients);
  const n = sys.n;
  let dim = 0;
  for (let k = 0; k < n; k++) dim += sys.ranks[k];
  const rho = lrScale(s.lrScaling, sys.student === 'matrix' ? dim : 1, dim);
  const decay = 1 - s.eta * s.weightDecay;
  const stepper = def.reduced(alg, sys);
  const a = Float64Array.from(a0);
  const aNext = new Float64Array(n);
  const g = new Float64Array(n);
  const dir = new Float64Array(n);
  const buf = new Float64Array(n);
  const u = new Float64Array(n);
  const signal = sys.symbols.indexOf('a') >= 0 ? sys.symbols.indexOf('a') : 0;
  const records: StepFactorRecord[] = [];
  let maxDeviation = 0;
  for (let t = 0; t < steps; t++) {
    sys.grad(a, g);
    // the update the map orthogonalizes (same recursion as muon.ts)
    for (let k = 0; k < n; k++) {
      if (s.momentum > 0) {
        buf[k] = lerp(buf[k], g[k], 1 - s.momentum);
        u[k] = s.nesterov ? lerp(g[k], buf[k], s.momentum) : buf[k];
      } else u[k] = g[k];
    }
    stepper.step(a, g, aNext, dir);
    if (t % every === 0) {
      let norm2 = 0;
      for (let k = 0; k < n; k++) norm2 += sys.ranks[k] * u[k] * u[k];
      const norm = Math.sqrt(norm2);
      const measured: number[] = [];
      const predicted: number[] = [];
      for (let k = 0; k < n; k++) {
        measured.push((a[k] * decay - aNext[k]) / (s.eta * rho));
        if (schedule === null) predicted.push(Math.sign(u[k]));
        else if (sys.student === 'vector') predicted.push((scheduleComposite(schedule, s.nsSteps, norm / (norm * schedule.normScale + s.nsEpsilon)) * u[k]) / norm);
        else predicted.push(scheduleComposite(schedule, s.nsSteps, u[k] / (norm * schedule.normScale + s.nsEpsilon)));
        maxDeviation = Math.max(maxDeviation, Math.abs(measured[k] - predicted[k]));
      }
      records.push({ step: t, signal: a[signal], measured, predicted });
    }
    a.set(aNext);
  }
  return { symbols: [...sys.symbols], records, maxDeviation };
}

/** The first record whose signal coefficient reaches `level` (e.g. half the escape level: "mid-escape"). */
export function factorsAtSignal(f: StepFactors, level: number): StepFactorRecord | null {
  return f.records.find((r) => Math.abs(r.signal) >= level) ?? null;
}

export interface PowerLawFit {
  /** Slope p of log y = log C + p log x (least squares). */
  exponent: number;
  prefactor: number;
  /** Largest |residual| of the log fit. */
  maxResidual: number;
}

/** Least-squares fit of log y against log x (all x, y > 0). */
export function powerLawFit(x: readonly number[], y: readonly number[]): PowerLawFit {
  if (x.length !== y.length || x.length < 2) throw new Error('powerLawFit needs ≥ 2 paired points');
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const n = lx.length;
  const mx = lx.reduce((p, q) => p + q, 0) / n;
  const my = ly.reduce((p, q) => p + q, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
  }
  const exponent = sxy / sxx;
  const intercept = my - exponent * mx;
  let maxResidual = 0;
  for (let i = 0; i < n; i++) maxResidual = Math.max(maxResidual, Math.abs(ly[i] - intercept - exponent * lx[i]));
  return { exponent, prefactor: Math.exp(intercept), maxResidual };
}

export interface EndStatePoint {
  eta: number;
  steps: number;
  escapeStep: number | null;
  status: 'ok' | 'diverged';
  /** max over the last tailSteps steps of |a_s − 1| and of |c| (the bulk). */
  signalOffset: number;
  bulk: number;
}

export interface EndStateScan {
  points: EndStatePoint[];
  signalFit: PowerLawFit;
  bulkFit: PowerLawFit;
}

/**
 * Reduced runs of `config`'s first algorithm at each η for ⌈tEnd/η⌉ steps (time t = ηk): escape step and end
 * state (module comment), and the power-law fits of the end state against η. The bulk symbol is `bulkSymbol`
 * ("c" in the spiked model).
 */
export function escapeAndEndState(config: ExperimentConfig, etas: readonly number[], opts: { tEnd: number; tailSteps: number; bulkSymbol?: string }): EndStateScan {
  const { sys, ctx, a0 } = theorySetup(config);
  const bulk = sys.symbols.indexOf(opts.bulkSymbol ?? 'c');
  const s = ctx.signal;
  if (bulk < 0) throw new Error(`no block ${opts.bulkSymbol ?? 'c'} in this model`);
  const points: EndStatePoint[] = etas.map((eta) => {
    const steps = Math.ceil(opts.tEnd / eta);
    const from = Math.max(0, steps - opts.tailSteps);
    const record = Int32Array.from({ length: steps - from + 1 }, (_, i) => from + i);
    const run = iterateMap(sys, ctx, a0, { algorithm: { ...config.algorithms[0], eta }, steps, record, escapeLevel: config.events.escapeLevel, divergenceBound: DEFAULTS.divergenceBound });
    const sym = sys.symbols;
    let signalOffset = 0;
    let bulkMax = 0;
    run.step.forEach((k, i) => {
      if (k < from) return;
      signalOffset = Math.max(signalOffset, Math.abs(run.series[sym[s]][i] - 1));
      bulkMax = Math.max(bulkMax, Math.abs(run.series[sym[bulk]][i]));
    });
    return { eta, steps, escapeStep: run.escapeStep, status: run.status, signalOffset, bulk: bulkMax };
  });
  const ok = points.filter((p) => p.status === 'ok' && p.signalOffset > 0 && p.bulk > 0);
  return {
    points,
    signalFit: powerLawFit(ok.map((p) => p.eta), ok.map((p) => p.signalOffset)),
    bulkFit: powerLawFit(ok.map((p) => p.eta), ok.map((p) => p.bulk)),
  };
}

export interface BasisComparison {
  /** Last common recorded step. */
  steps: number;
  /** max over the common recorded steps of |x_canonical − x_random| per series (alignment, overlap, block coefficients). */
  maxDifference: Record<string, number>;
  final: { canonical: Record<string, number>; random: Record<string, number> };
}

/** A spiked config with its covariance basis set (the two runs `basisComparison` compares). */
export function withBasis(config: ExperimentConfig, basis: 'canonical' | 'random'): ExperimentConfig {
  const cov = config.model.covariance;
  if (cov.kind !== 'spiked') throw new Error('withBasis needs the spiked covariance (the family with a basis setting)');
  return { ...config, model: { ...config.model, covariance: { ...cov, basis } } };
}

/**
 * Compare a simulation of `withBasis(config, "canonical")` with one of `withBasis(config, "random")` (same seed;
 * run by the caller: dynamics/ does not import sim/): the largest differences of the series and their final values.
 */
export function basisComparison(canonical: Trajectory, random: Trajectory, series: readonly string[] = ['alignment', 'overlap', 'a', 'b', 'c']): BasisComparison {
  const cs = canonical.series as Record<string, { mean: number[] }>;
  const rs = random.series as Record<string, { mean: number[] }>;
  const len = Math.min(canonical.step.length, random.step.length);
  const maxDifference: Record<string, number> = {};
  const finalC: Record<string, number> = {};
  const finalR: Record<string, number> = {};
  for (const name of series) {
    if (!cs[name] || !rs[name]) throw new Error(`no series ${name} in both trajectories`);
    let m = 0;
    for (let i = 0; i < len; i++) m = Math.max(m, Math.abs(cs[name].mean[i] - rs[name].mean[i]));
    maxDifference[name] = m;
    finalC[name] = cs[name].mean[len - 1];
    finalR[name] = rs[name].mean[len - 1];
  }
  return { steps: canonical.step[len - 1], maxDifference, final: { canonical: finalC, random: finalR } };
}
