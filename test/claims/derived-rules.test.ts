/**
 * The derived rules behind the claims' tolerances and predictions: the t-quantile slope tolerance and its power,
 * the fixed-effects exponent fit of the SpecGD end state, the sliding manifold of the sign map, and the negative
 * controls of the end-state and bulk-steps claims (each must be able to fail).
 */
import { describe, expect, it } from 'vitest';
import { fitLine } from '../../src/compare/measure.js';
import { createRng } from '../../src/core/rng.js';
import { endStateClaim, exponentFit, slidingEnergy, slopePower, slopeTolerance, type EndCycle, type EndStateQuantity } from '../../src/claims/index.js';

import { spikedGrad, type SpikedParams } from '../helpers/synthetic.js';

describe('derived claim rules', () => {
  it('slope tolerance = t_{1−α/2, N−2} × SE; power grows with the distance to the alternative', () => {
    const rng = createRng(7);
    const x = Array.from({ length: 40 }, (_, i) => i / 10);
    const y = x.map((v) => -0.5 * v + 0.1 * rng.normal());
    const fit = fitLine(x, y);
    const t = slopeTolerance(fit);
    expect(t.dof).toBe(38);
    // t_{0.995, 38} lies between the normal 2.576 and t_{0.995, 10} ≈ 3.17.
    expect(t.t).toBeGreaterThan(2.576);
    expect(t.t).toBeLessThan(3.17);
    expect(t.tolerance).toBeCloseTo(t.t * fit.slopeSe, 14);
    expect(Math.abs(fit.slope + 0.5)).toBeLessThanOrEqual(t.tolerance);
    expect(slopePower(fit, -0.5, 0)).toBeGreaterThan(0.99);
    expect(slopePower(fit, -0.5, -0.5 + fit.slopeSe)).toBeLessThan(0.5);
  });

  it('exponent fit with a per-d intercept recovers the exponent and ignores the offsets', () => {
    const pts = [8, 64].flatMap((d) => [0.008, 0.004, 0.002, 0.001].map((eta) => ({ eta, d, y: (d / 3) * Math.sqrt(eta) * (1 + 0.01 * Math.sin(1e3 * eta)) })));
    const fit = exponentFit(pts);
    expect(fit.groups).toBe(2);
    expect(fit.points - 2).toBe(8 - 1 - 2);
    expect(Math.abs(fit.slope - 0.5)).toBeLessThan(slopeTolerance(fit).tolerance);
  });

  it('end-state claims: √η bulk passes its claim and fails the O(η) control; a linear bulk fails the claim', () => {
    const mk = (bulkExp: number): EndCycle[] => [8, 32].flatMap((d) => [0.008, 0.004, 0.002, 0.001, 0.0005].map((eta, i) => ({ eta, d, signal: eta * (0.8 + 0.05 * i), spike: eta, bulk: eta ** bulkExp * (1 + 0.02 * ((i % 2) - 0.5)) / Math.sqrt(d), loss: eta * eta * (1.5 + 0.05 * i) })));
    const q: EndStateQuantity = { key: 'bulk', label: '|c|', predicted: 1 / 2, alternative: 1, statement: 's', wrong: 'w' };
    const good = endStateClaim(q, mk(0.5));
    expect(good.verdict).toBe('pass');
    expect(good.control.verdict).toBe('fail');
    expect(endStateClaim(q, mk(1)).verdict).toBe('fail');
  });

  it('sliding manifold of the sign map: E* = κλ_θ(1 − a²) with κ = (d − 1)/(d + 1) when spike and bulk both slide', () => {
    for (const d of [6, 8, 40]) {
      const p: SpikedParams = { lambdaTheta: 1, lambdaV: 10, sigma2: 1, d, alpha: 0.1 };
      const sys = { n: 3, grad: (a: Float64Array, out: Float64Array) => out.set(spikedGrad(p, a[0], a[1], a[2])) };
      const rank = [1, 1, d - 2];
      const variance = [1, 10, 1];
      for (const a of [0.3, 0.7, 0.95]) {
        // Independent derivation: g_b = g_c = 0 with b, c ≠ 0 ⇒ T = −2λ_v b² = −2σ²c²; with E = (d − 2)σ²c² + λ_v b²
        // = −T(d − 1)/2 and T = E − λ_θ(1 − a²): E = (d − 1)/(d + 1)·λ_θ(1 − a²).
        expect(slidingEnergy(sys, 0, a, rank, variance)).toBeCloseTo(((d - 1) / (d + 1)) * (1 - a * a), 10);
      }
    }
  });
});
