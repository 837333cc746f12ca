/**
 * SpecGD's reduced map (src/algorithms/specgd.ts): the sign rule with the shared tie tolerance on the matrix
 * manifold, normalized GD for the vector student; and the same rule as the derivation's own map expressions
 * (symbolic/derive.ts `deriveSpecgd`), evaluated at the same point.
 */
import { describe, expect, it } from 'vitest';
import { algorithm as specgd } from '../../src/algorithms/specgd.js';
import { presetConfig } from '../../src/config/config.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { buildModelSpec } from '../../src/model/spec.js';
import { systemFor } from '../../src/symbolic/compile.js';

function step(preset: string, g: number[], eta = 1): { dir: number[]; next: number[]; ranks: Float64Array } {
  const sys = systemFor(buildModelSpec(presetConfig(preset)));
  const cfg = { ...specgd.defaults, eta };
  const stepper = specgd.reduced(cfg, sys);
  const dir = new Float64Array(3);
  const next = new Float64Array(3);
  stepper.step(new Float64Array(3), Float64Array.from(g), next, dir);
  return { dir: Array.from(dir), next: Array.from(next), ranks: sys.ranks };
}

describe('SpecGD reduced map', () => {
  it('matrix student: sgn(g_k) with |g_k| ≤ signTieRelTol·max|g| counted as 0; a ← a − η·sgn(g)', () => {
    expect(step('spiked', [2, -3, 1e-20]).dir).toEqual([1, -1, 0]);
    // just above the tie cut: counts
    expect(step('spiked', [2, -3, 3 * DEFAULTS.signTieRelTol * 2]).dir[2]).toBe(1);
    expect(step('spiked', [2, -3, 1e-20], 0.5).next).toEqual([-0.5, 0.5, 0]);
  });
  it('vector student: g/√(Σ r_k g_k²) (unit Frobenius norm)', () => {
    const { dir, ranks } = step('spiked-vector', [3, 0, 1]);
    const norm = Math.sqrt(9 + ranks[2]);
    expect(dir).toEqual([3 / norm, 0, 1 / norm]);
    let s = 0;
    for (let k = 0; k < 3; k++) s += ranks[k] * dir[k] ** 2;
    expect(Math.abs(s - 1)).toBeLessThan(1e-15);
  });
});

describe('a run that does not bring the loss down (issue 15)', () => {
  it('SpecGD at η = 0.5 (d = 20): theory and simulation both report loss-increased, GD in the same config ok', async () => {
    const { parseConfig } = await import('../../src/config/config.js');
    const { runTheory } = await import('../../src/dynamics/theory.js');
    const { runSimulation } = await import('../../src/sim/simulate.js');
    const cfg = parseConfig({
      model: { d: 20, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 } },
      algorithms: [
        { name: 'specgd', eta: 0.5 },
        { name: 'gd', eta: 0.01 },
      ],
      steps: 400,
    });
    for (const ts of [runTheory(cfg), runSimulation(cfg)]) {
      expect(ts.map((t) => t.status)).toEqual(['loss-increased', 'ok']);
      expect(ts[0].message).toMatch(/loss does not come down.*lower eta/);
    }
  });
});
