/**
 * Classifier of a reduced map's long-time behaviour (issue 10, Build 1). It is written against an abstract map
 * `step(a, out)` (any algorithm's reduced map: GD, a registry algorithm, …) and its Jacobian, never against a
 * particular update rule.
 *
 * The run a_{k+1} = step(a_k) from a_0 is checked every W steps (W = `window`) on its last W states (and the
 * `maxPeriod` states before them); it stops as soon as one of the rules below decides. At k = H (`maxSteps`) an
 * undecided run gets its horizon doubled, at most `maxExtensions` times (a transient is given time to finish); the
 * last horizon's verdict is final:
 *
 *  - **diverges** at step k: some |a_k,i| > B (`divergenceBound`) or a coordinate is not finite (checked every step).
 *  - **converges to the fixed point p** (from the supplied list, signs matched to the state: p_i = sgn(a_k,i)·|p_i|):
 *    with δ_j = ‖a_j − p‖∞ over the window,
 *      (i)  max_window δ ≤ ε_p, where ε_p = min(ε₀, ¼ · the sup-distance from p to the nearest other listed fixed
 *           point, any sign pattern): inside that ball p is the only fixed point, so the target is unambiguous;
 *      (ii) the distance is still shrinking — the maxima of δ over the window's S consecutive segments (`segments`)
 *           strictly decrease, a segment at rounding level (≤ floor·max(1, ‖p‖∞)) counting as decreasing: the run is not merely
 *           passing by (an aperiodic orbit passes this test by chance with probability 1/S!);
 *      (iii) p is not linearly repelling for this map in the coordinates the run occupies (O = {i : a_k,i ≠ 0}):
 *           the spectral radius of the map Jacobian's O×O block at p is ≤ 1 + `repulsionTol` (a run can converge
 *           to a linearly repelling point only on a measure-zero set; the block is exact because an exactly-zero
 *           coordinate stays zero under maps of the form a_i ← a_i (1 − η̃ h_i(a²))). An exactly stationary window
 *           (a_{j+1} = a_j bit for bit) counts as converged whatever (iii) says.
 *  - **converges to a set of optima** (`OptimumSet`, e.g. the circle {rθᵀ} of issue 13): the same three rules with p the
 *    state's nearest point of the set (taken at each check), ε = min(ε₀, ¼ · the distance from the set to the nearest
 *    listed point); the set is the target when it is nearer than every listed fixed point.
 *  - **cycle of period P** (2 ≤ P ≤ `maxPeriod`, the smallest such P): max over the window of ‖a_j − a_{j−P}‖∞ ≤
 *    `cycleTol` · max(1, max_window ‖a_j‖∞), and also ‖a_k − a_{k−mP}‖∞ ≤ that for the largest mP < W (no slow drift
 *    along the window). Its amplitude is max_i (max_window a_i − min_window a_i)/2. P = 1 (a
 *    stationary state near no listed fixed point) is reported as "converges to an unlisted fixed point".
 *    The cycle test is skipped while the distance to the nearest non-repelling fixed point shrinks (a transient).
 *  - At the horizon H without a decision:
 *      **undecided** if the run is still approaching a non-repelling fixed point (rule (ii) holds, (i) not yet) or a
 *      period-P cycle (for the P with the smallest P-difference over the last segment, the maxima of
 *      ‖a_j − a_{j−P}‖∞ over the S segments strictly decrease): the
 *      transient is not finished, it is not called unstable;
 *      **bounded** (stays bounded without settling) if the window is recurrent — its last state comes back within
 *      `recurrence` × (the window's range) of an earlier window state more than `maxPeriod` steps before it (an
 *      orbit on a bounded attractor revisits its neighbourhoods; a transient drifting away does not) —, with the
 *      window's range per coordinate; **undecided** ("the transient has not finished") otherwise.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** A reduced map: writes step(a) into `out` (a and out never alias). */
export type MapStep = (a: Float64Array, out: Float64Array) => void;
/** The map's Jacobian ∂step_i/∂a_j at `a`, row-major n×n, written into `out`. */
export type MapJacobian = (a: Float64Array, out: Float64Array) => void;

export interface ClassifierFixedPoint {
  /** Readable name, e.g. "optimum" or "saddle (index 2), a = c = 0". */
  label: string;
  /** Representative with non-negative coordinates (signs on the support are free). */
  a: Float64Array;
  /** Block indices with a_i ≠ 0. */
  support: number[];
  optimum: boolean;
}

export interface ClassifierRules {
  /** B: a run with some |a_i| > B (or a non-finite coordinate) has diverged. */
  divergenceBound: number;
  /** ε₀: the convergence ball's radius before the separation cap (see the module comment). */
  convergenceTol: number;
  /** Relative rounding floor of rule (ii). */
  roundingFloor: number;
  /** W: steps between checks, and the window the rules look at. */
  window: number;
  /** S: number of consecutive segments of the window whose maxima must strictly decrease for "shrinking". */
  segments: number;
  /** Largest cycle period tested (W ≥ 4·maxPeriod). */
  maxPeriod: number;
  /** Relative tolerance of the cycle test. */
  cycleTol: number;
  /** H: the horizon (steps) at which an undecided run stops (after its extensions). */
  maxSteps: number;
  /** Doublings of H granted to a run still undecided at H. */
  maxExtensions: number;
  /** Rule (iii): spectral radius > 1 + repulsionTol means linearly repelling. */
  repulsionTol: number;
  /** Recurrence test of "bounded": return within this fraction of the window's range. */
  recurrence: number;
}

export type LongTimeClass =
  | { kind: 'converges'; fixedPoint: string; optimum: boolean; distance: number; tolerance: number; decidedAt: number }
  | { kind: 'cycle'; period: number; amplitude: number; amplitudes: number[]; center: number[]; around: string | null; decidedAt: number }
  | { kind: 'bounded'; range: number[]; maxAbs: number; horizon: number }
  | { kind: 'diverges'; step: number }
  | { kind: 'undecided'; reason: string; horizon: number };

/** Short class label used for edges and counts: "converges to <fixed point>", "period-P cycle", "bounded", … */
export function classLabel(c: LongTimeClass): string {
  switch (c.kind) {
    case 'converges':
      return `converges to ${c.fixedPoint}`;
    case 'cycle':
      return `period-${c.period} cycle`;
    default:
      return c.kind;
  }
}

/** The rules as sentences, for the output (see the module comment); `horizon` states H. */
export function describeRules(r: Omit<ClassifierRules, 'maxSteps'>, horizon: string, set?: string): string[] {
  return [
    ...(set ? [`converges to ${set} (a set of optima, not an isolated point): the rule for a fixed point below with p = the state's nearest point of the set (re-taken at each check, so the rule is invariant along the set), ε = min(${r.convergenceTol}, ¼·distance from the nearest other listed point to the set), and "repelling" meaning the map Jacobian at p has spectral radius > 1 + ${r.repulsionTol} (the tangent multiplier is exactly 1: this tests the normal ones)`] : []),
    `diverges: some |a_i| > ${r.divergenceBound} or not finite (checked every step)`,
    `converges to p (listed fixed point, signs matched to the state): over the last W = ${r.window} steps max ‖a − p‖∞ ≤ ε_p = min(${r.convergenceTol}, ¼·distance from p to the nearest other fixed point), the distance still shrinking (its maxima over ${r.segments} consecutive segments of the window strictly decrease, a segment ≤ ${r.roundingFloor}·max(1, ‖p‖∞) counting as decreasing), and p not linearly repelling in the occupied coordinates (spectral radius of the map Jacobian ≤ 1 + ${r.repulsionTol})`,
    `cycle of period P (2 ≤ P ≤ ${r.maxPeriod}, smallest): max over the window of ‖a_k − a_{k−P}‖∞ ≤ ${r.cycleTol}·max(1, max ‖a_k‖∞), and the same across the largest multiple of P inside the window (no drift); amplitude = max_i (max a_i − min a_i)/2 over the window; not tested while the distance to a non-repelling fixed point still shrinks`,
    `checked every W steps; a run stops when a rule decides; at H = ${horizon} an undecided run gets H doubled, at most ${r.maxExtensions} times`,
    `undecided (at H): still approaching a non-repelling fixed point, or a period-P cycle (for the P with the smallest ‖a_k − a_{k−P}‖∞ over the last segment, its maxima over the ${r.segments} segments strictly decrease)`,
    `bounded (at H): none of the above and the window is recurrent (its last state returns within ${r.recurrence} × the window's range of a state more than ${r.maxPeriod} steps earlier): the run stays bounded without settling; without recurrence: undecided (transient not finished)`,
  ];
}

/** ε_p for each fixed point: min(ε₀, ¼ · sup-distance to the nearest other listed fixed point, any sign pattern). */
export function convergenceRadii(fps: readonly ClassifierFixedPoint[], eps0: number): number[] {
  return fps.map((p, i) => {
    let nearest = Infinity;
    // Sign variants of p itself: distance 2·min_{i ∈ S} |p_i|.
    for (const j of p.support) nearest = Math.min(nearest, 2 * Math.abs(p.a[j]));
    fps.forEach((q, j) => {
      if (j === i) return;
      // min over sign patterns of q of ‖p − q‖∞ = max_i ||p_i| − |q_i|| (choose each sign of q to match p).
      let d = 0;
      for (let k = 0; k < p.a.length; k++) d = Math.max(d, Math.abs(Math.abs(p.a[k]) - Math.abs(q.a[k])));
      nearest = Math.min(nearest, d);
    });
    return Math.min(eps0, nearest / 4);
  });
}

/** Spectral radius of a real n×n row-major matrix restricted to the index set `idx`. */
function spectralRadius(J: Float64Array, n: number, idx: number[]): number {
  if (idx.length === 0) return 0;
  const rows = idx.map((i) => idx.map((j) => J[i * n + j]));
  const e = new EigenvalueDecomposition(new Matrix(rows));
  let r = 0;
  e.realEigenvalues.forEach((re, k) => (r = Math.max(r, Math.hypot(re, e.imaginaryEigenvalues[k]))));
  return r;
}

/**
 * A connected set of optima that is not a list of isolated points (issue 13: {W : WᵀW = θθᵀ} = {rθᵀ, ‖r‖ = 1}, a
 * circle in the matrix-block coordinates). The classifier measures the distance of a state to the set through its
 * nearest point `project(a)` (written into `out`), so the rules are invariant along the set; the set is repelling
 * when the map Jacobian at the nearest point has spectral radius > 1 + repulsionTol in the occupied coordinates (the
 * tangent multiplier is exactly 1, so this tests the normal ones). Its spectrum is the same at every point of the
 * set (a symmetry of the loss maps one point to another), so the repulsion verdict is cached per occupied set.
 */
export interface OptimumSet {
  label: string;
  project: (a: Float64Array, out: Float64Array) => void;
}

/** ε for the set: min(ε₀, ¼ · min over the listed points q of ‖q − project(q)‖∞). */
export function setConvergenceRadius(set: OptimumSet, fps: readonly ClassifierFixedPoint[], eps0: number): number {
  let nearest = Infinity;
  for (const q of fps) {
    const p = new Float64Array(q.a.length);
    set.project(q.a, p);
    let d = 0;
    for (let i = 0; i < p.length; i++) d = Math.max(d, Math.abs(q.a[i] - p[i]));
    nearest = Math.min(nearest, d);
  }
  return Math.min(eps0, nearest / 4);
}

export interface ClassifyInput {
  /** A set of optima (module comment of `OptimumSet`), classified like a fixed point with the label `optimumSet.label`. */
  optimumSet?: OptimumSet;
  step: MapStep;
  jacobian: MapJacobian;
  a0: Float64Array;
  fixedPoints: readonly ClassifierFixedPoint[];
  rules: ClassifierRules;
  /** Precomputed `convergenceRadii(fixedPoints, rules.convergenceTol)` (recomputed if absent). */
  radii?: number[];
}

// Numeric kernels on the ring of the last R states (state j at offset (j mod R)·n). They are module-level
// functions on typed arrays so that V8 optimizes them once for every run (closures per run stay cold).

/** Offset of state j in the ring. */
function off(j: number, R: number, n: number): number {
  return (j % R) * n;
}

/** Max over the window [first, k] of ‖a_j − p‖∞ per segment (into segMax); returns the overall max. */
function distanceSegments(ring: Float64Array, R: number, n: number, first: number, k: number, p: Float64Array, segMax: Float64Array, W: number): number {
  const S = segMax.length;
  segMax.fill(0);
  let dMax = 0;
  for (let j = first; j <= k; j++) {
    const o = off(j, R, n);
    let d = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.abs(ring[o + i] - p[i]);
      if (e > d) d = e;
    }
    const q = Math.floor(((j - first) * S) / W);
    if (d > segMax[q]) segMax[q] = d;
    if (d > dMax) dMax = d;
  }
  return dMax;
}

/** Max over the window of ‖a_j − a_{j−P}‖∞ per segment (into segMax). */
function differenceSegments(ring: Float64Array, R: number, n: number, first: number, k: number, P: number, segMax: Float64Array, W: number): void {
  const S = segMax.length;
  segMax.fill(0);
  for (let j = first; j <= k; j++) {
    const o = off(j, R, n);
    const op = off(j - P, R, n);
    let d = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.abs(ring[o + i] - ring[op + i]);
      if (e > d) d = e;
    }
    const q = Math.floor(((j - first) * S) / W);
    if (d > segMax[q]) segMax[q] = d;
  }
}

/** Segment maxima strictly decrease (a segment already at the rounding level `floor` counts as decreasing). */
function decreasing(m: Float64Array, floor: number): boolean {
  for (let q = 1; q < m.length; q++) if (!(m[q] < m[q - 1] || m[q] <= floor)) return false;
  return true;
}

/** Every state of the window equals its predecessor bit for bit. */
function stationaryWindow(ring: Float64Array, R: number, n: number, first: number, k: number): boolean {
  for (let j = first + 1; j <= k; j++) {
    const o = off(j, R, n);
    const op = off(j - 1, R, n);
    for (let i = 0; i < n; i++) if (ring[o + i] !== ring[op + i]) return false;
  }
  return true;
}

/** max over the window of ‖a_j‖∞, at least 1. */
function windowScale(ring: Float64Array, R: number, n: number, first: number, k: number): number {
  let s = 1;
  for (let j = first; j <= k; j++) {
    const o = off(j, R, n);
    for (let i = 0; i < n; i++) {
      const x = Math.abs(ring[o + i]);
      if (x > s) s = x;
    }
  }
  return s;
}

/** The smallest P ≤ maxP with ‖a_j − a_{j−P}‖∞ ≤ tol over the window and across its largest multiple of P; 0 if none. */
function smallestPeriod(ring: Float64Array, R: number, n: number, first: number, k: number, maxP: number, tol: number, W: number): number {
  for (let p = 1; p <= maxP; p++) {
    let ok = true;
    // Oldest states first: they are the least settled, so a failing P exits early.
    for (let j = first; j <= k && ok; j++) {
      const o = off(j, R, n);
      const op = off(j - p, R, n);
      for (let i = 0; i < n; i++) if (!(Math.abs(ring[o + i] - ring[op + i]) <= tol)) ok = false;
    }
    if (!ok) continue;
    // No slow drift either: the state also returns within tol after the largest multiple of P inside the window.
    const ok2 = off(k, R, n);
    const os = off(k - p * Math.floor((W - 1) / p), R, n);
    for (let i = 0; i < n; i++) if (!(Math.abs(ring[ok2 + i] - ring[os + i]) <= tol)) ok = false;
    if (ok) return p;
  }
  return 0;
}

/** min over window states more than `gap` steps before k of ‖a_j − a_k‖∞. */
function closestReturn(ring: Float64Array, R: number, n: number, first: number, k: number, gap: number): number {
  const ok = off(k, R, n);
  let closest = Infinity;
  for (let j = first; j < k - gap; j++) {
    const o = off(j, R, n);
    let d = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.abs(ring[o + i] - ring[ok + i]);
      if (e > d) d = e;
    }
    if (d < closest) closest = d;
  }
  return closest;
}

/** Per coordinate: min, max and (last P states) mean over the window. */
function windowStats(ring: Float64Array, R: number, n: number, first: number, k: number, P: number): { lo: number[]; hi: number[]; mean: number[] } {
  const lo = new Array<number>(n).fill(Infinity);
  const hi = new Array<number>(n).fill(-Infinity);
  const mean = new Array<number>(n).fill(0);
  for (let j = first; j <= k; j++) {
    const o = off(j, R, n);
    for (let i = 0; i < n; i++) {
      const x = ring[o + i];
      if (x < lo[i]) lo[i] = x;
      if (x > hi[i]) hi[i] = x;
      if (j > k - P) mean[i] += x / P;
    }
  }
  return { lo, hi, mean };
}

/** Everything one run's checks read (one object per run; the check functions are shared by every run). */
interface RunState {
  ring: Float64Array;
  R: number;
  n: number;
  W: number;
  P: number;
  S: number;
  segMax: Float64Array;
  pTmp: Float64Array;
  J: Float64Array;
  fps: readonly ClassifierFixedPoint[];
  radii: number[];
  rules: ClassifierRules;
  jacobian: MapJacobian;
  repulsionCache: Map<string, boolean>;
  set: OptimumSet | null;
  setRadius: number;
  setPoint: Float64Array;
}

/** Is the fixed point in st.pTmp (index f, sign pattern `signs`) repelling in the occupied coordinates? */
function repelling(st: RunState, f: number, signs: string, occupied: number[]): boolean {
  const key = `${f}|${signs}|${occupied.join(',')}`;
  let r = st.repulsionCache.get(key);
  if (r === undefined) {
    st.jacobian(st.pTmp, st.J);
    r = spectralRadius(st.J, st.n, occupied) > 1 + st.rules.repulsionTol;
    st.repulsionCache.set(key, r);
  }
  return r;
}

function checkRun(st: RunState, k: number, final: boolean): LongTimeClass | null {
  const { ring, R, n, W, P, S, segMax, pTmp, fps, radii, rules } = st;
  const first = k - W + 1;
  const ok = off(k, R, n);
  // Nearest listed fixed point (signs matched to the state at k).
  let best = -1;
  let bestDist = Infinity;
  for (let f = 0; f < fps.length; f++) {
    let d = 0;
    for (let i = 0; i < n; i++) {
      const x = ring[ok + i];
      d = Math.max(d, Math.abs(x - (x < 0 ? -1 : 1) * fps[f].a[i]));
    }
    if (d < bestDist) {
      bestDist = d;
      best = f;
    }
  }
  let approaching = false;
  if (st.set) {
    // The set's nearest point to the state at k; the set is the target when it is nearer than every listed point.
    st.set.project(ring.subarray(ok, ok + n), st.setPoint);
    let d = 0;
    for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(ring[ok + i] - st.setPoint[i]));
    if (d < bestDist) {
      const occupied: number[] = [];
      let pNorm = 0;
      for (let i = 0; i < n; i++) {
        pTmp[i] = st.setPoint[i];
        pNorm = Math.max(pNorm, Math.abs(pTmp[i]));
        if (ring[ok + i] !== 0) occupied.push(i);
      }
      const dMax = distanceSegments(ring, R, n, first, k, pTmp, segMax, W);
      const floor = rules.roundingFloor * Math.max(1, pNorm);
      const shrinking = decreasing(segMax, floor);
      const stationary = dMax <= floor && stationaryWindow(ring, R, n, first, k);
      const repels = stationary ? false : repelling(st, -1, 'set', occupied);
      if (dMax <= st.setRadius && (shrinking || dMax <= floor) && !repels) return { kind: 'converges', fixedPoint: st.set.label, optimum: true, distance: d, tolerance: st.setRadius, decidedAt: k };
      approaching = shrinking && !repels;
      bestDist = d;
      best = -2;
    }
  }
  if (best >= 0) {
    const fp = fps[best];
    let signs = '';
    const occupied: number[] = [];
    let pNorm = 0;
    for (let i = 0; i < n; i++) {
      const x = ring[ok + i];
      pTmp[i] = (x < 0 ? -1 : 1) * fp.a[i];
      pNorm = Math.max(pNorm, Math.abs(pTmp[i]));
      signs += x < 0 ? '-' : '+';
      if (x !== 0) occupied.push(i);
    }
    const dMax = distanceSegments(ring, R, n, first, k, pTmp, segMax, W);
    const floor = rules.roundingFloor * Math.max(1, pNorm);
    const shrinking = decreasing(segMax, floor);
    const stationary = dMax <= floor && stationaryWindow(ring, R, n, first, k);
    const repels = stationary ? false : repelling(st, best, signs, occupied);
    if (dMax <= radii[best] && (shrinking || dMax <= floor) && !repels) return { kind: 'converges', fixedPoint: fp.label, optimum: fp.optimum, distance: bestDist, tolerance: radii[best], decidedAt: k };
    approaching = shrinking && !repels;
  }
  const targetLabel = best === -2 ? st.set!.label : best >= 0 ? fps[best].label : '';
  const targetRadius = best === -2 ? st.setRadius : best >= 0 ? radii[best] : 0;
  if (approaching && !final) return null;
  // Cycle test: smallest P with max ‖a_j − a_{j−P}‖∞ ≤ tol over the window (and no drift across it).
  const tol = rules.cycleTol * windowScale(ring, R, n, first, k);
  const period = smallestPeriod(ring, R, n, first, k, P, tol, W);
  if (period === 1) return { kind: 'converges', fixedPoint: 'an unlisted fixed point', optimum: false, distance: 0, tolerance: tol, decidedAt: k };
  if (period > 1) {
    const { lo, hi, mean: center } = windowStats(ring, R, n, first, k, period);
    const amplitudes = lo.map((l, i) => (hi[i] - l) / 2);
    // The fixed point nearest to the cycle's mean (signs matched).
    let around: string | null = null;
    let ad = Infinity;
    for (const fp of fps) {
      let d = 0;
      for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(center[i] - (center[i] < 0 ? -1 : 1) * fp.a[i]));
      if (d < ad) {
        ad = d;
        around = fp.label;
      }
    }
    if (st.set) {
      const c = Float64Array.from(center);
      st.set.project(c, st.setPoint);
      let d = 0;
      for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(c[i] - st.setPoint[i]));
      if (d < ad) around = st.set.label;
    }
    return { kind: 'cycle', period, amplitude: Math.max(...amplitudes), amplitudes, center, around, decidedAt: k };
  }
  if (!final) return null;
  if (approaching) return { kind: 'undecided', reason: `still approaching ${targetLabel} at the horizon (distance ${bestDist.toPrecision(3)} > ε = ${targetRadius.toPrecision(3)}, shrinking)`, horizon: k };
  // Approaching a cycle: for the P (2..maxPeriod) with the smallest P-difference over the last segment, the maxima
  // of ‖a_j − a_{j−P}‖∞ over the S segments strictly decrease.
  const lastFirst = k - Math.floor(W / S) + 1;
  let bestP = 2;
  let bestDiff = Infinity;
  for (let p = 2; p <= P; p++) {
    let d = 0;
    for (let j = lastFirst; j <= k; j++) {
      const o = off(j, R, n);
      const op = off(j - p, R, n);
      for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(ring[o + i] - ring[op + i]));
    }
    if (d < bestDiff) {
      bestDiff = d;
      bestP = p;
    }
  }
  differenceSegments(ring, R, n, first, k, bestP, segMax, W);
  if (decreasing(segMax, 0)) return { kind: 'undecided', reason: `still approaching a period-${bestP} cycle at the horizon (max ‖a_k − a_{k−${bestP}}‖∞ over the last segment ${segMax[S - 1].toPrecision(3)}, decreasing over the window)`, horizon: k };
  const { lo, hi } = windowStats(ring, R, n, first, k, 1);
  const range = lo.map((l, i) => hi[i] - l);
  const maxAbs = Math.max(...lo.map(Math.abs), ...hi.map(Math.abs));
  const width = Math.max(...range);
  const closest = closestReturn(ring, R, n, first, k, P);
  if (!(closest <= rules.recurrence * width)) return { kind: 'undecided', reason: `the transient has not finished at the horizon: the last state is ${closest.toPrecision(3)} from every window state more than ${P} steps earlier (> ${rules.recurrence} × the window's range ${width.toPrecision(3)})`, horizon: k };
  return { kind: 'bounded', range, maxAbs, horizon: k };
}

/** Classify the long-time behaviour of the run from a0 (see the module comment). */
export function classifyRun(input: ClassifyInput): LongTimeClass {
  const { step, jacobian, fixedPoints: fps, rules } = input;
  const n = input.a0.length;
  const W = rules.window;
  const P = rules.maxPeriod;
  const S = rules.segments;
  if (W < 4 * P) throw new Error(`classifier window ${W} must be ≥ 4·maxPeriod (${P})`);
  if (!(S >= 2 && S <= W)) throw new Error(`classifier segments ${S} must be in [2, W]`);
  const radii = input.radii ?? convergenceRadii(fps, rules.convergenceTol);
  const R = W + P;
  const ring = new Float64Array(R * n);
  const J = new Float64Array(n * n);
  const pTmp = new Float64Array(n);
  const segMax = new Float64Array(S);
  const repulsionCache = new Map<string, boolean>();
  const B = rules.divergenceBound;

  const set = input.optimumSet ?? null;
  const setRadius = set ? setConvergenceRadius(set, fps, rules.convergenceTol) : 0;
  const st: RunState = { ring, R, n, W, P, S, segMax, pTmp, J, fps, radii, rules, jacobian, repulsionCache, set, setRadius, setPoint: new Float64Array(n) };

  let cur = Float64Array.from(input.a0);
  let nxt = new Float64Array(n);
  for (let i = 0; i < n; i++) ring[i] = cur[i];
  let horizon = rules.maxSteps;
  let extensions = 0;
  for (let k = 0; ; k++) {
    if (k + 1 >= R && ((k + 1) % W === 0 || k >= horizon)) {
      const c = checkRun(st, k, k >= horizon);
      if (c && !(c.kind === 'undecided' && extensions < rules.maxExtensions)) return c;
      if (c) {
        extensions++;
        horizon *= 2;
      }
    }
    if (k >= horizon) {
      // Horizon shorter than one full window: nothing can be decided.
      return { kind: 'undecided', reason: `horizon ${horizon} shorter than the classifier's window (${R} steps)`, horizon: k };
    }
    step(cur, nxt);
    const o = off(k + 1, R, n);
    for (let i = 0; i < n; i++) {
      const x = nxt[i];
      if (!(Math.abs(x) <= B)) return { kind: 'diverges', step: k + 1 };
      ring[o + i] = x;
    }
    const t = cur;
    cur = nxt;
    nxt = t;
  }
}
