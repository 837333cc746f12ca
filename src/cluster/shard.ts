/**
 * Shards of a grid-shaped job: the points 0..total−1 are cut into `count` contiguous blocks, shard i holding
 * [⌊i·total/count⌋, ⌊(i+1)·total/count⌋). Concatenating the shards' results in index order gives exactly the
 * unsharded result (every point is computed independently, by the same code, with the same inputs).
 *
 * The shard index and count default from a Slurm array job's environment (`SLURM_ARRAY_TASK_ID` minus
 * `SLURM_ARRAY_TASK_MIN`, `SLURM_ARRAY_TASK_COUNT`), and the worker count from `SLURM_CPUS_PER_TASK`.
 */
import { ConfigError } from '../core/errors.js';
import { gitCommit, toolVersion } from '../core/provenance.js';

export interface ShardSpec {
  index: number;
  count: number;
}

/** What a shard file records about itself, so `specgd merge` can check the shards belong together. */
export interface ShardInfo extends ShardSpec {
  /** The command that produced it (sweep, simulate). */
  command: string;
  /** First point (inclusive) and end (exclusive) of this shard; `total` points in the whole job. */
  start: number;
  end: number;
  total: number;
  version: string;
  gitCommit: string | null;
  /** Everything that defines the whole job (configs, grid); equal in every shard of one job. */
  job: unknown;
}

/** [start, end) of shard `index` of `count` over `total` points. */
export function shardRange(total: number, s: ShardSpec): { start: number; end: number } {
  return { start: Math.floor((s.index * total) / s.count), end: Math.floor(((s.index + 1) * total) / s.count) };
}

function envInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === '') return undefined;
  if (!/^\s*\d+\s*$/.test(v)) throw new ConfigError(name, v, 'a non-negative integer (environment variable set by Slurm)');
  return Number(v);
}

function parseIndex(option: string, v: string, min: number): number {
  if (!/^\s*\d+\s*$/.test(v) || Number(v) < min) throw new ConfigError(option, v, `an integer ≥ ${min}`);
  return Number(v);
}

/**
 * The shard asked for by `--shard-index I --shard-count N` (each defaulting from the Slurm array environment), or
 * null for an unsharded run. Both or neither must resolve; I < N.
 */
export function resolveShard(opts: { shardIndex?: string; shardCount?: string }, env: NodeJS.ProcessEnv = process.env): ShardSpec | null {
  const id = envInt(env, 'SLURM_ARRAY_TASK_ID');
  const min = envInt(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
  const index = opts.shardIndex !== undefined ? parseIndex('--shard-index', opts.shardIndex, 0) : id !== undefined ? id - min : undefined;
  const count = opts.shardCount !== undefined ? parseIndex('--shard-count', opts.shardCount, 1) : envInt(env, 'SLURM_ARRAY_TASK_COUNT');
  if (index === undefined && count === undefined) return null;
  if (index === undefined) throw new ConfigError('--shard-index', 'nothing', `an integer in 0..${count! - 1} with --shard-count ${count} (or run as a Slurm array task)`);
  if (count === undefined) throw new ConfigError('--shard-count', 'nothing', `an integer > ${index} with --shard-index ${index} (or run as a Slurm array task)`);
  if (index >= count) throw new ConfigError('--shard-index', index, `an integer in 0..${count - 1} (--shard-count ${count})`);
  return { index, count };
}

/** Worker threads: `--workers` if given, else `SLURM_CPUS_PER_TASK` when set, else undefined (the command's default). */
export function defaultWorkers(workers: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (workers !== undefined) return workers;
  const cpus = envInt(env, 'SLURM_CPUS_PER_TASK');
  return cpus !== undefined ? String(cpus) : undefined;
}

/** The shard record for a shard of `total` points of a job. */
export function shardInfo(command: string, s: ShardSpec, total: number, job: unknown): ShardInfo {
  const { start, end } = shardRange(total, s);
  return { index: s.index, count: s.count, command, start, end, total, version: toolVersion(), gitCommit: gitCommit(), job };
}
