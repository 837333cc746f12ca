/**
 * The reduced finite-sample response (src/dynamics/response/) against a brute-force full-matrix reference
 * (brute.ts: the nonlinear d×d map with one sample's fluctuation scaled by ε, differentiated by central differences,
 * expectations over the sample by exact Gauss–Hermite quadrature — no block structure, no moment formulas).
 * d = 4 (ranks 1, 1, 2: the bulk has traceless and antisymmetric parts), label noise on.
 *
 * Tolerances: the reference's own error is the finite-difference error of s₂ (rounding ≈ ε_mach·|s|/ε², summed over
 * the nodes and, online, over the steps that carry a sample; measured ≲ 1e-4 relative with ε₀ = 1e-3), so
 *   |mean shift − ref| ≤ FD_REL · max_records |ref shift| and |variance − ref| ≤ FD_REL · max_records(ref variance)
 *   + FD_FLOOR · max|s̄|² (the variance of SpecGD's coefficients is 0 at this order; the reference gives rounding).
 */
import { describe, expect, it } from 'vitest';
import { propagateResponse, type ResponseAlgorithm, type SourceMode } from '../../src/dynamics/response/propagate.js';
import { predictStatistics } from '../../src/dynamics/response/predict.js';
import { bruteMoments, BRUTE_STATS, type BruteSetup } from './brute.js';

const FD_REL = 1e-3;
const FD_FLOOR = 1e-12;

function check(alg: 'gd' | 'specgd', mode: SourceMode, a0: [number, number, number], lambdaV: number, eta: number, steps: number, record: number[], labelNoise = 0.5) {
  const setup: BruteSetup = { d: 4, lambdaTheta: 1, lambdaV, sigma2: 1, labelNoise, kappa: 0.25, a0, algorithm: { kind: alg, eta }, mode, steps };
  const blocks = { lambda: Float64Array.from([1, lambdaV, 1]), rank: Float64Array.from([1, 1, 2]), labelNoise };
  const algorithm: ResponseAlgorithm = alg === 'gd' ? { kind: 'gd', h: 4 * 0.25 * eta } : { kind: 'specgd', eta };
  const run = propagateResponse({ blocks, signal: 0, a0: Float64Array.from(a0), algorithm, mode, steps });
  expect(run.status).toBe('ok');
  const pred = predictStatistics(run, { blocks, symbols: ['a', 'b', 'c'], signal: 0, spike: 1, lossScale: 0.25 });
  const ref = bruteMoments(setup, record);
  BRUTE_STATS.forEach((name, j) => {
    const p = pred.find((q) => q.name === name)!;
    const shiftScale = Math.max(...record.map((_, r) => Math.abs(ref.shift[r][j])));
    const varScale = Math.max(...record.map((_, r) => ref.var[r][j]));
    const popScale = Math.max(...record.map((_, r) => Math.abs(ref.population[r][j])));
    record.forEach((k, r) => {
      expect(p.population[k], `${name} population at ${k}`).toBeCloseTo(ref.population[r][j], 12);
      expect(Math.abs(p.meanShift[k] - ref.shift[r][j]), `${name} mean shift at ${k}`).toBeLessThanOrEqual(FD_REL * shiftScale);
      expect(Math.abs(p.sd[k] ** 2 - ref.var[r][j]), `${name} variance at ${k}`).toBeLessThanOrEqual(FD_REL * varScale + FD_FLOOR * popScale ** 2);
    });
  });
  return pred;
}

const checkNoNoise = (alg: 'gd' | 'specgd', mode: SourceMode, a0: [number, number, number], lambdaV: number, eta: number, steps: number, record: number[]) =>
  check(alg, mode, a0, lambdaV, eta, steps, record, 0);

describe('finite-sample response vs the full-matrix brute force (d = 4)', () => {
  it('GD, full batch', () => {
    const pred = check('gd', 'full-batch', [0.2, 0.2, 0.2], 4, 0.05, 30, [10, 20, 30]);
    // not a vacuous comparison: the shift is of order one per 1/n
    expect(Math.abs(pred.find((p) => p.name === 'a')!.meanShift[20])).toBeGreaterThan(1);
  });
  it('GD, online', () => {
    check('gd', 'online', [0.1, 0.15, -0.05], 4, 0.05, 12, [4, 8, 12]);
  });
  it('GD, full batch, over a whole escape (a from 0.01 to 0.996, spike up and back down): the expansion is exact at its order at every stage', () => {
    // the late-stage disagreements with simulations at moderate n (issue 11's note) are then the higher orders of the
    // expansion, not a term of the response that only matters once the dynamics is nonlinear
    const pred = checkNoNoise('gd', 'full-batch', [0.01, 0.01, 0.01], 4, 0.05, 80, [10, 20, 30, 40, 50, 60, 70, 80]);
    const a = pred.find((p) => p.name === 'a')!;
    expect(a.population[20]).toBeLessThan(0.2);
    expect(a.population[80]).toBeGreaterThan(0.99);
  });
  it('SpecGD, full batch (blocks at different coefficients and signs: the pairs respond)', () => {
    const pred = check('specgd', 'full-batch', [0.1, 0.15, -0.05], 2, 0.01, 20, [10, 20]);
    expect(Math.abs(pred.find((p) => p.name === 'b')!.meanShift[20])).toBeGreaterThan(0.1);
  });
  it('SpecGD, online', () => {
    check('specgd', 'online', [0.1, 0.15, -0.05], 2, 0.01, 8, [4, 8]);
  });
  it('SpecGD from W₀ = αI: no response before the first sign switch (W stays a multiple of I), then the prediction stops', () => {
    const blocks = { lambda: Float64Array.from([1, 2, 1]), rank: Float64Array.from([1, 1, 2]), labelNoise: 0 };
    const run = propagateResponse({ blocks, signal: 0, a0: Float64Array.from([0.1, 0.1, 0.1]), algorithm: { kind: 'specgd', eta: 0.01 }, mode: 'full-batch', steps: 200 });
    expect(run.status).toBe('sign-switch');
    for (const p of run.points) for (const v of p.mean) expect(v).toBe(0);
  });
});
