/**
 * `specgd simulate --config FILE | --preset NAME [--seeds K] [--out FILE] [--csv FILE]`: full-dimensional GD /
 * SpecGD / Muon runs of every algorithm of the config (sim/simulate.ts) as `{ "trajectories": [Trajectory, ...] }`,
 * every series as { mean, se } over the seeds. JSON to stdout unless --out. Same config format as `specgd theory`
 * (data.mode "population" | "full-batch" with n | "online" with batch). `--seeds K` replaces the config's seeds by
 * K consecutive seeds starting at the config's first seed. A progress bar (stderr) appears for runs over a second.
 * A diverged run is a result (status "diverged" + message), exit 0. Bad input: one-line ConfigError, exit 2,
 * nothing written. Files are written only after everything succeeded. No timestamps: runs are bit-identical.
 */
import type { Command } from 'commander';
import { resolveConfigOption, type ExperimentConfig } from '../../config/config.js';
import { checkBudget, simulationTerms } from '../../config/budget.js';
import { toJson } from '../../core/output.js';
import { assertFiniteDeep, type Trajectory } from '../../core/trajectory.js';
import { runSimulation } from '../../sim/simulate.js';
import { trajectoriesCsv, writeOutputs } from '../output.js';
import { checkOutFiles, configOptions, parsePositiveInt } from '../args.js';
import { progressBar } from '../progress.js';

export interface SimulateCliOptions {
  preset?: string;
  config?: string;
  seeds?: string;
  out?: string;
  csv?: string;
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
    checkBudget(simulationTerms(config, K).map((t) => (t.field === 'steps' ? { ...t, field: '--seeds', value: opts.seeds } : t)));
    config.seeds = Array.from({ length: K }, (_, i) => first + i);
  }
  checkBudget(simulationTerms(config));
  return config;
}

/** Run the simulation for CLI options: JSON and CSV texts. Throws ConfigError on bad input. */
export function simulateOutputs(opts: SimulateCliOptions): { json: string; csv: string; trajectories: Trajectory[] } {
  checkOutFiles({ '--out': opts.out, '--csv': opts.csv });
  const config = simulateConfig(opts);
  const progress = progressBar('simulate', 'steps', opts.progress !== false);
  let trajectories: Trajectory[];
  try {
    trajectories = runSimulation(config, { onProgress: progress.onProgress, command: 'simulate' });
  } finally {
    progress.stop();
  }
  const out = { trajectories };
  assertFiniteDeep(out, 'simulate');
  return { json: toJson(out), csv: trajectoriesCsv(trajectories), trajectories };
}

export function register(program: Command): void {
  configOptions(program.command('simulate'))
    .description('run GD / SpecGD / Muon in full dimension (population, full-batch or online gradients) over seeds')
    .option('--seeds <K>', 'run K consecutive seeds starting at the config\'s first seed (ensemble mean and se)')
    .option('--out <file>', 'write the JSON to FILE instead of stdout')
    .option('--csv <file>', 'also write the series (mean and se columns) as long-format CSV')
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (opts: SimulateCliOptions) => {
      const { json, csv } = simulateOutputs(opts);
      await writeOutputs([{ path: opts.out, content: json }, { path: opts.csv, content: csv }], opts.out === undefined ? json : undefined);
    });
}
