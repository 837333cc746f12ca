/** Diagonal covariance given by its eigenvalues: Σ = diag(λ_1..λ_d); the signal θ = e_signalIndex. */
import { z } from 'zod';
import { checkSignalIndex, directionBlocks, signalIndex, variance } from './fields.js';
import type { CovarianceFamily } from './types.js';

export interface DiagonalCovariance {
  kind: 'diagonal';
  eigenvalues: number[];
  signalIndex: number;
  [field: string]: unknown;
}

export const family: CovarianceFamily<DiagonalCovariance> = {
  kind: 'diagonal',
  order: 2,
  schema: z.strictObject({
    kind: z.literal('diagonal'),
    /** λ_1..λ_d, all > 0. */
    eigenvalues: z.array(variance('eigenvalue'), { error: 'an array of d numbers > 0' }).min(1),
    signalIndex: signalIndex(),
  }),
  keys: ['kind', 'eigenvalues', 'signalIndex'],
  minD: { value: 2, why: '' },
  check(c, d) {
    if (c.eigenvalues.length !== d) return ['eigenvalues', c.eigenvalues, `an array of exactly d = ${d} numbers > 0 (got ${c.eigenvalues.length})`];
    return checkSignalIndex(c.signalIndex, d);
  },
  resolve: (c) => c,
  blocks: (c) => directionBlocks(c.eigenvalues, c.signalIndex),
  latex: () => '\\Sigma = \\operatorname{diag}(\\lambda_1, \\dots, \\lambda_d)',
};
