/**
 * The exact moments behind the order-8 Monte Carlo tolerances (symbolic/moments8-variance.ts): the χ² assignment
 * expansion against two independent routes — the Wick engine (NumericMoments, up to order 12) and, up to order 16,
 * the cumulant expansion E[∏_i F_i] = Σ_{set partitions π} ∏_{B ∈ π} κ(F_B) with the joint cumulants of the χ² forms
 * κ(q_{A_1}, …, q_{A_j}) = 2^{j−1}(j − 1)! Σ_k r_k λ_k^j ∏_i A_i[k] (from log E e^{Σt_iq_{A_i}} =
 * −Σ_k (r_k/2) log(1 − 2λ_kΣ_it_iA_i[k])), of ε (only κ₂ = 1) and of constants (only κ₁) — and the coordinate split
 * against exchangeability, E[q^j x_i²] = E[q^{j+1}]/r inside a block of rank r.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { NumericMoments } from '../../src/symbolic/moments8.js';
import { blockForm, ChiSquareBlocks, quadForm, type Affine } from '../../src/symbolic/moments8-variance.js';

const rng = createRng(7, 1);
const lambda = [0.7, 1.9, 1.3];
const rank = [1, 2, 5];
const cs = new ChiSquareBlocks(lambda, rank);
const randomForm = (): number[] => lambda.map(() => 2 * rng.uniform() - 1);
const randomAffine = (): Affine => ({ q: randomForm(), eps: 2 * rng.uniform() - 1, c: 2 * rng.uniform() - 1 });

/** Every set partition of {0..m−1} (Bell(m) of them). */
function setPartitions(m: number): number[][][] {
  if (m === 0) return [[]];
  const out: number[][][] = [];
  for (const p of setPartitions(m - 1)) {
    for (let b = 0; b < p.length; b++) out.push(p.map((B, j) => (j === b ? [...B, m - 1] : B)));
    out.push([...p, [m - 1]]);
  }
  return out;
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** E[∏ F_i] by the cumulant route (file comment). */
function cumulantExpect(F: readonly Affine[]): number {
  const kappa = (B: readonly number[]) => {
    const j = B.length;
    let s = 0;
    for (let k = 0; k < lambda.length; k++) s += rank[k] * lambda[k] ** j * B.reduce((p, i) => p * F[i].q[k], 1);
    s *= 2 ** (j - 1) * factorial(j - 1);
    if (j === 1) s += F[B[0]].c;
    if (j === 2) s += F[B[0]].eps * F[B[1]].eps;
    return s;
  };
  let total = 0;
  for (const p of setPartitions(F.length)) total += p.reduce((prod, B) => prod * kappa(B), 1);
  return total;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
// Both sides sum O(Bell(m)) or O(3^m·n) products of terms of mixed sign in double precision: agreement to 1e-10
// relative (rounding ~1e-16 per term times the condition of the sum) is far below any Monte Carlo tolerance use.
const TOL = 1e-10;

describe('ChiSquareBlocks (exact moments of affine forms in the χ² blocks and ε)', () => {
  it('E[∏ q_{A_i}] equals the Wick engine up to order 12 (m ≤ 6 forms)', () => {
    const nm = new NumericMoments(lambda, rank);
    for (let m = 1; m <= 6; m++) {
      const forms = Array.from({ length: m }, randomForm);
      expect(rel(cs.expectProduct(forms.map(quadForm)), nm.expect(forms)), `m = ${m}`).toBeLessThan(TOL);
    }
  });
  it('E[∏ F_i] of affine factors (with ε and constants) equals the cumulant expansion up to order 16', () => {
    for (const m of [1, 2, 3, 5, 8]) {
      const F = Array.from({ length: m }, randomAffine);
      expect(rel(cs.expectProduct(F), cumulantExpect(F)), `m = ${m}`).toBeLessThan(TOL);
    }
  });
  it('the noise moments: E[ε²] = 1, E[ε³] = 0, E[ε⁴] = 3', () => {
    const e: Affine = { q: [0, 0, 0], eps: 1, c: 0 };
    expect(cs.expectProduct([e, e])).toBe(1);
    expect(cs.expectProduct([e, e, e])).toBe(0);
    expect(cs.expectProduct([e, e, e, e])).toBe(3);
  });
  it('variance = second moment − mean² of a sum of terms, ≥ 0, and 0 for a constant', () => {
    const P = [
      { coef: 1.5, factors: [randomAffine(), randomAffine()] },
      { coef: -0.5, factors: [randomAffine()] },
    ];
    const [F, G, H] = [P[0].factors[0], P[0].factors[1], P[1].factors[0]];
    const second = 2.25 * cumulantExpect([F, G, F, G]) - 1.5 * cumulantExpect([F, G, H]) + 0.25 * cumulantExpect([H, H]);
    const mean = 1.5 * cumulantExpect([F, G]) - 0.5 * cumulantExpect([H]);
    expect(rel(cs.variance(P), second - mean * mean)).toBeLessThan(TOL);
    expect(cs.variance([{ coef: 3, factors: [] }])).toBe(0);
  });
  it('splitting a coordinate off a block: E[q_k^j x_i²] = E[q_k^{j+1}]/r_k (exchangeability), blocks unchanged in law', () => {
    const k = 2;
    const sp = cs.splitAt([k]);
    const qk = sp.lift(blockForm(3, k));
    const z = sp.coordinate(0);
    for (let j = 0; j <= 5; j++) {
      const lhs = sp.blocks.expectProduct([...Array(j).fill(qk), z]);
      const rhs = cs.expectProduct(Array(j + 1).fill(blockForm(3, k))) / rank[k];
      expect(rel(lhs, rhs), `j = ${j}`).toBeLessThan(TOL);
    }
    const A = randomForm();
    expect(rel(sp.blocks.expectProduct([sp.lift(quadForm(A)), sp.lift(quadForm(A)), z]), cs.expectProduct([quadForm(A), quadForm(A), blockForm(3, k)]) / rank[k])).toBeLessThan(TOL);
    // two coordinates of a rank-1 block cannot be split off
    expect(() => cs.splitAt([0, 0])).toThrow(/rank 1/);
  });
});
