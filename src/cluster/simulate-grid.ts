/**
 * `specgd simulate` over a grid of configs (grid.ts), optionally one shard of it (shard.ts), keeping every seed's
 * raw series beside the ensemble's { mean, se }.
 *
 * Output shapes (JSON):
 *  - one config, no shard: `{ trajectories, perSeed, spectralInit? }` (perSeed[i] holds trajectory i's seeds;
 *    spectralInit, full-batch configs with θ on one rank-1 block only, one entry per seed: sim/spectral-init.ts);
 *  - a grid or a shard:     `{ shard?, grid: { axes, bases, points }, runs: [{ index, parameters, trajectories, perSeed }] }`
 *    with the runs of this shard only; `specgd merge` concatenates the runs of all shards in index order.
 */
import type { ExperimentConfig } from '../config/config.js';
import { csvMeta, tidyCsv } from '../core/csv.js';
import type { Trajectory } from '../core/trajectory.js';
import { trajectoriesTable } from '../report/tidy.js';
import { runSimulationWithSeeds, type SeedRun, type SimulateOptions } from '../sim/simulate.js';
import { spectralInitSummary, type SpectralInitSummary } from '../sim/spectral-init.js';
import { spectralPopulation } from '../symbolic/moments8.js';
import { buildModelSpec } from '../model/spec.js';
import { gridPoint, gridSize, type ConfigGrid, type GridAxis } from './grid.js';
import { shardInfo, shardRange, type ShardInfo, type ShardSpec } from './shard.js';

/** The seeds of one trajectory. */
export interface PerSeed {
  algorithm: string;
  runs: SeedRun[];
}

export interface SimulationWithSeeds {
  trajectories: Trajectory[];
  perSeed: PerSeed[];
  /** Full-batch configs: per seed, Y_n's spectrum and the sample-exact linear stage (sim/spectral-init.ts). */
  spectralInit?: SpectralInitSummary[];
}

/**
 * `runSimulation(config)` (sim/simulate.ts) with the per-seed runs kept: the same seed runs, ensembles and
 * provenance (test/cluster/grid.test.ts checks the trajectories equal runSimulation's).
 * TODO(core): once sim/ returns the seed runs with the ensemble, call that instead of rebuilding it here.
 */
export function simulateWithSeeds(config: ExperimentConfig, opts: SimulateOptions = {}): SimulationWithSeeds {
  const { trajectories, runs } = runSimulationWithSeeds(config, opts);
  const out: SimulationWithSeeds = { trajectories, perSeed: trajectories.map((t, ai) => ({ algorithm: t.algorithm, runs: runs[ai] })) };
  // spectralInit's population side (symbolic/moments8.ts spectralPopulation) is derived for θ on one rank-1 block
  // (θθᵀ = P_signal); for θ over several eigen-directions (issue 13) it would state that block's values, so the
  // summary is left out rather than written wrong.
  const spec = config.data.mode === 'full-batch' ? buildModelSpec(config) : null;
  if (spec !== null && spec.coordinates === null) {
    const population = spectralPopulation(spec);
    out.spectralInit = config.seeds.map((seed) => spectralInitSummary(config, seed, population, opts.backend));
  }
  return out;
}

export interface GridRun extends SimulationWithSeeds {
  index: number;
  parameters: Record<string, number>;
}

export interface SimulateGridOutput {
  shard?: ShardInfo;
  grid: { axes: GridAxis[]; bases: number; points: number };
  runs: GridRun[];
}

/** What defines a grid job (equal in all its shards): the base configs and the axes. */
export function gridJob(g: ConfigGrid): unknown {
  return { bases: g.bases, fromList: g.fromList, axes: g.axes };
}

/**
 * Run the points of the grid (all, or one shard's block). Every point is validated before any run starts, so bad
 * input fails fast. `onProgress` counts steps over this shard's points.
 */
export function runSimulateGrid(g: ConfigGrid, shard: ShardSpec | null, opts: SimulateOptions = {}): SimulateGridOutput {
  const total = gridSize(g);
  const { start, end } = shard ? shardRange(total, shard) : { start: 0, end: total };
  const points = Array.from({ length: total }, (_, i) => gridPoint(g, i)).slice(start, end);
  const work = points.map((p) => p.config.steps * p.config.algorithms.length * p.config.seeds.length);
  const all = work.reduce((a, b) => a + b, 0);
  let before = 0;
  const runs = points.map((p, i) => {
    const base = before;
    const r = simulateWithSeeds(p.config, { ...opts, onProgress: opts.onProgress && ((d) => opts.onProgress!(base + d, all)) });
    before += work[i];
    return { index: p.index, parameters: p.parameters, ...r };
  });
  const out: SimulateGridOutput = { grid: { axes: g.axes, bases: g.bases.length, points: total }, runs };
  return shard ? { shard: shardInfo('simulate', shard, total, gridJob(g)), ...out } : out;
}

/** The trajectories of a grid output in run order, with their seed runs aligned (for the tidy CSV). */
export function gridTrajectories(out: { runs: GridRun[] }): { trajectories: Trajectory[]; seedRuns: SeedRun[][] } {
  const trajectories: Trajectory[] = [];
  const seedRuns: SeedRun[][] = [];
  for (const r of out.runs) {
    r.trajectories.forEach((t, i) => {
      trajectories.push(t);
      seedRuns.push(r.perSeed[i]?.runs ?? []);
    });
  }
  return { trajectories, seedRuns };
}

/** The tidy CSV text of a simulate output (single config or grid) and its `.meta.json` sidecar. */
export function simulateCsv(out: SimulationWithSeeds | SimulateGridOutput): { csv: string; meta: string } {
  let trajectories: Trajectory[];
  let seedRuns: SeedRun[][];
  let prov: unknown;
  if ('runs' in out) {
    ({ trajectories, seedRuns } = gridTrajectories(out));
    prov = { command: 'simulate', grid: out.grid, shard: out.shard, runs: out.runs.map((x) => ({ index: x.index, parameters: x.parameters, provenance: x.trajectories[0]?.provenance })) };
  } else {
    trajectories = out.trajectories;
    seedRuns = out.perSeed.map((p) => p.runs);
    prov = out.trajectories[0]?.provenance;
  }
  const table = trajectoriesTable(trajectories, { seedRuns });
  return { csv: tidyCsv(table), meta: csvMeta(table.columns, table.rows.length, prov, 'specgd simulate: full-dimensional runs, per seed and as mean ± se over the seeds') };
}
