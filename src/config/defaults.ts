/**
 * The ONE defaults constant. Every optional config field is merged with `??` against this object, and the
 * README's option tables are generated from it (`scripts/readme-tables.ts`), so docs and code cannot drift.
 */
import { algorithmById } from '../algorithms/index.js';
import { algorithm as gd } from '../algorithms/gd.js';
import { algorithm as specgd } from '../algorithms/specgd.js';
import { DIVERGENCE_BOUND, SIGN_TIE_REL_TOL } from '../core/tolerances.js';
import { DEFAULT_BASIS as SPIKED_DEFAULT_BASIS } from '../model/covariance/spiked.js';

export const DEFAULTS = {
  /** The factor κ in L = κ E[(f − y)²]; model.md §1 uses ¼. */
  lossScale: 0.25,
  labelNoise: 0,
  student: { kind: 'matrix' } as const,
  init: { kind: 'scaled-identity', alpha: 1e-3 } as const,
  /** The algorithms of a config that names none: each registry file's own defaults (src/algorithms/). */
  algorithms: [gd.defaults, specgd.defaults] as const,
  steps: 3000,
  data: { mode: 'population' } as const,
  seeds: [1],
  record: 'auto' as const,
  /** Record every step up to this many steps; beyond, a dense-early / log-spaced grid. */
  recordAllMaxSteps: 10_000,
  /** The "log" grid: every step of a dense early window, then about this many log-spaced steps. */
  recordDenseEarly: 1000,
  recordLogPoints: 1000,
  events: { escapeLevel: 0.5 },
  /** The spiked family's default basis (src/model/covariance/spiked.ts). */
  basis: SPIKED_DEFAULT_BASIS,
  /**
   * Sign-tie tolerance shared by the reduced SpecGD map and the full-dimensional polar factor: a block gradient
   * with |g_k| ≤ signTieRelTol · max_j |g_j| counts as 0 (sgn(0) = 0), and singular values below
   * signTieRelTol · s_max are dropped from the thin SVD.
   */
  signTieRelTol: SIGN_TIE_REL_TOL,
  /** Reduced maps (dynamics/): a run has diverged when some |a_k| exceeds this (or a value is not finite). */
  divergenceBound: DIVERGENCE_BOUND,
  /** Smoothed sign flow ȧ_k = −tanh(g_k/ε) (matrix) / −g_k/√(Σ r_j g_j² + ε²) (vector): the ε. */
  signFlowEpsilon: 1e-3,
  /** Stability scans (dynamics/stability.ts): at least this many steps per run, and the bisection's relative resolution. */
  stabilityMinSteps: 2000,
  stabilityResolution: 1e-4,
  /**
   * The step-size scan of dynamics/stability/scan.ts: coarse geometric grid η̃_j = η̃_lo·(1 + gridRatio)^j from
   * (smallest analytic bound)/lowFactor to highFactor × (largest analytic bound), `denseCells` coarse cells scanned at
   * the resolution below the first non-converging η̃, each run's horizon max(stabilityMinSteps, ⌈maxTime/η̃⌉) steps.
   */
  stabilityScan: { gridRatio: 0.01, lowFactor: 8, highFactor: 2, denseCells: 2, maxTime: 1000, maxRefinementRuns: 20_000 },
  /** The long-time classifier of dynamics/stability/classify.ts (its rules are stated in every output). */
  stabilityClassifier: { convergenceTol: 1e-2, roundingFloor: 1e-12, window: 256, segments: 8, maxPeriod: 64, cycleTol: 1e-9, repulsionTol: 1e-9, recurrence: 0.1, maxExtensions: 3 },
  /** A measured stableUpTo "follows" an analytic bound when within this relative distance (issue 10's criterion). */
  stabilityFollowTol: 0.01,
  /** odex tolerances for the reduced flows. */
  flowRelTol: 1e-12,
  flowAbsTol: 1e-14,
} as const;

/** The default step size of a registered algorithm (GD's η̃, SpecGD's η, ...): its file's `defaults`. */
export function defaultEta(id: string): number {
  return algorithmById(id).defaults.eta;
}

/** Theory draws of the finite-sample source ensemble (dynamics/response/source-ensemble.ts) at K ≤ 3 blocks. */
export const ENSEMBLE_DRAWS = 2048;
/** The fewest draws of the source ensemble at any K. */
export const ENSEMBLE_MIN_DRAWS = 256;
/**
 * Resamples of S theory draws per family-wise critical value of a comparison against the source ensemble
 * (dynamics/response/family-critical.ts; here, in config/, so that the budget charges the same count).
 */
export const FAMILY_RESAMPLES = 4000;
/**
 * Pair-bootstrap replicates of the theory's own mean and SD per family-wise critical value (family-critical.ts: the
 * null carries the Monte Carlo error of the reference the seeds are compared with); resample r uses replicate
 * r mod FAMILY_REFERENCE_REPLICATES.
 */
export const FAMILY_REFERENCE_REPLICATES = 32;

/**
 * Draws used at K blocks: ENSEMBLE_DRAWS·(3/K)⁴ (a draw costs O(K⁴) per step: the pieces' Gram contractions and the
 * same-sample term), at least ENSEMBLE_MIN_DRAWS, even (antithetic pairs); `requested` overrides (rounded up to even,
 * ≥ 2). The Monte Carlo error of fewer draws is part of the comparison's tolerance. (Here, in config/, so that the
 * budget charges the same count the theory runs.)
 */
export function ensembleDraws(K: number, requested?: number): number {
  const D = requested ?? Math.max(ENSEMBLE_MIN_DRAWS, Math.round(ENSEMBLE_DRAWS * Math.min(1, (3 / K) ** 4)));
  return Math.max(2, 2 * Math.ceil(D / 2));
}
