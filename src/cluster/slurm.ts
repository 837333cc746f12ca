/**
 * Slurm backend: the `sbatch` array script whose task i runs shard i of a grid-shaped specgd command (shard.ts),
 * the merge job that depends on it (`--dependency=afterok:<array id>`), submission (`sbatch --parsable`) and
 * waiting with progress from `squeue` and `scontrol show job` (no `sacct`: that needs slurmdbd).
 *
 * The jobs run `node <repo>/bin/specgd.mjs` by absolute paths (the node binary and the checkout that wrote the
 * scripts), in the folder `specgd slurm` was run from (`--chdir`), so relative paths in the arguments resolve as
 * they did on the command line.
 */
import { RunFailure } from '../core/errors.js';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export interface SlurmResources {
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  jobName?: string;
}

export interface SlurmPlan {
  /** The folder of the scripts, shards, logs and result (absolute). */
  dir: string;
  /** Working folder of the jobs (absolute). */
  cwd: string;
  /** The specgd command and its arguments (without --out/--csv/--shard-*). */
  command: string;
  args: string[];
  shards: number;
  csv: boolean;
  resources: SlurmResources;
}

const repoBin = fileURLToPath(new URL('../../bin/specgd.mjs', import.meta.url));

/** A word for bash: single-quoted, inner quotes as '\''. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Text for inside bash double quotes (\\ " $ ` escaped). */
function dq(s: string): string {
  return s.replace(/[\\"$`]/g, (c) => `\\${c}`);
}

/** Paths of a plan's files. */
export function planFiles(dir: string, shards: number) {
  return {
    array: join(dir, 'array.sbatch'),
    merge: join(dir, 'merge.sbatch'),
    submit: join(dir, 'submit.sh'),
    shard: (i: number | string) => join(dir, 'shards', `shard-${i}.json`),
    shardLog: (i: number | string, ext: 'out' | 'err') => join(dir, 'logs', `shard-${i}.${ext}`),
    mergeLog: (ext: 'out' | 'err') => join(dir, 'logs', `merge.${ext}`),
    result: join(dir, 'result.json'),
    resultCsv: join(dir, 'result.csv'),
    allShards: Array.from({ length: shards }, (_, i) => join(dir, 'shards', `shard-${i}.json`)),
  };
}

function header(plan: SlurmPlan, name: string, out: string, err: string, extra: string[]): string[] {
  const r = plan.resources;
  const lines = ['#!/bin/bash', `#SBATCH --job-name=${shellQuote(name)}`, `#SBATCH --chdir=${shellQuote(plan.cwd)}`, `#SBATCH --output=${shellQuote(out)}`, `#SBATCH --error=${shellQuote(err)}`, ...extra];
  if (r.partition !== undefined) lines.push(`#SBATCH --partition=${shellQuote(r.partition)}`);
  if (r.time !== undefined) lines.push(`#SBATCH --time=${shellQuote(r.time)}`);
  if (r.mem !== undefined) lines.push(`#SBATCH --mem=${shellQuote(r.mem)}`);
  return lines;
}

/** The three scripts of a plan: the array job, the merge job and a submit.sh that chains them. */
export function slurmScripts(plan: SlurmPlan): { array: string; merge: string; submit: string } {
  const f = planFiles(plan.dir, plan.shards);
  const specgd = `${shellQuote(process.execPath)} ${shellQuote(repoBin)}`;
  const name = plan.resources.jobName ?? `specgd-${plan.command}`;
  const cpus = plan.resources.cpusPerTask;
  const array = [
    ...header(plan, name, f.shardLog('%a', 'out'), f.shardLog('%a', 'err'), [`#SBATCH --array=0-${plan.shards - 1}`, ...(cpus !== undefined ? [`#SBATCH --cpus-per-task=${cpus}`] : [])]),
    '# Task i runs shard i: --shard-index defaults from SLURM_ARRAY_TASK_ID, worker threads from SLURM_CPUS_PER_TASK.',
    'set -euo pipefail',
    `exec ${specgd} ${[plan.command, ...plan.args].map(shellQuote).join(' ')} --shard-count ${plan.shards} --no-progress --out "${dq(join(plan.dir, 'shards', 'shard-'))}\${SLURM_ARRAY_TASK_ID}.json"`,
    '',
  ].join('\n');
  const merge = [
    ...header(plan, `${name}-merge`, f.mergeLog('out'), f.mergeLog('err'), []),
    '# Runs after every array task succeeded (submitted with --dependency=afterok:<array job id>).',
    'set -euo pipefail',
    `exec ${specgd} merge ${f.allShards.map(shellQuote).join(' ')} --out ${shellQuote(f.result)}${plan.csv ? ` --csv ${shellQuote(f.resultCsv)}` : ''}`,
    '',
  ].join('\n');
  const submit = [
    '#!/bin/bash',
    '# Submit the array job, then the merge job depending on it; prints both job ids.',
    'set -euo pipefail',
    `array=$(sbatch --parsable ${shellQuote(f.array)})`,
    'array=${array%%;*}',
    `merge=$(sbatch --parsable --dependency=afterok:$array ${shellQuote(f.merge)})`,
    'echo "array job $array, merge job ${merge%%;*}"',
    '',
  ].join('\n');
  return { array, merge, submit };
}

/** Run a Slurm client command; its failure is reported with the command's own message. */
function slurmCmd(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    if (err.code === 'ENOENT') throw new SlurmError(`${cmd} not found: is this a Slurm login node? (scripts/slurm-local.sh starts a local cluster)`);
    throw new SlurmError(`${cmd} ${args.join(' ')} failed: ${(err.stderr ?? err.message).trim().split('\n')[0]}`);
  }
}

/** A Slurm command or job failed (not bad input): the message says what and where the logs are. */
export class SlurmError extends RunFailure {
  constructor(message: string) {
    super(message);
    this.name = 'SlurmError';
  }
}

/** `sbatch --parsable [args] script` → the job id. */
export function sbatch(script: string, args: string[] = []): string {
  return slurmCmd('sbatch', ['--parsable', ...args, script]).trim().split(';')[0];
}

export interface JobState {
  id: string;
  state: string;
  reason: string;
  /** Array tasks this record stands for (a pending array is one record "A_[0-3]"). */
  tasks: number;
}

/** Number of tasks in an ArrayTaskId like "3", "0-3", "[2-3]", "1,3-5", "0-7%2". */
export function taskCount(spec: string): number {
  const s = spec.replace(/^\[|\]$/g, '').replace(/%\d+$/, '');
  if (s === '') return 1;
  return s.split(',').reduce((n, part) => {
    const [a, b] = part.split('-').map(Number);
    return n + (b === undefined ? 1 : b - a + 1);
  }, 0);
}

/** squeue's view of jobs (array tasks expanded); [] when none is queued or running any more. */
export function squeue(ids: string[]): JobState[] {
  const out = slurmCmd('squeue', ['-h', '-r', '-j', ids.join(','), '-o', '%i|%T|%r']);
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [id, state, reason] = l.split('|');
      return { id: id.trim(), state: state.trim(), reason: (reason ?? '').trim(), tasks: taskCount(id.trim().split('_')[1] ?? '') };
    });
}

/** `scontrol show job ID` (-o: one line per job / array task) → the states; [] when Slurm no longer knows it. */
export function scontrolJobs(id: string): JobState[] {
  let out: string;
  try {
    out = execFileSync('scontrol', ['-o', 'show', 'job', id], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .filter((l) => l.includes('JobId='))
    .map((l) => {
      const field = (k: string) => new RegExp(`(?:^|\\s)${k}=(\\S*)`).exec(l)?.[1] ?? '';
      const task = field('ArrayTaskId');
      return { id: task ? `${field('ArrayJobId')}_${task}` : field('JobId'), state: field('JobState'), reason: field('Reason'), tasks: taskCount(task) };
    });
}

export function scancel(id: string): void {
  slurmCmd('scancel', [id]);
}

/** ": <first line of the log>" when the log exists and says something, else "". */
function firstLine(file: string): string {
  try {
    const line = readFileSync(file, 'utf8').split('\n').find((l) => l.trim() !== '');
    return line ? `: ${line.trim()}` : '';
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const DONE_OK = new Set(['COMPLETED']);
const DONE_BAD = new Set(['FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE']);

/**
 * Wait for the array job and its merge job, calling `report` with a progress line whenever it changes. Resolves
 * when the merge job completed; throws SlurmError naming the failed shard(s) or merge and their logs otherwise.
 */
export async function waitForJobs(plan: SlurmPlan, arrayId: string, mergeId: string, pollMs: number, report: (line: string) => void): Promise<void> {
  const f = planFiles(plan.dir, plan.shards);
  let last = '';
  for (;;) {
    const queued = squeue([arrayId, mergeId]);
    const tasks = scontrolJobs(arrayId).filter((j) => j.id.startsWith(`${arrayId}_`));
    const merge = scontrolJobs(mergeId)[0] ?? queued.find((j) => j.id === mergeId);
    const count = (s: Set<string> | string) => tasks.filter((t) => (typeof s === 'string' ? t.state === s : s.has(t.state))).reduce((n, t) => n + t.tasks, 0);
    const failed = tasks.filter((t) => DONE_BAD.has(t.state));
    const line = `slurm: shards ${count(DONE_OK)}/${plan.shards} done, ${count('RUNNING')} running, ${count('PENDING')} pending${failed.length ? `, ${failed.length} failed` : ''}; merge ${merge?.state ?? 'unknown'}${merge && merge.reason && merge.reason !== 'None' ? ` (${merge.reason})` : ''}`;
    if (line !== last) report(line);
    last = line;
    if (failed.length > 0) {
      if (merge && (merge.state === 'PENDING' || merge.state === 'RUNNING')) scancel(mergeId);
      const which = failed
        .map((t) => ({ t, i: Number(t.id.split('_')[1]) }))
        .sort((x, y) => x.i - y.i)
        .map(({ t, i }) => `shard ${i} (job ${t.id}) ${t.state}${firstLine(f.shardLog(i, 'err'))}, log ${f.shardLog(i, 'err')}`);
      throw new SlurmError(`slurm job failed: ${which.join('; ')}`);
    }
    if (merge && DONE_OK.has(merge.state)) return;
    if (merge && DONE_BAD.has(merge.state)) throw new SlurmError(`slurm merge job ${mergeId} ${merge.state}: see ${f.mergeLog('err')}`);
    if (merge && merge.reason === 'DependencyNeverSatisfied') {
      scancel(mergeId);
      throw new SlurmError(`slurm merge job ${mergeId} can never run (an array task did not succeed): see ${join(plan.dir, 'logs')}`);
    }
    if (!merge && queued.length === 0) throw new SlurmError(`slurm jobs ${arrayId} and ${mergeId} are gone from squeue and scontrol (check ${join(plan.dir, 'logs')})`);
    await sleep(pollMs);
  }
}
