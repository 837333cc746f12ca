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
import cliProgress from 'cli-progress';
import { resolveConfigOption, type ExperimentConfig } from '../../config/config.js';
import { toJson, writeFileAtomic } from '../../core/output.js';
import { assertFiniteDeep, type Trajectory } from '../../core/trajectory.js';
import { runSimulation } from '../../sim/simulate.js';
import { checkOutFile, parsePositiveInt } from '../args.js';

export interface SimulateCliOptions {
  preset?: string;
  config?: string;
  seeds?: string;
  out?: string;
  csv?: string;
  /** show a progress bar on stderr for runs over a second (default true) */
  progress?: boolean;
}

/** Long-format CSV: one row per (trajectory, recorded step); each series as `<name>` (mean) and `<name>_se`. */
export function simulationCsv(trajectories: Trajectory[]): string {
  const names: string[] = [];
  for (const t of trajectories) for (const k of Object.keys(t.series)) if (!names.includes(k)) names.push(k);
  const lines = [['algorithm', 'status', 'step', 't', ...names.flatMap((n) => [n, `${n}_se`])].join(',')];
  for (const t of trajectories) {
    const series = t.series as Record<string, { mean: number[]; se: number[] } | number[]>;
    t.step.forEach((k, i) => {
      const cells = names.flatMap((n) => {
        const s = series[n];
        if (s === undefined) return ['', ''];
        return Array.isArray(s) ? [String(s[i]), ''] : [String(s.mean[i]), String(s.se[i])];
      });
      lines.push([t.algorithm, t.status, k, t.t[i], ...cells].join(','));
    });
  }
  return `${lines.join('\n')}\n`;
}

/** The config the CLI options describe (with --seeds applied). */
export function simulateConfig(opts: SimulateCliOptions): ExperimentConfig {
  const config = resolveConfigOption({ preset: opts.preset, config: opts.config });
  if (opts.seeds !== undefined) {
    const K = parsePositiveInt('--seeds', opts.seeds);
    const first = config.seeds[0];
    config.seeds = Array.from({ length: K }, (_, i) => first + i);
  }
  return config;
}

/** Run the simulation for CLI options: JSON and CSV texts. Throws ConfigError on bad input. */
export function simulateOutputs(opts: SimulateCliOptions): { json: string; csv: string; trajectories: Trajectory[] } {
  checkOutFile('--out', opts.out);
  checkOutFile('--csv', opts.csv);
  const config = simulateConfig(opts);
  const started = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  const onProgress =
    opts.progress === false
      ? undefined
      : (done: number, total: number): void => {
          if (bar === null) {
            if (Date.now() - started < 1000 || done >= total) return;
            bar = new cliProgress.SingleBar(
              { stream: process.stderr, format: 'simulate [{bar}] {percentage}% | {value}/{total} steps | eta {eta_formatted}', hideCursor: true, clearOnComplete: true },
              cliProgress.Presets.shades_classic,
            );
            bar.start(total, done);
          } else bar.update(done);
        };
  let trajectories: Trajectory[];
  try {
    trajectories = runSimulation(config, { onProgress, command: 'simulate' });
  } finally {
    (bar as cliProgress.SingleBar | null)?.stop();
  }
  const out = { trajectories };
  assertFiniteDeep(out, 'simulate');
  return { json: toJson(out), csv: simulationCsv(trajectories), trajectories };
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description('run GD / SpecGD / Muon in full dimension (population, full-batch or online gradients) over seeds')
    .option('--preset <name>', 'model preset (spiked, spiked-vector, isotropic, powerlaw); default spiked')
    .option('--config <file>', 'JSON experiment config (instead of --preset)')
    .option('--seeds <K>', 'run K consecutive seeds starting at the config\'s first seed (ensemble mean and se)')
    .option('--out <file>', 'write the JSON to FILE instead of stdout')
    .option('--csv <file>', 'also write the series (mean and se columns) as long-format CSV')
    .option('--no-progress', 'no progress bar on stderr')
    .action((opts: SimulateCliOptions) => {
      const { json, csv } = simulateOutputs(opts);
      if (opts.out !== undefined) writeFileAtomic(opts.out, json);
      else process.stdout.write(json);
      if (opts.csv !== undefined) writeFileAtomic(opts.csv, csv);
    });
}
