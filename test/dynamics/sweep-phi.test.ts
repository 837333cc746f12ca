/**
 * Issue 13: the (λ_v, φ) sweep grid. Each point is the reduced map of the config with signalSpikeAngle = φ (its escape
 * step and peak misalignment equal `runTheory`'s events for that config), φ = 0 is the commuting-block model, and bad
 * angles are refused with the option named.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { runSweep, validateSweep } from '../../src/dynamics/sweep.js';
import { runTheory } from '../../src/dynamics/theory.js';
import { sweepSpecFromOptions } from '../../src/cli/commands/sweep.js';

const base = parseConfig({ model: { d: 12, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha: 1e-3 } }, algorithms: [{ name: 'gd', eta: 0.004 }, { name: 'specgd', eta: 0.005 }], steps: 600 });

describe('sweep over the signal–spike angle (lambda-phi)', () => {
  it('each point equals the reduced theory of its config (escape step, peak misalignment)', async () => {
    const phis = [0, 0.3, 1.1];
    const r = await runSweep({ base, grid: 'lambda-phi', lambdaV: [4, 10], values: phis, algorithms: ['gd', 'specgd'], steps: 600 }, { workers: 0 });
    expect(r.axes.x.name).toBe('phi');
    expect(r.points.length).toBe(2 * 2 * 3);
    for (const p of r.points) {
      const cfg = parseConfig({ ...base, model: { ...base.model, covariance: { ...base.model.covariance, spikeVariance: p.lambdaV, signalSpikeAngle: p.x } }, algorithms: [base.algorithms.find((a) => a.name === p.algorithm)!] });
      const [th] = runTheory(cfg);
      const escape = th.events.find((e) => e.name === 'escape')?.step ?? null;
      const peak = th.events.find((e) => e.name === 'peak-misalignment');
      if (p.status === 'ok') {
        expect(p.escapeStep).toBe(escape);
        expect(p.peakRatio).toBe(peak!.value);
        expect(p.peakStep).toBe(peak!.step);
      } else expect(th.status).toBe('diverged');
    }
    // the angle changes GD's escape (not a constant over the axis)
    const gd10 = r.points.filter((p) => p.algorithm === 'gd' && p.lambdaV === 10).map((p) => p.escapeStep);
    expect(new Set(gd10).size).toBeGreaterThan(1);
  });

  it.each([
    ['an angle beyond π', { phi: '0:4:3' }, '--phi'],
    ['--phi on another grid', { grid: 'lambda-eta', phi: '0:1:3' }, '--phi'],
  ])('refuses %s', (_n, o, field) => {
    const opts = { grid: 'lambda-phi', lambdaV: '1:10:2', lambdaScale: 'lin', algorithms: 'gd', progress: false, ...o };
    try {
      sweepSpecFromOptions(opts);
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).field).toBe(field);
    }
  });

  it('refuses an algorithm without a reduced map on the matrix block (Muon) with its reason', () => {
    expect(() => validateSweep({ base, grid: 'lambda-phi', lambdaV: [10], values: [0.5], algorithms: ['muon'], steps: 10 })).toThrow(/matrix block/);
  });
});
