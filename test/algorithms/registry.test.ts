/**
 * Every algorithm of the registry (src/algorithms/), listed from the registry rather than typed here:
 *  - its default config parses and resolves to itself; its label and time map are defined;
 *  - where it reduces, its reduced map equals the full-dimensional population run from W₀ = αI to 1e-12 over the
 *    window where the map has not amplified rounding (measured from the map itself, as in test/sim/muon-exact: a
 *    rounding-size change of the step size η(1 + 4u) must move the reduced series by ≤ 1e-13 of their scale), and
 *    that window is not trivial (≥ 20 steps);
 *  - it runs through the CLI's theory, simulate, sweep and compare with no per-algorithm code.
 * Error measure as in test/sim/exact.test.ts: max_t |sim − theory| / max_t |theory| per block coefficient.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALGORITHMS, algorithmOf } from '../../src/algorithms/index.js';
import { parseConfig, type ExperimentConfig } from '../../src/config/config.js';
import { scanScope } from '../../src/dynamics/stability.js';
import { runCli, writeTemp } from '../helpers/cli.js';
import { measureExactness, SYMS } from './exactness.js';


const configFor = (alg: Record<string, unknown>, steps = 300): ExperimentConfig =>
  parseConfig({
    model: { d: 12, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha: 1e-3 } },
    algorithms: [alg],
    steps,
    seeds: [1],
  });

describe('the algorithm registry', () => {
  it('lists GD, SpecGD and Muon, with unique ids and labels of their defaults', () => {
    const ids = ALGORITHMS.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ['gd', 'specgd', 'muon']) expect(ids).toContain(id);
    const labels = ALGORITHMS.map((a) => a.label(a.defaults));
    expect(new Set(labels).size).toBe(labels.length);
  });

  for (const alg of ALGORITHMS) {
    describe(alg.id, () => {
      it('its default config parses and is handled by its own file', () => {
        const cfg = configFor(alg.defaults);
        expect(algorithmOf(cfg.algorithms[0])).toBe(alg);
        expect(cfg.algorithms[0]).toEqual(alg.defaults);
      });

      it('thresholds lists it: scanned over its step size when its reduced map is a gradient map, else with the reason', () => {
        const [scope] = scanScope(configFor(alg.defaults));
        expect(scope.algorithm).toBe(alg.label(alg.defaults));
        expect(scope.scanned).toBe(alg.gradientMap);
        expect(scope.reason).toContain(alg.title);
      });

      const reduces = alg.reducible({ student: 'matrix', basis: 'canonical' }) === null;
      it.skipIf(!reduces)('reduced map = full-dimensional population run to 1e-12 while the map has not amplified rounding', () => {
        // A step size at which every algorithm escapes within the run (η̃ for gradient methods, η for the others).
        const base = { ...alg.defaults, eta: alg.timeStep === 'etaTilde' ? 0.02 : 0.005 };
        const m = measureExactness(base);
        expect(m.label).toBe(alg.label(configFor(base).algorithms[0]));
        expect(m.window).toBeGreaterThanOrEqual(20);
        for (const s of SYMS) expect(m.err[s], `${s} over ${m.window} steps`).toBeLessThanOrEqual(1e-12);
      });

      it.skipIf(!reduces)('runs through the CLI: theory, simulate, sweep and compare', async () => {
        const dir = mkdtempSync(join(tmpdir(), `specgd-reg-${alg.id}-`));
        const cfgFile = writeTemp(dir, 'c.json', { ...configFor(alg.defaults, 200), record: 'all' });
        const label = alg.label(alg.defaults);
        const th = await runCli(['theory', '--config', cfgFile, '--out', join(dir, 'th.json')]);
        expect(th.code, th.err).toBe(0);
        expect(JSON.parse(readFileSync(join(dir, 'th.json'), 'utf8')).trajectories.map((t: { algorithm: string }) => t.algorithm)).toContain(label);
        const sim = await runCli(['simulate', '--config', cfgFile, '--out', join(dir, 'sim.json'), '--no-progress']);
        expect(sim.code, sim.err).toBe(0);
        const cmp = await runCli(['compare', '--theory', join(dir, 'th.json'), '--simulation', join(dir, 'sim.json'), '--out', join(dir, 'cmp.json')]);
        expect(cmp.code, cmp.err).toBe(0);
        expect(readFileSync(join(dir, 'cmp.json'), 'utf8')).toContain(label);
        const sw = await runCli(['sweep', '--config', cfgFile, '--algorithms', alg.id, '--lambda-v', '1:10:2', '--eta', `${alg.defaults.eta}:${2 * alg.defaults.eta}:2`, '--steps', '100', '--workers', '0', '--out', join(dir, 'sw.json'), '--no-progress']);
        expect(sw.code, sw.err).toBe(0);
        expect(JSON.parse(readFileSync(join(dir, 'sw.json'), 'utf8')).points.every((p: { algorithm: string }) => p.algorithm === alg.id)).toBe(true);
      });
    });
  }
});
