/**
 * `specgd simulate --config FILE | --preset NAME [--seeds K] [--out FILE] [--csv FILE]`: full-dimensional GD /
 * SpecGD / Muon runs of every algorithm of the config (sim/simulate.ts) as `{ "trajectories": [Trajectory, ...] }`,
 * every series as { mean, se } over the seeds. JSON to stdout unless --out. Same config format as `specgd theory`
 * (data.mode "population" | "full-batch" with n | "online" with batch). `--seeds K` replaces the config's seeds by
 * K consecutive seeds starting at the config's first seed. A progress bar (stderr) appears for runs over a second.
 * A diverged run is a result (status "diverged" + message), exit 0. Bad input: one-line ConfigError, exit 2,
 * nothing written. Files are written only after everything succeeded. No timestamps: runs are bit-identical.
 * Grids and shards (cluster/grid.ts, cluster/simulate-grid.ts): `--grid KEY=v1,v2` (repeatable) and/or
 * `--configs FILE` (a JSON array of configs) run every point of the grid; `--shard-index I --shard-count N`
 * (defaults from a Slurm array task) run one block of points; `specgd merge` joins the shards.
 */
import type { Command } from 'commander';
import { resolveConfigOption, type ExperimentConfig } from '../../config/config.js';
import { checkBudget, simulationTerms } from '../../config/budget.js';
import { toJson } from '../../core/output.js';
import { assertFiniteDeep, type Trajectory } from '../../core/trajectory.js';
import { buildGrid, GRID_KEYS, loadConfigList } from '../../cluster/grid.js';
import { resolveShard } from '../../cluster/shard.js';
import { gridTrajectories, runSimulateGrid, simulateCsv, simulateWithSeeds, type SimulateGridOutput, type SimulationWithSeeds } from '../../cluster/simulate-grid.js';
import { ConfigError } from '../../core/errors.js';
import { writeOutputs } from '../output.js';
import { metaPath } from '../../core/csv.js';
import { checkOutFiles, configOptions, parsePositiveInt } from '../args.js';
import { progressBar } from '../progress.js';

export interface SimulateCliOptions {
  preset?: string;
  config?: string;
  seeds?: string;
  out?: string;
  csv?: string;
  /** `--grid KEY=v1,v2` axes (cluster/grid.ts) */
  grid?: string[];
  /** `--configs FILE`: a JSON array of base configs */
  configs?: string;
  shardIndex?: string;
  shardCount?: string;
  /** show a progress bar on stderr for runs over a second (default true) */
  progress?: boolean;
}

/** The config the CLI options describe (with --seeds applied). */
export function simulateConfig(opts: SimulateCliOptions): ExperimentConfig {
  const config = resolveConfigOption({ preset: opts.preset, config: opts.config });
  if (opts.seeds !== undefined) {
    const first = config.seeds[0];
    const K = parsePositiveInt('--seeds', opts.seeds, Number.MAX_SAFE_INTEGER - Math.max(first, 0), `consecutive safe-integer seeds from ${first}`);
    // The budget before the K seeds are allocated.
    checkBudget(simulationTerms(config, K, { csv: opts.csv }).map((t) => (t.field === 'steps' ? { ...t, field: '--seeds', value: opts.seeds } : t)));
    config.seeds = Array.from({ length: K }, (_, i) => first + i);
  }
  checkBudget(simulationTerms(config, config.seeds.length, { csv: opts.csv }));
  return config;
}

/** The grid-and-shard part of the options (validated, without running): null for a plain single-config run. */
export function simulateGridOptions(opts: SimulateCliOptions) {
  const shard = resolveShard(opts);
  const grid = opts.grid ?? [];
  if (opts.configs === undefined && grid.length === 0 && shard === null) return null;
  if (opts.configs !== undefined && (opts.preset !== undefined || opts.config !== undefined)) {
    throw new ConfigError('--configs', opts.configs, 'no --preset/--config with --configs (the file lists the configs)');
  }
  let bases = opts.configs !== undefined ? loadConfigList(opts.configs) : [simulateConfig(opts)];
  if (opts.configs !== undefined && opts.seeds !== undefined) {
    const K = parsePositiveInt('--seeds', opts.seeds);
    bases = bases.map((c) => ({ ...c, seeds: Array.from({ length: K }, (_, i) => c.seeds[0] + i) }));
  }
  return { grid: buildGrid(bases, opts.configs !== undefined, grid), shard };
}

/** Run the simulation for CLI options: JSON and CSV texts. Throws ConfigError on bad input. */
export function simulateOutputs(opts: SimulateCliOptions): { json: string; csv: string; meta: string; trajectories: Trajectory[] } {
  checkOutFiles({ '--out': opts.out, '--csv': opts.csv });
  const g = simulateGridOptions(opts);
  const config = g === null ? simulateConfig(opts) : null;
  const progress = progressBar('simulate', 'steps', opts.progress !== false);
  let out: SimulationWithSeeds | SimulateGridOutput;
  try {
    out = config !== null
      ? simulateWithSeeds(config, { onProgress: progress.onProgress, command: 'simulate' })
      : runSimulateGrid(g!.grid, g!.shard, { onProgress: progress.onProgress, command: 'simulate' });
  } finally {
    progress.stop();
  }
  assertFiniteDeep(out, 'simulate');
  // The long-format CSV (one row of every parameter column per recorded number: ~1.5 KB per row while built) only
  // when --csv asks for it.
  const { csv, meta } = opts.csv !== undefined ? simulateCsv(out) : { csv: '', meta: '' };
  const trajectories = 'runs' in out ? gridTrajectories(out).trajectories : out.trajectories;
  return { json: toJson(out), csv, meta, trajectories };
}

export function register(program: Command): void {
  configOptions(program.command('simulate'))
    .description('run GD / SpecGD / Muon in full dimension (population, full-batch or online gradients) over seeds')
    .option('--seeds <K>', 'run K consecutive seeds starting at the config\'s first seed (ensemble mean and se)')
    .option('--out <file>', 'write the JSON to FILE instead of stdout')
    .option('--csv <file>', 'also write the series as tidy CSV (per seed, mean and se; one column per parameter) and its .meta.json sidecar')
    .option('--grid <KEY=v1,v2>', `run every point of a grid over KEY (repeatable; KEY: ${GRID_KEYS.join(', ')})`, (v: string, acc: string[] = []) => [...acc, v])
    .option('--configs <file>', 'a JSON array of configs to run (instead of --preset/--config; combines with --grid)')
    .option('--shard-index <i>', 'run only shard I (0-based) of the grid points (default $SLURM_ARRAY_TASK_ID − $SLURM_ARRAY_TASK_MIN)')
    .option('--shard-count <n>', 'number of shards (default $SLURM_ARRAY_TASK_COUNT); join them with specgd merge')
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (opts: SimulateCliOptions) => {
      const { json, csv, meta } = simulateOutputs(opts);
      await writeOutputs(
        [
          { path: opts.out, content: json },
          { path: opts.csv, content: csv },
          { path: opts.csv !== undefined ? metaPath(opts.csv) : undefined, content: meta },
        ],
        opts.out === undefined ? json : undefined,
      );
    });
}
