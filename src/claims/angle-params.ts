/**
 * The sizes of the non-orthogonal-spike study (issue 13, item 4): the spiked model with the signal
 * θ = cos φ·u + sin φ·v (`covariance.signalSpikeAngle` φ; u the direction of variance λ_θ, v the spike's), at the
 * reproduction's λ_θ = σ² = 1, α, η̃ (GD) and η (SpecGD). `--quick` runs the same study on smaller grids.
 */
import type { StableStepRules } from './angle-stable-step.js';
import type { GeometricGrid } from './params.js';

export interface AngleParams {
  /** d and the step budget of every run of the study (escape not reached within `steps` is reported as such). */
  d: number;
  steps: number;
  /** φ grid of the curves (radians, ascending, from 0) and the λ_v of each curve. */
  phi: number[];
  lambdaV: number[];
  /** The (λ_v, φ) phase diagram: geometric λ_v grid from 1 (the isotropic reference Σ = I) and its φ grid. */
  phase: { lambdaV: GeometricGrid; phi: number[] };
  /**
   * Largest stable GD step (angle-stable-step.ts) at these λ_v over the curves' φ: the step-size scan of
   * `specgd thresholds` (dynamics/stability.ts) at relative resolution `resolution`.
   */
  stable: { lambdaV: number[] } & StableStepRules;
}

/** φ_j = (π/2)·j/(n − 1), j = 0..n−1: from θ ⊥ v (φ = 0, the paper's model) to θ = v (φ = π/2). */
export function quarterTurn(n: number): number[] {
  return Array.from({ length: n }, (_, j) => (Math.PI / 2) * (j / (n - 1)));
}

/** The study's sizes: the full run and `--quick` (fewer points, shorter horizon). */
export function angleParams(quick: boolean): AngleParams {
  if (quick) {
    return {
      d: 12,
      steps: 1200,
      phi: quarterTurn(7),
      lambdaV: [1, 3, 10],
      phase: { lambdaV: { from: 1, to: 30, points: 6 }, phi: quarterTurn(7) },
      stable: { lambdaV: [1, 10], resolution: 1e-3 },
    };
  }
  return {
    d: 40,
    steps: 3000,
    phi: quarterTurn(13),
    lambdaV: [1, 3, 10, 30],
    phase: { lambdaV: { from: 1, to: 100, points: 9 }, phi: quarterTurn(9) },
    stable: { lambdaV: [1, 3, 10], resolution: 2e-4 },
  };
}
