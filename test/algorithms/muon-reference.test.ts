/**
 * Full-dimensional Muon with Keller's settings = a numpy float64 transcription of the reference update
 * (scripts/muon-reference-fixture.py: KellerJordan/Muon muon.py @ 857d1ad, momentum/Nesterov lerps, Newton–Schulz
 * with ε = 1e-7, weight decay, the √max(1, rows/cols) scale), step by step, on this model's population gradient
 * (square, wide and tall W, dense: random basis and Gaussian W₀). specgd is fed the fixture's W_t and G_t and its
 * W_{t+1} is compared with the fixture's.
 *
 * Tolerance, from rounding: the momentum lerps, the weight decay and the final update are the same IEEE operations
 * in the same order on both sides (bit-identical); only the Newton–Schulz products differ (summation order of
 * the n-term dot products, n ≤ max(m, d), the norm, and (cA)A vs c(AA)). Each of the k iterations adds a relative
 * error ≤ 3(n + 2)u (three products and the elementwise combinations) and propagates the earlier ones by at most
 * L = max |p'(x)| over the singular values' range [0, 1.2] (p the quintic), so ‖ΔO‖_max ≤ k L^k 3(n + 2) u · max|O|;
 * then ΔW_{t+1} ≤ η ρ ‖ΔO‖_max + 2u max|W_{t+1}|.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { algorithm as muon } from '../../src/algorithms/muon.js';
import { MUON_NS_COEFFS } from '../../src/algorithms/newton-schulz.js';
import { portableLinalg } from '../../src/core/linalg.js';
import { SIGN_TIE_REL_TOL } from '../../src/core/tolerances.js';

interface Case {
  name: string;
  m: number;
  d: number;
  config: Record<string, unknown>;
  W: number[][];
  G: number[][];
  Wnext: number[][];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/algorithms/muon-reference.json', import.meta.url), 'utf8')) as { coefficients: number[]; cases: Case[] };
const U = 2 ** -53;

/** max over x ∈ [0, 1.2] of |p'(x)|, p(x) = a x + b x³ + c x⁵ (fine grid). */
function quinticLipschitz(): number {
  const { a, b, c } = MUON_NS_COEFFS;
  let L = 0;
  for (let i = 0; i <= 12000; i++) {
    const x = (1.2 * i) / 12000;
    L = Math.max(L, Math.abs(a + 3 * b * x * x + 5 * c * x ** 4));
  }
  return L;
}

describe('full-dimensional Muon vs the numpy transcription of muon.py (float64)', () => {
  it('uses the reference coefficients', () => {
    expect([MUON_NS_COEFFS.a, MUON_NS_COEFFS.b, MUON_NS_COEFFS.c]).toEqual(fixture.coefficients);
  });

  /** Feed specgd every (W_t, G_t) of a case; worst ratio of |ΔW_{t+1}| to its rounding bound, and the worst |ΔW|. */
  function compare(c: Case, override: Record<string, unknown> = {}): { ratio: number; err: number } {
    const cfg = muon.resolve({ ...c.config, ...override });
    const { m, d } = c;
    const stepper = muon.full(cfg, { m, d, backend: portableLinalg, tieRelTol: SIGN_TIE_REL_TOL });
    const eta = cfg.eta;
    const rho = Math.sqrt(Math.max(1, m / d));
    const decay = 1 - eta * (cfg.weightDecay as number);
    const k = cfg.nsSteps;
    const n = Math.max(m, d);
    const L = quinticLipschitz();
    const W = new Float64Array(m * d);
    let ratio = 0;
    let worstErr = 0;
    for (let t = 0; t < c.W.length; t++) {
      W.set(c.W[t]);
      expect(stepper.step(W, Float64Array.from(c.G[t]))).toBeNull();
      const next = c.Wnext[t];
      let oMax = 0;
      let wMax = 0;
      for (let i = 0; i < m * d; i++) {
        oMax = Math.max(oMax, Math.abs((c.W[t][i] * decay - next[i]) / (eta * rho)));
        wMax = Math.max(wMax, Math.abs(next[i]));
      }
      const tol = eta * rho * k * L ** k * 3 * (n + 2) * U * oMax + 2 * U * wMax;
      let err = 0;
      for (let i = 0; i < m * d; i++) err = Math.max(err, Math.abs(W[i] - next[i]));
      ratio = Math.max(ratio, err / tol);
      worstErr = Math.max(worstErr, err);
    }
    return { ratio, err: worstErr };
  }

  for (const c of fixture.cases) {
    it(`${c.name}: every step W_{t+1} within the rounding bound`, () => {
      // the steps move W (not a trivial comparison): the update is O(η) per entry
      expect(Math.max(...c.W[c.W.length - 1].map((x, i) => Math.abs(x - c.W[0][i])))).toBeGreaterThan(c.config.eta as number);
      expect(compare(c).ratio).toBeLessThanOrEqual(1);
    });
  }

  it('a wrong setting is caught: heavy-ball instead of Nesterov, or no ε, exceeds the bound', () => {
    expect(compare(fixture.cases[0], { nesterov: false }).ratio).toBeGreaterThan(1);
    expect(compare(fixture.cases[0], { nsEpsilon: 0 }).ratio).toBeGreaterThan(1);
  });
});
