/**
 * Two independent routes to the order-8 Gaussian moments the finite-sample theory uses must agree:
 *  - dynamics/response/moments.ts: the χ² route (q_a = xᵀP_a x independent λ_a χ²_{r_a}, products of χ² moments);
 *  - symbolic/moments8.ts NumericMoments: the Wick sums over every matching of the engine (wick.ts), evaluated.
 * Each piece covariance of the sources (off-diagonal, traceless, trace), the order-8 scalar moment and M(P_j) are
 * compared. The only difference allowed is floating-point rounding of sums of at most a few hundred positive and
 * negative terms of size ≤ max|value|: relative tolerance 1e-12 of the largest magnitude in the comparison.
 */
import { describe, expect, it } from 'vitest';
import { sourceMoments } from '../../src/dynamics/response/moments.js';
import { NumericMoments } from '../../src/symbolic/moments8.js';

const cases = [
  { name: 'spiked, d = 40, λ_v = 10', lambda: [1, 10, 1], rank: [1, 1, 38], labelNoise: 0 },
  { name: 'spiked, d = 30, λ_v = 1, label noise 0.3', lambda: [1, 1, 1], rank: [1, 1, 28], labelNoise: 0.3 },
  { name: 'four blocks, unequal variances and ranks', lambda: [2, 0.5, 7, 0.125], rank: [1, 3, 2, 9], labelNoise: 0.5 },
];

function unit(K: number, a: number): number[] {
  return Array.from({ length: K }, (_, k) => (k === a ? 1 : 0));
}

function close(x: number, y: number, scale: number): void {
  expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-12 * Math.max(scale, Math.abs(x), Math.abs(y)));
}

describe('order-8 moments: χ² route (response) = Wick route (engine)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const K = c.lambda.length;
      const sm = sourceMoments({ lambda: Float64Array.from(c.lambda), rank: Float64Array.from(c.rank), labelNoise: c.labelNoise });
      const nm = new NumericMoments(c.lambda, c.rank);
      let compared = 0;
      for (let j = 0; j < K; j++) {
        const Aj = unit(K, j);
        const Mj = nm.M(Aj);
        for (let cc = 0; cc < K; cc++) close(sm.mu(j, cc), Mj[cc], Math.abs(Mj[cc]));
        for (let jp = 0; jp < K; jp++) {
          const Ajp = unit(K, jp);
          for (let a = 0; a < K; a++) {
            close(sm.tl(j, jp, a), nm.fluctuationTracelessCovariance(a, Aj, Ajp), Math.abs(sm.off(j, jp, a, a)));
            for (let b = 0; b < K; b++) {
              if (a !== b) close(sm.off(j, jp, a, b), nm.fluctuationBlockCovariance(a, b, Aj, Ajp), 0);
              close(sm.tr(j, jp, a, b), nm.fluctuationTraceCovariance(a, b, Aj, Ajp), Math.abs(sm.off(j, jp, a, b)));
              close(sm.q4(j, jp, a, b), nm.expect([Aj, Ajp, unit(K, a), unit(K, b)]), 0);
              compared += 4;
            }
          }
        }
      }
      if (c.labelNoise > 0) {
        const s2 = c.labelNoise ** 2;
        for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) if (a !== b) close(sm.off(K, K, a, b), s2 * nm.labelNoiseCovariance(a, b), 0);
      }
      expect(compared).toBe(4 * K ** 4);
    });
  }
});
