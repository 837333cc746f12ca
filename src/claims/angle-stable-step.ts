/**
 * GD's largest stable step on the matrix-block coordinates (issue 13): the stability scan of dynamics/stability.ts
 * is built on the commuting-block derivation (its analytic bounds and classifier fixed points), so the angle study
 * measures the largest stable step with its own, simpler procedure, stated here.
 *
 * Stable. GD at step size η̃ is *stable* from W₀ = αI when the reduced GD map (the registry's, `gdReducedMap`), run
 * for exactly H steps, never leaves the divergence bound (|x_k| ≤ B, finite) and ends with L(W_H) ≤ ρ·L(W₀): it has
 * converged to the optimum set {W : WᵀW = θθᵀ} (L = 0 there), up to the slowly decaying bulk (its loss is
 * O((d−2)²α⁴) ≪ ρL(W₀)). Past the optimum's period-doubling onset the run settles on a cycle around the optimum whose
 * loss is bounded away from 0, or diverges.
 *
 * Procedure. The η̃ grid is geometric over [β/4, 4β] with β = 2/μ_max the optimum's linearized bound (the grid's
 * anchor only: the measured value is read from the runs). The stable set on the grid must be a prefix
 * {η̃_0..η̃_j}: otherwise the cell is `non-monotone` (undecided). If η̃_0 is not stable the value is below the grid,
 * if every point is stable above it (both undecided). Else the bracket [η̃_j, η̃_{j+1}] is bisected geometrically
 * `iterations` times (each midpoint's class decides the half), and stableUpTo is its lower end.
 *
 * Horizon bias. Just below the onset η̃_c = 2/μ_max the top mode contracts by |1 − η̃μ_max| = 1 − 2δ per step
 * (η̃ = η̃_c(1 − δ)), so reaching ρ takes k ≈ ln(1/ρ)/(4δ) steps: within H steps every η̃ with
 * δ > ln(1/ρ)/(4H) is classified stable, and the measured stableUpTo may sit below η̃_c by at most the
 * relative amount ln(1/ρ)/(4H) (beside the bracket width) — `horizonBias`.
 *
 * Optimum's bound. μ_max is the largest eigenvalue of J = ∂g/∂x at an optimum (dynamics/stability/bounds.ts
 * `jacobianEigenvalues`): x* = θθᵀ, i.e. M = ttᵀ and every scalar 0 (at φ = 0, a = ±1, b = c = 0). L depends on W only
 * through WᵀW, so every optimum rθᵀ (‖r‖ = 1) is a rotation OW* with O in the algebra, and J has the same spectrum on
 * the whole optimum set.
 */
import { DEFAULTS } from '../config/defaults.js';
import { gdReducedMap } from '../dynamics/stability.js';
import { jacobianEigenvalues, linearBound } from '../dynamics/stability/bounds.js';
import { initialBlockCoefficients, type ModelSpec } from '../model/spec.js';
import type { CompiledSystem } from '../symbolic/compiled.js';
import { geometric } from './params.js';

export interface StableStepRules {
  /** Points of the geometric grid over [β/4, 4β]. */
  points: number;
  iterations: number;
  /** H: steps of every run. */
  horizon: number;
  /** ρ: converged when L(W_H) ≤ ρ·L(W₀). */
  lossRatio: number;
}

export type StableStepStatus = 'bracketed' | 'below-grid' | 'above-grid' | 'non-monotone' | 'no-bound';

export interface StableStep {
  status: StableStepStatus;
  /** Lower end of the final bracket (null unless bracketed). */
  stableUpTo: number | null;
  bracket: [number, number] | null;
  /** 2/μ_max at the optimum (null when μ_max ≤ 0). */
  optimumBound: number | null;
  /** ln(1/ρ)/(4H): the largest relative shortfall of stableUpTo below the onset that the horizon allows. */
  horizonBias: number;
  /** The scanned grid and its classes (before bisection). */
  grid: { eta: number[]; stable: boolean[] };
  /** Why the value is undecided (absent when bracketed). */
  reason?: string;
  runs: number;
}

/** The optimum x* = θθᵀ in the system's coordinates (module comment). */
export function optimumPoint(sys: CompiledSystem, spec: ModelSpec): Float64Array {
  const x = new Float64Array(sys.n);
  const mb = sys.matrixBlock;
  if (mb) {
    for (let i = 0; i < mb.K; i++) for (let j = 0; j < mb.K; j++) x[i * mb.K + j] = mb.weights[i] * mb.weights[j];
    return x;
  }
  x[spec.signalBlock] = 1;
  return x;
}

/** Is GD at η̃ stable from x₀ (module comment)? */
export function gdStable(sys: CompiledSystem, x0: Float64Array, eta: number, rules: Pick<StableStepRules, 'horizon' | 'lossRatio'>, bound = DEFAULTS.divergenceBound): boolean {
  const { step } = gdReducedMap(sys, eta);
  let a = Float64Array.from(x0);
  let b = new Float64Array(sys.n);
  const l0 = sys.loss(x0);
  for (let k = 0; k < rules.horizon; k++) {
    step(a, b);
    for (let j = 0; j < sys.n; j++) if (!(Math.abs(b[j]) <= bound)) return false;
    [a, b] = [b, a];
  }
  const l = sys.loss(a);
  return Number.isFinite(l) && l <= rules.lossRatio * l0;
}

/** GD's largest stable step from W₀ = αI of `spec` (module comment). */
export function largestStableStep(sys: CompiledSystem, spec: ModelSpec, rules: StableStepRules, stable: (eta: number) => boolean = (eta) => gdStable(sys, initialBlockCoefficients(spec)!, eta, rules)): StableStep {
  const optimumBound = linearBound(jacobianEigenvalues(sys, optimumPoint(sys, spec)));
  const horizonBias = Math.log(1 / rules.lossRatio) / (4 * rules.horizon);
  if (optimumBound === null) return { status: 'no-bound', stableUpTo: null, bracket: null, optimumBound, horizonBias, grid: { eta: [], stable: [] }, reason: 'μ_max ≤ 0 at the optimum: no grid anchor', runs: 0 };
  const eta = geometric({ from: optimumBound / 4, to: optimumBound * 4, points: rules.points });
  const cls = eta.map((e) => stable(e));
  let runs = eta.length;
  const grid = { eta, stable: cls };
  const first = cls.indexOf(false);
  const undecided = (status: StableStepStatus, reason: string): StableStep => ({ status, stableUpTo: null, bracket: null, optimumBound, horizonBias, grid, reason, runs });
  if (first === 0) return undecided('below-grid', `the smallest scanned η̃ = ${eta[0]} is not stable within ${rules.horizon} steps`);
  if (first < 0) return undecided('above-grid', `every scanned η̃ up to ${eta[eta.length - 1]} is stable`);
  const again = cls.indexOf(true, first);
  if (again >= 0) return undecided('non-monotone', `η̃ = ${eta[first]} is not stable but η̃ = ${eta[again]} above it is: the stable set is not an interval on the grid`);
  let lo = eta[first - 1];
  let hi = eta[first];
  for (let i = 0; i < rules.iterations; i++) {
    const mid = Math.sqrt(lo * hi);
    runs++;
    if (stable(mid)) lo = mid;
    else hi = mid;
  }
  return { status: 'bracketed', stableUpTo: lo, bracket: [lo, hi], optimumBound, horizonBias, grid, runs };
}
