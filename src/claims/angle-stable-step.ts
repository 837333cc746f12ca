/**
 * GD's largest stable step for the angle study (issue 13, figure 11): the step-size scan of `specgd thresholds`
 * (dynamics/stability.ts `gdStableUpTo`, the project's one definition of "stable"), read at the study's resolution.
 *
 * Stable. η̃ is stable from W₀ = αI when the scan's classifier (dynamics/stability/classify.ts) says the run
 * converges to the optimum: on the matrix-block coordinates (φ > 0) to the optimum set {W : WᵀW = θθᵀ} =
 * {rθᵀ, ‖r‖ = 1} (the state's nearest optimum within ε, the distance still shrinking, the set not repelling normal to
 * itself); at φ = 0 (commuting blocks) to the fixed point a*. stableUpTo is the largest scanned η̃ below which every
 * scanned η̃ is stable; its bracket's upper end is the first scanned η̃ that is not (a cycle, bounded, divergence or
 * undecided at the horizon). Status: `bracketed`, `below-grid` (the smallest scanned η̃ is not stable) or
 * `above-grid` (every scanned η̃ is), `no-bound` (μ_max ≤ 0).
 *
 * Horizon bias. Just below the onset η̃_c = 2/μ_max (η̃ = η̃_c(1 − δ)) the top normal mode contracts by
 * |1 − η̃μ_max| = 1 − 2δ per step, so falling from a distance ≤ B + 1 (B the divergence bound: a run farther away has
 * diverged) to ε takes at most k = ln((B + 1)/ε)/(2δ) steps; within the classifier's longest horizon
 * H_max = 2^e · max(minSteps, ⌈maxTime/η̃_c⌉) (e doublings) every η̃ with δ > ln((B + 1)/ε)/(2H_max) converges, and the
 * measured stableUpTo may sit below η̃_c by at most that relative amount besides the bracket width — `horizonBias`.
 *
 * Optimum's bound. μ_max is the largest non-zero eigenvalue of J = ∂g/∂x at an optimum: on the matrix-block
 * coordinates the normal Hessian of the optimum set, H_S = 8κ[2Σθθᵀ Σ + (θᵀΣθ)Σ] on S, the same at every point of the
 * set (dynamics/stability/optimum-set.ts); at φ = 0 J at a* (dynamics/stability/bounds.ts).
 */
import { DEFAULTS } from '../config/defaults.js';
import { gdStableUpTo } from '../dynamics/stability.js';
import { statContext } from '../dynamics/statistics.js';
import { initialBlockCoefficients, type ModelSpec } from '../model/spec.js';
import type { CompiledSystem } from '../symbolic/compiled.js';

export interface StableStepRules {
  /** Relative resolution of the scan's refinement. */
  resolution: number;
}

export type StableStepStatus = 'bracketed' | 'below-grid' | 'above-grid' | 'no-bound';

export interface StableStep {
  status: StableStepStatus;
  /** The scan's stableUpTo (null unless bracketed). */
  stableUpTo: number | null;
  bracket: [number, number] | null;
  /** 2/μ_max at the optimum (null when μ_max ≤ 0). */
  optimumBound: number | null;
  /** ln((B + 1)/ε)/(2H_max): the largest relative shortfall of stableUpTo below the onset the horizon allows. */
  horizonBias: number;
  /** Why the value is undecided (absent when bracketed). */
  reason?: string;
  /** Classified runs of the scan. */
  runs: number;
}

/** The optimum θθᵀ in the system's coordinates: M = ttᵀ and every scalar 0 (at φ = 0, a = 1, b = c = 0). */
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

/** GD's largest stable step from W₀ = αI of `spec` (module comment). */
export function largestStableStep(sys: CompiledSystem, spec: ModelSpec, rules: StableStepRules): StableStep {
  const a0 = initialBlockCoefficients(spec)!;
  const { scan, optimumBound, settings } = gdStableUpTo(sys, statContext(sys, spec, DEFAULTS.signTieRelTol), spec, a0, { resolution: rules.resolution });
  const c = settings.classifier;
  const hMax = optimumBound !== null ? 2 ** c.maxExtensions * Math.max(settings.scan.minSteps, Math.ceil(settings.scan.maxTime / optimumBound)) : 0;
  const horizonBias = hMax > 0 ? Math.log((c.divergenceBound + 1) / c.convergenceTol) / (2 * hMax) : 0;
  const runs = scan.scanned.eta.length;
  const base = { optimumBound, horizonBias, runs };
  if (optimumBound === null) return { status: 'no-bound', stableUpTo: null, bracket: null, ...base, reason: 'μ_max ≤ 0 at the optimum' };
  if (scan.stableUpTo === null) return { status: 'below-grid', stableUpTo: null, bracket: null, ...base, reason: scan.note ?? `the smallest scanned η̃ = ${scan.grid.from} is not stable` };
  if (!scan.bracket) return { status: 'above-grid', stableUpTo: null, bracket: null, ...base, reason: scan.note ?? `every scanned η̃ up to ${scan.grid.to} is stable` };
  return { status: 'bracketed', stableUpTo: scan.stableUpTo, bracket: scan.bracket, ...base };
}
