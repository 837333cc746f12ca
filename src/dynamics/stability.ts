/**
 * Stability of the reduced maps (model.md §4, §6; issue 10): ONE definition of "stable" for `thresholds`, the
 * stability figure and claims, and the divergence messages.
 *
 *  - Long-time behaviour of a run: `stability/classify.ts` (converges to which fixed point, cycle with period and
 *    amplitude, bounded without settling, diverges, undecided — each rule stated in the output), written against an
 *    abstract map step(a, out).
 *  - The step-size scan from a fixed start: `stability/scan.ts` (stableUpTo = the largest scanned η̃ below which
 *    every scanned η̃ converges to the optimum, divergesFrom, the stable fraction between them, the edges).
 *  - The analytic bounds beside them: `stability/bounds.ts` (the optimum's linearized bound 2/μ_max = period-doubling
 *    onset; the escape-stage bound = crisis of the fastest-growing non-signal block's restricted map), and which of
 *    them the measured stableUpTo follows.
 *  - Matrix-block coordinates (issue 13, θ over K ≥ 2 eigen-directions): the optimum is the set {rθᵀ, ‖r‖ = 1}
 *    (`stability/optimum-set.ts`: nearest-point projection, normal bound 2/μ_max from H_S = 8κ[2Σθθᵀ Σ + (θᵀΣθ)Σ],
 *    the same at every point of the set), classified as one target (classify.ts `OptimumSet`); no escape-stage
 *    bound and no fixed-point enumeration there (the origin is listed).
 *  - Fixed points of the GD map are the zeros of g, from symbolic/'s exact enumeration (`computeFixedPoints`); the
 *    GD-map Jacobian is I − η̃J, J = ∂g/∂a = R⁻¹H with real eigenvalues (`jacobianEigenvalues`).
 *  - Early-stage anisotropy: at a = 0, J(0) is diagonal (derived by symbolic/) and block k grows by the factor
 *    1 − η̃ J_kk(0) per step; symbolic/'s thresholds give the variance above which a block outgrows the signal.
 *  - SpecGD with constant η ends in a cycle around the optimum: its period and radius max_k |a_k − a*_k| (in units
 *    of η) over a window after the transient.
 */
import type { ExperimentConfig } from '../config/config.js';
import { DEFAULTS } from '../config/defaults.js';
import type { ModelSpec } from '../model/spec.js';
import type { CompiledSystem } from '../symbolic/compiled.js';
import { derive, type Derivation } from '../symbolic/derive.js';
import { computeFixedPoints, type FixedPoints } from '../symbolic/fixedpoints.js';
import { paramValues } from '../symbolic/compile.js';
import { iterateMap } from './maps.js';
import { algorithmOf, type AlgorithmConfig } from '../algorithms/index.js';
import { algorithm as gdAlgorithm } from '../algorithms/gd.js';
import { algorithm as specgdAlgorithm } from '../algorithms/specgd.js';
import { recordSteps } from '../config/record.js';
import type { StatContext } from './statistics.js';
import { theorySetup } from './setup.js';
import { analyticBounds, jacobianEigenvalues, linearBound, type AnalyticBounds } from './stability/bounds.js';
import type { ClassifierFixedPoint, ClassifierRules, MapJacobian, MapStep } from './stability/classify.js';
import { ScanBudgetExceeded, stabilityScan, type ScanRules, type StepSizeScan } from './stability/scan.js';
import { currentBudget, THEORY_BLOCK_STEP_OPS } from '../config/budget.js';
import type { MatrixBlockLayout } from '../core/matrix-block.js';
import { optimumSetBound, optimumSetOf, optimumAt, projectOnOptimumSet, type OptimumSetBound } from './stability/optimum-set.js';

export { optimumSetBound, optimumSetOf, optimumAt, projectOnOptimumSet, type OptimumSetBound } from './stability/optimum-set.js';

export { jacobianEigenvalues, linearBound, ratioExpr, restrictedMapBounds, analyticBounds, type AnalyticBounds, type RestrictedMapBound, type BoundExpr } from './stability/bounds.js';
export { classifyRun, classLabel, convergenceRadii, describeRules, type ClassifierFixedPoint, type ClassifierRules, type LongTimeClass, type MapJacobian, type MapStep } from './stability/classify.js';
export { ScanBudgetExceeded, stabilityScan, type ScanRules, type StepSizeScan, type Edge, type FractionReport } from './stability/scan.js';

// ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────
// THE GD REDUCED MAP of the stability stage: the registry's GD step (src/algorithms/gd.ts) and its Jacobian.
// ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────
/** GD on the block coefficients: a_k ← a_k − η̃ g_k(a) (model.md §4); its Jacobian δ_ij − η̃ ∂g_i/∂a_j. */
export function gdReducedMap(sys: CompiledSystem, eta: number): { step: MapStep; jacobian: MapJacobian } {
  const n = sys.n;
  const g = new Float64Array(n);
  const dir = new Float64Array(n);
  const stepper = gdAlgorithm.reduced({ ...gdAlgorithm.defaults, eta }, sys);
  return {
    // the registry's GD map (src/algorithms/gd.ts), a ← a − η̃ g(a)
    step: (a, out) => {
      sys.grad(a, g);
      stepper.step(a, g, out, dir);
    },
    jacobian: (a, out) => {
      sys.gradJacobian(a, out);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = (i === j ? 1 : 0) - eta * out[i * n + j];
    },
  };
}
// ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────

/** The optimum a*: a_s = sgn(a_s(0)) (±1), the other blocks 0. */
export function optimumFor(sys: CompiledSystem, ctx: StatContext, a0: Float64Array): Float64Array {
  const aStar = new Float64Array(sys.n);
  aStar[ctx.signal] = a0[ctx.signal] < 0 ? -1 : 1;
  return aStar;
}

/**
 * The classifier's fixed-point list from the exact enumeration: "the optimum", or "<kind> at <zero blocks> = 0"
 * (e.g. "saddle (index 2) at a = c = 0"); without an enumeration (n > 12 blocks), the optimum and the origin.
 */
export function classifierFixedPoints(sys: CompiledSystem, signal: number, fps: FixedPoints | null): ClassifierFixedPoint[] {
  const n = sys.n;
  const zeros = (support: number[]) => sys.symbols.filter((_, k) => !support.includes(k));
  const name = (kind: string, support: number[]) => {
    const z = zeros(support);
    return `${kind.split(':')[0]} at ${z.length ? `${z.join(' = ')} = 0` : `${sys.symbols.join(', ')} ≠ 0`}`;
  };
  const isOptimum = (a: Float64Array, support: number[]) => support.length === 1 && support[0] === signal && Math.abs(a[signal] - 1) <= 1e-12;
  if (!fps || fps.status !== 'ok') {
    const opt = new Float64Array(n);
    opt[signal] = 1;
    return [
      { label: 'the optimum', a: opt, support: [signal], optimum: true },
      { label: name('stationary point', []), a: new Float64Array(n), support: [], optimum: false },
    ];
  }
  return fps.points.map((p) => {
    const a = new Float64Array(n);
    p.a.forEach((x, k) => (a[k] = Math.abs(x.value)));
    const optimum = isOptimum(a, p.support);
    return { label: optimum ? 'the optimum' : name(p.kind, p.support), a, support: p.support, optimum };
  });
}

/** The scan and classifier settings from DEFAULTS, with the caller's overrides. */
export function scanSettings(over: { resolution?: number; maxTime?: number; minSteps?: number } = {}): { scan: ScanRules; classifier: Omit<ClassifierRules, 'maxSteps'> } {
  const d = DEFAULTS.stabilityScan;
  return {
    scan: {
      gridRatio: d.gridRatio,
      lowFactor: d.lowFactor,
      highFactor: d.highFactor,
      resolution: over.resolution ?? DEFAULTS.stabilityResolution,
      denseCells: d.denseCells,
      maxTime: over.maxTime ?? d.maxTime,
      minSteps: over.minSteps ?? DEFAULTS.stabilityMinSteps,
      maxRefinementRuns: d.maxRefinementRuns,
    },
    classifier: { divergenceBound: DEFAULTS.divergenceBound, ...DEFAULTS.stabilityClassifier },
  };
}

export interface GdStability {
  analytic: AnalyticBounds;
  /** Matrix-block coordinates (issue 13): the optimum set's bound and its symmetry check; null on commuting blocks. */
  optimumSet: OptimumSetBound | null;
  fixedPoints: ClassifierFixedPoint[];
  /** From the config's initialization. */
  fromInit: StepSizeScan;
  /** From a* + δ (every block), δ = `delta`: the local bound the linearization at a* predicts. */
  nearOptimum: StepSizeScan;
  delta: number;
  follows: Follows;
}

export interface Follows {
  /** The analytic bound the measured stableUpTo (from the initialization) follows, or "neither". */
  bound: 'escape-stage' | 'optimum' | 'neither';
  /** |stableUpTo/bound − 1| for each bound (null when the bound or stableUpTo is missing). */
  deviation: { 'escape-stage': number | null; optimum: number | null };
  tolerance: number;
  /** True when both bounds are within the tolerance (the attribution is then to the nearer one). */
  ambiguous: boolean;
  rule: string;
}

/** Which analytic bound a measured stableUpTo follows (see `Follows`). */
export function followsBound(stableUpTo: number | null, analytic: AnalyticBounds, tolerance = DEFAULTS.stabilityFollowTol): Follows {
  const dev = (b: number | null | undefined) => (stableUpTo !== null && b != null ? Math.abs(stableUpTo / b - 1) : null);
  const deviation = { 'escape-stage': dev(analytic.escape?.value), optimum: dev(analytic.optimum.value) };
  const within = (Object.entries(deviation) as ['escape-stage' | 'optimum', number | null][]).filter(([, d]) => d !== null && d <= tolerance) as ['escape-stage' | 'optimum', number][];
  within.sort((x, y) => x[1] - y[1]);
  return {
    bound: within.length ? within[0][0] : 'neither',
    deviation,
    tolerance,
    ambiguous: within.length > 1,
    rule: `the bound b with |stableUpTo/b − 1| ≤ ${tolerance} (the nearer one if both are), else "neither"`,
  };
}

const scanCache = new WeakMap<CompiledSystem, Map<string, GdStability>>();

/**
 * The GD stability of a reduced system from `a0`: analytic bounds, the scan from a0 and from a* + δ, and which
 * bound the measured stableUpTo follows. Memoized per (system, a0, settings): `thresholds`, the reports and the
 * divergence messages read the same computation.
 */
export function gdStability(sys: CompiledSystem, ctx: StatContext, spec: ModelSpec, a0: Float64Array, opts: { resolution?: number; maxTime?: number; minSteps?: number; delta?: number; derivation?: Derivation; fixedPoints?: FixedPoints | null; stepCap?: number; anchor?: [number, number] } = {}): GdStability {
  const delta = opts.delta ?? 1e-4;
  const settings = scanSettings(opts);
  const key = JSON.stringify([Array.from(a0), settings, delta, opts.anchor ?? null]);
  let perSys = scanCache.get(sys);
  if (!perSys) scanCache.set(sys, (perSys = new Map()));
  const hit = perSys.get(key);
  if (hit) return hit;
  if (sys.matrixBlock) {
    const result = gdStabilityOnSet(sys as CompiledSystem & { matrixBlock: MatrixBlockLayout }, spec, a0, settings, delta, opts);
    perSys.set(key, result);
    return result;
  }
  const derivation = opts.derivation ?? derive(spec, { checks: false, fixedPoints: false });
  const fps = opts.fixedPoints !== undefined ? opts.fixedPoints : sys.n <= 12 ? computeFixedPoints(derivation) : null;
  const fixedPoints = classifierFixedPoints(sys, ctx.signal, fps);
  const aStar = optimumFor(sys, ctx, a0);
  const analytic = analyticBounds(sys, ctx.signal, aStar, derivation, paramValues(derivation, spec));
  const bounds = [analytic.optimum.value, analytic.escape?.value, analytic.optimumDivergence?.value].filter((x): x is number => x !== null && x !== undefined);
  if (bounds.length === 0) bounds.push(1);
  const anchor: [number, number] = opts.anchor ?? [Math.min(...bounds), Math.max(...bounds)];
  const mapAt = (eta: number) => gdReducedMap(sys, eta);
  const base = { mapAt, fixedPoints, classifier: settings.classifier, anchor, rules: settings.scan, stepCap: opts.stepCap };
  const fromInit = stabilityScan({ ...base, a0, start: 'the initialization a₀' });
  const near = Float64Array.from(aStar, (x) => x + delta);
  const nearOptimum = stabilityScan({ ...base, a0: near, start: `a* + ${delta} in every block`, extent: 'to-first-edge' });
  const result: GdStability = { analytic, optimumSet: null, fixedPoints, fromInit, nearOptimum, delta, follows: followsBound(fromInit.stableUpTo, analytic) };
  perSys.set(key, result);
  return result;
}

/** Σ's variances on the directions of S (matrix-block coordinates). */
function varianceOnS(spec: ModelSpec): number[] | null {
  const co = spec.coordinates;
  return co ? co.directionBlocks.map((b) => spec.blocks[b].variance) : null;
}

/**
 * The GD stability on the matrix-block coordinates (issue 13): the optimum is the set {rθᵀ, ‖r‖ = 1}
 * (stability/optimum-set.ts), classified as one target (classify.ts `OptimumSet`); the listed fixed point besides
 * it is the origin W = 0 (any other stationary point a run settles on is reported as "an unlisted fixed point", not
 * the optimum). Analytic bounds: the set's normal bound 2/μ_max; no block-restricted escape-stage bound (the
 * coordinate lines are not invariant off φ = 0). Grid anchor: [min, max] of 2/μ_max and 2/κ_top, κ_top = −μ_min(J(0))
 * the fastest growth rate at W = 0 (the crisis 2/κ₁ of an odd-cubic restricted map; an anchor, not a bound).
 */
function gdStabilityOnSet(sys: CompiledSystem & { matrixBlock: MatrixBlockLayout }, spec: ModelSpec, a0: Float64Array, settings: ReturnType<typeof scanSettings>, delta: number, opts: { stepCap?: number; anchor?: [number, number] }): GdStability {
  const set = optimumSetOf(sys);
  const fixedPoints: ClassifierFixedPoint[] = [{ label: 'the origin W = 0', a: new Float64Array(sys.n), support: [], optimum: false }];
  const bound = optimumSetBound(sys, varianceOnS(spec), spec.lossScale);
  const grow = -Math.min(...jacobianEigenvalues(sys, new Float64Array(sys.n)));
  const anchorPts = [bound.value, grow > 0 ? 2 / grow : null].filter((x): x is number => x !== null);
  if (anchorPts.length === 0) anchorPts.push(1);
  const anchor: [number, number] = opts.anchor ?? [Math.min(...anchorPts), Math.max(...anchorPts)];
  const analytic: AnalyticBounds = {
    optimum: { value: bound.value, expr: null, eigenvalues: bound.eigenvalues, rule: bound.rule },
    escape: null,
    optimumDivergence: null,
    restricted: [],
    predictedStableUpTo: bound.value !== null ? { value: bound.value, binds: 'optimum' } : null,
    predictedDivergesFrom: null,
  };
  const base = { mapAt: (eta: number) => gdReducedMap(sys, eta), fixedPoints, optimumSet: set, classifier: settings.classifier, anchor, rules: settings.scan, stepCap: opts.stepCap };
  const fromInit = stabilityScan({ ...base, a0, start: 'the initialization a₀' });
  const near = Float64Array.from(optimumAt(sys, 0), (x) => x + delta);
  const nearOptimum = stabilityScan({ ...base, a0: near, start: `θθᵀ + ${delta} in every coordinate`, extent: 'to-first-edge' });
  return { analytic, optimumSet: bound, fixedPoints, fromInit, nearOptimum, delta, follows: followsBound(fromInit.stableUpTo, analytic) };
}

/**
 * The scan from `a0` alone, up to its first η̃ not converging to the optimum (`extent: 'to-first-edge'`): the same
 * map, fixed points / optimum set, classifier and grid anchor as `gdStability` (so the same stableUpTo at the same
 * resolution), without the near-optimum scan. For studies that need only stableUpTo over many models.
 */
export function gdStableUpTo(sys: CompiledSystem, ctx: StatContext, spec: ModelSpec, a0: Float64Array, opts: { resolution?: number; maxTime?: number; minSteps?: number } = {}): { scan: StepSizeScan; optimumBound: number | null; settings: ReturnType<typeof scanSettings> } {
  const settings = scanSettings(opts);
  const mapAt = (eta: number) => gdReducedMap(sys, eta);
  if (sys.matrixBlock) {
    const mb = sys as CompiledSystem & { matrixBlock: MatrixBlockLayout };
    const bound = optimumSetBound(mb, varianceOnS(spec), spec.lossScale);
    const grow = -Math.min(...jacobianEigenvalues(sys, new Float64Array(sys.n)));
    const pts = [bound.value, grow > 0 ? 2 / grow : null].filter((x): x is number => x !== null);
    if (pts.length === 0) pts.push(1);
    const fixedPoints: ClassifierFixedPoint[] = [{ label: 'the origin W = 0', a: new Float64Array(sys.n), support: [], optimum: false }];
    const scan = stabilityScan({ mapAt, a0, start: 'the initialization a₀', fixedPoints, optimumSet: optimumSetOf(mb), classifier: settings.classifier, anchor: [Math.min(...pts), Math.max(...pts)], rules: settings.scan, extent: 'to-first-edge' });
    return { scan, optimumBound: bound.value, settings };
  }
  const derivation = derive(spec, { checks: false, fixedPoints: false });
  const fps = sys.n <= 12 ? computeFixedPoints(derivation) : null;
  const fixedPoints = classifierFixedPoints(sys, ctx.signal, fps);
  const analytic = analyticBounds(sys, ctx.signal, optimumFor(sys, ctx, a0), derivation, paramValues(derivation, spec));
  const bounds = [analytic.optimum.value, analytic.escape?.value, analytic.optimumDivergence?.value].filter((x): x is number => x !== null && x !== undefined);
  if (bounds.length === 0) bounds.push(1);
  const scan = stabilityScan({ mapAt, a0, start: 'the initialization a₀', fixedPoints, classifier: settings.classifier, anchor: [Math.min(...bounds), Math.max(...bounds)], rules: settings.scan, extent: 'to-first-edge' });
  return { scan, optimumBound: analytic.optimum.value, settings };
}

export interface MeasuredBound {
  /** stableUpTo of the scan. */
  eta: number;
  /** [stableUpTo, first scanned η̃ not converging to the optimum]. */
  bracket: [number, number];
  /** Relative width of the bracket. */
  resolution: number;
  /** Class of the first non-converging η̃. */
  above: string;
  start: 'init' | 'near-optimum';
}

function measured(scan: StepSizeScan, start: MeasuredBound['start']): MeasuredBound | null {
  if (scan.stableUpTo === null || !scan.bracket || !scan.firstNonConverging) return null;
  return { eta: scan.stableUpTo, bracket: scan.bracket, resolution: scan.resolution ?? 0, above: scan.firstNonConverging.label, start };
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


/** SpecGD's end cycle with constant η (see the module comment). */
export function specgdCycle(sys: CompiledSystem, ctx: StatContext, a0: Float64Array, eta: number, transient: number, window = 512, maxPeriod = 256, project?: (a: Float64Array, out: Float64Array) => void): SpecgdCycle {
  const fixedStar = optimumFor(sys, ctx, a0);
  const pre = iterateMap(sys, ctx, a0, { algorithm: { ...specgdAlgorithm.defaults, eta }, steps: transient, record: new Int32Array(0), escapeLevel: Infinity, divergenceBound: DEFAULTS.divergenceBound });
  const run = iterateMap(sys, ctx, pre.final, { algorithm: { ...specgdAlgorithm.defaults, eta }, steps: window, record: recordSteps(window, 'all'), escapeLevel: Infinity, divergenceBound: DEFAULTS.divergenceBound });
  const n = sys.n;
  const states = run.step.map((_, i) => sys.symbols.map((s) => run.series[s][i]));
  let radius = 0;
  // radius from a* (commuting blocks) or from each state's nearest optimum (an optimum set: `project`)
  const aStar = new Float64Array(n);
  for (const st of states) {
    if (project) project(Float64Array.from(st), aStar);
    else aStar.set(fixedStar);
    for (let k = 0; k < n; k++) radius = Math.max(radius, Math.abs(st[k] - aStar[k]));
  }
  const maxLoss = Math.max(...run.series.loss);
  let period: number | null = null;
  for (let p = 1; p <= Math.min(maxPeriod, Math.floor(states.length / 2)) && period === null; p++) {
    let ok = true;
    for (let i = states.length - 1; i - p >= states.length / 2 && ok; i--) for (let k = 0; k < n && ok; k++) if (Math.abs(states[i][k] - states[i - p][k]) > 1e-9 * eta) ok = false;
    if (ok) period = p;
  }
  return { eta, period, radius, radiusOverEta: radius / eta, maxLoss, transient, window };
}

/** Whether the step-size scan applies to an algorithm of the config, and why not when it does not. */
export interface AlgorithmScanScope {
  algorithm: string;
  scanned: boolean;
  reason: string;
}

/**
 * The step-size scan classifies gradient maps a ← a − η g(a) (`Algorithm.gradientMap`): their fixed points are
 * those of g and their Jacobian I − η ∂g/∂a, which the classifier uses. Other reduced maps (optimizer state such
 * as a momentum buffer, or a sign nonlinearity that never settles on the optimum) are listed with the reason.
 */
export function scanScope(config: ExperimentConfig): AlgorithmScanScope[] {
  return config.algorithms.map((alg) => {
    const def = algorithmOf(alg);
    const label = def.label(alg);
    if (def.gradientMap) return { algorithm: label, scanned: true, reason: `${def.title}'s reduced map is a ← a − η̃ g(a): scanned over η̃` };
    return {
      algorithm: label,
      scanned: false,
      reason: `${def.title}'s reduced map is not of the form a ← a − η g(a) (optimizer state or a sign/normalization nonlinearity), so the fixed points and Jacobian the classifier uses are not g's; not scanned`,
    };
  });
}

export interface StabilityReport {
  /** Per algorithm of the config: scanned or not, and why. */
  algorithms: AlgorithmScanScope[];
  blocks: { symbol: string; name: string; variance: number; rank: number }[];
  fixedPoints: FixedPointReport[];
  fixedPointEnumeration: string;
  /** Matrix-block coordinates (issue 13): the optimum set's normal bound and its check along the set. */
  optimumSet?: OptimumSetBound | null;
  /** The analytic bounds (optimum's linearized bound, escape-stage bound, restricted maps). */
  analytic: AnalyticBounds;
  /** The GD scan from the initialization (stableUpTo, divergesFrom, stable fraction, edges, rules). */
  scan: StepSizeScan;
  /** The same scan from a* + δ. */
  scanNearOptimum: StepSizeScan;
  /** Which analytic bound the measured stableUpTo (from the initialization) follows. */
  follows: Follows;
  linearized: {
    atOptimum: number | null;
    /** sup over the GD trajectory (config's η̃) of μ_max(J(a_k)), its step and 2/sup. */
    alongTrajectory: { eta: number; maxEigenvalue: number; atStep: number; bound: number | null; sampled: { step: number; maxEigenvalue: number }[] } | null;
  };
  /** stableUpTo of the two scans in the earlier shape (kept for the reports). */
  measured: { fromInit: MeasuredBound | null; nearOptimum: MeasuredBound | null };
  anisotropy: {
    /** −J_kk(0): block k grows by 1 + η̃·rate_k per GD step near a = 0. */
    growthRates: { symbol: string; rate: number }[];
    thresholds: { symbol: string; variable: string | null; bound: number | null; outgrowsSignal: boolean }[];
  };
  specgdCycle: SpecgdCycle | null;
}

export interface StabilityOptions {
  /** Minimum horizon (steps) of each scan run: H = max(steps, ⌈maxTime/η̃⌉) (default DEFAULTS.stabilityMinSteps). */
  steps?: number;
  /** Relative resolution of the scan's refinement (default DEFAULTS.stabilityResolution). */
  resolution?: number;
  /** Time horizon t = η̃k of each scan run (default DEFAULTS.stabilityScan.maxTime). */
  maxTime?: number;
  /** Perturbation δ of the near-optimum start (every block). */
  delta?: number;
  system?: CompiledSystem;
  /** Largest total number of map steps of each scan (ScanBudgetExceeded past it); unlimited by default. */
  stepCap?: number;
}

/**
 * Which of the config's algorithms the stability report runs beyond its scans (indices into `config.algorithms`,
 * −1 when absent): the GD config whose trajectory is linearized, the SpecGD config whose end cycle is iterated
 * (the resource budget of `thresholds`, config/budget.ts thresholdsTerms).
 */
export function stabilityRuns(config: ExperimentConfig): { linearized: number; endCycle: number } {
  return { linearized: config.algorithms.findIndex((a) => algorithmOf(a) === gdAlgorithm), endCycle: config.algorithms.findIndex((a) => algorithmOf(a) === specgdAlgorithm) };
}

/** sup over the GD trajectory (config's η̃, `steps` steps) of μ_max(J(a_k)), its step and 2/sup. */
function trajectoryLinearization(sys: CompiledSystem, ctx: StatContext, a0: Float64Array, gd: AlgorithmConfig, steps: number): NonNullable<StabilityReport['linearized']['alongTrajectory']> {
  const n = sys.n;
  const run = iterateMap(sys, ctx, a0, { algorithm: gd, steps: steps, record: recordSteps(steps, 'auto'), escapeLevel: Infinity, divergenceBound: DEFAULTS.divergenceBound });
  let maxEig = -Infinity;
  let atStep = 0;
  const sampled: { step: number; maxEigenvalue: number }[] = [];
  const sampleSteps = new Set(recordSteps(steps, 200));
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
  return { eta: gd.eta, maxEigenvalue: maxEig, atStep, bound: maxEig > 0 ? 2 / maxEig : null, sampled };
}

/**
 * The stability report on the matrix-block coordinates (issue 13; `gdStability` → gdStabilityOnSet): the scans
 * with the optimum set as target, the set's normal bound and its symmetry check; the fixed-point list is the point
 * θθᵀ of the set and the origin (no exact enumeration on these coordinates), the anisotropy is the growth rates
 * −J_kk(0) (no symbolic thresholds: they are derived on commuting blocks), SpecGD's end cycle measured from each
 * state's nearest optimum.
 */
function matrixBlockStabilityReport(config: ExperimentConfig, spec: ModelSpec, sys: CompiledSystem & { matrixBlock: MatrixBlockLayout }, ctx: StatContext, a0: Float64Array, opts: StabilityOptions): StabilityReport {
  const n = sys.n;
  const gd = config.algorithms.find((a) => algorithmOf(a) === gdAlgorithm);
  const sg = config.algorithms.find((a) => algorithmOf(a) === specgdAlgorithm);
  const stab = gdStability(sys, ctx, spec, a0, { resolution: opts.resolution, maxTime: opts.maxTime, minSteps: opts.steps, delta: opts.delta, stepCap: opts.stepCap });
  const origin = new Float64Array(n);
  const eigs0 = jacobianEigenvalues(sys, origin);
  const star = optimumAt(sys, 0);
  const eigsStar = jacobianEigenvalues(sys, star);
  const fp = (a: Float64Array, kind: string, eigs: number[], bound: number | null): FixedPointReport => ({ support: sys.symbols.filter((_, k) => a[k] !== 0), a: Array.from(a), loss: sys.loss(a), kind, jacobianEigenvalues: eigs, gdMapEigenvalues: gd ? eigs.map((m) => 1 - gd.eta * m) : null, linearizedStableEta: bound });
  const work = new Float64Array(n * n);
  sys.gradJacobian(origin, work);
  const project = (a: Float64Array, out: Float64Array) => projectOnOptimumSet(a, sys.matrixBlock, out);
  return {
    algorithms: scanScope(config),
    blocks: spec.blocks.map((b) => ({ symbol: b.symbol, name: b.name, variance: b.variance, rank: b.rank })),
    fixedPoints: [fp(star, 'optimum (the point θθᵀ of the optimum set {rθᵀ, ‖r‖ = 1})', eigsStar, stab.analytic.optimum.value), fp(origin, 'stationary point (W = 0)', eigs0, linearBound(eigs0))],
    fixedPointEnumeration: `not enumerated on the matrix-block coordinates (${sys.symbols.join(', ')}): the optimum set {rθᵀ, ‖r‖ = 1} and the origin are listed`,
    optimumSet: stab.optimumSet,
    analytic: stab.analytic,
    scan: stab.fromInit,
    scanNearOptimum: stab.nearOptimum,
    follows: stab.follows,
    linearized: { atOptimum: stab.analytic.optimum.value, alongTrajectory: gd ? trajectoryLinearization(sys, ctx, a0, gd, config.steps) : null },
    measured: { fromInit: measured(stab.fromInit, 'init'), nearOptimum: measured(stab.nearOptimum, 'near-optimum') },
    anisotropy: { growthRates: sys.symbols.map((symbol, k) => ({ symbol, rate: -work[k * n + k] })), thresholds: [] },
    specgdCycle: sg ? specgdCycle(sys, ctx, a0, sg.eta, Math.max(config.steps, Math.ceil(4 / sg.eta) + 1000), 512, 256, project) : null,
  };
}

/** The stability report of a config (see the module comment). */
export function stabilityReport(config: ExperimentConfig, opts: StabilityOptions = {}): StabilityReport {
  const { spec, sys, ctx, a0 } = theorySetup(config, opts.system);
  if (sys.matrixBlock) return matrixBlockStabilityReport(config, spec, sys as CompiledSystem & { matrixBlock: MatrixBlockLayout }, ctx, a0, opts);
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

  const alongTrajectory = gd ? trajectoryLinearization(sys, ctx, a0, gd, config.steps) : null;

  const stab = gdStability(sys, ctx, spec, a0, { resolution: opts.resolution, maxTime: opts.maxTime, minSteps: opts.steps, delta: opts.delta, derivation, fixedPoints: fps, stepCap: opts.stepCap });

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
    algorithms: scanScope(config),
    blocks: spec.blocks.map((b) => ({ symbol: b.symbol, name: b.name, variance: b.variance, rank: b.rank })),
    fixedPoints,
    fixedPointEnumeration: fps ? `${fps.enumeration}: ${fps.message}` : `not enumerated (n = ${n} > 12 blocks)`,
    analytic: stab.analytic,
    scan: stab.fromInit,
    scanNearOptimum: stab.nearOptimum,
    follows: stab.follows,
    linearized: { atOptimum, alongTrajectory },
    measured: { fromInit: measured(stab.fromInit, 'init'), nearOptimum: measured(stab.nearOptimum, 'near-optimum') },
    anisotropy: { growthRates, thresholds },
    specgdCycle: specgd,
  };
}

/**
 * The message of a diverged run. Gradient maps (GD): where, and the measured stableUpTo of this system and
 * initialization — the same computation (`gdStability`, memoized) that `specgd thresholds` reports, and no other
 * stability value. Other algorithms: where, and nothing else.
 */
export function divergenceMessage(sys: CompiledSystem, ctx: StatContext, spec: ModelSpec, a0: Float64Array, config: AlgorithmConfig, step: number): string {
  const def = algorithmOf(config);
  const eta = config.eta;
  const etaSym = def.timeStep === 'etaTilde' ? 'η̃' : 'η';
  const where = `${def.title} diverged at step ${step} (some |a_k| > ${DEFAULTS.divergenceBound} or not finite)`;
  const kappa = spec.lossScale;
  // The loss scale κ multiplies every gradient: name it when it is not model.md's 1/4 (effective step 4κ·η).
  const model = (spec.spikeBlock >= 0 ? ` for λ_v = ${spec.blocks[spec.spikeBlock].variance}` : '') + (kappa !== 0.25 ? ` at loss scale κ = ${kappa} (effective step 4κ·${etaSym} = ${Number.isFinite(4 * kappa * eta) ? 4 * kappa * eta : 'beyond the float64 range'})` : '');
  if (def !== gdAlgorithm) return `${where}: ${etaSym} = ${eta}${model}; lower eta${kappa !== 0.25 ? ' or κ' : ''}`;
  // The scan behind stableUpTo runs only within the time budget (config/budget.ts); otherwise nothing is quoted.
  const budget = currentBudget();
  let scan: StepSizeScan;
  try {
    scan = gdStability(sys, ctx, spec, a0, { stepCap: Math.floor(budget.ops / (sys.n * THEORY_BLOCK_STEP_OPS)) }).fromInit;
  } catch (e) {
    if (!(e instanceof ScanBudgetExceeded)) throw e;
    return `${where}: η̃ = ${eta}${model}; the step-size scan that gives stableUpTo does not fit the time budget (${budget.rule}); \`specgd thresholds\` reports it; lower eta`;
  }
  if (scan.stableUpTo === null) return `${where}: η̃ = ${eta}${model}; no scanned step size converges to the optimum from this initialization (\`specgd thresholds\`); lower eta`;
  const s = `stableUpTo = ${scan.stableUpTo.toPrecision(6)}, the largest η̃ below which every scanned step size converges to the optimum from this initialization (relative resolution ${(scan.resolution ?? 0).toPrecision(2)}; \`specgd thresholds\`)`;
  if (eta > scan.stableUpTo) return `${where}: η̃ = ${eta} exceeds the stable bound${model}: ${s}; lower eta`;
  return `${where}: η̃ = ${eta} is below the stable bound${model} (${s}) but between scanned step sizes; lower eta`;
}
