/**
 * Sampling (sim/data.ts): X = Z Σ^{1/2} on every path (diagonal, low-rank c I + U D Uᵀ, dense), the draw order
 * (Z row by row, then ε), and y = (θᵀx)² + σ_ε ε. References are computed here from the same seeded normals
 * with a plain triple loop.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import type { ExperimentConfigInput } from '../../src/config/schema.js';
import { defaultBackend } from '../../src/core/linalg.js';
import { createRng } from '../../src/core/rng.js';
import { buildModelSpec } from '../../src/model/spec.js';
import { drawSamples, lowRankSqrt, sampleBuffers } from '../../src/sim/data.js';
import { buildProblem } from '../../src/sim/problem.js';

const B = defaultBackend();
const problem = (model: ExperimentConfigInput['model']) => buildProblem(buildModelSpec(parseConfig({ model })), 3);

/** X = Z Σ^{1/2} and y from the stream's first n·d normals (then n more for ε), by plain loops. */
function reference(p: ReturnType<typeof problem>, n: number, seed: number): { X: Float64Array; y: Float64Array } {
  const { d, sigmaHalf, theta } = p;
  const rng = createRng(seed, 2);
  const Z = new Float64Array(n * d);
  rng.fillNormal(Z);
  const eps = new Float64Array(n);
  const noise = p.spec.labelNoise;
  if (noise > 0) rng.fillNormal(eps);
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let b = 0; b < d; b++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += Z[i * d + a] * sigmaHalf[a * d + b];
      X[i * d + b] = s;
      t += theta[b] * s;
    }
    y[i] = t * t + noise * eps[i];
  }
  return { X, y };
}

function maxRel(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

describe('drawSamples', () => {
  const spiked = (d: number, basis: 'canonical' | 'random', bulk = 1) => ({
    d,
    covariance: { kind: 'spiked' as const, signalVariance: 1, spikeVariance: 6, bulkVariance: bulk, basis },
    labelNoise: 0.3,
  });
  const cases: [string, ExperimentConfigInput['model'], 'diagonal' | 'low-rank' | 'dense'][] = [
    ['canonical basis', spiked(12, 'canonical'), 'diagonal'],
    ['random basis, spiked (k = 1 non-bulk direction)', spiked(12, 'random'), 'low-rank'],
    ['random basis, three distinct eigenvalues at d = 3 (2k ≥ d)', spiked(3, 'random', 2), 'dense'],
  ];
  for (const [name, model, path] of cases) {
    it(`${name}: the ${path} path gives X = Z Σ^{1/2} and y = (θᵀx)² + σ_ε ε from the documented draw order`, () => {
      const p = problem(model);
      const n = 257;
      const buf = sampleBuffers(p, n);
      expect(buf.lowRank === null).toBe(path !== 'low-rank');
      expect(p.sigmaDiagonal).toBe(path === 'diagonal');
      drawSamples(p, createRng(5, 2), buf, B);
      const ref = reference(p, n, 5);
      // the paths sum the same d terms per entry in other orders: rounding, a few ε relative to max |X|
      expect(maxRel(buf.X, ref.X)).toBeLessThan(1e-14);
      expect(maxRel(buf.y, ref.y)).toBeLessThan(1e-13);
    });
  }
  it('lowRankSqrt refuses a factorization that does not reproduce Σ^{1/2} (falls back to the dense product)', () => {
    const p = problem(spiked(12, 'random'));
    expect(lowRankSqrt(p, 4)).not.toBeNull();
    const broken = { ...p, sigmaHalf: Float64Array.from(p.sigmaHalf, (v, i) => (i === 1 ? v + 1e-6 : v)) };
    expect(lowRankSqrt(broken, 4)).toBeNull();
  });
});
