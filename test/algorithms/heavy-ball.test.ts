/**
 * Heavy-ball momentum GD (src/algorithms/heavy-ball.ts), the registry's example of an algorithm with optimizer
 * state: its reduced map (momentum buffer as block coefficients) equals the full-dimensional population run from
 * W₀ = αI to 1e-12 over 1000 steps, for the matrix and the vector student; and β = 0 is plain GD exactly.
 * Error measure as in test/sim/exact.test.ts: max_t |sim − theory| / max_t |theory| per block coefficient.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfig } from '../../src/config/config.js';
import { runTheory } from '../../src/dynamics/theory.js';
import { runSimulation } from '../../src/sim/simulate.js';

const config = (student: 'matrix' | 'vector', beta: number): ExperimentConfig =>
  parseConfig({
    model: { d: 20, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 }, student: { kind: student }, init: { kind: 'scaled-identity', alpha: 1e-3 } },
    algorithms: [{ name: 'heavy-ball', eta: 0.002, beta }],
    steps: 1000,
    seeds: [1],
  });

describe('heavy-ball momentum GD', () => {
  for (const student of ['matrix', 'vector'] as const) {
    it(`${student} student: reduced map = full-dimensional population run to 1e-12 over 1000 steps (β = 0.9)`, () => {
      const cfg = config(student, 0.9);
      const [th] = runTheory(cfg);
      const [sim] = runSimulation(cfg);
      expect(th.algorithm).toBe('heavy-ball');
      expect(sim.step).toEqual(th.step);
      const t = th.series as Record<string, number[]>;
      const s = sim.series as Record<string, { mean: number[] }>;
      for (const sym of ['a', 'b', 'c']) {
        const scale = Math.max(...t[sym].map(Math.abs));
        const err = Math.max(...t[sym].map((x, i) => Math.abs(x - s[sym].mean[i])));
        expect(err / scale, sym).toBeLessThanOrEqual(1e-12);
      }
      // not trivial: the signal escapes within the run
      expect(t.a[t.a.length - 1]).toBeGreaterThan(cfg.events.escapeLevel);
    });
  }

  it('β = 0 is GD: the same trajectory bit for bit', () => {
    const hb = config('matrix', 0);
    const gd = { ...hb, algorithms: [{ name: 'gd', eta: 0.002 }] };
    const [a] = runTheory(hb);
    const [b] = runTheory(gd);
    expect(a.series).toEqual(b.series);
  });

  it('momentum changes the dynamics: with β = 0.9 the escape comes earlier than GD at the same η̃', () => {
    const esc = (cfg: ExperimentConfig) => runTheory(cfg)[0].events.find((e) => e.name === 'escape')!.step!;
    const hb = { ...config('matrix', 0.9), steps: 5000 };
    expect(esc(hb)).toBeLessThan(esc({ ...hb, algorithms: [{ name: 'gd', eta: 0.002 }] }));
  });
});
