/**
 * The finite-sample-correction claim's test (src/claims/finite-sample-correction.ts) on synthetic points of known
 * law y_n = c₁ + c₂/n + noise(SE_n): the true coefficient passes, the negative control 2c₁ fails, and points too
 * noisy to tell c₁ from 0 are inconclusive.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { finiteSampleCorrectionClaim, weightedIntercept } from '../../src/claims/finite-sample-correction.js';

describe('finite-sample-correction claim', () => {
  it('weighted intercept of an exact line is the line', () => {
    const f = weightedIntercept([1, 2, 3], [5, 7, 9], [1, 2, 3]);
    expect(f.intercept).toBeCloseTo(3, 12);
    expect(f.slope).toBeCloseTo(2, 12);
  });
  it('true coefficient passes, 2c₁ fails, noisy points are inconclusive', () => {
    const rng = createRng(5);
    const c1 = -8;
    const c2 = 200;
    const ns = [125, 500, 2000];
    const pts = (scale: number) => ns.map((n) => {
      const se = scale * Math.sqrt(n) / 16;
      return { n, y: c1 + c2 / n + se * rng.normal(), se };
    });
    const good = finiteSampleCorrectionClaim(pts(0.3), c1, 10);
    expect(good.verdict).toBe('pass');
    expect(good.control.verdict).toBe('fail');
    expect(finiteSampleCorrectionClaim(pts(40), c1, 10).verdict).toBe('inconclusive');
  });
});
