/**
 * Diagonal covariance given by its eigenvalues: Σ = diag(λ_1..λ_d); the signal θ = e_signalIndex, or θ = w/‖w‖
 * spread over eigen-directions (`signal`, issue 13).
 */
import { z } from 'zod';
import { checkSignal, directionBlocks, signalComponents, signalIndex, signalVector, variance } from './fields.js';
import type { CovarianceFamily } from './types.js';

export interface DiagonalCovariance {
  kind: 'diagonal';
  eigenvalues: number[];
  /** θ = e_signalIndex (1-based); absent when `signal` is given. */
  signalIndex?: number;
  /** θ spread over eigen-directions (fields.ts `signalVector`), normalized; absent when `signalIndex` is given. */
  signal?: (number | { index: number; weight: number })[];
  [field: string]: unknown;
}

export const family: CovarianceFamily<DiagonalCovariance> = {
  kind: 'diagonal',
  order: 2,
  schema: z.strictObject({
    kind: z.literal('diagonal'),
    /** λ_1..λ_d, all > 0. */
    eigenvalues: z.array(variance('eigenvalue'), { error: 'an array of d numbers > 0' }).min(1),
    signalIndex: signalIndex().optional(),
    /** θ in the eigenbasis (d numbers) or a list of { index, weight }; normalized to ‖θ‖ = 1. */
    signal: signalVector().optional(),
  }),
  keys: ['kind', 'eigenvalues', 'signalIndex', 'signal'],
  minD: { value: 2, why: '' },
  check(c, d) {
    if (c.eigenvalues.length !== d) return ['eigenvalues', c.eigenvalues, `an array of exactly d = ${d} numbers > 0 (got ${c.eigenvalues.length})`];
    return checkSignal(c, d);
  },
  resolve: (c) => c,
  blocks: (c, d) => directionBlocks(c.eigenvalues, signalComponents(c, d)),
  latex: () => '\\Sigma = \\operatorname{diag}(\\lambda_1, \\dots, \\lambda_d)',
};
