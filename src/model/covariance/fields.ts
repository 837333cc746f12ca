/**
 * Field builders shared by the covariance families. Supported range of every variance / eigenvalue: outside it,
 * products such as λ²a⁴ in the loss (or the exact rational arithmetic of the fixed points) leave the float64 range.
 * The limits are bad input, not a crash.
 */
import { z } from 'zod';

export const VARIANCE_MIN = 1e-100;
export const VARIANCE_MAX = 1e100;

export const variance = (what: string) => {
  const msg = `a number > 0 within [${VARIANCE_MIN}, ${VARIANCE_MAX}] (${what})`;
  return z.number({ error: msg }).gte(VARIANCE_MIN, { error: msg }).lte(VARIANCE_MAX, { error: msg });
};

/** 1-based index j of the eigen-direction that carries the signal θ = e_j. */
export const signalIndex = () => z.number({ error: 'an integer in 1..d' }).int({ error: 'an integer in 1..d' });

/** One rank-1 block per eigen-direction: coefficients a_1..a_d, the signal on direction `signalIndex`. */
export function directionBlocks(lambdas: readonly number[], signalIndex1: number) {
  const d = lambdas.length;
  const blockOf = new Int32Array(d);
  const blocks = lambdas.map((variance, j) => {
    blockOf[j] = j;
    return { name: `direction ${j + 1}`, symbol: `a_${j + 1}`, role: 'direction' as const, variance, varianceSymbol: `lambda_${j + 1}`, rank: 1, rankInD: { coef: 0, offset: 1 } };
  });
  return { blocks, signalBlock: signalIndex1 - 1, spikeBlock: -1, blockOf, basis: 'canonical' as const };
}

/** The signal index rule: 1 ≤ signalIndex ≤ d. */
export function checkSignalIndex(index: number, d: number): [string, unknown, string] | null {
  return index < 1 || index > d ? ['signalIndex', index, `an integer in 1..${d} (1-based eigen-direction index, d = ${d})`] : null;
}
