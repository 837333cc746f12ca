import { describe, expect, it } from 'vitest';
import { defaultWorkers, resolveShard, shardRange } from '../../src/cluster/shard.js';
import { ConfigError } from '../../src/core/errors.js';

describe('shards', () => {
  it('the blocks of 1..7 shards cover every point of 0..10 exactly once, in order', () => {
    for (let total = 0; total <= 10; total++) {
      for (let count = 1; count <= 7; count++) {
        const seen: number[] = [];
        for (let index = 0; index < count; index++) {
          const { start, end } = shardRange(total, { index, count });
          for (let i = start; i < end; i++) seen.push(i);
        }
        expect(seen).toEqual(Array.from({ length: total }, (_, i) => i));
      }
    }
  });

  it('index and count default from a Slurm array task (ID − MIN, COUNT); options win; none → unsharded', () => {
    expect(resolveShard({}, {})).toBeNull();
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 2, count: 4 });
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 2, count: 4 });
    expect(resolveShard({ shardIndex: '1', shardCount: '3' }, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 1, count: 3 });
    expect(resolveShard({ shardCount: '8' }, { SLURM_ARRAY_TASK_ID: '5' })).toEqual({ index: 5, count: 8 });
  });

  it('bad shard input is a ConfigError naming the option', () => {
    const bad: [Parameters<typeof resolveShard>[0], NodeJS.ProcessEnv, RegExp][] = [
      [{ shardIndex: '4', shardCount: '4' }, {}, /--shard-index: got 4; expected an integer in 0\.\.3/],
      [{ shardIndex: '0' }, {}, /--shard-count/],
      [{ shardCount: '2' }, {}, /--shard-index/],
      [{ shardIndex: 'x', shardCount: '2' }, {}, /--shard-index: got "x"/],
      [{ shardIndex: '0', shardCount: '0' }, {}, /--shard-count: got "0"; expected an integer ≥ 1/],
      [{}, { SLURM_ARRAY_TASK_ID: 'a', SLURM_ARRAY_TASK_COUNT: '2' }, /SLURM_ARRAY_TASK_ID: got "a"/],
    ];
    for (const [opts, env, msg] of bad) {
      expect(() => resolveShard(opts, env)).toThrow(ConfigError);
      expect(() => resolveShard(opts, env)).toThrow(msg);
    }
  });

  it('workers: --workers, else SLURM_CPUS_PER_TASK, else the command default', () => {
    expect(defaultWorkers('3', { SLURM_CPUS_PER_TASK: '8' })).toBe('3');
    expect(defaultWorkers(undefined, { SLURM_CPUS_PER_TASK: '8' })).toBe('8');
    expect(defaultWorkers(undefined, {})).toBeUndefined();
  });
});
