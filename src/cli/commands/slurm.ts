/**
 * `specgd slurm --out DIR [--shards N] [--partition P] [--time T] [--cpus-per-task C] [--mem M] [--job-name NAME]
 *   [--csv] [--submit] [--poll SECONDS] -- <sweep|simulate> [its options]`:
 * writes DIR/array.sbatch (an array job: task i runs shard i of the command, cluster/shard.ts), DIR/merge.sbatch
 * (specgd merge of the shards into DIR/result.json, and DIR/result.csv with --csv), DIR/submit.sh (submits both,
 * the merge with --dependency=afterok:<array id>). With --submit it submits them (`sbatch --parsable`) and waits,
 * printing progress from squeue / scontrol on stderr; exit 0 when the merge job completed, 1 when a job failed
 * (naming the shard and its log). The command's options are checked before anything is written (bad input: exit 2).
 */
import { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateGrid } from '../../cluster/grid.js';
import { planFiles, sbatch, slurmScripts, waitForJobs, type SlurmPlan } from '../../cluster/slurm.js';
import { ConfigError } from '../../core/errors.js';
import { toJson, writeFileAtomic } from '../../core/output.js';
import { checkOutDir, parsePositiveInt, parsePositiveNumber } from '../args.js';
import { register as registerSimulate, simulateGridOptions, type SimulateCliOptions } from './simulate.js';
import { register as registerSweep, sweepSpecFromOptions, type SweepCliOptions } from './sweep.js';

export interface SlurmCliOptions {
  out: string;
  shards: string;
  partition?: string;
  time?: string;
  cpusPerTask?: string;
  mem?: string;
  jobName?: string;
  csv?: boolean;
  submit?: boolean;
  poll: string;
}

const GRID_COMMANDS = ['sweep', 'simulate'] as const;
/** Options the generated scripts set themselves. */
const RESERVED = ['--out', '--csv', '--shard-index', '--shard-count'];

/** Parse the inner command's arguments with that command's own options and check them, without running it. */
async function checkInner(command: string, args: string[]): Promise<void> {
  const program = new Command('specgd').exitOverride().configureOutput({ outputError: () => {}, writeOut: () => {} });
  if (command === 'sweep') registerSweep(program);
  else registerSimulate(program);
  const cmd = program.commands[0].exitOverride().configureOutput({ outputError: () => {}, writeOut: () => {} });
  cmd.action((opts: SweepCliOptions & SimulateCliOptions) => {
    if (command === 'sweep') sweepSpecFromOptions(opts);
    else {
      const g = simulateGridOptions({ ...opts, shardIndex: '0', shardCount: '1' });
      if (g !== null) validateGrid(g.grid);
    }
  });
  await program.parseAsync([command, ...args], { from: 'user' });
}

function slurmTime(v: string): string {
  // Slurm's formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS.
  if (!/^(\d+-)?\d+(:\d{1,2}){0,2}$/.test(v)) throw new ConfigError('--time', v, 'a Slurm time limit: MINUTES, HH:MM:SS or D-HH:MM:SS (e.g. 01:00:00)');
  return v;
}

function slurmMem(v: string): string {
  if (!/^\d+[KMGT]?$/i.test(v)) throw new ConfigError('--mem', v, 'a Slurm memory size: an integer with an optional K, M, G or T suffix (e.g. 4G)');
  return v;
}

export async function slurmPlan(words: string[], opts: SlurmCliOptions): Promise<SlurmPlan> {
  const [command, ...args] = words;
  if (command === undefined || !(GRID_COMMANDS as readonly string[]).includes(command)) {
    throw new ConfigError('command', command ?? 'nothing', `sweep or simulate after "--" (e.g. specgd slurm --out DIR -- sweep --lambda-v 1:50:40)`);
  }
  const reserved = args.find((a) => RESERVED.includes(a.split('=')[0]));
  if (reserved !== undefined) throw new ConfigError(`${command} option ${reserved.split('=')[0]}`, reserved, `none: the jobs set --out, --shard-index and --shard-count (results go to ${opts.out}; --csv is a slurm option)`);
  const shards = parsePositiveInt('--shards', opts.shards);
  const cpusPerTask = opts.cpusPerTask !== undefined ? parsePositiveInt('--cpus-per-task', opts.cpusPerTask) : undefined;
  if (opts.partition !== undefined && !/^[A-Za-z0-9_.,-]+$/.test(opts.partition)) throw new ConfigError('--partition', opts.partition, 'a partition name (letters, digits, _ . , -)');
  const time = opts.time !== undefined ? slurmTime(opts.time) : undefined;
  const mem = opts.mem !== undefined ? slurmMem(opts.mem) : undefined;
  parsePositiveNumber('--poll', opts.poll);
  const dir = checkOutDir('--out', opts.out);
  await checkInner(command, args);
  return { dir, cwd: resolve('.'), command, args, shards, csv: opts.csv === true, resources: { partition: opts.partition, time, cpusPerTask, mem, jobName: opts.jobName } };
}

/** Write the scripts (and the shard/log folders); returns the plan's file paths. */
export function writePlan(plan: SlurmPlan): ReturnType<typeof planFiles> {
  const f = planFiles(plan.dir, plan.shards);
  const s = slurmScripts(plan);
  mkdirSync(resolve(plan.dir, 'shards'), { recursive: true });
  mkdirSync(resolve(plan.dir, 'logs'), { recursive: true });
  writeFileAtomic(f.array, s.array);
  writeFileAtomic(f.merge, s.merge);
  writeFileAtomic(f.submit, s.submit);
  writeFileAtomic(resolve(plan.dir, 'plan.json'), toJson(plan));
  return f;
}

export function register(program: Command): void {
  program
    .command('slurm')
    .description('run a sweep or simulate grid as a Slurm array job (one shard per task) plus a dependent merge job')
    .argument('<command...>', 'after "--": sweep or simulate and its options (without --out/--csv/--shard-*)')
    .requiredOption('--out <dir>', 'folder for the scripts, shards/, logs/ and result.json')
    .option('--shards <n>', 'number of array tasks (shards)', '4')
    .option('--partition <name>', 'Slurm partition (sbatch --partition)')
    .option('--time <limit>', 'time limit per task (sbatch --time, e.g. 01:00:00)')
    .option('--cpus-per-task <n>', 'CPUs per task (sbatch --cpus-per-task; the sweep uses as many worker threads)')
    .option('--mem <size>', 'memory per task (sbatch --mem, e.g. 4G)')
    .option('--job-name <name>', 'job name (default specgd-<command>)')
    .option('--csv', 'the merge job also writes result.csv (tidy) and result.meta.json')
    .option('--submit', 'submit the jobs (sbatch --parsable, merge with --dependency=afterok) and wait for them')
    .option('--poll <seconds>', 'with --submit: seconds between squeue polls', '5')
    .action(async (words: string[], opts: SlurmCliOptions) => {
      const plan = await slurmPlan(words, opts);
      const f = writePlan(plan);
      if (!opts.submit) {
        process.stdout.write(`wrote ${f.array}, ${f.merge} and ${f.submit}; submit with: bash ${f.submit}\n`);
        return;
      }
      const arrayId = sbatch(f.array);
      const mergeId = sbatch(f.merge, [`--dependency=afterok:${arrayId}`]);
      process.stderr.write(`slurm: submitted array job ${arrayId} (${plan.shards} tasks) and merge job ${mergeId}\n`);
      await waitForJobs(plan, arrayId, mergeId, Number(opts.poll) * 1000, (line) => process.stderr.write(`${line}\n`));
      process.stdout.write(`${f.result}\n`);
    });
}
