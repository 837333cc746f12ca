/**
 * The finite-sample tolerance multiplier: Student-t tail against its closed forms (ν = 1: Cauchy, ν = 2), and the
 * family-wise false-alarm level FAMILY_ALPHA held on seeded unbiased ensembles of few seeds (where σ̂ has S − 1
 * degrees of freedom and a normal quantile alone over-rejects).
 */
import { describe, expect, it } from 'vitest';
import { FAMILY_ALPHA, studentTwoSidedQuantile, studentTwoSidedTail, toleranceRule } from '../../src/compare/tolerance.js';
import { normalQuantile } from '../../src/core/stats.js';
import { createRng } from '../../src/core/rng.js';
import { spikedConfig } from '../helpers/synthetic.js';

const P = { lambdaTheta: 1, lambdaV: 10, sigma2: 1, d: 20, alpha: 1e-3 };

describe('Student-t tail and quantile', () => {
  it('matches the closed forms P(|T₁| > x) = 1 − (2/π) atan x and P(|T₂| > x) = 1 − x/√(2 + x²)', () => {
    for (const x of [0.1, 1, 3, 30, 3000]) {
      const cauchy = 1 - (2 / Math.PI) * Math.atan(x);
      const two = 1 - x / Math.sqrt(2 + x * x);
      expect(Math.abs(studentTwoSidedTail(x, 1) / cauchy - 1)).toBeLessThan(1e-9);
      expect(Math.abs(studentTwoSidedTail(x, 2) / two - 1)).toBeLessThan(1e-9);
    }
    // Quantile inverts the tail (ν = 3, 7) and tends to the normal quantile for large ν.
    for (const nu of [3, 7]) for (const q of [0.05, 1e-3, 1e-5]) expect(Math.abs(studentTwoSidedTail(studentTwoSidedQuantile(q, nu), nu) / q - 1)).toBeLessThan(1e-8);
    const q = 1e-4;
    expect(Math.abs(studentTwoSidedQuantile(q, 1e6) / normalQuantile(1 - q / 2) - 1)).toBeLessThan(1e-5);
  });
});

describe('finite-sample tolerance multiplier', () => {
  it(`holds the family-wise false-alarm level ${FAMILY_ALPHA} for S = 4 seeds (a normal quantile alone does not)`, () => {
    const S = 4;
    const N = 50;
    const trials = 400;
    const rule = toleranceRule(spikedConfig(P, 100, { data: { mode: 'full-batch', n: 100 }, seeds: [1, 2, 3, 4] }), S, N);
    if (rule.kind !== 'finite-sample') throw new Error(rule.kind);
    const zN = normalQuantile(1 - FAMILY_ALPHA / (2 * N));
    const rng = createRng(21);
    let alarms = 0;
    let alarmsNormal = 0;
    const x = new Float64Array(S);
    for (let t = 0; t < trials; t++) {
      let alarm = false;
      let alarmNormal = false;
      for (let k = 0; k < N; k++) {
        rng.fillNormal(x);
        const m = x.reduce((s, v) => s + v, 0) / S;
        const sd = Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (S - 1)); // σ̂: one run's spread
        if (Math.abs(m) > rule.z * sd) alarm = true;
        if (Math.abs(m) > zN * sd) alarmNormal = true;
      }
      if (alarm) alarms++;
      if (alarmNormal) alarmsNormal++;
    }
    // Bonferroni: P(alarm) ≤ FAMILY_ALPHA per trial, so alarms ~ Binomial(400, ≤ 0.01): mean ≤ 4, sd ≤ 2; 5 sd above.
    expect(alarms).toBeLessThanOrEqual(trials * FAMILY_ALPHA + 5 * Math.sqrt(trials * FAMILY_ALPHA));
    // With z_N alone the per-point level is P(|t₃| > 2 z_N), far above FAMILY_ALPHA / N: many more alarms.
    expect(alarmsNormal).toBeGreaterThan(trials * FAMILY_ALPHA + 5 * Math.sqrt(trials * FAMILY_ALPHA));
    // For many seeds σ̂ is accurate and the effect-size term z_N is the binding one.
    const many = toleranceRule(spikedConfig(P, 100, { data: { mode: 'full-batch', n: 100 }, seeds: Array.from({ length: 20 }, (_, i) => i + 1) }), 20, N);
    if (many.kind !== 'finite-sample') throw new Error(many.kind);
    expect(many.z).toBe(zN);
  });
});
