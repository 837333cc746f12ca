/**
 * Tidy tables of trajectories (theory and simulation): one row per (run, step, statistic, estimate) with one
 * column per parameter (config/parameters.ts), a run id and a label unique within the table. A seed ensemble gives
 * one row per seed (estimate "seed", the seed in `seed`) beside its mean and standard error (estimate "mean" /
 * "se", se = σ̂/√K); a theory trajectory gives estimate "value". Written by `core/csv.ts` (numbers in shortest
 * round-trip form; see there for pandas).
 */
import type { AlgorithmConfig, ExperimentConfig } from '../config/config.js';
import { ALGORITHM_COLUMNS, algorithmParameters, MODEL_COLUMNS, modelParameters } from '../config/parameters.js';
import { csvMeta, type Cell, type Column, type TidyTable } from '../core/csv.js';
import type { Trajectory } from '../core/trajectory.js';
import { algorithmLabel } from '../algorithms/index.js';

/** One seed's raw series (sim/simulate.ts `SeedRun`), aligned with the ensemble's recorded steps. */
export interface SeedSeries {
  seed: number;
  step: number[];
  series: Record<string, number[]>;
}

export interface TrajectoryTableOptions {
  /** Per trajectory (same order), its seeds' raw series; rows for each seed are written beside mean and se. */
  seedRuns?: (SeedSeries[] | undefined)[];
}

/** Columns of the trajectory table. */
export const TRAJECTORY_COLUMNS: Column[] = [
  { name: 'run_id', description: 'index of the run (trajectory) in this file, 0-based' },
  { name: 'label', description: 'label of the run, unique in this file: variant, step size and every parameter that varies between runs' },
  { name: 'kind', description: 'theory (reduced map / flow) or simulation (full-dimensional)' },
  ...ALGORITHM_COLUMNS,
  ...MODEL_COLUMNS,
  { name: 'status', description: 'status of the run: ok, diverged, max-steps, stalled' },
  { name: 'seed', description: 'simulation seed (estimate = seed); empty for mean, se and theory rows' },
  { name: 'estimate', description: 'value (theory), seed (one seed), mean (over the seeds), se (standard error of the mean, σ̂/√K)' },
  { name: 'step', description: 'iteration k' },
  { name: 't', description: 'time: η̃k (GD), ηk (SpecGD), or the flow time' },
  { name: 'statistic', description: 'a, b, c (block coefficients tr(P_k W)/r_k), <block>_mag, ratio (b/a), alignment, overlap, loss, train_loss, ...' },
  { name: 'value', description: 'the value of the statistic' },
];

function configOf(t: Trajectory): ExperimentConfig | undefined {
  const c = t.provenance?.config as ExperimentConfig | undefined;
  return c && typeof c === 'object' && Array.isArray(c.algorithms) && c.model ? c : undefined;
}

/**
 * The algorithm config behind each trajectory: among the config's algorithms with the trajectory's label (and
 * its `settings.eta` when recorded), the k-th for the k-th trajectory of that label from the same config.
 */
function algorithmsOf(trajectories: Trajectory[]): (AlgorithmConfig | undefined)[] {
  const seen = new Map<string, number>();
  return trajectories.map((t) => {
    const config = configOf(t);
    if (!config) return undefined;
    const eta = t.provenance.settings?.eta;
    const candidates = config.algorithms.filter((a) => algorithmLabel(a) === t.algorithm && (typeof eta !== 'number' || a.eta === eta));
    const key = `${JSON.stringify(config)}|${t.algorithm}|${typeof eta === 'number' ? eta : ''}`;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    return candidates[Math.min(k, candidates.length - 1)];
  });
}

function fmtLabelValue(v: Cell): string {
  return v === null || v === undefined ? '' : String(v);
}

/** Unique run labels: variant and η, then `name=value` for every model parameter that varies between the runs. */
function runLabels(params: Cell[][], variants: string[]): string[] {
  const etaCol = ALGORITHM_COLUMNS.findIndex((c) => c.name === 'eta');
  const modelStart = ALGORITHM_COLUMNS.length;
  const varying = MODEL_COLUMNS.map((_, j) => j + modelStart).filter((j) => new Set(params.map((p) => fmtLabelValue(p[j]))).size > 1);
  const labels = params.map((p, i) => {
    const parts = [variants[i]];
    if (p[etaCol] !== null) parts.push(`eta=${fmtLabelValue(p[etaCol])}`);
    for (const j of varying) parts.push(`${MODEL_COLUMNS[j - modelStart].name}=${fmtLabelValue(p[j])}`);
    return parts.join(' ');
  });
  const count = new Map<string, number>();
  for (const l of labels) count.set(l, (count.get(l) ?? 0) + 1);
  return labels.map((l, i) => ((count.get(l) ?? 0) > 1 ? `${l} #${i}` : l));
}

/** The tidy table of a list of trajectories (see the module comment). */
export function trajectoriesTable(trajectories: Trajectory[], opts: TrajectoryTableOptions = {}): TidyTable {
  const algs = algorithmsOf(trajectories);
  const params = trajectories.map((t, i) => {
    const config = configOf(t);
    const eta = t.provenance?.settings?.eta;
    const a = algorithmParameters(algs[i], algs[i]?.name ?? t.algorithm, t.algorithm, typeof eta === 'number' ? eta : null);
    return [...a, ...(config ? modelParameters(config) : MODEL_COLUMNS.map(() => null))];
  });
  const labels = runLabels(params, trajectories.map((t) => t.algorithm));
  const rows: Cell[][] = [];
  trajectories.forEach((t, r) => {
    const head: Cell[] = [r, labels[r], t.kind, ...params[r]];
    const names = Object.keys(t.series);
    const series = t.series as Record<string, number[] | { mean: number[]; se: number[] }>;
    const seeds = opts.seedRuns?.[r] ?? [];
    t.step.forEach((k, i) => {
      for (const name of names) {
        const s = series[name];
        const tail = (seed: number | null, estimate: string, value: number): Cell[] => [t.status, seed, estimate, k, t.t[i], name, value];
        if (Array.isArray(s)) {
          rows.push([...head, ...tail(null, 'value', s[i])]);
          continue;
        }
        for (const run of seeds) {
          const v = run.series[name]?.[i];
          if (v !== undefined && run.step[i] === k) rows.push([...head, ...tail(run.seed, 'seed', v)]);
        }
        rows.push([...head, ...tail(null, 'mean', s.mean[i])]);
        rows.push([...head, ...tail(null, 'se', s.se[i])]);
      }
    });
  });
  return { columns: TRAJECTORY_COLUMNS, rows };
}

/**
 * The `.meta.json` sidecar of a trajectory CSV (core/csv.ts `csvMeta`): the provenance of the trajectories (one
 * record when they share it, else the list) and the columns. `csv` is the CSV text (for the row count).
 */
export function trajectoriesCsvMeta(trajectories: Trajectory[], csv: string, about: string): string {
  const provs = trajectories.map((t) => t.provenance);
  const distinct = [...new Map(provs.map((p) => [JSON.stringify(p), p])).values()];
  return csvMeta(TRAJECTORY_COLUMNS, csv.split('\n').length - 2, distinct.length === 1 ? distinct[0] : distinct, about);
}
