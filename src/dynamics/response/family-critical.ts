/**
 * The family-wise critical values of a finite-sample comparison against the source ensemble (issue 11), from the
 * theory's own law of a seed.
 *
 * The theory predicts more than a mean μ_{k,s} per step k and series s: each of its D draws is a sample of the law it
 * predicts for one seed (source-ensemble.ts), with SD σ_{k,s} and the Monte Carlo error mcse_{k,s} of μ. Under the
 * hypothesis that the theory is right, S seeds are S independent draws of that law, and the theory's μ and σ are
 * estimates from D other draws of it. So the null distribution of any statistic of the seeds and the theory is that of
 * S draws resampled from the ensemble (with replacement, FAMILY_RESAMPLES times, a fixed stream) against a
 * pair-bootstrap replicate μ*, σ* of the ensemble's own mean and SD (D/2 of its antithetic pairs drawn with
 * replacement; FAMILY_REFERENCE_REPLICATES of them, resample r against replicate r mod that count). A comparison of S
 * seeds (compare/compare.ts) tests two statistics at level α/2 each (α in all, by the union bound):
 *  - the mean: Z_{k,s} = |x̄_{k,s} − μ_{k,s}| / √(max(σ̂², σ²)_{k,s}/S + mcse²_{k,s}), the seeds' standard error except
 *    where the theory predicts a wider spread than the seeds show, and the theory's Monte Carlo error;
 *  - the spread: V_{k,s} = |ln(σ̂_{k,s}/σ_{k,s})| (σ̂ the seeds' SD, S − 1 in its denominator),
 * each as its maximum over the compared steps k ≤ K and series, with critical value
 *   z_K, w_K = the ⌈(1 − α/2)(R + 1)⌉-th smallest of the R resampled maxima
 * (the Monte Carlo test's conservative order statistic), so P(max Z > z_K) ≤ α/2 and P(max V > w_K) ≤ α/2 up to the
 * resampling error (of R resamples, and of the FAMILY_REFERENCE_REPLICATES references they are compared with: the
 * larger part). This is the single-step max-T calibration of Westfall & Young (Resampling-Based Multiple Testing,
 * Wiley 1993, §2.6) with the theory as the null; the replicate reference is the bootstrap of a two-sample statistic
 * (Efron & Tibshirani, An Introduction to the Bootstrap, Chapman & Hall 1993, §16.2). Without it the null treats the
 * theory's μ and σ as exact. Measured false-alarm rate of a right theory at α = 1%, S = 16
 * (scripts/family-calibration.ts, mean ± SE over independent sets of fake seeds): online B = 100, D = 256,
 * 1.09% ± 0.05% (1.35% without the replicates); full batch d = 8, λ_v = 10, n = 2000 over the escaping stage
 * 1.13% ± 0.06% (docs/model.md §7). Why not the Bonferroni–Student-t constant
 * t_{S−1}(α/N) with the seeds' σ̂ alone (compare/tolerance.ts): the per-seed law of the loss or of |b| at n = 2000 has
 * skewness −1 to −3 late in the escape, where a few seeds rarely sample the long tail, so σ̂ is often small exactly
 * when x̄ is off: the studentized maximum's 99% point for 16 seeds is 7.9 there (d = 40, λ_v = 10, n = 2000), not
 * Student's 5.8 — the Bonferroni–t test rejects a right theory more often than α says. The theory's σ covers the tail
 * the seeds missed (with it alone the point is 3.9); the seeds' σ̂ where it is the larger keeps a theory that predicts
 * too narrow a spread from failing for that reason alone; and the spread test keeps one from passing by predicting
 * too wide a spread.
 *
 * z_K and w_K are running maxima, non-decreasing in K, and for a window [k₀, K] or a subset of the series each
 * maximum is over fewer terms, so they are conservative there. A point with σ = 0 (every draw equal: step 0,
 * W₀ = αI) has Z = 0 and no spread test (the comparison's tolerance there is the rounding term).
 */
import { createRng, type Rng } from '../../core/rng.js';
import type { KeptDraws } from './source-ensemble.js';

import { FAMILY_REFERENCE_REPLICATES, FAMILY_RESAMPLES } from '../../config/defaults.js';
export { FAMILY_REFERENCE_REPLICATES, FAMILY_RESAMPLES };
/** Seed of the resampling stream (fixed: the same config gives the same critical values). */
export const FAMILY_SEED = 0x510e527f;

export interface FamilyCritical {
  /** The seed count S the values are for (a comparison of another count falls back to the Bonferroni–t rule). */
  seeds: number;
  /** Family-wise false-alarm probability. */
  alpha: number;
  resamples: number;
  /** Pair-bootstrap replicates of the reference (the theory's mean and SD) the resamples are compared with. */
  referenceReplicates: number;
  draws: number;
  /** The series the maximum runs over. */
  series: string[];
  /** The steps (the corrected trajectory's recorded steps) and, per step K, z_K and w_K over steps ≤ K. */
  steps: number[];
  z: number[];
  w: number[];
}

/**
 * Pair-bootstrap replicates of the theory's mean and SD at every kept point (module comment): replicate q draws D/2
 * of the ensemble's antithetic pairs (draws 2i, 2i + 1) with replacement and takes the mean and the SD (D − 1 in its
 * denominator, as the ensemble's) over their draws. Returns mu[q·LG + j], sig[q·LG + j].
 */
export function referenceReplicates(values: Float64Array, D: number, LG: number, Q: number, rng: Rng): { mu: Float64Array; sig: Float64Array } {
  const P = D / 2;
  const mu = new Float64Array(Q * LG);
  const sig = new Float64Array(Q * LG);
  const pick = new Int32Array(P);
  for (let q = 0; q < Q; q++) {
    for (let i = 0; i < P; i++) pick[i] = Math.min(P - 1, Math.floor(rng.uniform() * P));
    const m = mu.subarray(q * LG, (q + 1) * LG);
    const v2 = sig.subarray(q * LG, (q + 1) * LG);
    for (let i = 0; i < P; i++) {
      for (let h = 0; h < 2; h++) {
        const base = (2 * pick[i] + h) * LG;
        for (let j = 0; j < LG; j++) m[j] += values[base + j];
      }
    }
    for (let j = 0; j < LG; j++) m[j] /= D;
    for (let i = 0; i < P; i++) {
      for (let h = 0; h < 2; h++) {
        const base = (2 * pick[i] + h) * LG;
        for (let j = 0; j < LG; j++) {
          const e = values[base + j] - m[j];
          v2[j] += e * e;
        }
      }
    }
    for (let j = 0; j < LG; j++) v2[j] = Math.sqrt(v2[j] / (D - 1));
  }
  return { mu, sig };
}

/**
 * The critical values of S seeds at family-wise level alpha (module comment) from the kept draws, with the theory's
 * SD and Monte Carlo error per series at the kept steps (indexed like kept.steps). Null when a critical value is not
 * finite (an ensemble of so few draws that S of them can coincide: σ̂ = 0 in a resample), and the comparison then
 * falls back to the Bonferroni–t rule. R must be ≥ 2/α − 1, the fewest resamples with a (1 − α/2) order statistic.
 */
export function familyCriticalValues(
  kept: KeptDraws,
  sd: Record<string, ArrayLike<number>>,
  mcse: Record<string, ArrayLike<number>>,
  S: number,
  alpha: number,
  R = FAMILY_RESAMPLES,
  Q = FAMILY_REFERENCE_REPLICATES,
): FamilyCritical | null {
  if (!(S >= 2)) throw new Error(`family critical values need ≥ 2 seeds (got ${S})`);
  if (!(Number.isInteger(Q) && Q >= 1)) throw new Error(`family critical values need ≥ 1 reference replicate (got ${Q})`);
  if (!(R >= 2 / alpha - 1)) throw new Error(`family critical values at level ${alpha} need ≥ ${Math.ceil(2 / alpha - 1)} resamples for their (1 − α/2) order statistic (got ${R})`);
  const { names, steps, draws: D, values } = kept;
  if (!(D >= 2 && D % 2 === 0)) throw new Error(`family critical values need the ensemble's antithetic pairs (an even draw count ≥ 2, got ${D})`);
  const G = names.length;
  const L = steps.length;
  const LG = L * G;
  const sig = new Float64Array(LG);
  const mc2 = new Float64Array(LG);
  for (let k = 0; k < L; k++) {
    for (let g = 0; g < G; g++) {
      if (!(sd[names[g]][k] >= 0)) throw new Error(`family critical values: no SD of ${names[g]} at slot ${k}`);
      sig[k * G + g] = sd[names[g]][k];
      mc2[k * G + g] = mcse[names[g]][k] ** 2;
    }
  }
  const rng = createRng(FAMILY_SEED, S * 1_000_003 + D);
  const ref = referenceReplicates(values, D, LG, Q, rng);
  // the resampled maxima per step (float32: a critical value needs three digits; half the memory of a long run)
  const Mz = new Float32Array(R * L);
  const Mw = new Float32Array(R * L);
  const pick = new Int32Array(S);
  const sum = new Float64Array(LG);
  const sum2 = new Float64Array(LG);
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < S; i++) pick[i] = Math.min(D - 1, Math.floor(rng.uniform() * D));
    // two passes (mean, then squared deviations): the early steps' spread is ~1e-9 of the value, below what
    // Σv² − S·m² resolves
    sum.fill(0);
    sum2.fill(0);
    for (let i = 0; i < S; i++) {
      const base = pick[i] * LG;
      for (let j = 0; j < LG; j++) sum[j] += values[base + j];
    }
    for (let j = 0; j < LG; j++) sum[j] /= S;
    for (let i = 0; i < S; i++) {
      const base = pick[i] * LG;
      for (let j = 0; j < LG; j++) {
        const v = values[base + j] - sum[j];
        sum2[j] += v * v;
      }
    }
    const q0 = (r % Q) * LG;
    let mz = 0;
    let mw = 0;
    for (let k = 0; k < L; k++) {
      for (let g = 0; g < G; g++) {
        const j = k * G + g;
        if (!(sig[j] > 0)) continue;
        // the comparison's statistics with the reference replaced by a replicate (its Monte Carlo error in the null,
        // as the comparison's own reference carries it; mcse² in the denominator as in compare's tolerance)
        const mu = ref.mu[q0 + j];
        const s2 = ref.sig[q0 + j] ** 2;
        mz = Math.max(mz, Math.abs(sum[j] - mu) / Math.sqrt(Math.max(sum2[j] / (S - 1), s2) / S + mc2[j]));
        mw = Math.max(mw, Math.abs(0.5 * Math.log(sum2[j] / (S - 1) / s2)));
      }
      Mz[r * L + k] = mz;
      Mw[r * L + k] = mw;
    }
  }
  // the conservative order statistic of a Monte Carlo test: the ⌈(1 − α/2)(R + 1)⌉-th smallest (≤ R by the check above)
  const rank = Math.min(R - 1, Math.ceil((1 - alpha / 2) * (R + 1)) - 1);
  const col = new Float64Array(R);
  const quantileAt = (M: Float32Array, k: number): number => {
    for (let r = 0; r < R; r++) col[r] = M[r * L + k];
    col.sort();
    return col[rank];
  };
  const z = steps.map((_, k) => quantileAt(Mz, k));
  const w = steps.map((_, k) => quantileAt(Mw, k));
  if (!z.every(Number.isFinite) || !w.every(Number.isFinite)) return null;
  return { seeds: S, alpha, resamples: R, referenceReplicates: Q, draws: D, series: [...names], steps: [...steps], z, w };
}
