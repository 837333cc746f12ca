/** populationLossFromGram: the population loss from an already formed WᵀW equals populationLoss(W) bit for bit. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { defaultBackend } from '../../src/core/linalg.js';
import { createRng } from '../../src/core/rng.js';
import { buildModelSpec } from '../../src/model/spec.js';
import { populationLoss, populationLossFromGram, populationWorkspace } from '../../src/sim/gradient.js';
import { buildProblem } from '../../src/sim/problem.js';

const B = defaultBackend();

describe('populationLossFromGram', () => {
  for (const basis of ['canonical', 'random'] as const) {
    it(`${basis} basis: the same arithmetic as populationLoss (WᵀW formed once)`, () => {
      const p = buildProblem(buildModelSpec(parseConfig({ model: { d: 11, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 3, bulkVariance: 0.5, basis } } })), 5);
      const W = new Float64Array(p.d * p.d);
      createRng(3).fillNormal(W);
      const M = new Float64Array(p.d * p.d);
      B.gemm(true, false, p.d, p.d, p.d, 1, W, W, 0, M);
      const expected = populationLoss(p, B, W, populationWorkspace(p.d));
      expect(expected).toBeGreaterThan(0);
      expect(populationLossFromGram(p, B, M, populationWorkspace(p.d))).toBe(expected);
    });
  }
});
