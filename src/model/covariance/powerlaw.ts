/** Power-law spectrum (model.md §4): Σ = diag(λ_j), λ_j = j^(−exponent), j = 1..d; the signal θ = e_signalIndex, or
 * θ = w/‖w‖ spread over eigen-directions (`signal`, issue 13). */
import { z } from 'zod';
import { checkSignal, directionBlocks, signalComponents, signalIndex, signalVector, VARIANCE_MIN } from './fields.js';
import type { CovarianceFamily } from './types.js';

export interface PowerlawCovariance {
  kind: 'powerlaw';
  exponent: number;
  /** θ = e_signalIndex (1-based); absent when `signal` is given. */
  signalIndex?: number;
  /** θ spread over eigen-directions (fields.ts `signalVector`), normalized; absent when `signalIndex` is given. */
  signal?: (number | { index: number; weight: number })[];
  [field: string]: unknown;
}

export const family: CovarianceFamily<PowerlawCovariance> = {
  kind: 'powerlaw',
  order: 1,
  schema: z.strictObject({
    kind: z.literal('powerlaw'),
    /** λ_j = j^(−exponent), j = 1..d. */
    exponent: z.number({ error: 'a finite number ≥ 0' }).finite().gte(0, { error: 'a finite number ≥ 0' }),
    signalIndex: signalIndex().optional(),
    /** θ in the eigenbasis (d numbers) or a list of { index, weight }; normalized to ‖θ‖ = 1. */
    signal: signalVector().optional(),
  }),
  keys: ['kind', 'exponent', 'signalIndex', 'signal'],
  minD: { value: 2, why: '' },
  check(c, d) {
    // λ_j = j^(−exponent) must stay inside the supported variance range for every j ≤ d (else it underflows to 0
    // and the block, the signal's included, silently vanishes from the dynamics).
    const smallest = d ** -c.exponent;
    if (!(smallest >= VARIANCE_MIN)) {
      const maxExp = Math.floor((Math.log(1 / VARIANCE_MIN) / Math.log(d)) * 1000) / 1000;
      return ['exponent', c.exponent, `an exponent with every λ_j = j^(−exponent) ≥ ${VARIANCE_MIN} for j ≤ d = ${d}, i.e. ≤ ${maxExp} (λ_${d} = ${d}^(−${c.exponent}) = ${smallest} leaves the float64 range of the computation)`];
    }
    return checkSignal(c, d);
  },
  resolve: (c) => c,
  /** λ_j = j^(−exponent). */
  blocks: (c, d) => directionBlocks(Array.from({ length: d }, (_, j) => (j + 1) ** -c.exponent), signalComponents(c, d)),
  latex: (c) => `\\Sigma = \\operatorname{diag}(j^{-${c.exponent}})_{j=1}^{d}`,
};
