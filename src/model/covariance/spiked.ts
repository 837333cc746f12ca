/**
 * Spiked covariance (model.md §4): Σ = λ_θ uuᵀ + λ_v vvᵀ + σ²(I − uuᵀ − vvᵀ), u ⊥ v, and the signal
 * θ = cos φ·u + sin φ·v with φ = `signalSpikeAngle` (radians, default 0: θ = u ⊥ v, the paper's model). Blocks
 * signal direction u (λ_θ, rank 1, coefficient a), spike v (λ_v, rank 1, b), bulk (σ², rank d − 2, c). Canonical
 * basis u = e₁, v = e₂. At φ ≠ 0 (sin φ ≠ 0 in float64) θ touches both u and v and the reduction is the 2 × 2
 * matrix block on span{u, v} plus the bulk scalar (issue 13, symbolic/matrix-block*.ts).
 */
import { z } from 'zod';
import { MIN_SIGNAL_WEIGHT, variance } from './fields.js';
import type { CovarianceFamily } from './types.js';

export interface SpikedCovariance {
  kind: 'spiked';
  signalVariance: number;
  spikeVariance: number;
  bulkVariance: number;
  basis?: 'canonical' | 'random';
  /** φ in θ = cos φ·u + sin φ·v (radians, within [−π, π]; default 0). */
  signalSpikeAngle?: number;
  [field: string]: unknown;
}

/** Default basis of the spiked model: θ = e₁, v = e₂. */
export const DEFAULT_BASIS = 'canonical' as const;

/** Default angle between the signal and the signal-variance direction u: 0 (θ = u ⊥ v). */
export const DEFAULT_SIGNAL_SPIKE_ANGLE = 0;

const ANGLE_MSG = 'a finite angle φ in radians within [−π, π] (θ = cos φ·u + sin φ·v; 0: θ ⊥ the spike)';

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
    /** φ: θ = cos φ·u + sin φ·v (radians). */
    signalSpikeAngle: z.number({ error: ANGLE_MSG }).finite({ error: ANGLE_MSG }).gte(-Math.PI, { error: ANGLE_MSG }).lte(Math.PI, { error: ANGLE_MSG }).optional(),
  }),
  keys: ['kind', 'signalVariance', 'spikeVariance', 'bulkVariance', 'basis', 'signalSpikeAngle'],
  minD: { value: 3, why: 'signal, spike and a bulk of rank d − 2 ≥ 1' },
  check: (c) => {
    // θ = cos φ·u + sin φ·v enters the reduction through θθᵀ: a component whose square underflows (0 < |sin φ| or
    // |cos φ| < 2⁻⁵¹¹, e.g. φ = 1e-200) cannot be represented; the fuzz suite found φ = 9.4e-323 giving NaN.
    const phi = c.signalSpikeAngle ?? 0;
    for (const w of [Math.cos(phi), Math.sin(phi)]) {
      if (w !== 0 && Math.abs(w) < MIN_SIGNAL_WEIGHT) return ['signalSpikeAngle', phi, `0 or an angle whose components cos φ, sin φ are 0 or at least ${MIN_SIGNAL_WEIGHT.toExponential(3)} in size (here ${Math.abs(w).toExponential(3)}: its square underflows float64); use 0 for a spike orthogonal to the signal`];
    }
    return null;
  },
  // signalSpikeAngle stays absent when not given (the resolved config, and so the run id, of φ = 0 runs is unchanged).
  resolve: (c) => ({ ...c, basis: c.basis ?? DEFAULT_BASIS }),
  blocks(c, d) {
    const blockOf = new Int32Array(d);
    // Canonical basis: θ = e₁ (direction 0), v = e₂ (direction 1), bulk = the rest.
    for (let j = 0; j < d; j++) blockOf[j] = j < 2 ? j : 2;
    return {
      blocks: [
        { name: 'signal', symbol: 'a', role: 'signal', variance: c.signalVariance, varianceSymbol: 'lambda_theta', rank: 1, rankInD: { coef: 0, offset: 1 }, axis: 'u' },
        { name: 'spike', symbol: 'b', role: 'spike', variance: c.spikeVariance, varianceSymbol: 'lambda_v', rank: 1, rankInD: { coef: 0, offset: 1 }, axis: 'v' },
        { name: 'bulk', symbol: 'c', role: 'bulk', variance: c.bulkVariance, varianceSymbol: 'sigma2', rank: d - 2, rankInD: { coef: 1, offset: -2 } },
      ],
      signalBlock: 0,
      spikeBlock: 1,
      blockOf,
      basis: c.basis ?? DEFAULT_BASIS,
      signal: spikedSignal(c.signalSpikeAngle ?? DEFAULT_SIGNAL_SPIKE_ANGLE),
    };
  },
  latex: (c) =>
    (c.signalSpikeAngle ?? 0) === 0
      ? '\\Sigma = \\lambda_\\theta \\theta\\theta^\\top + \\lambda_v v v^\\top + \\sigma^2 (I - \\theta\\theta^\\top - v v^\\top)'
      : `\\Sigma = \\lambda_\\theta u u^\\top + \\lambda_v v v^\\top + \\sigma^2 (I - u u^\\top - v v^\\top),\\ \\theta = \\cos\\varphi\\, u + \\sin\\varphi\\, v,\\ \\varphi = ${c.signalSpikeAngle}`,
};

/**
 * θ = cos φ·u + sin φ·v on the directions u = 0, v = 1 (unit norm by construction; a zero component, e.g. sin 0,
 * is left out, so φ = 0 gives θ = u exactly).
 */
export function spikedSignal(phi: number): { direction: number; weight: number }[] {
  const out: { direction: number; weight: number }[] = [];
  const c = Math.cos(phi);
  const s = Math.sin(phi);
  if (c !== 0) out.push({ direction: 0, weight: c });
  if (s !== 0) out.push({ direction: 1, weight: s });
  return out;
}
