/**
 * Reading a `Trajectory`'s series uniformly: theory series are `number[]`, simulation ensembles are
 * `{ mean: number[], se: number[] }` (se = σ̂/√S over the S seeds). Theory values have se = 0.
 */
import type { Trajectory } from '../core/trajectory.js';

export interface SeriesView {
  mean: number[];
  /** Standard error of the ensemble mean (0 for theory and single-run series). */
  se: number[];
}

/** Names of the series a trajectory carries. */
export function seriesKeys(traj: Trajectory): string[] {
  return Object.keys(traj.series);
}

/**
 * The series `name` as { mean, se }, or null when the trajectory does not carry it. `ratio` (= b/a, spiked) is
 * derived from the block coefficients when a trajectory does not record it (simulations record a, b, c): for an
 * ensemble, the ratio of the means with the delta-method standard error |r|·√((se_b/b)² + (se_a/a)²).
 * `<symbol>_mag` (block magnitude ‖W P_k‖_F/√r_k, model.md §5) is derived as |a_k| for trajectories on the block
 * manifold that do not record it (the reduced theory), where the two are equal.
 */
export function seriesView(traj: Trajectory, name: string): SeriesView | null {
  const s = (traj.series as Record<string, number[] | { mean: number[]; se: number[] }>)[name];
  if (s === undefined && name === 'ratio') return derivedRatio(traj);
  if (s === undefined && name.endsWith('_mag')) return derivedMagnitude(traj, name.slice(0, -4));
  if (s === undefined) return null;
  if (Array.isArray(s)) return { mean: s, se: s.map(() => 0) };
  return { mean: s.mean, se: s.se };
}

/** The mean values of series `name`; throws if absent (a contract violation between stages). */
export function seriesMean(traj: Trajectory, name: string): number[] {
  const v = seriesView(traj, name);
  if (!v) throw new Error(`trajectory ${traj.kind}/${traj.algorithm} has no series "${name}" (has: ${seriesKeys(traj).join(', ')})`);
  return v.mean;
}

/** True when the series are seed-ensemble statistics ({ mean, se }). */
export function isEnsemble(traj: Trajectory): boolean {
  const first = Object.values(traj.series)[0] as unknown;
  return first !== undefined && !Array.isArray(first);
}

/** Number of seeds behind an ensemble trajectory (from its provenance; 1 when unknown or theory). */
export function ensembleSize(traj: Trajectory): number {
  return traj.provenance.seeds?.length ?? 1;
}

function derivedRatio(traj: Trajectory): SeriesView | null {
  const a = seriesView(traj, 'a');
  const b = seriesView(traj, 'b');
  if (!a || !b) return null;
  const mean = b.mean.map((x, i) => x / a.mean[i]);
  const se = mean.map((r, i) => Math.abs(r) * Math.sqrt((b.se[i] / b.mean[i]) ** 2 + (a.se[i] / a.mean[i]) ** 2) || 0);
  return { mean, se };
}

function derivedMagnitude(traj: Trajectory, symbol: string): SeriesView | null {
  if (traj.kind !== 'theory') return null;
  const v = seriesView(traj, symbol);
  return v ? { mean: v.mean.map(Math.abs), se: v.se } : null;
}
