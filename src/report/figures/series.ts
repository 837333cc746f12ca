/** Building blocks of the figures: theory lines, simulation markers with ± SE bands, the algorithms of run groups. */
import type { ExperimentConfig } from '../../config/config.js';
import { runParameters } from '../../config/parameters.js';
import { algorithmLabel } from '../../algorithms/index.js';
import type { Trajectory } from '../../core/trajectory.js';
import type { RunGroup } from '../../compare/bundle.js';
import { algorithmsOf, type PlannedAlgorithm } from '../../compare/algorithm-list.js';
import { seriesView } from '../../compare/series.js';
import type { FigureSeries } from '../figure-spec.js';

export function find(trajs: Trajectory[], algorithm: string): Trajectory | undefined {
  return trajs.find((t) => t.algorithm === algorithm);
}

/** The algorithms of a list of run groups (union over their configs, first-seen order). */
export function groupAlgorithms(groups: RunGroup[]): PlannedAlgorithm[] {
  const out: PlannedAlgorithm[] = [];
  for (const g of groups) for (const a of algorithmsOf(g.config)) if (!out.some((x) => x.id === a.id)) out.push(a);
  return out;
}

/** Theory line of `series` from a trajectory (absolute value when `abs`, for log axes of signed coefficients). */
export function theoryLine(traj: Trajectory | undefined, series: string, label: string, color: string, abs = false, dashed = false): FigureSeries[] {
  if (!traj) return [];
  const v = seriesView(traj, series);
  if (!v) return [];
  const y = abs ? v.mean.map(Math.abs) : v.mean;
  return [{ label, role: 'theory', color, x: traj.step.length ? traj.step : traj.t, y, dashed, ...paramsOf(traj) }];
}

/**
 * Simulation markers with a mean ± SE band. At most `maxMarkers` markers (evenly spaced in the record index, or
 * in log-step for log axes) so the theory line under them stays visible.
 */
export function simPoints(traj: Trajectory | undefined, series: string, label: string, color: string, maxMarkers: number, logX = false, abs = false): FigureSeries[] {
  if (!traj) return [];
  const v = seriesView(traj, series);
  if (!v) return [];
  const n = traj.step.length;
  const idx: number[] = [];
  if (n <= maxMarkers) for (let i = 0; i < n; i++) idx.push(i);
  else if (!logX) for (let i = 0; i < maxMarkers; i++) idx.push(Math.round((i * (n - 1)) / (maxMarkers - 1)));
  else {
    const s0 = Math.max(1, traj.step[0] || 1);
    const s1 = traj.step[n - 1];
    let j = 0;
    for (let i = 0; i < maxMarkers; i++) {
      const target = s0 * (s1 / s0) ** (i / (maxMarkers - 1));
      while (j + 1 < n && traj.step[j] < target) j++;
      if (!idx.includes(j)) idx.push(j);
    }
  }
  const f = abs ? Math.abs : (x: number) => x;
  const y = idx.map((i) => f(v.mean[i]));
  const se = idx.map((i) => v.se[i]);
  const hasBand = se.some((s) => s > 0);
  return [
    {
      label,
      role: 'simulation',
      color,
      x: idx.map((i) => traj.step[i]),
      y,
      ...(hasBand ? { lo: y.map((m, k) => m - se[k]), hi: y.map((m, k) => m + se[k]) } : {}),
      ...paramsOf(traj),
    },
  ];
}

/**
 * The tidy parameter cells of a trajectory's run (config/parameters.ts), from the config in its provenance and the
 * algorithm whose label it carries (a flow has none: its id is the algorithm cell).
 */
export function paramsOf(traj: Trajectory): { params?: (string | number | null)[] } {
  const config = traj.provenance?.config as ExperimentConfig | undefined;
  if (!config?.model || !Array.isArray(config.algorithms)) return {};
  const alg = config.algorithms.find((a) => algorithmLabel(a) === traj.algorithm);
  return { params: runParameters(config, alg, traj.algorithm).map((c) => (c === undefined || typeof c === 'boolean' ? (c === undefined ? null : String(c)) : c)) };
}
