import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, writeTemp } from '../helpers/cli.js';
import { TRAJECTORY_COLUMNS } from '../../src/report/tidy.js';

const bin = fileURLToPath(new URL('../../bin/specgd.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'specgd-sim-'));

const run = runCli;

const write = (name: string, content: unknown): string => writeTemp(dir, name, content);

const small = {
  model: { d: 6, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 4, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha: 0.01 } },
  algorithms: [
    { name: 'gd', eta: 0.05 },
    { name: 'specgd', eta: 0.01 },
  ],
  steps: 80,
  data: { mode: 'full-batch', n: 300 },
  seeds: [3],
};

describe('specgd simulate', () => {
  it('writes { trajectories } JSON with { mean, se } series and provenance, and a CSV; bit-identical on rerun', async () => {
    const cfg = write('small.json', small);
    const [o1, o2, csv] = ['a.json', 'b.json', 'a.csv'].map((f) => join(dir, f));
    const r = await run(['simulate', '--config', cfg, '--seeds', '3', '--out', o1, '--csv', csv, '--no-progress']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const text = readFileSync(o1, 'utf8');
    expect(text).not.toMatch(/NaN|Infinity/);
    const json = JSON.parse(text);
    expect(json.trajectories.map((t: { algorithm: string }) => t.algorithm)).toEqual(['gd', 'specgd']);
    for (const t of json.trajectories) {
      expect(t.kind).toBe('simulation');
      expect(t.status).toBe('ok');
      for (const k of ['a', 'b', 'c', 'a_mag', 'ratio', 'alignment', 'overlap', 'loss', 'train_loss']) {
        expect(t.series[k].mean).toHaveLength(81);
        expect(t.series[k].se).toHaveLength(81);
      }
      expect(t.provenance.command).toBe('simulate');
      expect(t.provenance.seeds).toEqual([3, 4, 5]);
      expect(t.provenance.config.seeds).toEqual([3, 4, 5]);
      expect(t.provenance).not.toHaveProperty('createdAt');
    }
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe(TRAJECTORY_COLUMNS.map((c) => c.name).join(','));
    expect(JSON.parse(readFileSync(csv.replace(/\.csv$/, '.meta.json'), 'utf8')).provenance).toEqual(json.trajectories[0].provenance);
    expect((await run(['simulate', '--config', cfg, '--seeds', '3', '--out', o2, '--no-progress'])).code).toBe(0);
    expect(readFileSync(o2, 'utf8')).toBe(text);
  });

  it('a diverged run is a result: exit 0, status "diverged", no NaN/Infinity', async () => {
    const cfg = write('div.json', { ...small, algorithms: [{ name: 'gd', eta: 5 }], model: { ...small.model, init: { kind: 'scaled-identity', alpha: 0.5 } } });
    const r = await run(['simulate', '--config', cfg, '--no-progress']);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/NaN|Infinity/);
    const t = JSON.parse(r.out).trajectories[0];
    expect(t.status).toBe('diverged');
    expect(t.message).toMatch(/lower eta/);
  });

  const bad: [string, string[], RegExp][] = [
    ['--seeds 0', ['--seeds', '0'], /--seeds/],
    ['--seeds x', ['--seeds', 'x'], /--seeds/],
    ['unknown preset', ['--preset', 'nope'], /--preset/],
    ['unknown key in the config', ['--config', write('bad1.json', { ...small, extra: 1 })], /extra/],
    ['full-batch without n', ['--config', write('bad2.json', { ...small, data: { mode: 'full-batch' } })], /data\.n/],
    ['missing config file', ['--config', join(dir, 'none.json')], /--config/],
  ];
  for (const [what, args, msg] of bad) {
    it(`bad input (${what}): exit 2, one-line message, no output file`, async () => {
      const out = join(dir, `bad-${what.replace(/\W+/g, '_')}.json`);
      const r = await run(['simulate', ...args, '--out', out, '--no-progress']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('runs through the real bin/specgd.mjs', () => {
    const cfg = write('tiny.json', { ...small, steps: 5, data: { mode: 'online', batch: 20 } });
    const p = spawnSync(process.execPath, [bin, 'simulate', '--config', cfg], { encoding: 'utf8' });
    expect(p.status).toBe(0);
    expect(JSON.parse(p.stdout).trajectories[1].series.a.mean).toHaveLength(6);
  });
});
