/**
 * The results bundle: everything `specgd reproduce` computed, as one JSON document (data/results.json).
 * `specgd report --in results.json` rebuilds every figure, table and claim of the report from it by code.
 * No timestamps: the same plan and seeds give a byte-identical bundle.
 */
import type { ExperimentConfig } from '../config/config.js';
import type { Provenance, Trajectory } from '../core/trajectory.js';
import type { AngleSection } from './angle-section.js';
import type { Claim } from './claim.js';
import type { Comparison } from './compare.js';

export const RESULTS_FORMAT = 'specgd-results/1';

/** Runs of one configuration: the reduced theory and the full-dimensional simulation. */
export interface RunGroup {
  id: string;
  /** Human label, e.g. "λ_v = 10". */
  label: string;
  /** The parameters that vary across groups (lambdaV, d, n, ...). */
  params: Record<string, number>;
  config: ExperimentConfig;
  theory: Trajectory[];
  simulation: Trajectory[];
}

export interface EscapeScan {
  /** Escape level of the signal coefficient. */
  level: number;
  lambdaV: number[];
  /** Escape step per λ_v (null: not reached within the run). */
  theory: Record<string, (number | null)[]>;
  simLambdaV: number[];
  simulation: Record<string, (number | null)[]>;
}

export interface StabilityScan {
  lambdaV: number[];
  /** The analytic prediction of stableUpTo: the smaller of the optimum's and the escape-stage bound. */
  linearized: number[];
  /** Linearized bound 2/μ_max(J(a*)) at the optimum (null where the report has none). */
  linearizedAtOptimum?: (number | null)[];
  /** Escape-stage bound (crisis of the fastest-growing non-signal block's restricted map; null where none). */
  escapeStage?: (number | null)[];
  /** stableUpTo of the step-size scan from W₀ (dynamics/stability/scan.ts; = `specgd thresholds`). */
  measured: number[];
  /** Width of each stableUpTo's bracket. */
  resolution: number[];
}

export interface PhaseDiagram {
  lambdaV: number[];
  etaTilde: number[];
  /** diverged[i][j] for lambdaV[i], etaTilde[j]. */
  diverged: boolean[][];
  /** Escape step (null if not reached or diverged). */
  escapeStep: (number | null)[][];
  steps: number;
}

/**
 * The measurement of claim finite-sample-correction (claims/finite-sample-correction.ts): y_n = n·(mean a − ā) at
 * step k* with SE_n per n, the predicted coefficient c₁(k*), the control's wrong coefficient, the weighted fit
 * y = β₀ + β₁/n and z of the claim's test.
 */
export interface FiniteCorrectionSection {
  step: number;
  seeds: number;
  points: { n: number; y: number; se: number }[];
  predicted: number;
  control: number;
  fit: { intercept: number; interceptSe: number; slope: number };
  z: number;
}

export interface ResultsBundle {
  format: typeof RESULTS_FORMAT;
  provenance: Provenance;
  plan: Record<string, unknown>;
  /** The symbolic derivation of the spiked model (symbolic/derive.ts), when available. */
  derivation: unknown;
  /**
   * Run groups by name: the plan's experiments (theory + simulation, thinned). The four groups of the reproduce
   * plan are always present (empty when a plan has none); a plan may add groups of its own.
   */
  groups: {
    spiked: RunGroup[];
    bulk: RunGroup[];
    powerlaw: RunGroup[];
    finiteSample: RunGroup[];
    [group: string]: RunGroup[];
  };
  /** Sections computed by figures from their own runs (absent when the plan has no figure computing them). */
  escape?: EscapeScan;
  stability?: StabilityScan;
  phase?: PhaseDiagram;
  /** The non-orthogonal spike study (issue 13, figures 11–12). */
  angle?: AngleSection;
  /** The finite-sample correction measurement (issue 11, claim finite-sample-correction; figure 13). */
  finiteCorrection?: FiniteCorrectionSection;
  comparisons: Comparison[];
  claims: Claim[];
}

/**
 * Keep at most `maxPoints` records of a trajectory for storage and plotting: the first and last, a uniform grid
 * and a log-spaced grid in the step index (so both linear- and log-axis plots stay resolved), and every event
 * step. Comparisons are computed on the full trajectories before thinning.
 */
export function thinTrajectory(traj: Trajectory, maxPoints: number): Trajectory {
  const n = traj.step.length;
  if (n <= maxPoints) return traj;
  const keep = new Set<number>([0, n - 1]);
  const half = Math.max(2, Math.floor(maxPoints / 2));
  for (let i = 0; i < half; i++) keep.add(Math.round((i * (n - 1)) / (half - 1)));
  for (let i = 0; i < half; i++) keep.add(Math.min(n - 1, Math.round(Math.expm1((i * Math.log(n)) / (half - 1)))));
  const stepIndex = new Map<number, number>();
  traj.step.forEach((s, i) => stepIndex.set(s, i));
  for (const e of traj.events) if (e.step !== null && stepIndex.has(e.step)) keep.add(stepIndex.get(e.step)!);
  const idx = [...keep].sort((a, b) => a - b);
  const pick = <T>(xs: T[]) => idx.map((i) => xs[i]);
  const series: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(traj.series as Record<string, number[] | { mean: number[]; se: number[] }>)) {
    series[k] = Array.isArray(v) ? pick(v) : { mean: pick(v.mean), se: pick(v.se) };
  }
  return { ...traj, step: pick(traj.step), t: traj.t.length === n ? pick(traj.t) : traj.t, series: series as Trajectory['series'] };
}
