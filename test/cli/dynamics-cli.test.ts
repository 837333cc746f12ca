import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { presetNames } from '../../src/config/presets.js';
import { TRAJECTORY_COLUMNS } from '../../src/report/tidy.js';
import { runCli, writeTemp } from '../helpers/cli.js';

const bin = fileURLToPath(new URL('../../bin/specgd.mjs', import.meta.url));
const fixture = fileURLToPath(new URL('../fixtures/issue3-example.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'specgd-dyn-'));

const run = runCli;

const write = (name: string, content: unknown): string => writeTemp(dir, name, content);

const example = JSON.parse(readFileSync(fixture, 'utf8'));

describe('specgd theory / thresholds / sweep', () => {
  it("theory on the issue's example config writes { trajectories } JSON and CSV, no NaN/Infinity", async () => {
    const out = join(dir, 'theory.json');
    const csv = join(dir, 'theory.csv');
    const r = await run(['theory', '--config', fixture, '--out', out, '--csv', csv]);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toMatch(/NaN|Infinity/);
    const json = JSON.parse(text);
    expect(json.trajectories.map((t: { algorithm: string }) => t.algorithm)).toEqual(['gd', 'specgd']);
    for (const t of json.trajectories) for (const k of ['algorithm', 'status', 'message', 'step', 't', 'series', 'events', 'provenance']) expect(t).toHaveProperty(k);
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe(TRAJECTORY_COLUMNS.map((c) => c.name).join(','));
  });

  it('a diverged run: exit 0, status "diverged", message naming the stable bound, no NaN/Infinity', async () => {
    const cfg = write('div.json', { ...example, algorithms: [{ name: 'gd', eta: 0.5 }] });
    const r = await run(['theory', '--config', cfg]);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/NaN|Infinity/);
    const t = JSON.parse(r.out).trajectories[0];
    expect(t.status).toBe('diverged');
    expect(t.message).toMatch(/stable bound/);
  });

  const badConfigs: [string, unknown][] = [
    ['unknown key', { ...example, extra: 1 }],
    ['negative variance', { ...example, model: { ...example.model, covariance: { ...example.model.covariance, spikeVariance: -1 } } }],
    ['bad algorithm', { ...example, algorithms: [{ name: 'lion', eta: 0.1 }] }],
    ['bad JSON', '{ "model": '],
  ];
  for (const [what, content] of badConfigs) {
    it(`bad config (${what}): the same one-line ConfigError as derive, exit 2, no output file`, async () => {
      const cfg = write(`bad-${what.replace(/\s/g, '-')}.json`, content);
      const derive = await run(['derive', '--config', cfg]);
      for (const cmd of ['theory', 'thresholds', 'sweep']) {
        const out = join(dir, `${cmd}-${what}.json`);
        const r = await run([cmd, '--config', cfg, '--out', out]);
        expect(r.code).toBe(2);
        expect(r.err).toBe(derive.err);
        expect(r.err.trim().split('\n')).toHaveLength(1);
        expect(existsSync(out)).toBe(false);
      }
    });
  }

  const badOptions: string[][] = [
    ['theory', '--preset', 'nope'],
    ['theory', '--epsilon', '-1'],
    ['thresholds', '--lambda-v', '1,x'],
    ['thresholds', '--resolution', '2'],
    ['thresholds', '--max-time', '-1'],
    ['sweep', '--grid', 'lambda-q'],
    ['sweep', '--lambda-v', '1:2'],
    ['sweep', '--grid', 'lambda-d', '--eta', '0.1:0.2:3'],
    ['sweep', '--d', '1:10:3', '--grid', 'lambda-d'],
    ['sweep', '--workers', 'x'],
    ['sweep', '--algorithms', 'gd,lion'],
    // past the supported variance range / the divergence bound (these were internal errors: Infinity in the loss)
    ['sweep', '--lambda-v', '1:1e300:2', '--eta', '0.01:0.02:2', '--steps', '10'],
    ['sweep', '--grid', 'lambda-alpha', '--alpha', '1:1e200:2', '--lambda-v', '1:2:2', '--steps', '10'],
  ];
  for (const argv of badOptions) {
    it(`bad option ${argv.join(' ')}: one-line error naming the option, exit 2, no output file`, async () => {
      const out = join(dir, `opt-${argv.join('_').replace(/[^\w]/g, '')}.json`);
      const r = await run([...argv, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/invalid --/);
      expect(existsSync(out)).toBe(false);
    });
  }

  for (const [option, value] of [['--lambda-v', ' : :3'], ['--lambda-v', '-1:5:3'], ['--eta', '0:0.1:3'], ['--eta', '1::3']]) {
    it(`sweep ${option} ${JSON.stringify(value)}: the error quotes the range as typed (empty parts are not 0; LO > 0)`, async () => {
      const out = join(dir, `range-${option}-${value.replace(/[^\w]/g, '')}.json`);
      const r = await run(['sweep', option, value, '--steps', '10', '--out', out]);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(`invalid ${option}: got ${JSON.stringify(value)}`);
      expect(r.err).toContain('LO > 0');
      expect(existsSync(out)).toBe(false);
    });
  }

  it('sweep --help lists exactly the presets sweep accepts (the spiked ones)', async () => {
    const help = await run(['sweep', '--help']);
    const listed = /--preset <name>[^(]*\(([^)]*)\)/.exec(help.out.replace(/\s+/g, ' '))![1].split(',').map((s) => s.trim());
    for (const name of presetNames()) {
      const r = await run(['sweep', '--preset', name, '--lambda-v', '1:2:2', '--eta', '0.01:0.02:2', '--steps', '5', '--workers', '0', '--no-progress']);
      expect(r.code === 0, `${name}: ${r.err}`).toBe(listed.includes(name));
    }
  });

  it('thresholds --lambda-v 10,50 --out: stableUpTo within 1% of the escape bound 2/(λ_vλ_θ), edges, rules, analytic bounds; summary on stdout', async () => {
    const out = join(dir, 'thr.json');
    const r = await run(['thresholds', '--preset', 'spiked', '--lambda-v', '10,50', '--out', out]);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toMatch(/NaN|Infinity/);
    const json = JSON.parse(text);
    expect(json.entries.map((x: { lambdaV: number }) => x.lambdaV)).toEqual([10, 50]);
    for (const x of json.entries) {
      // Issue 10's acceptance criterion: within 1% of the derived escape-stage bound, which binds here.
      expect(x.analytic.binds).toBe('escape-stage');
      expect(Math.abs(x.stableUpTo / x.analytic.escapeStage.value - 1)).toBeLessThanOrEqual(0.01);
      expect(x.analytic.escapeStage.expr).toBe('2/(lambda_theta*lambda_v)');
      expect(x.analytic.optimum.expr).toBe('1/(3*lambda_theta^2)');
      expect(x.follows.bound).toBe('escape-stage');
      expect(x.edgeCount).toBe(x.edges.length);
      expect(x.edges.length).toBeGreaterThan(0);
      expect(x.rules.classifier.length).toBeGreaterThan(3);
      for (const k of ['divergesFrom', 'stableFraction', 'resolution', 'bracket', 'classCounts']) expect(x).toHaveProperty(k);
      // The summary quotes the same stableUpTo.
      expect(r.out).toContain(`stableUpTo   = ${x.stableUpTo.toPrecision(6)}`);
    }
    expect(json.provenance.command).toBe('thresholds');
  });

  it('thresholds --lambda-v 1 --summary: the readable summary only; the optimum binds (negative control)', async () => {
    const r = await run(['thresholds', '--preset', 'spiked', '--lambda-v', '1', '--summary']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/measured stableUpTo follows: optimum/);
    expect(r.out).toMatch(/classification rules:/);
    expect(() => JSON.parse(r.out)).toThrow();
  });

  it('sweep through bin/specgd.mjs with 2 worker threads writes CSV and JSON', () => {
    const out = join(dir, 'sweep.json');
    const csv = join(dir, 'sweep.csv');
    const p = spawnSync(process.execPath, [bin, 'sweep', '--lambda-v', '1:50:4', '--eta', '0.01:0.3:4', '--steps', '500', '--workers', '2', '--out', out, '--csv', csv], { cwd: tmpdir(), encoding: 'utf8' });
    expect(p.stderr).toBe('');
    expect(p.status).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.points).toHaveLength(2 * 4 * 4);
    // tidy: one row per (point, statistic)
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    const col = lines[0].split(',').indexOf('statistic');
    expect(lines).toHaveLength(1 + 32 * new Set(lines.slice(1).map((l) => l.split(',')[col])).size);
    expect(JSON.parse(readFileSync(join(dir, 'sweep.meta.json'), 'utf8')).provenance.command).toBe('sweep');
    expect(readFileSync(out, 'utf8')).not.toMatch(/NaN|Infinity/);
  });
});
