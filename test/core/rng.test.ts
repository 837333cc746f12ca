/**
 * The seeded generator (core/rng.ts: xoshiro128** + ziggurat normals) and its ziggurat tables (core/ziggurat.ts).
 * Every Monte Carlo bound is derived and commented: sample moments k·σ/√N, Kolmogorov–Smirnov distances by the
 * Dvoretzky–Kiefer–Wolfowitz inequality with Massart's constant, P(sup|F̂_N − F| > ε) ≤ 2 e^{−2Nε²}, solved for
 * ε at a false-alarm probability p: ε = √(ln(2/p) / (2N)); correlations |ρ̂| < z/√N with a Bonferroni normal
 * quantile z over the pairs tested. All seeds are fixed, so each test is deterministic; the bounds say how
 * unlikely a failure of a correct generator would be.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { twoSidedNormalQuantile } from '../../src/core/special.js';
import { normalTail, ZIGGURAT_LAYERS, zigguratTables } from '../../src/core/ziggurat.js';

const SQRT_2PI = Math.sqrt(2 * Math.PI);
/** false-alarm probability of each distribution test */
const P_FALSE = 1e-6;
const dkw = (N: number): number => Math.sqrt(Math.log(2 / P_FALSE) / (2 * N));

/** Φ(x): the series Φ(x) = ½ + (1/√(2π)) Σ_n (−1)ⁿ x^{2n+1} / (2ⁿ n! (2n+1)) for |x| < 2, the tail beyond. */
function phiSeries(x: number): number {
  let term = x; // (−1)ⁿ x^{2n+1} / (2ⁿ n!)
  let s = 0;
  for (let n = 0; n < 200; n++) {
    s += term / (2 * n + 1);
    term *= (-x * x) / (2 * (n + 1));
  }
  return 0.5 + s / SQRT_2PI;
}
function phi(x: number): number {
  if (Math.abs(x) < 2) return phiSeries(x);
  return x > 0 ? 1 - normalTail(x) / SQRT_2PI : normalTail(-x) / SQRT_2PI;
}

/** sup_x |F̂_N(x) − F(x)| of the sample `xs` against the CDF F. */
function ksDistance(xs: Float64Array, F: (x: number) => number): number {
  const s = Float64Array.from(xs).sort();
  const N = s.length;
  let D = 0;
  for (let i = 0; i < N; i++) {
    const f = F(s[i]);
    D = Math.max(D, Math.abs(f - i / N), Math.abs((i + 1) / N - f));
  }
  return D;
}

function correlation(a: Float64Array, b: Float64Array): number {
  let sa = 0;
  let sb = 0;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  const N = a.length;
  for (let i = 0; i < N; i++) {
    sa += a[i];
    sb += b[i];
  }
  const ma = sa / N;
  const mb = sb / N;
  for (let i = 0; i < N; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('ziggurat tables (from their defining equations)', () => {
  const t = zigguratTables();
  const N = ZIGGURAT_LAYERS;
  const f = (x: number): number => Math.exp(-0.5 * x * x);
  it('the tail integral: Laplace continued fraction = 1 − Φ by the power series where both converge', () => {
    for (const x of [1.5, 1.9]) expect(Math.abs(normalTail(x) / SQRT_2PI - (1 - phiSeries(x)))).toBeLessThan(1e-14);
  });
  it('every layer has the base strip’s area v, and the top layer closes at f(0) = 1', () => {
    expect(Math.abs(t.r * f(t.r) + normalTail(t.r) - t.v)).toBeLessThan(1e-16);
    const x = (i: number): number => t.w[i] * 2 ** 52;
    expect(x(N - 1)).toBe(t.r);
    for (let i = 1; i < N; i++) {
      const upper = i === 1 ? 1 : t.f[i - 1];
      // each layer is computed from the one below it: rounding accumulates over the 255 layers
      expect(Math.abs(x(i) * (upper - t.f[i]) - t.v) / t.v).toBeLessThan(1e-11);
      expect(t.f[i]).toBe(f(x(i)));
    }
    // the acceptance bounds: k_i / 2⁵² = x_{i−1}/x_i (rounded down), k_0 / 2⁵² = r f(r) / v; k_1 = 0 (x_0 = 0)
    expect(t.k[1]).toBe(0);
    for (let i = 2; i < N; i++) expect(t.k[i]).toBe(Math.floor((x(i - 1) / x(i)) * 2 ** 52));
    expect(Math.abs(t.k[0] / 2 ** 52 - (t.r * f(t.r)) / t.v)).toBeLessThan(1e-15);
  });
});

describe('createRng', () => {
  it('same (seed, stream) → the same bits; normal() and fillNormal() give the same sequence', () => {
    const a = createRng(123456789, 3);
    const b = createRng(123456789, 3);
    const xa = new Float64Array(50_000);
    a.fillNormal(xa);
    for (let i = 0; i < xa.length; i++) expect(Object.is(b.normal(), xa[i])).toBe(true);
    for (let i = 0; i < 1000; i++) expect(a.uniform()).toBe(b.uniform());
    // seeds beyond 32 bits are distinct seeds
    expect(createRng(2 ** 40 + 5).uniform()).not.toBe(createRng(5).uniform());
  });

  it('normals: KS distance to Φ, and the moments E z = 0, E z² = 1, E z⁴ = 3 (N = 10⁶)', () => {
    const N = 1_000_000;
    const z = new Float64Array(N);
    createRng(2024).fillNormal(z);
    expect(ksDistance(z, phi)).toBeLessThan(dkw(N));
    let m1 = 0;
    let m2 = 0;
    let m4 = 0;
    for (const v of z) {
      m1 += v;
      m2 += v * v;
      m4 += v ** 4;
    }
    // standard errors: Var z = 1, Var z² = E z⁴ − 1 = 2, Var z⁴ = E z⁸ − 9 = 105 − 9 = 96; k = 5
    const k = 5;
    expect(Math.abs(m1 / N)).toBeLessThan(k / Math.sqrt(N));
    expect(Math.abs(m2 / N - 1)).toBeLessThan((k * Math.sqrt(2)) / Math.sqrt(N));
    expect(Math.abs(m4 / N - 3)).toBeLessThan((k * Math.sqrt(96)) / Math.sqrt(N));
  });

  it('tails beyond the base strip |z| > r: their frequency and their shape (N = 4·10⁶)', () => {
    const { r } = zigguratTables();
    const N = 4_000_000;
    const z = new Float64Array(N);
    createRng(77, 5).fillNormal(z);
    const tail: number[] = [];
    for (const v of z) if (Math.abs(v) > r) tail.push(Math.abs(v));
    // count ~ Binomial(N, p), p = P(|Z| > r) = 2·tail(r)/√(2π); k = 5 standard deviations
    const p = (2 * normalTail(r)) / SQRT_2PI;
    expect(Math.abs(tail.length - N * p)).toBeLessThan(5 * Math.sqrt(N * p * (1 - p)));
    // |z| given |z| > r has CDF 1 − tail(t)/tail(r)
    const tr = normalTail(r);
    expect(ksDistance(Float64Array.from(tail), (t) => 1 - normalTail(t) / tr)).toBeLessThan(dkw(tail.length));
    // both signs occur in the tail: the sign bit is applied there too (binomial(½), k = 5)
    const neg = z.filter((v) => v < -r).length;
    expect(Math.abs(neg - tail.length / 2)).toBeLessThan(5 * Math.sqrt(tail.length / 4));
  });

  it('uniforms: KS distance to U[0, 1) (N = 10⁶) and draws in [0, 1)', () => {
    const N = 1_000_000;
    const rng = createRng(31337);
    const u = new Float64Array(N);
    for (let i = 0; i < N; i++) u[i] = rng.uniform();
    expect(Math.min(...u.subarray(0, 1000))).toBeGreaterThanOrEqual(0);
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(ksDistance(u, (x) => Math.min(1, Math.max(0, x)))).toBeLessThan(dkw(N));
  });

  it('streams of a seed and nearby seeds are uncorrelated (32 sequences, every pair)', () => {
    const N = 20_000;
    const seqs: Float64Array[] = [];
    for (let seed = 1; seed <= 8; seed++) {
      for (let stream = 0; stream < 4; stream++) {
        const x = new Float64Array(N);
        createRng(seed, stream).fillNormal(x);
        seqs.push(x);
      }
    }
    const pairs = (seqs.length * (seqs.length - 1)) / 2;
    // ρ̂ ≈ N(0, 1/N) for independent sequences; Bonferroni over the pairs at total false-alarm probability P_FALSE
    const bound = twoSidedNormalQuantile(P_FALSE / pairs) / Math.sqrt(N);
    for (let i = 0; i < seqs.length; i++) for (let j = i + 1; j < seqs.length; j++) expect(Math.abs(correlation(seqs[i], seqs[j]))).toBeLessThan(bound);
  });

  it('the first draws of consecutive seeds (and of consecutive streams) are i.i.d.: KS and lag-1 correlation', () => {
    const S = 20_000;
    const bySeed = new Float64Array(S);
    const byStream = new Float64Array(S);
    const firstNormal = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      bySeed[s] = createRng(s + 1).uniform();
      byStream[s] = createRng(1, s).uniform();
      firstNormal[s] = createRng(s + 1, 2).normal();
    }
    const U = (x: number): number => Math.min(1, Math.max(0, x));
    expect(ksDistance(bySeed, U)).toBeLessThan(dkw(S));
    expect(ksDistance(byStream, U)).toBeLessThan(dkw(S));
    expect(ksDistance(firstNormal, phi)).toBeLessThan(dkw(S));
    // lag-1 correlation over consecutive seeds: ≈ N(0, 1/S); Bonferroni over the 3 series
    const bound = twoSidedNormalQuantile(P_FALSE / 3) / Math.sqrt(S);
    for (const x of [bySeed, byStream, firstNormal]) expect(Math.abs(correlation(x.subarray(0, S - 1), x.subarray(1)))).toBeLessThan(bound);
  });
});
