/**
 * Adam and signGD (src/algorithms/adam.ts, signgd.ts): coordinate-wise methods reduce to block maps only in the
 * canonical basis (src/algorithms/coordinatewise.ts).
 *  - canonical basis: reduced map = full-dimensional population run to 1e-12 over the measured window
 *    (test/algorithms/exactness.ts), matrix and vector student;
 *  - random basis: `reducible` gives the reason, `specgd theory` refuses with exit code 2 and a one-line error
 *    naming the algorithm, `specgd simulate` runs it; the full run differs from the canonical one (measured),
 *    while SpecGD's block coefficients agree across the bases to rounding before its first sign switch.
 */
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { algorithm as adam } from '../../src/algorithms/adam.js';
import { algorithm as signgd } from '../../src/algorithms/signgd.js';
import { ConfigError } from '../../src/core/errors.js';
import { runTheory } from '../../src/dynamics/theory.js';
import { runCli, writeTemp } from '../helpers/cli.js';
import { measureExactness, relativeDistance, simulatedSeries, spikedConfig } from './exactness.js';

const CASES: Array<[string, Record<string, unknown>]> = [
  ['adam (defaults)', { name: 'adam', eta: 0.005 }],
  ['adam (β₁ = 0.8, β₂ = 0.95, ε = 1e-10)', { name: 'adam', eta: 0.005, beta1: 0.8, beta2: 0.95, epsilon: 1e-10 }],
  ['signgd', { name: 'signgd', eta: 0.005 }],
];

describe('Adam and signGD in the canonical basis', () => {
  for (const [what, alg] of CASES) {
    for (const student of ['matrix', 'vector'] as const) {
      it(`${what}, ${student} student: reduced map = full-dimensional population run to 1e-12 over the measured window`, () => {
        const r = measureExactness(alg, { student });
        expect(r.window, r.label).toBeGreaterThanOrEqual(20);
        for (const [s, e] of Object.entries(r.err)) expect(e, `${r.label} ${s} over ${r.window} steps`).toBeLessThanOrEqual(1e-12);
      });
    }
  }
});

describe('Adam and signGD in a random basis: simulation only', () => {
  it('`reducible` gives the reason and the reduced theory refuses with a ConfigError', () => {
    for (const alg of [adam, signgd]) {
      expect(alg.reducible({ student: 'matrix', basis: 'canonical' })).toBeNull();
      expect(alg.reducible({ student: 'matrix', basis: 'random' })).toMatch(/coordinate basis/);
      expect(() => runTheory(spikedConfig(alg.defaults, { basis: 'random' }))).toThrow(ConfigError);
    }
  });

  it('`specgd theory` exits 2 with a one-line error and writes nothing; `specgd simulate` runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'specgd-adam-random-'));
    const cfg = writeTemp(dir, 'c.json', { ...spikedConfig({ name: 'adam', eta: 0.005 }, { basis: 'random', steps: 20 }) });
    const out = join(dir, 'th.json');
    const th = await runCli(['theory', '--config', cfg, '--out', out]);
    expect(th.code).toBe(2);
    expect(th.err.trim().split('\n')).toHaveLength(1);
    expect(th.err).toMatch(/adam.*coordinate basis.*simulate/);
    expect(th.err).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    const sim = await runCli(['simulate', '--config', cfg, '--out', join(dir, 'sim.json'), '--no-progress']);
    expect(sim.code, sim.err).toBe(0);
  });

  it('the rotated full run differs from the canonical one, while SpecGD agrees across the bases to rounding', () => {
    const steps = 150;
    for (const alg of [adam.defaults, signgd.defaults]) {
      const d = relativeDistance(simulatedSeries(alg, { steps }), simulatedSeries(alg, { steps, basis: 'random' }));
      // 1e-12 is the exactness level of the reductions above; the basis changes the coordinate-wise run by far more
      expect(d, alg.name).toBeGreaterThan(1e-6);
    }
    // SpecGD before its first sign switch (a translation; after it rounding can flip a sign decision)
    const spec = measureExactness({ name: 'specgd', eta: 0.005 }, { steps, capAtSignSwitch: true });
    const can = simulatedSeries({ name: 'specgd', eta: 0.005 }, { steps: spec.window });
    const rnd = simulatedSeries({ name: 'specgd', eta: 0.005 }, { steps: spec.window, basis: 'random' });
    expect(spec.window).toBeGreaterThanOrEqual(20);
    expect(relativeDistance(can, rnd)).toBeLessThanOrEqual(1e-12);
  });
});
