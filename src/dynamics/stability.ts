/**
 * Stability of the reduced maps (model.md §4, §6).
 *
 *  - Fixed points of the GD map a ↦ a − η̃ g(a) are the zeros of g (independent of η̃), from symbolic/'s exact
 *    enumeration (`computeFixedPoints`). The GD-map Jacobian is I − η̃ J with J = ∂g/∂a. Since g_k = (1/r_k) ∂L/∂a_k,
 *    J = R⁻¹H (H the loss Hessian, R = diag r_k) is similar to the symmetric R^{−1/2} H R^{−1/2} = R^{1/2} J R^{−1/2}:
 *    its eigenvalues μ_i are real; we compute them from that symmetrization. The map's eigenvalues are 1 − η̃μ_i.
 *  - Linearized largest stable η̃ at a fixed point: |1 − η̃μ| < 1 for every μ > 0 ⇔ η̃ < 2/μ_max (directions with
 *    μ ≤ 0 are not stabilized by any η̃). At the optimum this is the local bound; along a trajectory the same
 *    quantity 2/μ_max(J(a_k)) is the "edge of stability" of each visited point.
 *  - Measured largest stable η̃: a scan η̃ = η̃_max·2^{−j} down to the first stable value, then bisection to a
 *    relative resolution, where a run is STABLE iff it does not diverge (|a_k| > divergenceBound or non-finite) and
 *    ends within `convergenceTol` (sup norm) of the optimum a* (a_s = sgn(a_s(0)), other blocks 0). Two starts:
 *    from the config's initialization (the practically relevant bound), and from a* + δ (the local bound, the one the
 *    linearization at a* predicts).
 *  - Early-stage anisotropy: at a = 0, J(0) is diagonal (derived by symbolic/) and block k grows by the factor
 *    1 − η̃ J_kk(0) per step; symbolic/'s thresholds give the variance above which a block outgrows the signal.
 *  - SpecGD with constant η ends in a cycle around the optimum: its period and radius max_k |a_k − a*_k| (in units
 *    of η) over a window after the transient.
 */
import type { ExperimentConfig } from '../config/config.js';
import { DEFAULTS } from '../config/defaults.js';
import type { ModelSpec } from '../model/spec.js';
import type { CompiledSystem } from '../symbolic/compiled.js';
import { derive } from '../symbolic/derive.js';
import { computeFixedPoints } from '../symbolic/fixedpoints.js';
import { paramValues } from '../symbolic/compile.js';
import { symmetricEigenvalues } from '../symbolic/dense.js';
import { iterateMap } from './maps.js';
import { algorithmOf, type AlgorithmConfig } from '../algorithms/index.js';
import { algorithm as gdAlgorithm } from '../algorithms/gd.js';
import { algorithm as specgdAlgorithm } from '../algorithms/specgd.js';
import { recordSteps } from '../config/record.js';
import type { StatContext } from './statistics.js';
import { theorySetup } from './setup.js';

/** Real eigenvalues (ascending) of J = ∂g/∂a at `a`, via the symmetrization R^{1/2} J R^{−1/2}. */
export function jacobianEigenvalues(sys: CompiledSystem, a: Float64Array, work = new Float64Array(sys.n * sys.n)): number[] {
  const n = sys.n;
  sys.gradJacobian(a, work);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const sij = Math.sqrt(sys.ranks[i] / sys.ranks[j]) * work[i * n + j];
      const sji = Math.sqrt(sys.ranks[j] / sys.ranks[i]) * work[j * n + i];
      S[i * n + j] = 0.5 * (sij + sji);
    }
  }
  return symmetricEigenvalues(S, n).sort((x, y) => x - y);
}

/** 2/μ_max when μ_max > 0, else null (no step size makes the point attracting). */
export function linearBound(eigs: number[]): number | null {
  const m = Math.max(...eigs);
  return m > 0 ? 2 / m : null;
}

/** The optimum a*: a_s = sgn(a_s(0)) (±1), the other blocks 0. */
export function optimumFor(sys: CompiledSystem, ctx: StatContext, a0: Float64Array): Float64Array {
  const aStar = new Float64Array(sys.n);
  aStar[ctx.signal] = a0[ctx.signal] < 0 ? -1 : 1;
  return aStar;
}

export interface MeasureOptions {
  steps: number;
  /** Relative width of the final bisection bracket. */
  resolution: number;
  convergenceTol: number;
  /** First (largest) η̃ tried by the scan. */
  etaMax: number;
}

export interface MeasuredBound {
  /** Largest η̃ found stable (lower end of the final bracket). */
  eta: number;
  /** Final bracket [stable, unstable]. */
  bracket: [number, number];
  resolution: number;
  steps: number;
  /** What the first unstable η̃ above the bound did: "diverged" or "did not converge". */
  above: 'diverged' | 'did not converge' | 'none found';
  start: 'init' | 'near-optimum';
}

/** Classify a GD run: "stable", "diverged" or "did not converge" (see the module comment). */
export function classifyGd(sys: CompiledSystem, ctx: StatContext, start: Float64Array, aStar: Float64Array, eta: number, steps: number, convergenceTol: number): 'stable' | 'diverged' | 'did not converge' {
  const run = iterateMap(sys, ctx, start, { algorithm: { ...gdAlgorithm.defaults, eta }, steps, record: new Int32Array(0), escapeLevel: Infinity, divergenceBound: DEFAULTS.divergenceBound });
  if (run.status === 'diverged') return 'diverged';
  let dist = 0;
  for (let k = 0; k < sys.n; k++) dist = Math.max(dist, Math.abs(run.final[k] - aStar[k]));
  return dist <= convergenceTol ? 'stable' : 'did not converge';
}

/** Largest stable η̃ from `start` by a halving scan and bisection (see the module comment). */
export function measureStableEta(sys: CompiledSystem, ctx: StatContext, start: Float64Array, aStar: Float64Array, opts: MeasureOptions, startKind: 'init' | 'near-optimum'): MeasuredBound | null {
  let hi = opts.etaMax;
  let hiKind = classifyGd(sys, ctx, start, aStar, hi, opts.steps, opts.convergenceTol);
  if (hiKind === 'stable') return { eta: hi, bracket: [hi, hi], resolution: opts.resolution, steps: opts.steps, above: 'none found', start: startKind };
  let lo = hi;
  for (let j = 0; j < 60; j++) {
    lo = hi / 2;
    const c = classifyGd(sys, ctx, start, aStar, lo, opts.steps, opts.convergenceTol);
    if (c === 'stable') break;
    hi = lo;
    hiKind = c;
    if (j === 59) return null;
  }
  while ((hi - lo) / hi > opts.resolution) {
    const mid = 0.5 * (lo + hi);
    const c = classifyGd(sys, ctx, start, aStar, mid, opts.steps, opts.convergenceTol);
    if (c === 'stable') lo = mid;
    else {
      hi = mid;
      hiKind = c;
    }
  }
  return { eta: lo, bracket: [lo, hi], resolution: opts.resolution, steps: opts.steps, above: hiKind, start: startKind };
}

export interface FixedPointReport {
  support: string[];
  a: number[];
  loss: number;
  kind: string;
  /** Eigenvalues μ of J = ∂g/∂a (ascending). */
  jacobianEigenvalues: number[];
  /** Eigenvalues 1 − η̃μ of the GD map at the config's first GD step size (if any). */
  gdMapEigenvalues: number[] | null;
  /** 2/μ_max (null if μ_max ≤ 0). */
  linearizedStableEta: number | null;
}

export interface SpecgdCycle {
  eta: number;
  /** Smallest p with a_{k+p} = a_k (to 1e-9·η) over the window; null if none ≤ maxPeriod. */
  period: number | null;
  /** max over the window of max_k |a_k − a*_k|. */
  radius: number;
  radiusOverEta: number;
  /** max of the loss over the window. */
  maxLoss: number;
  /** Steps run before the window. */
  transient: number;
  window: number;
}

export interface StabilityReport {
  blocks: { symbol: string; name: string; variance: number; rank: number }[];
  fixedPoints: FixedPointReport[];
  fixedPointEnumeration: string;
  linearized: {
    atOptimum: number | null;
    /** sup over the GD trajectory (config's η̃) of μ_max(J(a_k)), its step and 2/sup. */
    alongTrajectory: { eta: number; maxEigenvalue: number; atStep: number; bound: number | null; sampled: { step: number; maxEigenvalue: number }[] } | null;
  };
  measured: { fromInit: MeasuredBound | null; nearOptimum: MeasuredBound | null };
  anisotropy: {
    /** −J_kk(0): block k grows by 1 + η̃·rate_k per GD step near a = 0. */
    growthRates: { symbol: string; rate: number }[];
    thresholds: { symbol: string; variable: string | null; bound: number | null; outgrowsSignal: boolean }[];
  };
  specgdCycle: SpecgdCycle | null;
}

export interface StabilityOptions {
  /** Steps per classification run (default max(config.steps, 10⁴)). */
  steps?: number;
  resolution?: number;
  convergenceTol?: number;
  /** Perturbation δ of the near-optimum start (every block). */
  delta?: number;
  system?: CompiledSystem;
}

/** SpecGD's end cycle with constant η (see the module comment). */
export function specgdCycle(sys: CompiledSystem, ctx: StatContext, a0: Float64Array, eta: number, transient: number, window = 512, maxPeriod = 256): SpecgdCycle {
  const aStar = optimumFor(sys, ctx, a0);
  const pre = iterateMap(sys, ctx, a0, { algorithm: { ...specgdAlgorithm.defaults, eta }, steps: transient, record: new Int32Array(0), escapeLevel: Infinity, divergenceBound: DEFAULTS.divergenceBound });
  const run = iterateMap(sys, ctx, pre.final, { algorithm: { ...specgdAlgorithm.defaults, eta }, steps: window, record: recordSteps(window, 'all'), escapeLevel: Infinity, divergenceBound: DEFAULTS.divergenceBound });
  const n = sys.n;
  const states = run.step.map((_, i) => sys.symbols.map((s) => run.series[s][i]));
  let radius = 0;
  for (const st of states) for (let k = 0; k < n; k++) radius = Math.max(radius, Math.abs(st[k] - aStar[k]));
  const maxLoss = Math.max(...run.series.loss);
  let period: number | null = null;
  for (let p = 1; p <= Math.min(maxPeriod, Math.floor(states.length / 2)) && period === null; p++) {
    let ok = true;
    for (let i = states.length - 1; i - p >= states.length / 2 && ok; i--) for (let k = 0; k < n && ok; k++) if (Math.abs(states[i][k] - states[i - p][k]) > 1e-9 * eta) ok = false;
    if (ok) period = p;
  }
  return { eta, period, radius, radiusOverEta: radius / eta, maxLoss, transient, window };
}

/** The stability report of a config (see the module comment). */
export function stabilityReport(config: ExperimentConfig, opts: StabilityOptions = {}): StabilityReport {
  const { spec, sys, ctx, a0 } = theorySetup(config, opts.system);
  const n = sys.n;
  const gd = config.algorithms.find((a) => algorithmOf(a) === gdAlgorithm);
  const sg = config.algorithms.find((a) => algorithmOf(a) === specgdAlgorithm);
  const derivation = derive(spec, { checks: false, fixedPoints: false });
  const fps = n <= 12 ? computeFixedPoints(derivation) : null;
  const fixedPoints: FixedPointReport[] = (fps?.points ?? []).map((p) => {
    const a = new Float64Array(n);
    p.a.forEach((x, k) => (a[k] = x.value));
    const eigs = jacobianEigenvalues(sys, a);
    return {
      support: p.support.map((k) => sys.symbols[k]),
      a: Array.from(a),
      loss: p.loss.toNumber(),
      kind: p.kind,
      jacobianEigenvalues: eigs,
      gdMapEigenvalues: gd ? eigs.map((m) => 1 - gd.eta * m) : null,
      linearizedStableEta: linearBound(eigs),
    };
  });
  const aStar = optimumFor(sys, ctx, a0);
  const atOptimum = linearBound(jacobianEigenvalues(sys, aStar));

  let alongTrajectory: StabilityReport['linearized']['alongTrajectory'] = null;
  if (gd) {
    const run = iterateMap(sys, ctx, a0, { algorithm: gd, steps: config.steps, record: recordSteps(config.steps, 'auto'), escapeLevel: Infinity, divergenceBound: DEFAULTS.divergenceBound });
    let maxEig = -Infinity;
    let atStep = 0;
    const sampled: { step: number; maxEigenvalue: number }[] = [];
    const sampleSteps = new Set(recordSteps(config.steps, 200));
    const a = new Float64Array(n);
    const work = new Float64Array(n * n);
    run.step.forEach((k, i) => {
      sys.symbols.forEach((s, j) => (a[j] = run.series[s][i]));
      const m = Math.max(...jacobianEigenvalues(sys, a, work));
      if (m > maxEig) {
        maxEig = m;
        atStep = k;
      }
      if (sampleSteps.has(k)) sampled.push({ step: k, maxEigenvalue: m });
    });
    alongTrajectory = { eta: gd.eta, maxEigenvalue: maxEig, atStep, bound: maxEig > 0 ? 2 / maxEig : null, sampled };
  }

  const steps = opts.steps ?? Math.max(config.steps, DEFAULTS.stabilityMinSteps);
  const resolution = opts.resolution ?? DEFAULTS.stabilityResolution;
  const convergenceTol = opts.convergenceTol ?? 1e-2;
  const delta = opts.delta ?? 1e-4;
  const etaMax = 8 * Math.max(atOptimum ?? 1, 1);
  const fromInit = measureStableEta(sys, ctx, a0, aStar, { steps, resolution, convergenceTol, etaMax }, 'init');
  const near = Float64Array.from(aStar, (x) => x + delta);
  const nearOptimum = measureStableEta(sys, ctx, near, aStar, { steps, resolution, convergenceTol: 10 * delta, etaMax }, 'near-optimum');

  // Anisotropy: growth rates −J_kk(0) and the symbolic thresholds evaluated for this model.
  const work = new Float64Array(n * n);
  sys.gradJacobian(new Float64Array(n), work);
  const growthRates = sys.symbols.map((symbol, k) => ({ symbol, rate: -work[k * n + k] }));
  const env = paramValues(derivation, spec);
  const thresholds = derivation.linearization.thresholds.map((t) => {
    const v = t.variable;
    const envWithout = { ...env };
    if (v) delete envWithout[v];
    let bound: number | null = null;
    if (t.bound) bound = t.bound.evaluate(envWithout);
    return { symbol: sys.symbols[t.block], variable: v, bound, outgrowsSignal: t.holds };
  });

  const specgd = sg ? specgdCycle(sys, ctx, a0, sg.eta, Math.max(config.steps, Math.ceil(4 / sg.eta) + 1000)) : null;
  return {
    blocks: spec.blocks.map((b) => ({ symbol: b.symbol, name: b.name, variance: b.variance, rank: b.rank })),
    fixedPoints,
    fixedPointEnumeration: fps ? `${fps.enumeration}: ${fps.message}` : `not enumerated (n = ${n} > 12 blocks)`,
    linearized: { atOptimum, alongTrajectory },
    measured: { fromInit, nearOptimum },
    anisotropy: { growthRates, thresholds },
    specgdCycle: specgd,
  };
}

/** The message of a diverged run: where, and the stable bounds (linearized at the optimum, measured from init). */
export function divergenceMessage(sys: CompiledSystem, ctx: StatContext, spec: ModelSpec, a0: Float64Array, config: AlgorithmConfig, step: number, steps: number): string {
  const def = algorithmOf(config);
  const eta = config.eta;
  const where = `${def.title} diverged at step ${step} (some |a_k| > ${DEFAULTS.divergenceBound} or not finite)`;
  const aStar = optimumFor(sys, ctx, a0);
  const lin = linearBound(jacobianEigenvalues(sys, aStar));
  const model = spec.spikeBlock >= 0 ? ` for λ_v = ${spec.blocks[spec.spikeBlock].variance}` : '';
  if (def !== gdAlgorithm) return `${where}: ${def.timeStep === 'etaTilde' ? 'η̃' : 'η'} = ${eta}${model}; lower eta`;
  const measured = measureStableEta(sys, ctx, a0, aStar, { steps: Math.max(steps, DEFAULTS.stabilityMinSteps), resolution: DEFAULTS.stabilityResolution, convergenceTol: 1e-2, etaMax: eta }, 'init');
  const m = measured ? `the measured stable bound from this initialization is η̃ ≈ ${measured.eta.toPrecision(4)}` : 'no stable η̃ was found';
  const l = lin !== null ? `; the linearized bound at the optimum is 2/μ_max = ${lin.toPrecision(4)}` : '';
  return `${where}: η̃ = ${eta} exceeds the stable bound${model} (${m}${l}); lower eta`;
}
