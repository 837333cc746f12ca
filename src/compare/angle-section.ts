/**
 * The bundle section of the non-orthogonal-spike study (issue 13; computed by claims/angle-scan.ts, drawn by
 * figures 11 and 12): per (λ_v, φ) the reduced maps' escape step, peak misalignment and lowest alignment over the
 * escaping stage, GD's largest stable step, and the (λ_v, φ) phase diagram of where the spike helps or hurts GD.
 */
import type { ExperimentConfig } from '../config/config.js';

/** One reduced-map run of the study, summarized over its escaping stage (steps 0..escape step). */
export interface AngleRunSummary {
  status: 'ok' | 'diverged' | string;
  /** First step with the escape event (the signal's escape level); null: not within the run. */
  escapeStep: number | null;
  /** max |ratio| over steps 0..escapeStep (the registry's misalignment ratio); null without escape. */
  peakMisalignment: number | null;
  /** Step of that maximum. */
  peakStep: number | null;
  /** min alignment |⟨θ, u₁⟩| over steps 0..escapeStep; null without escape. */
  minAlignment: number | null;
}

/** The curves over φ at one λ_v: one summary per algorithm id and φ. */
export interface AngleCurve {
  lambdaV: number;
  phi: number[];
  /** The φ = 0 config of the curve (φ enters as covariance.signalSpikeAngle). */
  config: ExperimentConfig;
  runs: Record<string, AngleRunSummary[]>;
}

/** GD's largest stable step over φ at one λ_v (claims/angle-stable-step.ts). */
export interface AngleStableCurve {
  lambdaV: number;
  phi: number[];
  config: ExperimentConfig;
  status: string[];
  stableUpTo: (number | null)[];
  /** Upper end of the final bisection bracket. */
  bracketHi: (number | null)[];
  /** 2/μ_max at the optimum. */
  optimumBound: (number | null)[];
  /** ln(1/ρ)/(4H), the relative horizon bias of stableUpTo. */
  horizonBias: number;
  reason: (string | null)[];
  rule: string;
}

/** Effect of the spike on GD at a cell, against the isotropic reference λ_v = 1 at the same φ (rule in `rule`). */
export type AnglePhaseCell = 'helps' | 'hurts' | 'neutral' | 'diverged' | 'undecided';

export interface AnglePhase {
  lambdaV: number[];
  phi: number[];
  config: ExperimentConfig;
  /** GD's escape step per cell [λ_v index][φ index] (null: not within `steps`, or diverged first). */
  escapeStep: (number | null)[][];
  /** The reference escape step per φ (the λ_v = 1 row). */
  reference: (number | null)[];
  cell: AnglePhaseCell[][];
  reason: (string | null)[][];
  steps: number;
  rule: string;
}

/** Full-dimensional population runs at one φ (the curves' λ_v > 1): the same stage summary from the simulation. */
export interface AngleSimulation {
  phi: number;
  lambdaV: number[];
  /** Steps run: ⌈1.25 × the largest reduced-map escape step⌉ (the crossing lies inside). */
  steps: number[];
  runs: Record<string, AngleRunSummary[]>;
}

/**
 * The predicted divergence edge of GD at the plan's η̃: per λ_v, the φ* where the optimum's bound 2/μ_max(λ_v, φ)
 * falls to η̃ (bisection in φ; null with a reason when there is none on [0, π/2] or 2/μ_max is not monotone there).
 */
export interface AngleEdge {
  etaTilde: number;
  lambdaV: number[];
  phi: (number | null)[];
  reason: (string | null)[];
  rule: string;
}

export interface AngleSection {
  simulation: AngleSimulation;
  edge: AngleEdge;
  /** Escape level of the signal (config events.escapeLevel). */
  level: number;
  d: number;
  steps: number;
  curves: AngleCurve[];
  stable: AngleStableCurve[];
  phase: AnglePhase;
  /** Definitions of the measured quantities. */
  definitions: Record<string, string>;
}
