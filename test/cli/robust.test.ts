/**
 * Regression tests of issue 15 (bad input, extreme values, interrupted runs): every example the issue lists gives
 * exit 2 with a one-line message naming the field (and nothing written), or exit 0 with a correct, finite result;
 * never an internal error or a stack trace.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertFiniteDeep } from '../../src/core/trajectory.js';
import { Rational } from '../../src/symbolic/poly.js';
import { toJson, writeFilesAtomic, pendingTemporaries } from '../../src/core/output.js';
import { syntheticBundle } from '../helpers/synthetic.js';
import { runCli, writeTemp, type CliResult } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'specgd-robust-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A small spiked config (d = 6, 50 steps) with `patch` applied to a fresh copy. */
function small(patch: (c: Record<string, any>) => void = () => {}): Record<string, any> {
  const c: Record<string, any> = {
    model: { d: 6, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 } },
    steps: 50,
  };
  patch(c);
  return c;
}

let n = 0;
const file = (content: unknown) => writeTemp(root, `c${++n}.json`, content);

/** Exit 2, one line naming `field`, no stack trace. */
function expectBadInput(r: CliResult, field: string | RegExp): void {
  expect(r.code, r.err).toBe(2);
  const lines = r.err.trim().split('\n');
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^specgd: invalid /);
  if (typeof field === 'string') expect(lines[0]).toContain(`invalid ${field}:`);
  else expect(lines[0]).toMatch(field);
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(r.err).not.toMatch(/internal error/);
}

describe('issue 15: the crashes of valid or extreme input', () => {
  it('compare with spikeVariance 1e100 (inside the documented range): exit 0, every number finite', async () => {
    const out = join(root, 'cmp-spike.json');
    const r = await runCli(['compare', '--config', file(small((c) => (c.model.covariance.spikeVariance = 1e100))), '--out', out]);
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(() => assertFiniteDeep(json)).not.toThrow();
    expect(json.comparisons.length).toBe(2);
  });
  it('GD at η̃ = 1.8e308 with κ ≠ 1/4 diverges with a message that prints no Infinity (found by the 10 000-case fuzz run)', async () => {
    const r = await runCli(['simulate', '--config', file(small((c) => ((c.model.lossScale = 1.5), (c.algorithms = [{ name: 'gd', eta: 1.7976931348623157e308 }])))), '--no-progress']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/diverged/);
    expect(r.out).not.toMatch(/Infinity|NaN/);
  });
  for (const ls of [1e300, 1e308, 5e-324]) {
    it(`lossScale ${ls}: exit 2 naming model.lossScale (theory, derive, compare)`, async () => {
      const f = file(small((c) => (c.model.lossScale = ls)));
      for (const cmd of ['theory', 'derive', 'compare']) expectBadInput(await runCli([cmd, '--config', f]), 'model.lossScale');
    });
  }
  it('the polynomial engine converts every finite double to an exact rational (denormals included)', () => {
    for (const x of [5e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 1.7976931348623157e308, 0.1]) {
      expect(Rational.fromNumber(x).toNumber()).toBe(x);
      expect(Rational.exact(x).toNumber()).toBe(x);
    }
  });
  it('labelNoise 1e150: exit 2 naming model.labelNoise', async () => {
    const f = file(small((c) => ((c.model.labelNoise = 1e150), (c.data = { mode: 'full-batch', n: 20 }))));
    for (const cmd of ['simulate', 'compare']) expectBadInput(await runCli([cmd, '--config', f]), 'model.labelNoise');
  });
  it('thresholds --lambda-v 1e300: exit 2 naming --lambda-v and the variance range', async () => {
    const r = await runCli(['thresholds', '--lambda-v', '1e300']);
    expectBadInput(r, '--lambda-v');
    expect(r.err).toMatch(/1e\+100/);
  });
  it('a junk key nested 5000 deep: exit 2 naming the depth bound', async () => {
    const text = JSON.stringify(small()).replace(/\}$/, `,"junk":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    const r = await runCli(['theory', '--config', file(text)]);
    expectBadInput(r, '--config');
    expect(r.err).toMatch(/nested at most 64 levels deep .* at junk\[0\]/);
  });
  it('sweep --grid lambda-d --d 3:1e12:2: exit 2 naming --d', async () => {
    expectBadInput(await runCli(['sweep', '--grid', 'lambda-d', '--d', '3:1e12:2', '--steps', '5']), '--d');
  });
  it('compare --simulation with a null series: exit 2 naming the trajectory and series', async () => {
    const th = join(root, 'th-null.json');
    const sm = join(root, 'sm-null.json');
    const f = file(small());
    expect((await runCli(['theory', '--config', f, '--out', th])).code).toBe(0);
    expect((await runCli(['simulate', '--config', f, '--out', sm])).code).toBe(0);
    const sim = JSON.parse(readFileSync(sm, 'utf8'));
    sim.trajectories[0].series.a = null;
    const bad = file(sim);
    const r = await runCli(['compare', '--theory', th, '--simulation', bad]);
    expectBadInput(r, '--simulation');
    expect(r.err).toMatch(/trajectories\[0\] has series "a"/);
  });
  it('compare --simulation of a finite-sample run without a compared series (an older file, no ratio_mag): exit 2 naming it', async () => {
    const th = join(root, 'th-old.json');
    const sm = join(root, 'sm-old.json');
    const f = file(small((c) => {
      c.data = { mode: 'full-batch', n: 200 };
      c.seeds = [1, 2];
      c.steps = 20;
    }));
    expect((await runCli(['theory', '--config', f, '--out', th])).code).toBe(0);
    expect((await runCli(['simulate', '--config', f, '--out', sm])).code).toBe(0);
    expect((await runCli(['compare', '--theory', th, '--simulation', sm])).code).toBe(0);
    const sim = JSON.parse(readFileSync(sm, 'utf8'));
    for (const t of sim.trajectories) delete t.series.ratio_mag;
    const r = await runCli(['compare', '--theory', th, '--simulation', file(sim)]);
    expectBadInput(r, '--simulation');
    expect(r.err).toMatch(/recording series "ratio_mag"/);
  });
  it('compare --theory with a corrected theory of another data size or mode is refused (its shift is of that n): exit 2 naming --theory', async () => {
    const th = join(root, 'th-n200.json');
    const sm = join(root, 'sm-n400.json');
    const smOnline = join(root, 'sm-online.json');
    const at = (data: Record<string, unknown>) => file(small((c) => {
      c.data = data;
      c.seeds = [1, 2];
      c.steps = 20;
    }));
    expect((await runCli(['theory', '--config', at({ mode: 'full-batch', n: 200 }), '--out', th])).code).toBe(0);
    expect((await runCli(['simulate', '--config', at({ mode: 'full-batch', n: 400 }), '--out', sm])).code).toBe(0);
    expect((await runCli(['simulate', '--config', at({ mode: 'online', batch: 200 }), '--out', smOnline])).code).toBe(0);
    const r = await runCli(['compare', '--theory', th, '--simulation', sm]);
    expectBadInput(r, '--theory');
    expect(r.err).toMatch(/a theory of the simulation's data \(full batch with n = 400\); this file's \S+ corrected theory is for full batch with n = 200/);
    const o = await runCli(['compare', '--theory', th, '--simulation', smOnline]);
    expectBadInput(o, '--theory');
    expect(o.err).toMatch(/\(online with B = 200\); .* is for full batch with n = 200/);
    // the same n with another label noise: the corrected theory's sources differ (the population theory's do not)
    const noisy = join(root, 'sm-noisy.json');
    expect((await runCli(['simulate', '--config', file(small((c) => {
      c.data = { mode: 'full-batch', n: 200 };
      c.seeds = [1, 2];
      c.steps = 20;
      c.model.labelNoise = 0.5;
    })), '--out', noisy])).code).toBe(0);
    const l = await runCli(['compare', '--theory', th, '--simulation', noisy]);
    expectBadInput(l, '--theory');
    expect(l.err).toMatch(/label noise \(model\.labelNoise 0\.5\); this file's is 0/);
  });
});

describe('issue 15: resource bombs are refused before anything is allocated', () => {
  it('d = 1e9: theory and simulate exit 2 naming model.d and the memory budget', async () => {
    const f = file(small((c) => (c.model.d = 1e9)));
    for (const cmd of ['theory', 'simulate', 'derive', 'compare']) {
      const r = await runCli([cmd, '--config', f]);
      expectBadInput(r, 'model.d');
      expect(r.err).toMatch(/memory budget \(memory limit \d+ MB \(SPECGD_MEMORY_LIMIT_MB\)/);
    }
  });
  it('the memory limit is configurable (SPECGD_MEMORY_LIMIT_MB): the default preset refused under 0.001 MB, accepted again without it', async () => {
    process.env.SPECGD_MEMORY_LIMIT_MB = '0.001';
    try {
      const r = await runCli(['theory', '--config', file(small())]);
      expectBadInput(r, /memory limit 0\.001 MB/);
    } finally {
      delete process.env.SPECGD_MEMORY_LIMIT_MB;
    }
    expect((await runCli(['theory', '--config', file(small())])).code).toBe(0);
    process.env.SPECGD_MEMORY_LIMIT_MB = 'lots';
    try {
      expectBadInput(await runCli(['theory', '--config', file(small())]), 'SPECGD_MEMORY_LIMIT_MB');
    } finally {
      delete process.env.SPECGD_MEMORY_LIMIT_MB;
    }
  });
  it('a duplicate key ("d": 6, "d": 1e9): exit 2 naming the key path', async () => {
    const text = JSON.stringify(small()).replace('"d":6', '"d":6,"d":1000000000');
    const r = await runCli(['theory', '--config', file(text)]);
    expectBadInput(r, '--config');
    expect(r.err).toContain('the key "d" appears twice at model.d');
  });
  it('a 10 MB string is not echoed: the message stays one short line', async () => {
    const r = await runCli(['theory', '--config', file(small((c) => (c.model.d = 'x'.repeat(10_000_000))))]);
    expectBadInput(r, 'model.d');
    expect(r.err.length).toBeLessThan(1000);
    expect(r.err).toContain('a string of 10000000 characters');
  });
  it.each([
    ['nsSteps 1e9', ['theory', 'simulate'], (c: any) => ((c.steps = 3000), (c.algorithms = [{ name: 'specgd', eta: 0.002, polar: 'newton-schulz', nsSteps: 1e9 }])), 'algorithms[0].nsSteps'],
    ['steps 1e9 in full dimension', ['simulate'], (c: any) => (c.steps = 1e9), 'steps'],
    ['a full-batch sample of 1e12', ['simulate'], (c: any) => (c.data = { mode: 'full-batch', n: 1e12 }), 'data.n'],
    ['a power law of d = 5000 blocks', ['theory', 'derive'], (c: any) => ((c.model.d = 5000), (c.model.covariance = { kind: 'powerlaw', exponent: 1, signalIndex: 1 })), 'model.d'],
  ])('%s: exit 2 naming the field (time or memory budget)', async (_what, cmds, patch, field) => {
    const f = file(small(patch));
    for (const cmd of cmds) {
      const r = await runCli([cmd, '--config', f]);
      expectBadInput(r, field);
      expect(r.err).toMatch(/budget/);
    }
  });
  it('steps 2^53 − 1: exit 2 naming steps (int32 step indices)', async () => {
    const r = await runCli(['theory', '--config', file(small((c) => (c.steps = 2 ** 53 - 1)))]);
    expectBadInput(r, 'steps');
    expect(r.err).toMatch(/int32/);
  });
  it('record 1e9 is every step (no loop over 1e9 points): exit 0', async () => {
    const out = join(root, 'rec.json');
    const r = await runCli(['theory', '--config', file(small((c) => (c.record = 1e9))), '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).trajectories[0].step).toHaveLength(51);
  });
  it.each([
    [['sweep', '--eta', '0.001:0.1:100000000'], '--eta'],
    [['sweep', '--steps', '99999999999999999999'], '--steps'],
    [['sweep', '--lambda-v', '1:50:3000', '--eta', '0.001:0.1:3000', '--steps', '100000'], /budget/],
    [['thresholds', '--resolution', '1e-300'], '--resolution'],
    [['simulate', '--seeds', '1000000000000'], '--seeds'],
  ] as [string[], string | RegExp][])('%j: exit 2', async (argv, field) => {
    expectBadInput(await runCli(argv), field);
  });
  it('a power law with exponent 1000 (variances underflow to 0): exit 2 naming the exponent and its bound', async () => {
    const r = await runCli(['theory', '--config', file(small((c) => (c.model.covariance = { kind: 'powerlaw', exponent: 1000, signalIndex: 1 })))]);
    expectBadInput(r, 'model.covariance.exponent');
    expect(r.err).toMatch(/≤ 128\.5/);
  });
  it('duplicate seeds [1, 1]: exit 2 naming seeds[1]', async () => {
    expectBadInput(await runCli(['simulate', '--config', file(small((c) => ((c.seeds = [1, 1]), (c.data = { mode: 'full-batch', n: 20 }))))]), 'seeds[1]');
  });
});

describe('issue 15: output files', () => {
  it('--out /proc/nope/x.json fails at once (no mkdir spin), nothing written', async () => {
    const t0 = Date.now();
    const r = await runCli(['theory', '--config', file(small()), '--out', '/proc/nope/x.json']);
    expectBadInput(r, '--out');
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
  it('--out writable but --csv unwritable: exit 2 before any work, the --out file not written', async () => {
    const out = join(root, 'never.json');
    for (const cmd of ['theory', 'simulate']) {
      const r = await runCli([cmd, '--config', file(small()), '--out', out, '--csv', '/proc/nope.csv']);
      expectBadInput(r, '--csv');
      expect(existsSync(out)).toBe(false);
    }
    const r = await runCli(['sweep', '--lambda-v', '1:2:2', '--eta', '0.01:0.02:2', '--steps', '5', '--out', out, '--csv', '/proc/nope.csv']);
    expectBadInput(r, '--csv');
    expect(existsSync(out)).toBe(false);
  });
  it('a set of files is written all or nothing: a failing second file leaves the first unwritten and no temporary', () => {
    const dir = join(root, 'set');
    mkdirSync(dir);
    writeFileSync(join(dir, 'blocker'), 'x');
    expect(() => writeFilesAtomic([{ path: join(dir, 'a.json'), content: 'a' }, { path: join(dir, 'blocker', 'b.csv'), content: 'b' }])).toThrow();
    expect(readdirSync(dir)).toEqual(['blocker']);
    expect(pendingTemporaries()).toBe(0);
  });
  it('--out and --csv naming the same file: exit 2', async () => {
    const same = join(root, 'same.txt');
    expectBadInput(await runCli(['theory', '--config', file(small()), '--out', same, '--csv', same]), '--csv');
    expect(existsSync(same)).toBe(false);
  });
  it('report into an existing folder: refused without --force; with --force replaced wholly (no stale file)', async () => {
    const bundle = writeTemp(root, 'results.json', toJson(syntheticBundle()));
    const dir = join(root, 'report');
    mkdirSync(join(dir, 'figures'), { recursive: true });
    writeFileSync(join(dir, 'figures', 'stale.png'), 'old');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const r1 = await runCli(['report', '--in', bundle, '--out', dir]);
    expectBadInput(r1, '--out');
    expect(r1.err).toMatch(/--force/);
    expect(readdirSync(dir).sort()).toEqual(['figures', 'notes.txt']);
    const r2 = await runCli(['report', '--in', bundle, '--out', dir, '--force']);
    expect(r2.code, r2.err).toBe(0);
    expect(existsSync(join(dir, 'figures', 'stale.png'))).toBe(false);
    expect(existsSync(join(dir, 'notes.txt'))).toBe(false);
    expect(existsSync(join(dir, 'index.html'))).toBe(true);
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
  }, 60_000);
  it('reproduce into an existing folder holding files: refused without --force before any work', async () => {
    const dir = join(root, 'old-report');
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.html'), 'old');
    const t0 = Date.now();
    expectBadInput(await runCli(['reproduce', '--quick', '--out', dir]), '--out');
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe('old');
  });
});

describe('issue 15: compare', () => {
  const f = file(small());
  const th = join(root, 'th.json');
  const sm = join(root, 'sm.json');
  it('the table shows per series the worst |δ|/tol, its step, |δ| and the tolerance there; the verdict follows that ratio; --strict exits 1', async () => {
    expect((await runCli(['theory', '--config', f, '--out', th])).code).toBe(0);
    expect((await runCli(['simulate', '--config', f, '--out', sm])).code).toBe(0);
    const sim = JSON.parse(readFileSync(sm, 'utf8'));
    sim.trajectories[0].series.a.mean[10] += 1e-6; // far beyond the population-exact tolerance (1e-12 relative)
    const bad = file(sim);
    const out = join(root, 'cmp.json');
    const r = await runCli(['compare', '--theory', th, '--simulation', bad, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/worst \|δ\|\/tol +at step +\|δ\| there +tol there +verdict/);
    const cmp = JSON.parse(readFileSync(out, 'utf8'));
    for (const c of cmp.comparisons) {
      for (const s of c.series) {
        expect(s.verdict).toBe(s.worstRatio <= 1 ? 'pass' : 'fail');
        expect(s.deviationAtWorst / s.tolerance).toBeCloseTo(s.worstRatio, 10);
      }
    }
    const a = cmp.comparisons[0].series.find((s: any) => s.series === 'a');
    expect(a.verdict).toBe('fail');
    expect(a.worstStep).toBe(10);
    expect(r.out).toMatch(new RegExp(`\\n  a +\\d+ .* +10 +.* fail\\n`));
    const strict = await runCli(['compare', '--theory', th, '--simulation', bad, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.err.trim().split('\n')).toHaveLength(1);
    expect(strict.err).toMatch(/compare --strict: 1 of 2 comparison\(s\) failed/);
    expect((await runCli(['compare', '--theory', th, '--simulation', sm, '--strict'])).code).toBe(0);
  });
  it('a theory and a simulation of different models (d = 6 against d = 8) are refused', async () => {
    const sm8 = join(root, 'sm8.json');
    expect((await runCli(['simulate', '--config', file(small((c) => (c.model.d = 8))), '--out', sm8])).code).toBe(0);
    const r = await runCli(['compare', '--theory', th, '--simulation', sm8]);
    expectBadInput(r, '--theory/--simulation');
    expect(r.err).toMatch(/differ at model\.d: 6 vs 8/);
    expectBadInput(await runCli(['compare', '--theory', sm, '--simulation', th]), '--theory');
  });
});

describe('issue 15: provenance round trip', () => {
  for (const cmd of ['theory', 'simulate']) {
    it(`${cmd}: the config stored in provenance feeds back as --config and reproduces the output byte for byte`, async () => {
      const a = join(root, `${cmd}-a.json`);
      const b = join(root, `${cmd}-b.json`);
      expect((await runCli([cmd, '--config', file(small((c) => (c.algorithms = [{ name: 'gd', eta: 0.02 }]))), '--out', a])).code).toBe(0);
      const prov = JSON.parse(readFileSync(a, 'utf8')).trajectories[0].provenance.config;
      expect(prov.record).toBe('auto');
      const r = await runCli([cmd, '--config', file(prov), '--out', b]);
      expect(r.code, r.err).toBe(0);
      expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    });
  }
});
