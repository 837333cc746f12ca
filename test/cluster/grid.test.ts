/** specgd simulate over a grid / a config list, sharded and merged; per-seed values beside mean and se. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateWithSeeds } from '../../src/cluster/simulate-grid.js';
import { parseConfig } from '../../src/config/config.js';
import { runSimulation } from '../../src/sim/simulate.js';
import { runCli, writeTemp } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'specgd-grid-'));
const f = (name: string) => join(dir, name);
const small = {
  model: { d: 5, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 4, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha: 0.01 } },
  algorithms: [{ name: 'gd', eta: 0.05 }, { name: 'specgd', eta: 0.01 }],
  steps: 20,
  data: { mode: 'full-batch', n: 60 },
  seeds: [1, 2],
};
const cfg = writeTemp(dir, 'small.json', small);

describe('simulate over a grid', () => {
  it('simulateWithSeeds gives exactly runSimulation\'s trajectories, and the seeds they were built from', () => {
    const config = parseConfig(small);
    const r = simulateWithSeeds(config);
    expect(r.trajectories).toEqual(runSimulation(config));
    expect(r.perSeed.map((p) => p.runs.map((s) => s.seed))).toEqual([[1, 2], [1, 2]]);
    expect(r.perSeed[0].runs[0].series.a).toHaveLength(r.trajectories[0].step.length);
  });

  it('--grid lambda-v × n in row-major order; 3 shards merge to the unsharded JSON and CSV byte for byte', async () => {
    const grid = ['simulate', '--config', cfg, '--grid', 'lambda-v=1,10', '--grid', 'n=60,120', '--no-progress'];
    expect((await runCli([...grid, '--out', f('whole.json'), '--csv', f('whole.csv')])).code).toBe(0);
    const whole = JSON.parse(readFileSync(f('whole.json'), 'utf8'));
    expect(whole.runs.map((r: { parameters: unknown }) => r.parameters)).toEqual([
      { 'lambda-v': 1, n: 60 }, { 'lambda-v': 1, n: 120 }, { 'lambda-v': 10, n: 60 }, { 'lambda-v': 10, n: 120 },
    ]);
    expect(whole.runs[3].trajectories[0].provenance.config.model.covariance.spikeVariance).toBe(10);
    expect(whole.runs[3].trajectories[0].provenance.config.data.n).toBe(120);
    const files = [];
    for (let i = 0; i < 3; i++) {
      files.push(f(`sh-${i}.json`));
      expect((await runCli([...grid, '--shard-index', String(i), '--shard-count', '3', '--out', files[i]])).code).toBe(0);
    }
    expect((await runCli(['merge', ...files, '--out', f('merged.json'), '--csv', f('merged.csv')])).code).toBe(0);
    expect(readFileSync(f('merged.json'), 'utf8')).toBe(readFileSync(f('whole.json'), 'utf8'));
    expect(readFileSync(f('merged.csv'), 'utf8')).toBe(readFileSync(f('whole.csv'), 'utf8'));
  });

  it('--configs: a JSON list of configs; two GD entries that differ only in η get distinct labels', async () => {
    const list = writeTemp(dir, 'list.json', [small, { ...small, algorithms: [{ name: 'gd', eta: 0.02 }] }]);
    const r = await runCli(['simulate', '--configs', list, '--csv', f('list.csv'), '--out', f('list.json'), '--no-progress']);
    expect(r.code, r.err).toBe(0);
    const lines = readFileSync(f('list.csv'), 'utf8').trim().split('\n');
    const head = lines[0].split(',');
    const labels = new Set(lines.slice(1).map((l) => l.split(',')[head.indexOf('label')]));
    expect([...labels]).toEqual(['gd eta=0.05', 'specgd eta=0.01', 'gd eta=0.02']);
  });

  const bad: [string, string[], RegExp][] = [
    ['unknown key', ['--grid', 'lambda-q=1,2'], /invalid --grid: got "lambda-q=1,2"; expected KEY=v1,v2/],
    ['non-numeric value', ['--grid', 'n=60,x'], /invalid --grid n: got "60,x"/],
    ['n on a population config', ['--preset', 'spiked', '--grid', 'n=10'], /invalid --grid n: got 10; expected an axis that applies to the config: data.mode = "population"/],
    ['a value the config rejects', ['--config', cfg, '--grid', 'd=2'], /invalid --grid point d=2: model.d: got 2/],
    ['repeated key', ['--config', cfg, '--grid', 'n=1', '--grid', 'n=2'], /each KEY at most once/],
    ['--configs with --config', ['--config', cfg, '--configs', cfg], /no --preset\/--config with --configs/],
    ['--configs not a list', ['--configs', cfg], /non-empty JSON array/],
  ];
  for (const [what, args, msg] of bad) {
    it(`bad input: ${what} → one line, exit 2, no output file`, async () => {
      const out = f(`bad-${what.replace(/\W/g, '_')}.json`);
      const r = await runCli(['simulate', ...args, '--out', out, '--no-progress']);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(msg);
      expect(existsSync(out)).toBe(false);
    });
  }
});
