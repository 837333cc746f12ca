/**
 * Spiked covariance (model.md §4): Σ = λ_θ θθᵀ + λ_v vvᵀ + σ²(I − θθᵀ − vvᵀ), v ⊥ θ. Blocks signal (λ_θ, rank 1,
 * coefficient a), spike (λ_v, rank 1, b), bulk (σ², rank d − 2, c). Canonical basis θ = e₁, v = e₂.
 */
import { z } from 'zod';
import { variance } from './fields.js';
import type { CovarianceFamily } from './types.js';

export interface SpikedCovariance {
  kind: 'spiked';
  signalVariance: number;
  spikeVariance: number;
  bulkVariance: number;
  basis?: 'canonical' | 'random';
  [field: string]: unknown;
}

/** Default basis of the spiked model: θ = e₁, v = e₂. */
export const DEFAULT_BASIS = 'canonical' as const;

export const family: CovarianceFamily<SpikedCovariance> = {
  kind: 'spiked',
  order: 0,
  schema: z.strictObject({
    kind: z.literal('spiked'),
    /** λ_θ: variance along the signal θ. */
    signalVariance: variance('variance λ_θ along the signal'),
    /** λ_v: variance along the spike v ⊥ θ. */
    spikeVariance: variance('variance λ_v along the spike'),
    /** σ²: variance of the bulk (rank d − 2). */
    bulkVariance: variance('bulk variance σ²'),
    /** "canonical": θ = e₁, v = e₂; "random": a seeded random orthonormal basis (simulation only). */
    basis: z.enum(['canonical', 'random'], { error: '"canonical" or "random"' }).optional(),
  }),
  keys: ['kind', 'signalVariance', 'spikeVariance', 'bulkVariance', 'basis'],
  minD: { value: 3, why: 'signal, spike and a bulk of rank d − 2 ≥ 1' },
  check: () => null,
  resolve: (c) => ({ ...c, basis: c.basis ?? DEFAULT_BASIS }),
  blocks(c, d) {
    const blockOf = new Int32Array(d);
    // Canonical basis: θ = e₁ (direction 0), v = e₂ (direction 1), bulk = the rest.
    for (let j = 0; j < d; j++) blockOf[j] = j < 2 ? j : 2;
    return {
      blocks: [
        { name: 'signal', symbol: 'a', role: 'signal', variance: c.signalVariance, varianceSymbol: 'lambda_theta', rank: 1, rankInD: { coef: 0, offset: 1 } },
        { name: 'spike', symbol: 'b', role: 'spike', variance: c.spikeVariance, varianceSymbol: 'lambda_v', rank: 1, rankInD: { coef: 0, offset: 1 } },
        { name: 'bulk', symbol: 'c', role: 'bulk', variance: c.bulkVariance, varianceSymbol: 'sigma2', rank: d - 2, rankInD: { coef: 1, offset: -2 } },
      ],
      signalBlock: 0,
      spikeBlock: 1,
      blockOf,
      basis: c.basis ?? DEFAULT_BASIS,
    };
  },
  latex: () => '\\Sigma = \\lambda_\\theta \\theta\\theta^\\top + \\lambda_v v v^\\top + \\sigma^2 (I - \\theta\\theta^\\top - v v^\\top)',
};
