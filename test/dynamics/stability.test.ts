import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { jacobianEigenvalues, stabilityReport } from '../../src/dynamics/stability.js';
import { theorySetup } from '../../src/dynamics/setup.js';
import { iterateMap } from '../../src/dynamics/maps.js';
import { recordSteps } from '../../src/config/record.js';

const spiked = (lambdaV: number, extra: Record<string, unknown> = {}) =>
  parseConfig({
    model: { d: 20, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: lambdaV, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha: 1e-3 } },
    algorithms: [{ name: 'gd', eta: 0.01 }, { name: 'specgd', eta: 0.002 }],
    steps: 3000,
    ...extra,
  });

describe('stability report', () => {
  for (const lambdaV of [1, 10, 50]) {
    it(`λ_v = ${lambdaV}: measured largest stable η̃ near the optimum and the linearized bound 2/μ_max agree within the scan's resolution`, () => {
      const r = stabilityReport(spiked(lambdaV), { steps: 10_000, resolution: 1e-3 });
      const lin = r.linearized.atOptimum!;
      const m = r.measured.nearOptimum!;
      expect(m).not.toBeNull();
      // The scan's bracket [stableUpTo, first scanned η̃ not converging] has relative width ≤ resolution; the linear
      // bound must lie in it (widened by one resolution on each side: the finite horizon blurs the edge by less).
      const [lo, hi] = m.bracket;
      expect((hi - lo) / hi).toBeLessThanOrEqual(1e-3);
      expect(lin).toBeGreaterThanOrEqual(lo * (1 - 1e-3));
      expect(lin).toBeLessThanOrEqual(hi * (1 + 1e-3));
      // From the initialization stableUpTo can only be lower (the run must also survive the escape), never higher
      // than the local one (beyond 2/μ_max at a* the optimum repels, so no run converges to it).
      expect(r.measured.fromInit!.eta).toBeLessThanOrEqual(hi * (1 + 1e-3));
      expect(r.fixedPoints.length).toBeGreaterThan(1);
    });
  }

  it('Jacobian eigenvalues are eigenvalues of ∂g/∂a (det(J − μI) = 0) at a fixed point and along a trajectory', () => {
    const { sys, ctx, a0 } = theorySetup(spiked(10));
    const run = iterateMap(sys, ctx, a0, { algorithm: { name: 'gd', eta: 0.01 }, steps: 400, record: recordSteps(400, 'all'), escapeLevel: 0.5, divergenceBound: 1e6 });
    const J = new Float64Array(9);
    for (const i of [0, 60, 100, 250, 400]) {
      const a = Float64Array.from(sys.symbols.map((s) => run.series[s][i]));
      sys.gradJacobian(a, J);
      const eigs = jacobianEigenvalues(sys, a);
      const scale = Math.max(...eigs.map(Math.abs)) ** 3;
      for (const mu of eigs) {
        const m = (r: number, c: number) => J[r * 3 + c] - (r === c ? mu : 0);
        const det = m(0, 0) * (m(1, 1) * m(2, 2) - m(1, 2) * m(2, 1)) - m(0, 1) * (m(1, 0) * m(2, 2) - m(1, 2) * m(2, 0)) + m(0, 2) * (m(1, 0) * m(2, 1) - m(1, 1) * m(2, 0));
        expect(Math.abs(det) / scale).toBeLessThan(1e-10);
      }
    }
  });

  it('the anisotropy threshold from the growth factors separates spike-outgrows-signal from not (GD, first step)', () => {
    const r = stabilityReport(spiked(10), { steps: 2000 });
    const th = r.anisotropy.thresholds.find((t) => t.symbol === 'b')!;
    expect(th.variable).toBe('lambda_v');
    const bound = th.bound!;
    for (const [lv, outgrows] of [[bound * 1.01, true], [bound * 0.99, false]] as const) {
      const { sys, ctx, a0 } = theorySetup(spiked(lv));
      const run = iterateMap(sys, ctx, a0, { algorithm: { name: 'gd', eta: 1e-3 }, steps: 1, record: recordSteps(1, 'all'), escapeLevel: 0.5, divergenceBound: 1e6 });
      expect(run.series.ratio[1] > run.series.ratio[0]).toBe(outgrows);
    }
  });

  it('SpecGD with constant η ends in a cycle around the optimum; its size is reported', () => {
    const r = stabilityReport(spiked(10), { steps: 2000 });
    const c = r.specgdCycle!;
    expect(c.period).not.toBeNull();
    // Derived lower bound: on the cycle a_s moves by exactly ±η per step (sign map, g_s ≠ 0 off the optimum), so of
    // two consecutive values at least one is ≥ η/2 from a*_s = 1: the radius cannot be below η/2.
    expect(c.radius).toBeGreaterThanOrEqual(c.eta / 2);
    // The reported period p is a period: after the transient and the window, p more steps return to the same state.
    const { sys, ctx, a0 } = theorySetup(spiked(10));
    const opts = { algorithm: { name: 'specgd', eta: c.eta, polar: 'svd', nsSteps: 5 }, record: new Int32Array(0), escapeLevel: Infinity, divergenceBound: 1e6 };
    const end = iterateMap(sys, ctx, iterateMap(sys, ctx, a0, { ...opts, steps: c.transient }).final, { ...opts, steps: c.window }).final;
    const again = iterateMap(sys, ctx, end, { ...opts, steps: c.period! }).final;
    for (let k = 0; k < sys.n; k++) expect(Math.abs(again[k] - end[k])).toBeLessThanOrEqual(1e-9 * c.eta);
  });
});
