/**
 * Joining the shard outputs of one sharded job (shard.ts) into exactly the unsharded output: the shards are checked
 * to come from the same job (command, tool version, git commit, configs and grid, shard count, number of points),
 * to be each present once and to hold their full block; then their points (sweep) or runs (simulate) are
 * concatenated in index order and the `shard` record is dropped. Every other byte comes from the shards, which
 * computed each point with the same code and inputs as an unsharded run, so `toJson(merged)` equals the unsharded
 * output byte for byte.
 */
import { ConfigError } from '../core/errors.js';
import { shardRange, type ShardInfo } from './shard.js';

export interface ShardFile {
  file: string;
  data: unknown;
}

type ShardData = Record<string, unknown> & { shard: ShardInfo };

const SHARD_KEYS = ['index', 'count', 'command', 'start', 'end', 'total', 'version', 'gitCommit', 'job'] as const;

function asShard(f: ShardFile): ShardData {
  const d = f.data as Partial<ShardData> | null;
  const s = d && typeof d === 'object' ? d.shard : undefined;
  if (!s || typeof s !== 'object' || SHARD_KEYS.some((k) => !(k in s))) {
    throw new ConfigError(f.file, 'a file without a shard record', 'a shard written by specgd sweep or simulate with --shard-index/--shard-count');
  }
  return d as ShardData;
}

/** The block of a shard: the sweep's points or the simulation's runs. */
function items(d: ShardData, file: string): unknown[] {
  const key = d.shard.command === 'sweep' ? 'points' : 'runs';
  const v = d[key];
  if (!Array.isArray(v)) throw new ConfigError(file, `a ${d.shard.command} shard without "${key}"`, `a shard written by specgd ${d.shard.command}`);
  return v;
}

/** Merge shard files (any order) into the unsharded output object. ConfigError (exit 2) when they do not fit. */
export function mergeShards(files: ShardFile[]): Record<string, unknown> {
  if (files.length === 0) throw new ConfigError('FILE', 'nothing', 'one or more shard files');
  const shards = files.map(asShard);
  const first = shards[0].shard;
  const same: [keyof ShardInfo, string][] = [
    ['command', 'command'],
    ['version', 'specgd version'],
    ['gitCommit', 'git commit'],
    ['count', 'shard count'],
    ['total', 'number of points'],
    ['job', 'config and grid'],
  ];
  shards.forEach((d, i) => {
    for (const [k, what] of same) {
      if (JSON.stringify(d.shard[k]) !== JSON.stringify(first[k])) {
        const got = k === 'job' ? 'a different config or grid' : d.shard[k];
        throw new ConfigError(files[i].file, got, `a shard of the same job as ${files[0].file} (different ${what}${k === 'job' ? '' : `: ${JSON.stringify(first[k])}`})`);
      }
    }
    const r = shardRange(d.shard.total, d.shard);
    const n = items(d, files[i].file).length;
    if (d.shard.start !== r.start || d.shard.end !== r.end || n !== r.end - r.start) {
      throw new ConfigError(files[i].file, `shard ${d.shard.index} with ${n} of points ${d.shard.start}..${d.shard.end - 1}`, `points ${r.start}..${r.end - 1} (${r.end - r.start}) for shard ${d.shard.index} of ${d.shard.count}`);
    }
  });
  const byIndex = new Map<number, number>();
  shards.forEach((d, i) => {
    const prev = byIndex.get(d.shard.index);
    if (prev !== undefined) throw new ConfigError(files[i].file, `shard ${d.shard.index} of ${first.count}`, `each shard once (${files[prev].file} is shard ${d.shard.index} too)`);
    byIndex.set(d.shard.index, i);
  });
  const missing = Array.from({ length: first.count }, (_, k) => k).filter((k) => !byIndex.has(k));
  if (missing.length > 0) throw new ConfigError('shards', `${shards.length} of ${first.count}`, `all ${first.count} shards (missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')})`);
  const ordered = Array.from({ length: first.count }, (_, k) => shards[byIndex.get(k)!]);
  const key = first.command === 'sweep' ? 'points' : 'runs';
  const all = ordered.flatMap((d, k) => items(d, files[byIndex.get(k)!].file));
  const merged: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ordered[0])) {
    if (k === 'shard') continue;
    merged[k] = k === key ? all : v;
  }
  return merged;
}
