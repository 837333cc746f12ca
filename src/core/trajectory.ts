/**
 * The `Trajectory` contract (architecture.md), produced by `dynamics/` (theory) and `sim/` (simulation), consumed
 * by `compare/` and `report/`. No NaN or Infinity may appear in it: a numerical failure is a `status` + `message`,
 * and the series stop at the last finite record.
 */
export type TrajectoryStatus = 'ok' | 'diverged' | 'max-steps' | 'stalled' | 'loss-increased';

/**
 * The one rule for a run that did not diverge but does not bring the loss down: over the last quarter of its recorded
 * points the population loss still exceeds its initial value by more than rounding (max L > L_0·(1 + 1e-12)) — it
 * cycles or drifts above the start. Theory and simulation apply it to the same series, so they report the same
 * status. Returns the message, or null.
 */
export function lossIncreased(loss: readonly number[], etaName: string, eta: number): string | null {
  if (loss.length < 2) return null;
  const first = loss[0];
  const tail = loss.slice(Math.min(loss.length - 1, Math.floor((3 * loss.length) / 4)));
  const worst = Math.max(...tail);
  if (!(worst > first * (1 + 1e-12))) return null;
  return `the loss does not come down: over the last quarter of the run it reaches ${worst.toPrecision(4)}, above its initial ${first.toPrecision(4)}, without diverging; ${etaName} = ${eta} overshoots this model's optimum (the run cycles or drifts above the start); lower eta`;
}

export interface TrajectoryEvent {
  /** "escape", "peak-misalignment", "spike-saturation", "sign-switch:<block>", "loss-below", ... */
  name: string;
  /** Step index (maps) or the step at/after which it happened; null for flows located in continuous time. */
  step: number | null;
  /** Time (flows: located to ≤ 1e-9 relative; maps: t = η·step). */
  t: number;
  value: number;
}

/** A series value is a number, or { mean, se } for seed ensembles. */
export type SeriesValue = number | { mean: number; se: number };

export interface Provenance {
  tool: 'specgd';
  version: string;
  gitCommit: string | null;
  /** Uncommitted changes in the checkout when the output was made (null outside git). */
  gitDirty?: boolean | null;
  command: string;
  config: unknown;
  seeds?: number[];
  settings?: Record<string, unknown>;
  /** Wall-clock start (ISO). Excluded from bit-identity comparisons. */
  createdAt?: string;
}

export interface Trajectory {
  /** "theory-corrected": the population theory plus its predicted finite-sample correction (dynamics/response/). */
  kind: 'theory' | 'simulation' | 'theory-corrected';
  /** "gd", "specgd", "gradient-flow", "sign-flow", "specgd-ns5", ... */
  algorithm: string;
  status: TrajectoryStatus;
  message: string;
  step: number[];
  t: number[];
  /** a, b, c (or a_1..a_d), loss, ratio, alignment, ... all of the same length as `step`. */
  series: Record<string, number[]> | Record<string, { mean: number[]; se: number[] }>;
  events: TrajectoryEvent[];
  provenance: Provenance;
  /** theory-corrected only: the predicted per-seed standard deviation of each series (same names and lengths). */
  sd?: Record<string, number[]>;
  /** theory-corrected only: what the correction is (dynamics/response/corrected.ts `CorrectionInfo`). */
  correction?: Record<string, unknown>;
}

/** Throw if any number in a JSON-bound value is not finite (a bug: NaN must never be written as data). */
export function assertFiniteDeep(value: unknown, where = '$'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`non-finite number ${value} at ${where}`);
  } else if (Array.isArray(value)) value.forEach((v, i) => assertFiniteDeep(v, `${where}[${i}]`));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) assertFiniteDeep(v, `${where}.${k}`);
}
