/**
 * Predicted finite-sample statistics along the population trajectory (issue 11), from the response of
 * propagate.ts. For a statistic s(W) with W = W̄ + W₁ + W₂ (E W₁ = 0, W₁ = O(n^{-1/2}), W₂ = O(n^{-1})):
 *
 *   E[s] − s(W̄) = ∇s·E[W₂] + ½ E[W₁ᵀ∇²s W₁] + O(n^{-2})     (the "mean shift", coefficient of 1/n)
 *   Var[s]       = ∇sᵀ Cov(W₁) ∇s + O(n^{-2})                   (the per-seed SD², coefficient of 1/n)
 *
 * (full batch: per unit 1/n; online SGD with batch B: per unit 1/B). The compared statistics (src/statistics/):
 *  - signed block coefficient a_k = tr(P_kW)/r_k: linear, shift t2_k/r_k, variance E t_k²/r_k²;
 *  - block magnitude |a|_k = ‖WP_k‖_F/√r_k: leading shift sgn(ā_k) t2_k/r_k + (N_k − E t_k²/r_k)/(2 r_k |ā_k|),
 *    N_k = E‖W₁P_k‖²_F, variance as a_k; at a size N the square root is not expanded (atSize: uniformly valid when
 *    the column's noise outweighs ā_k²);
 *  - misalignment ratio f(a) (spiked: b/a; else max_{k≠s}|a_k|/|a_s| at the population argmax): shift
 *    ∇f·E δa₂ + ½ Σ ∂²f Cov(δa), variance ∇fᵀCov(δa)∇f, δa_k = t_k/r_k;
 *  - magnitude ratio m_o/m_s (ratio_mag): the second-order form of a ratio about the magnitudes' own predictions;
 *  - population loss L = κ[tr(DΣ)² + 2tr((DΣ)²)]: shift κ[2T̄Eτ₂ + Eτ₁² + 4Σ_a e_aλ_a² E tr D₂,aa + 2E tr((D₁Σ)²)],
 *    τ_i = tr(D_iΣ), E tr D₂,aa = 2ā_a t2_a + N_a; variance ℓᵀ E[tt] ℓ, ℓ_a = 2κā_a(2T̄λ_a + 4e_aλ_a²).
 * Escape step (first k with a_s ≥ level): shift −E δa_s(k*)/(ā_s(k*) − ā_s(k*−1)) (linearized crossing; its
 * own standard deviation sd(a_s(k*))/slope).
 * Alignment |⟨θ, u₁⟩| is 0/1 on the manifold (a discontinuous statistic there) and is not predicted.
 */
import { columnNorm2, populationGradientFactors, type ResponsePoint, type ResponseRun } from './propagate.js';
import type { ResponseBlocks } from './moments.js';

export interface StatisticPrediction {
  /** Series name (as in src/statistics/). */
  name: string;
  /** Population value s(W̄_k). */
  population: number[];
  /** Coefficient c of the leading mean shift: E s − s(W̄) ≈ c/N (N = n or B). */
  meanShift: number[];
  /** Coefficient σ of the leading per-seed SD: SD ≈ σ/√N. */
  sd: number[];
  /**
   * The predicted ensemble mean and per-seed SD at a size N: s̄ + c/N and σ/√N, except for the block magnitudes and
   * the loss, whose second-order parts are sums over many entries (module comment: `atSize`).
   */
  atSize(N: number): { mean: number[]; sd: number[] };
}

export interface PredictionContext {
  blocks: ResponseBlocks;
  symbols: string[];
  signal: number;
  spike: number;
  lossScale: number;
}

function lossAt(ctx: PredictionContext, a: Float64Array): number {
  const K = a.length;
  const e = new Float64Array(K);
  const gt = new Float64Array(K);
  const T = populationGradientFactors(ctx.blocks, ctx.signal, a, e, gt);
  let s = T * T;
  for (let k = 0; k < K; k++) s += 2 * ctx.blocks.rank[k] * ctx.blocks.lambda[k] ** 2 * e[k] ** 2;
  return ctx.lossScale * s;
}

/**
 * Variance of a sum of squared pieces Σ_p w_p ‖Y_p‖² with Y_p of m_p entries and total second moment Q_p, in the
 * Gaussian approximation of the entries (exact for the Gaussian limit of the mean of n samples): Σ_p 2 w_p² Q_p²/m_p.
 */
function squaresVariance(terms: [number, number, number][]): number {
  let v = 0;
  for (const [w, Q, m] of terms) if (m > 0) v += (2 * w * w * Q * Q) / m;
  return v;
}

/** Per-point predictions of every supported statistic. */
export function predictStatistics(run: ResponseRun, ctx: PredictionContext): StatisticPrediction[] {
  const K = ctx.symbols.length;
  const { lambda: lam, rank } = ctx.blocks;
  const out: StatisticPrediction[] = [];
  const linear = (name: string, f: (p: ResponsePoint, i: number) => [number, number, number]) => {
    const pred: StatisticPrediction = {
      name,
      population: [],
      meanShift: [],
      sd: [],
      atSize: (N) => ({ mean: pred.population.map((v, i) => v + pred.meanShift[i] / N), sd: pred.sd.map((x) => x / Math.sqrt(N)) }),
    };
    for (let i = 0; i < run.points.length; i++) {
      const [v, m, sd] = f(run.points[i], i);
      pred.population.push(v);
      pred.meanShift.push(m);
      pred.sd.push(sd);
    }
    out.push(pred);
    return pred;
  };
  for (let k = 0; k < K; k++) linear(ctx.symbols[k], (p) => [p.a[k], p.mean[k] / rank[k], Math.sqrt(Math.max(0, p.mom.tt[k * K + k])) / rank[k]]);
  for (let k = 0; k < K; k++) {
    const pred = linear(`${ctx.symbols[k]}_mag`, (p) => {
      const ak = p.a[k];
      const Nk = columnNorm2(p.mom, rank, k);
      const shift = Math.sign(ak) * (p.mean[k] / rank[k]) + (Nk - p.mom.tt[k * K + k] / rank[k]) / (2 * rank[k] * Math.abs(ak));
      return [Math.abs(ak), shift, Math.sqrt(Math.max(0, p.mom.tt[k * K + k])) / rank[k]];
    });
    // m² = ‖WP_k‖²/r_k = M2 + ξ, M2 = ā² + (2ā t2 + N_k)/(r_k N), E ξ² = 4ā² Var δa + Var ν (ν: the off-diagonal and
    // traceless squares of column k, Gaussian approximation). E m ≈ √M2 − Eξ²/(8 M2^{3/2}), SD m ≈ √(Eξ²)/(2√M2):
    // the Taylor form above when ν ≪ ā², and √(E ν) when the column is noise-dominated (ν ≫ ā², e.g. a small bulk
    // coefficient against d·r noisy entries), where the expansion of the square root about ā would fail.
    pred.atSize = (N) => {
      const mean: number[] = [];
      const sd: number[] = [];
      run.points.forEach((p) => {
        const ak = p.a[k];
        const Nk = columnNorm2(p.mom, rank, k);
        const M2 = Math.max(ak * ak + (2 * ak * p.mean[k] + Nk) / (rank[k] * N), Number.MIN_VALUE);
        const V1 = p.mom.tt[k * K + k] / (rank[k] * rank[k] * N);
        const terms: [number, number, number][] = [[1 / rank[k], p.mom.tl[k] / N, (rank[k] * (rank[k] + 1)) / 2 - 1]];
        for (let c = 0; c < K; c++) if (c !== k) terms.push([1 / rank[k], p.mom.off2[c * K + k] / N, rank[c] * rank[k]]);
        const xi2 = 4 * ak * ak * V1 + squaresVariance(terms);
        mean.push(Math.sqrt(M2) - xi2 / (8 * M2 ** 1.5));
        sd.push(Math.sqrt(xi2) / (2 * Math.sqrt(M2)));
      });
      return { mean, sd };
    };
  }
  // misalignment ratio
  linear('ratio', (p) => {
    const s = ctx.signal;
    let o = ctx.spike;
    if (o < 0) {
      let best = -1;
      for (let k = 0; k < K; k++) if (k !== s && (best < 0 || Math.abs(p.a[k]) > Math.abs(p.a[best]))) best = k;
      o = best;
    }
    const as = p.a[s];
    const ao = p.a[o];
    const signed = ctx.spike >= 0;
    // f = ao/as (spiked) or |ao|/|as|: gradient and Hessian in (a_s, a_o)
    const so = signed ? 1 : Math.sign(ao);
    const ss = signed ? 1 : Math.sign(as);
    const f = signed ? ao / as : Math.abs(ao) / Math.abs(as);
    const fo = so / (ss * as);
    const fs = -f / as;
    const fss = (2 * f) / (as * as);
    const fso = -so / (ss * as * as);
    const ms = p.mean[s] / rank[s];
    const mo = p.mean[o] / rank[o];
    const css = p.mom.tt[s * K + s] / (rank[s] * rank[s]);
    const coo = p.mom.tt[o * K + o] / (rank[o] * rank[o]);
    const cso = p.mom.tt[s * K + o] / (rank[s] * rank[o]);
    const shift = fs * ms + fo * mo + 0.5 * fss * css + fso * cso;
    const v = fs * fs * css + 2 * fs * fo * cso + fo * fo * coo;
    return [as === 0 ? 0 : f, as === 0 ? 0 : shift, as === 0 ? 0 : Math.sqrt(Math.max(0, v))];
  });
  // misalignment ratio of the magnitudes (statistics/magnitude-ratio.ts): f = m_o/m_s of the block magnitudes
  // (spiked: o = spike; else the population argmax of |a_k|, k ≠ s). Leading order: the magnitudes' own shifts and,
  // with δm_k = sgn(ā_k) δa_k at first order, shift = f_s E δm_s + f_o E δm_o + ½ f_ss Var δm_s + f_so Cov(δm_s, δm_o)
  // (f_s = −f/m_s, f_o = 1/m_s, f_ss = 2f/m_s², f_so = −1/m_s², f_oo = 0), variance ∇fᵀ Cov(δm) ∇f. At a size N
  // (atSize) the same second-order form about the magnitudes' own atSize means and SDs, so that a noise-dominated
  // column (the magnitudes' unexpanded square root) enters as it does for |a|_k.
  if (K >= 2) {
    const mags = ctx.symbols.map((sym) => out.find((p) => p.name === `${sym}_mag`)!);
    const other = (p: ResponsePoint): number => {
      if (ctx.spike >= 0) return ctx.spike;
      let best = -1;
      for (let k = 0; k < K; k++) if (k !== ctx.signal && (best < 0 || Math.abs(p.a[k]) > Math.abs(p.a[best]))) best = k;
      return best;
    };
    const s = ctx.signal;
    /** Cov(δm_s, δm_o) and Var δm_s per unit 1/N (first order: δm_k = sgn(ā_k) t_k/r_k). */
    const cov = (p: ResponsePoint, o: number): [number, number, number] => [
      p.mom.tt[s * K + s] / (rank[s] * rank[s]),
      (Math.sign(p.a[s]) * Math.sign(p.a[o]) * p.mom.tt[s * K + o]) / (rank[s] * rank[o]),
      p.mom.tt[o * K + o] / (rank[o] * rank[o]),
    ];
    const os = run.points.map(other);
    const pred = linear('ratio_mag', (p, i) => {
      const o = os[i];
      const ms = Math.abs(p.a[s]);
      if (ms === 0) return [0, 0, 0];
      const f = Math.abs(p.a[o]) / ms;
      const [css, cso, coo] = cov(p, o);
      const shift = (-f / ms) * mags[s].meanShift[i] + mags[o].meanShift[i] / ms + (f / (ms * ms)) * css - cso / (ms * ms);
      const v = (f * f * css) / (ms * ms) - (2 * f * cso) / (ms * ms) + coo / (ms * ms);
      return [f, shift, Math.sqrt(Math.max(0, v))];
    });
    pred.atSize = (N) => {
      const at = mags.map((m) => m.atSize(N));
      const S = at[s];
      const mean: number[] = [];
      const sd: number[] = [];
      run.points.forEach((p, i) => {
        const o = os[i];
        const O = at[o];
        const ms = S.mean[i];
        const mo = O.mean[i];
        if (!(ms > 0)) {
          mean.push(0);
          sd.push(0);
          return;
        }
        // correlation of the two magnitudes from their first-order parts, at the atSize SDs
        const [css, cso, coo] = cov(p, o);
        const corr = css > 0 && coo > 0 ? cso / Math.sqrt(css * coo) : 0;
        const vs = S.sd[i] ** 2;
        const vo = O.sd[i] ** 2;
        const c = corr * S.sd[i] * O.sd[i];
        const f = mo / ms;
        mean.push(f + (f * vs) / (ms * ms) - c / (ms * ms));
        sd.push(Math.sqrt(Math.max(0, (f * f * vs) / (ms * ms) - (2 * f * c) / (ms * ms) + vo / (ms * ms))));
      });
      return { mean, sd };
    };
  }
  // population loss
  const quadTerms: [number, number, number][][] = [];
  const lossPred = linear('loss', (p) => {
    const a = p.a;
    const e = new Float64Array(K);
    const gt = new Float64Array(K);
    const T = populationGradientFactors(ctx.blocks, ctx.signal, a, e, gt);
    const kappa = ctx.lossScale;
    const trD2 = Float64Array.from({ length: K }, (_, x) => 2 * a[x] * p.mean[x] + columnNorm2(p.mom, rank, x));
    let tau2 = 0;
    let quad = 0;
    for (let x = 0; x < K; x++) {
      tau2 += lam[x] * trD2[x];
      quad += 4 * e[x] * lam[x] ** 2 * trD2[x];
    }
    let tau1sq = 0;
    let d1 = 0;
    const ell = new Float64Array(K);
    const terms: [number, number, number][] = [];
    for (let x = 0; x < K; x++) {
      ell[x] = 2 * kappa * a[x] * (2 * T * lam[x] + 4 * e[x] * lam[x] ** 2);
      d1 += lam[x] ** 2 * 4 * a[x] ** 2 * (p.mom.tt[x * K + x] / rank[x] + p.mom.tl[x]);
      terms.push([2 * kappa * lam[x] ** 2, 4 * a[x] ** 2 * p.mom.tl[x], (rank[x] * (rank[x] + 1)) / 2 - 1]);
      for (let y = 0; y < K; y++) {
        tau1sq += 4 * lam[x] * lam[y] * a[x] * a[y] * p.mom.tt[x * K + y];
        if (y !== x) {
          const q = a[x] ** 2 * p.mom.off2[x * K + y] + 2 * a[x] * a[y] * p.mom.offx[x * K + y] + a[y] ** 2 * p.mom.off2[y * K + x];
          d1 += lam[x] * lam[y] * q;
          if (y > x) terms.push([4 * kappa * lam[x] * lam[y], q, rank[x] * rank[y]]);
        }
      }
    }
    quadTerms.push(terms);
    const shift = kappa * (2 * T * tau2 + tau1sq + quad + 2 * d1);
    let v = 0;
    for (let x = 0; x < K; x++) for (let y = 0; y < K; y++) v += ell[x] * ell[y] * p.mom.tt[x * K + y];
    return [lossAt(ctx, a), shift, Math.sqrt(Math.max(0, v))];
  });
  // the loss's quadratic part 2κ tr((D₁Σ)²) is a sum over the (d−2)·(…) off-diagonal entries: its fluctuation is
  // O(1/N) per entry but adds up (Gaussian approximation, squaresVariance); the mean is unchanged
  lossPred.atSize = (N) => ({
    mean: lossPred.population.map((v, i) => v + lossPred.meanShift[i] / N),
    sd: lossPred.sd.map((x, i) => Math.sqrt((x * x) / N + squaresVariance(quadTerms[i].map(([w, Q, m]) => [w, Q / N, m])))),
  });
  return out;
}

export interface EscapePrediction {
  level: number;
  /** Population escape step (first k with ā_s ≥ level), null when it is not reached within the valid range. */
  step: number | null;
  /** Coefficient of the predicted shift of the mean escape step (per 1/n or 1/B). */
  shift: number | null;
  /** Coefficient of its per-seed SD (per 1/√n or 1/√B). */
  sd: number | null;
}

/** Linearized escape-step shift (module comment). */
export function predictEscape(run: ResponseRun, signal: number, rankSignal: number, level: number): EscapePrediction {
  const i = run.points.findIndex((p) => p.a[signal] >= level);
  if (i <= 0) return { level, step: i === 0 ? 0 : null, shift: i === 0 ? 0 : null, sd: i === 0 ? 0 : null };
  const p = run.points[i];
  const slope = p.a[signal] - run.points[i - 1].a[signal];
  const K = p.a.length;
  return {
    level,
    step: p.step,
    shift: -(p.mean[signal] / rankSignal) / slope,
    sd: Math.sqrt(Math.max(0, p.mom.tt[signal * K + signal])) / rankSignal / slope,
  };
}
