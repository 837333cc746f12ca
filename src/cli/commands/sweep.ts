/**
 * `specgd sweep [--preset NAME | --config FILE] [--grid lambda-eta|lambda-d|lambda-alpha] [--lambda-v LO:HI:N]
 *   [--lambda-scale lin|log] [--eta LO:HI:N | --d LO:HI:N | --alpha LO:HI:N] [--algorithms gd,specgd] [--steps N]
 *   [--workers N] [--shard-index I --shard-count N] [--out FILE] [--csv FILE] [--no-progress]`:
 * grids of the reduced maps (dynamics/sweep.ts) on worker threads, with escape step, peak b/a, final loss and
 * divergence per point. The second axis is linear for η and d (d rounded to integers, duplicates removed) and
 * geometric for α. A progress bar goes to stderr when stderr is a terminal, from 1 s into the run.
 * JSON to stdout unless --out or --csv. With a shard (cluster/shard.ts; defaults from a Slurm array task) only that
 * block of points is run and the JSON carries a `shard` record; `specgd merge` joins the shards. The worker count
 * defaults from SLURM_CPUS_PER_TASK.
 */
import type { Command } from 'commander';
import { resolveConfigOption } from '../../config/config.js';
import { checkBudget, maxSweepAxis, sweepTerms } from '../../config/budget.js';
import { MAX_STEPS } from '../../config/schema.js';
import { ConfigError } from '../../core/errors.js';
import { ALGORITHMS } from '../../algorithms/index.js';
import { toJson } from '../../core/output.js';
import { assertFiniteDeep } from '../../core/trajectory.js';
import { defaultWorkers, resolveShard, shardInfo, type ShardInfo } from '../../cluster/shard.js';
import { jobSize } from '../../dynamics/sweep-point.js';
import { csvMeta, metaPath } from '../../core/csv.js';
import { runSweep, SWEEP_COLUMNS, SWEEP_CSV_ROWS_PER_POINT, sweepCsv, validateSweep, type SweepAlgorithm, type SweepGrid, type SweepResult, type SweepSpec } from '../../dynamics/sweep.js';
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
  phi?: string;
  algorithms: string;
  steps?: string;
  workers?: string;
  shardIndex?: string;
  shardCount?: string;
  out?: string;
  csv?: string;
  progress: boolean;
}

/** Default second-axis ranges per grid. */
export const SWEEP_DEFAULTS = { lambdaV: '1:50:20', eta: '0.001:0.3:20', d: '3:400:20', alpha: '1e-6:0.1:20', phi: '0:1.5707963267948966:20', algorithms: 'gd,specgd' } as const;

/** Resolve CLI options to a validated sweep spec (ConfigError on bad input). */
export function sweepSpecFromOptions(opts: SweepCliOptions): SweepSpec {
  checkOutFiles({ '--out': opts.out, '--csv': opts.csv });
  const grid = parseFormat<SweepGrid>('--grid', opts.grid, ['lambda-eta', 'lambda-d', 'lambda-alpha', 'lambda-phi']);
  const scale = parseFormat<'lin' | 'log'>('--lambda-scale', opts.lambdaScale, ['lin', 'log']);
  const own = grid === 'lambda-eta' ? 'eta' : grid === 'lambda-d' ? 'd' : grid === 'lambda-phi' ? 'phi' : 'alpha';
  for (const other of ['eta', 'd', 'alpha', 'phi'] as const) {
    if (other !== own && opts[other] !== undefined) throw new ConfigError(`--${other}`, opts[other], `no --${other} with --grid ${grid} (its second axis is --${own})`);
  }
  const maxN = { value: maxSweepAxis(), why: 'points of one axis within the memory budget (SPECGD_MEMORY_LIMIT_MB)' };
  const lambdaV = parseRange('--lambda-v', opts.lambdaV, scale, true, { maxN });
  let values: number[];
  if (own === 'eta') values = parseRange('--eta', opts.eta ?? SWEEP_DEFAULTS.eta, 'lin', true, { maxN });
  else if (own === 'd') values = [...new Set(parseRange('--d', opts.d ?? SWEEP_DEFAULTS.d, 'lin', true, { maxN, max: { value: MAX_STEPS, why: 'dimensions are int32 array lengths' } }).map((x) => Math.round(x)))];
  else if (own === 'phi') values = parseRange('--phi', opts.phi ?? SWEEP_DEFAULTS.phi, 'lin', false, { maxN, min: { value: -Math.PI, why: 'angles within [−π, π]' }, max: { value: Math.PI, why: 'angles within [−π, π]' }, example: SWEEP_DEFAULTS.phi });
  else values = parseRange('--alpha', opts.alpha ?? SWEEP_DEFAULTS.alpha, 'log', undefined, { maxN });
  const algs = opts.algorithms.split(',').map((s) => s.trim());
  const algorithms = algs.map((a) => parseFormat<SweepAlgorithm>('--algorithms', a, ALGORITHMS.map((x) => x.id)));
  const steps = opts.steps !== undefined ? parsePositiveInt('--steps', opts.steps, MAX_STEPS, 'steps are int32 indices') : undefined;
  const base = resolveConfigOption({ preset: opts.preset, config: opts.config });
  const spec: SweepSpec = { base, grid, lambdaV, values, algorithms: [...new Set(algorithms)], steps: steps ?? base.steps };
  validateSweep(spec);
  const points = lambdaV.length * values.length;
  const csv = opts.csv !== undefined ? { path: opts.csv, rows: points * spec.algorithms.length * SWEEP_CSV_ROWS_PER_POINT } : null;
  checkBudget(sweepTerms(points, spec.steps, spec.algorithms.length, own === 'd' ? Math.max(...values) : base.model.d, csv));
  return spec;
}

/** A sweep result, with the shard record when it is one shard of a sharded sweep. */
export type SweepOutput = SweepResult & { shard?: ShardInfo };

export async function sweepOutputs(opts: SweepCliOptions): Promise<{ json: string; csv: string; result: SweepOutput }> {
  const spec = sweepSpecFromOptions(opts);
  const shard = resolveShard(opts);
  const workersOpt = defaultWorkers(opts.workers);
  const workersName = opts.workers !== undefined ? '--workers' : 'SLURM_CPUS_PER_TASK';
  const workers = workersOpt !== undefined ? Number.parseInt(workersOpt, 10) : undefined;
  if (workersOpt !== undefined && !(/^\d+$/.test(workersOpt.trim()) && workers !== undefined && workers >= 0 && workers <= 64)) {
    throw new ConfigError(workersName, workersOpt, 'an integer in 0..64 (0 = run in this thread)');
  }
  const info = shard ? shardInfo('sweep', shard, jobSize(spec), spec) : undefined;
  const progress = progressBar('sweep', 'points', opts.progress);
  let result: SweepResult;
  try {
    result = await runSweep(spec, { workers, onProgress: progress.onProgress, command: 'sweep', range: info });
  } finally {
    progress.stop();
  }
  assertFiniteDeep(result, 'sweep');
  const output: SweepOutput = info ? { shard: info, ...result } : result;
  return { json: toJson(output), csv: opts.csv !== undefined ? sweepCsv(output) : '', result: output }; // the CSV only when asked for
}

/** The `.meta.json` sidecar of a sweep CSV: the sweep's provenance (and shard record). */
export function sweepCsvMeta(result: SweepOutput, csv: string): string {
  return csvMeta(SWEEP_COLUMNS, csv.split('\n').length - 2, result.shard ? { ...result.provenance, shard: result.shard } : result.provenance, 'specgd sweep: reduced-map grid points');
}

export function register(program: Command): void {
  program
    .command('sweep')
    .description('parameter grids over (λ_v, η̃), (λ_v, d), (λ_v, α) or (λ_v, φ) for GD and SpecGD: escape step, peak b/a, final loss, divergence')
    .option('--preset <name>', 'model preset with a spiked covariance (spiked, spiked-vector, isotropic); default spiked')
    .option('--config <file>', 'JSON experiment config (instead of --preset); must be spiked')
    .option('--grid <grid>', 'lambda-eta, lambda-d, lambda-alpha or lambda-phi', 'lambda-eta')
    .option('--lambda-v <range>', 'spike variances LO:HI:N', SWEEP_DEFAULTS.lambdaV)
    .option('--lambda-scale <scale>', 'lin or log spacing of --lambda-v', 'lin')
    .option('--eta <range>', `step sizes LO:HI:N (lambda-eta; default ${SWEEP_DEFAULTS.eta})`)
    .option('--d <range>', `dimensions LO:HI:N, rounded (lambda-d; default ${SWEEP_DEFAULTS.d})`)
    .option('--alpha <range>', `init scales LO:HI:N, geometric (lambda-alpha; default ${SWEEP_DEFAULTS.alpha})`)
    .option('--phi <range>', `signal–spike angles φ LO:HI:N in radians, θ = cos φ·u + sin φ·v (lambda-phi; default ${SWEEP_DEFAULTS.phi})`)
    .option('--algorithms <list>', `comma-separated registry ids (${ALGORITHMS.map((a) => a.id).join(', ')})`, SWEEP_DEFAULTS.algorithms)
    .option('--steps <n>', 'steps per point (default: the config steps)')
    .option('--workers <n>', 'worker threads (default $SLURM_CPUS_PER_TASK, else 2, or 0 for tiny sweeps; 0 = this thread)')
    .option('--shard-index <i>', 'run only shard I (0-based) of --shard-count (default $SLURM_ARRAY_TASK_ID − $SLURM_ARRAY_TASK_MIN)')
    .option('--shard-count <n>', 'number of shards (default $SLURM_ARRAY_TASK_COUNT); join them with specgd merge')
    .option('--out <file>', 'write the JSON to FILE')
    .option('--csv <file>', 'write the points as tidy CSV (one row per point and statistic) and its .meta.json sidecar')
    .option('--no-progress', 'no progress bar')
    .action(async (opts: SweepCliOptions) => {
      const { json, csv, result } = await sweepOutputs(opts);
      const meta = opts.csv !== undefined ? sweepCsvMeta(result, csv) : '';
      await writeOutputs(
        [
          { path: opts.out, content: json },
          { path: opts.csv, content: csv },
          { path: opts.csv !== undefined ? metaPath(opts.csv) : undefined, content: meta },
        ],
        opts.out === undefined && opts.csv === undefined ? json : undefined,
      );
    });
}
