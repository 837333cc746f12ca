/**
 * `specgd sweep [--preset NAME | --config FILE] [--grid lambda-eta|lambda-d|lambda-alpha] [--lambda-v LO:HI:N]
 *   [--lambda-scale lin|log] [--eta LO:HI:N | --d LO:HI:N | --alpha LO:HI:N] [--algorithms gd,specgd] [--steps N]
 *   [--workers N] [--out FILE] [--csv FILE] [--no-progress]`:
 * grids of the reduced maps (dynamics/sweep.ts) on worker threads, with escape step, peak b/a, final loss and
 * divergence per point. The second axis is linear for η and d (d rounded to integers, duplicates removed) and
 * geometric for α. A progress bar goes to stderr when stderr is a terminal, from 1 s into the run.
 * JSON to stdout unless --out or --csv.
 */
import type { Command } from 'commander';
import { resolveConfigOption } from '../../config/config.js';
import { checkBudget, maxSweepAxis, sweepTerms } from '../../config/budget.js';
import { MAX_STEPS } from '../../config/schema.js';
import { ConfigError } from '../../core/errors.js';
import { toJson } from '../../core/output.js';
import { assertFiniteDeep } from '../../core/trajectory.js';
import { runSweep, sweepCsv, validateSweep, type SweepAlgorithm, type SweepGrid, type SweepResult, type SweepSpec } from '../../dynamics/sweep.js';
import { checkOutFiles, parseFormat, parsePositiveInt, parseRange } from '../args.js';
import { progressBar } from '../progress.js';
import { writeOutputs } from '../output.js';

export interface SweepCliOptions {
  preset?: string;
  config?: string;
  grid: string;
  lambdaV: string;
  lambdaScale: string;
  eta?: string;
  d?: string;
  alpha?: string;
  algorithms: string;
  steps?: string;
  workers?: string;
  out?: string;
  csv?: string;
  progress: boolean;
}

/** Default second-axis ranges per grid. */
export const SWEEP_DEFAULTS = { lambdaV: '1:50:20', eta: '0.001:0.3:20', d: '3:400:20', alpha: '1e-6:0.1:20', algorithms: 'gd,specgd' } as const;

/** Resolve CLI options to a validated sweep spec (ConfigError on bad input). */
export function sweepSpecFromOptions(opts: SweepCliOptions): SweepSpec {
  checkOutFiles({ '--out': opts.out, '--csv': opts.csv });
  const grid = parseFormat<SweepGrid>('--grid', opts.grid, ['lambda-eta', 'lambda-d', 'lambda-alpha']);
  const scale = parseFormat<'lin' | 'log'>('--lambda-scale', opts.lambdaScale, ['lin', 'log']);
  const own = grid === 'lambda-eta' ? 'eta' : grid === 'lambda-d' ? 'd' : 'alpha';
  for (const other of ['eta', 'd', 'alpha'] as const) {
    if (other !== own && opts[other] !== undefined) throw new ConfigError(`--${other}`, opts[other], `no --${other} with --grid ${grid} (its second axis is --${own})`);
  }
  const maxN = { value: maxSweepAxis(), why: 'points of one axis within the memory budget (SPECGD_MEMORY_LIMIT_MB)' };
  const lambdaV = parseRange('--lambda-v', opts.lambdaV, scale, true, { maxN });
  let values: number[];
  if (own === 'eta') values = parseRange('--eta', opts.eta ?? SWEEP_DEFAULTS.eta, 'lin', true, { maxN });
  else if (own === 'd') values = [...new Set(parseRange('--d', opts.d ?? SWEEP_DEFAULTS.d, 'lin', true, { maxN, max: { value: MAX_STEPS, why: 'dimensions are int32 array lengths' } }).map((x) => Math.round(x)))];
  else values = parseRange('--alpha', opts.alpha ?? SWEEP_DEFAULTS.alpha, 'log', undefined, { maxN });
  const algs = opts.algorithms.split(',').map((s) => s.trim());
  const algorithms = algs.map((a) => parseFormat<SweepAlgorithm>('--algorithms', a, ['gd', 'specgd']));
  const steps = opts.steps !== undefined ? parsePositiveInt('--steps', opts.steps, MAX_STEPS, 'steps are int32 indices') : undefined;
  const base = resolveConfigOption({ preset: opts.preset, config: opts.config });
  const spec: SweepSpec = { base, grid, lambdaV, values, algorithms: [...new Set(algorithms)], steps: steps ?? base.steps };
  validateSweep(spec);
  checkBudget(sweepTerms(lambdaV.length * values.length, spec.steps, spec.algorithms.length, own === 'd' ? Math.max(...values) : base.model.d));
  return spec;
}

export async function sweepOutputs(opts: SweepCliOptions): Promise<{ json: string; csv: string; result: SweepResult }> {
  const spec = sweepSpecFromOptions(opts);
  const workers = opts.workers !== undefined ? Number.parseInt(opts.workers, 10) : undefined;
  if (opts.workers !== undefined && !(/^\d+$/.test(opts.workers.trim()) && workers !== undefined && workers >= 0 && workers <= 64)) {
    throw new ConfigError('--workers', opts.workers, 'an integer in 0..64 (0 = run in this thread)');
  }
  const progress = progressBar('sweep', 'points', opts.progress);
  let result: SweepResult;
  try {
    result = await runSweep(spec, { workers, onProgress: progress.onProgress, command: 'sweep' });
  } finally {
    progress.stop();
  }
  assertFiniteDeep(result, 'sweep');
  return { json: toJson(result), csv: sweepCsv(result), result };
}

export function register(program: Command): void {
  program
    .command('sweep')
    .description('parameter grids over (λ_v, η̃), (λ_v, d) or (λ_v, α) for GD and SpecGD: escape step, peak b/a, final loss, divergence')
    .option('--preset <name>', 'model preset with a spiked covariance (spiked, spiked-vector, isotropic); default spiked')
    .option('--config <file>', 'JSON experiment config (instead of --preset); must be spiked')
    .option('--grid <grid>', 'lambda-eta, lambda-d or lambda-alpha', 'lambda-eta')
    .option('--lambda-v <range>', 'spike variances LO:HI:N', SWEEP_DEFAULTS.lambdaV)
    .option('--lambda-scale <scale>', 'lin or log spacing of --lambda-v', 'lin')
    .option('--eta <range>', `step sizes LO:HI:N (lambda-eta; default ${SWEEP_DEFAULTS.eta})`)
    .option('--d <range>', `dimensions LO:HI:N, rounded (lambda-d; default ${SWEEP_DEFAULTS.d})`)
    .option('--alpha <range>', `init scales LO:HI:N, geometric (lambda-alpha; default ${SWEEP_DEFAULTS.alpha})`)
    .option('--algorithms <list>', 'gd, specgd or gd,specgd', SWEEP_DEFAULTS.algorithms)
    .option('--steps <n>', 'steps per point (default: the config steps)')
    .option('--workers <n>', 'worker threads (default 2, or 0 for tiny sweeps; 0 = this thread)')
    .option('--out <file>', 'write the JSON to FILE')
    .option('--csv <file>', 'write one CSV row per point')
    .option('--no-progress', 'no progress bar')
    .action(async (opts: SweepCliOptions) => {
      const { json, csv } = await sweepOutputs(opts);
      await writeOutputs([{ path: opts.out, content: json }, { path: opts.csv, content: csv }], opts.out === undefined && opts.csv === undefined ? json : undefined);
    });
}
