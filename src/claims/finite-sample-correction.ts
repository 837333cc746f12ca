/**
 * The finite-sample correction of the escaping stage is predicted (issue 11, item 5): for full-batch GD at fixed d and
 * λ_v, the measured mean deviation from the population theory times n, y_n = n·(m̂_n − ā), converges to the predicted
 * coefficient c₁ of the linear response (dynamics/response/: E a_k − ā_k ≈ c₁/n) as n grows over a 16× range.
 *
 * Measurement: the signal coefficient a at step k* (where the predicted shift is best resolved, inside the
 * expansion's validity at every n: measurementStep), y_n with its standard error
 * SE_n = n·se_n over S seeds, n ∈ {n₀, 4n₀, 16n₀}. A weighted least-squares line y_n = β₀ + β₁/n (weights 1/SE_n²)
 * extrapolates to n → ∞: its intercept β₀ is the measured coefficient. Test: |β₀ − c₁| ≤ z·SE(β₀) with z the
 * two-sided normal quantile at CLAIM_ALPHA (the SEs come from S = 256 seeds: their own error is ≈ 4 %, negligible);
 * power: |c₁| ≥ 2z·SE(β₀) (the test can tell c₁ from 0, i.e. from the population theory), else inconclusive.
 * Negative control: the same measurement against a deliberately wrong coefficient 2c₁ (must fail).
 */
import { twoSided, type Claim } from '../compare/claim.js';
import { parseConfig, type ExperimentConfig } from '../config/config.js';
import { normalQuantile } from '../core/special.js';
import { responsesOf, validRange } from '../dynamics/response/corrected.js';
import { seriesView } from '../compare/series.js';
import type { ClaimDefinition } from './definition.js';
import type { RunRequest, RunSet } from './runs.js';

/** Two-sided false-alarm level of the claim's test. */
export const CLAIM_ALPHA = 0.01;
/** The negative control's wrong coefficient is CONTROL_FACTOR·c₁. */
export const CONTROL_FACTOR = 2;
/** Sample sizes (a 16× range) and seeds of the measurement. */
export const CORRECTION_N = [125, 500, 2000] as const;
export const CORRECTION_SEEDS = 256;
const STEPS = 30;

/** The model of the measurement: small d (many seeds are cheap), an anisotropic spike, GD from α = 0.2. */
export function correctionConfig(n: number | null): ExperimentConfig {
  return parseConfig({
    model: { d: 6, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 4, bulkVariance: 1 }, student: { kind: 'matrix' }, init: { kind: 'scaled-identity', alpha: 0.2 } },
    algorithms: [{ name: 'gd', eta: 0.05 }],
    steps: STEPS,
    data: n === null ? { mode: 'population' } : { mode: 'full-batch', n },
    seeds: n === null ? [1] : Array.from({ length: CORRECTION_SEEDS }, (_, i) => i + 1),
    record: 'all',
  });
}

export interface CorrectionPoint {
  n: number;
  /** n·(m̂_n − ā) */
  y: number;
  /** n·se_n */
  se: number;
}

/** Weighted least squares y = β₀ + β₁ x (weights 1/se²): intercept and its standard error. */
export function weightedIntercept(x: number[], y: number[], se: number[]): { intercept: number; interceptSe: number; slope: number } {
  let S = 0;
  let Sx = 0;
  let Sy = 0;
  let Sxx = 0;
  let Sxy = 0;
  x.forEach((xi, i) => {
    const w = 1 / se[i] ** 2;
    S += w;
    Sx += w * xi;
    Sy += w * y[i];
    Sxx += w * xi * xi;
    Sxy += w * xi * y[i];
  });
  const det = S * Sxx - Sx * Sx;
  return { intercept: (Sxx * Sy - Sx * Sxy) / det, interceptSe: Math.sqrt(Sxx / det), slope: (S * Sxy - Sx * Sy) / det };
}

/** The claim from measured points and the predicted coefficient. */
export function finiteSampleCorrectionClaim(points: CorrectionPoint[], predicted: number, step: number): Claim {
  const fit = weightedIntercept(points.map((p) => 1 / p.n), points.map((p) => p.y), points.map((p) => p.se));
  const z = normalQuantile(1 - CLAIM_ALPHA / 2);
  const tolerance = z * fit.interceptSe;
  const ok = Math.abs(fit.intercept - predicted) <= tolerance;
  const powerful = Math.abs(predicted) >= 2 * tolerance;
  const verdict = !ok ? 'fail' : powerful ? 'pass' : 'inconclusive';
  return {
    id: 'finite-sample-correction',
    kind: 'finding',
    statement: 'The finite-sample shift of full-batch GD from the population theory is predicted: n × (mean deviation) converges to the linear-response coefficient as n grows.',
    quantity: `n·(mean a − ā) at step ${step} (d = 6, λ_v = 4, GD η̃ = 0.05, α = 0.2, ${CORRECTION_SEEDS} seeds) at n ∈ {${points.map((p) => p.n).join(', ')}}: ${points.map((p) => `${p.y.toFixed(2)} ± ${p.se.toFixed(2)}`).join(', ')}; extrapolated to n → ∞ by y = β₀ + β₁/n (weighted by 1/SE²)`,
    measured: fit.intercept,
    predicted,
    tolerance,
    test: `|β₀ − c₁| ≤ z·SE(β₀), power: |c₁| ≥ 2z·SE(β₀) (else inconclusive)`,
    toleranceRule: `z = Φ⁻¹(1 − ${CLAIM_ALPHA}/2) = ${z.toFixed(3)} times the intercept's standard error ${fit.interceptSe.toPrecision(3)} from the ensembles' SEs`,
    source: 'simulation (full-batch GD, seed ensembles) vs the linear response (dynamics/response/)',
    verdict,
    ...(verdict === 'inconclusive' ? { reason: `|c₁| = ${Math.abs(predicted).toPrecision(3)} < 2z·SE(β₀) = ${(2 * tolerance).toPrecision(3)}: the ensembles cannot tell the coefficient from 0` } : {}),
    control: { case: `wrong coefficient ${CONTROL_FACTOR}c₁ = ${(CONTROL_FACTOR * predicted).toPrecision(4)}, same fit and tolerance`, measured: fit.intercept, verdict: twoSided(fit.intercept, CONTROL_FACTOR * predicted, tolerance) },
  };
}

/**
 * Step k* of the measurement: where the predicted shift is best resolved by an ensemble, max_k |c₁(k)|/σ(k) (the
 * shift c₁/n against the standard error σ/√(nS) of the mean), among steps where the response is valid at every n.
 */
export function measurementStep(c1: number[], sd: number[], lastValid: number): number {
  let best = 1;
  for (let k = 1; k <= lastValid; k++) if (sd[k] > 0 && Math.abs(c1[k]) / sd[k] > Math.abs(c1[best]) / (sd[best] || Infinity)) best = k;
  return best;
}

/** The measurement of the claim (and of its figure, report/figures/fig13-finite-correction.ts): k*, c₁(k*), y_n ± SE_n. */
export function correctionMeasurement(runs: RunSet): { step: number; predicted: number; points: CorrectionPoint[] } {
  const pop = runs.run(correctionConfig(null)).theory()[0];
  const popA = (pop.series as Record<string, number[]>).a;
  const [resp] = responsesOf(correctionConfig(CORRECTION_N[0]));
  const pa = resp.predictions.find((p) => p.name === 'a')!;
  const lastValid = Math.min(...CORRECTION_N.map((n) => validRange(resp.run, resp.blocks, resp.signal, false, n).last));
  const k = measurementStep(pa.meanShift, pa.sd, lastValid);
  const points: CorrectionPoint[] = CORRECTION_N.map((n) => {
    const sim = runs.run(correctionConfig(n)).simulation()[0];
    const v = seriesView(sim, 'a')!;
    const i = sim.step.indexOf(k);
    return { n, y: n * (v.mean[i] - popA[pop.step.indexOf(k)]), se: n * v.se[i] };
  });
  return { step: k, predicted: pa.meanShift[k], points };
}

export const finiteSampleCorrection: ClaimDefinition = {
  id: 'finite-sample-correction',
  statement: 'The finite-sample shift of full-batch GD from the population theory is predicted: n × (mean deviation) converges to the linear-response coefficient as n grows.',
  falsifiedBy: 'an extrapolated n·(mean deviation) further from the predicted coefficient than z times its standard error (or too little power to tell the coefficient from 0: inconclusive).',
  runs: (): RunRequest[] => [{ config: correctionConfig(null), purpose: 'population theory (correction claim)' }, ...CORRECTION_N.map((n) => ({ config: correctionConfig(n), purpose: `full batch n = ${n}, ${CORRECTION_SEEDS} seeds (correction claim)` }))],
  measure(runs) {
    const { points, predicted, step: k } = correctionMeasurement(runs);
    return [finiteSampleCorrectionClaim(points, predicted, k)];
  },
};
