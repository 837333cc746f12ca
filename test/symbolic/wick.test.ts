/**
 * The Wick/Isserlis engine (symbolic/wick.ts, moments8.ts): matching counts, agreement with the fourth-moment
 * identities of the algebra (including the non-commuting rank-one pieces), exact agreement with the independent
 * χ² route at order 8 with every symbol free, numeric = symbolic, and negative controls.
 */
import { describe, expect, it } from 'vitest';
import { ProjectorAlgebra, type BasisElement, type Elem } from '../../src/symbolic/algebra.js';
import { chiSquareExpect, GaussianMoments, NumericMoments } from '../../src/symbolic/moments8.js';
import { Poly, Rational } from '../../src/symbolic/poly.js';
import { doubleFactorialOdd, pairings, wickTerms } from '../../src/symbolic/wick.js';

const d = Poly.sym('d');
const ranks = [Poly.ONE, Poly.ONE, d.sub(Poly.constant(2))];
const lambdas = ['lambda_theta', 'lambda_v', 'sigma2'].map(Poly.sym);
const gm = GaussianMoments.of(ranks, lambdas);
const alg = gm.alg;
const coefs = (name: string) => [0, 1, 2].map((k) => Poly.sym(`${name}_${k}`));
const elem = (c: readonly Poly[]) => alg.diag(c);

describe('pairings', () => {
  it('counts the (2m − 1)!! matchings, scalar and matrix-valued', () => {
    for (let m = 0; m <= 4; m++) {
      expect(pairings(m, false).length).toBe(doubleFactorialOdd(m));
      expect(pairings(m, true).length).toBe(doubleFactorialOdd(m + 1));
      expect(wickTerms(m, false).reduce((s, t) => s + t.count, 0)).toBe(doubleFactorialOdd(m));
    }
  });
  it('groups E[q_A q_B] into tr(AΣ)tr(BΣ) + 2tr(AΣBΣ)', () => {
    const t = wickTerms(2, false);
    expect(t.map((x) => [x.count, x.cycles.map((c) => c.length)])).toEqual(expect.arrayContaining([[1, [1, 1]], [2, [2]]]));
    expect(t.length).toBe(2);
  });
});

describe('agreement with the fourth-moment identities of the algebra', () => {
  // Non-commuting pieces too: A, B with rank-one parts Q_jk (not symmetric individually), so transposes matter.
  const withQ = (seed: number): Elem => {
    const e: [BasisElement, Poly][] = [];
    for (let k = 0; k < 3; k++) e.push([{ kind: 'P', k }, Poly.constant(Rational.of(seed + k + 1, 7))]);
    e.push([{ kind: 'Q', j: 0, k: 1 }, Poly.constant(Rational.of(seed + 2, 5))]);
    e.push([{ kind: 'Q', j: 2, k: 0 }, Poly.constant(Rational.of(-seed - 3, 11))]);
    return ProjectorAlgebra.build(e);
  };
  it('E[q_A q_B] and E[q_A x xᵀ] equal expectQuadQuad / expectQuadOuter (symmetric and non-symmetric A, B)', () => {
    const A = elem(coefs('A'));
    const B = elem(coefs('B'));
    expect(gm.expect([A, B]).equals(alg.expectQuadQuad(A, B, gm.Sigma))).toBe(true);
    const AQ = withQ(1);
    const BQ = withQ(4);
    // expectQuadQuad assumes symmetric A, B: compare with the symmetrized forms, which define the same q_A.
    const sym = (x: Elem) => alg.scale(alg.add(x, alg.transpose(x)), Poly.constant(Rational.of(1, 2)));
    expect(gm.expect([AQ, BQ]).equals(alg.expectQuadQuad(sym(AQ), sym(BQ), gm.Sigma))).toBe(true);
    const MQ = gm.M(AQ);
    const ref = alg.expectQuadOuter(sym(AQ), gm.Sigma);
    expect(alg.sub(MQ, ref).terms.size).toBe(0);
  });
  it('negative control: the unsymmetrized non-symmetric form differs from expectQuadQuad', () => {
    const AQ = withQ(1);
    expect(gm.expect([AQ, AQ]).equals(alg.expectQuadQuad(AQ, AQ, gm.Sigma))).toBe(false);
  });
});

describe('order 8 against the independent χ² route, every symbol free', () => {
  const [A, B, C, D] = ['A', 'B', 'C', 'D'].map(coefs);
  it('E[q_A q_B q_C q_D] (Wick) = Σ ∏ A_i[k_i] ∏_k λ_k^{n_k} r_k(r_k+2)⋯ exactly', () => {
    const wick = gm.moment8(elem(A), elem(B), elem(C), elem(D));
    const chi = chiSquareExpect(ranks, lambdas, [A, B, C, D]);
    expect(wick.equals(chi)).toBe(true);
    expect(wick.size).toBeGreaterThan(100);
  });
  it('E[q_A q_B q_C x xᵀ] and E[q_A q_B x xᵀ]: r_k · (block k coefficient) = E[… q_{P_k}] (χ²)', () => {
    const outer8 = alg.diagCoefficients(gm.moment8Outer(elem(A), elem(B), elem(C)))!;
    const outer6 = alg.diagCoefficients(gm.moment6Outer(elem(A), elem(B)))!;
    for (let k = 0; k < 3; k++) {
      const unit = [0, 1, 2].map((j) => (j === k ? Poly.ONE : Poly.ZERO));
      expect(outer8[k].mul(ranks[k]).equals(chiSquareExpect(ranks, lambdas, [A, B, C, unit])), `block ${k}`).toBe(true);
      expect(outer6[k].mul(ranks[k]).equals(chiSquareExpect(ranks, lambdas, [A, B, unit])), `block ${k}`).toBe(true);
    }
  });
  it('negative control: one Wick multiplicity off by one breaks the equality', () => {
    const forms = [A, B, C, D].map(elem);
    const terms = wickTerms(4, false);
    const evalTerms = (bump: number) =>
      terms.reduce((s, t, i) => s.add(t.cycles.reduce((p, c) => p.mul(alg.trace(c.reduce((m, f) => alg.mul(m, alg.mul(forms[f], gm.Sigma)), alg.diag([Poly.ONE, Poly.ONE, Poly.ONE])))), Poly.ONE).scale(t.count + (i === bump ? 1 : 0))), Poly.ZERO);
    const chi = chiSquareExpect(ranks, lambdas, [A, B, C, D]);
    expect(evalTerms(-1).equals(chi)).toBe(true);
    for (const bump of [0, terms.length - 1]) expect(evalTerms(bump).equals(chi)).toBe(false);
  });
});

describe('numeric moments equal the symbolic results', () => {
  const env: Record<string, number> = { d: 17, lambda_theta: 1.3, lambda_v: 4.5, sigma2: 0.7 };
  const vals = (base: number) => [0, 1, 2].map((k) => base + 0.37 * k - 0.2 * k * k);
  const numA = vals(0.4);
  const numB = vals(-0.8);
  const numC = vals(1.1);
  const numD = vals(0.25);
  const nm = new NumericMoments([1.3, 4.5, 0.7], [1, 1, 15]);
  const toElem = (x: number[]) => alg.diag(x.map((v) => Poly.constant(Rational.fromNumber(v))));
  const rel = (x: number, y: number) => Math.abs(x - y) / Math.max(1, Math.abs(y));
  it('moments of order 8 and 6', () => {
    expect(rel(nm.expect([numA, numB, numC, numD]), gm.moment8(toElem(numA), toElem(numB), toElem(numC), toElem(numD)).evaluate(env))).toBeLessThan(1e-12);
    const o = alg.diagCoefficients(gm.moment8Outer(toElem(numA), toElem(numB), toElem(numC)))!.map((p) => p.evaluate(env));
    nm.expectOuter([numA, numB, numC]).forEach((v, k) => expect(rel(v, o[k])).toBeLessThan(1e-12));
  });
  it('NumericMoments.at evaluates the rank polynomials; the traceless piece vanishes on rank-1 blocks', () => {
    const at = NumericMoments.at(ranks, [1.3, 4.5, 0.7], 17);
    expect(at.rank).toEqual([1, 1, 15]);
    expect(at.expect([numA, numB])).toBe(nm.expect([numA, numB]));
    expect(Math.abs(nm.fluctuationTracelessCovariance(0, numA, numB))).toBeLessThan(1e-9 * Math.abs(nm.fluctuationBlockCovariance(0, 0, numA, numB)));
    // bulk block (rank 15): E‖traceless part of P_c δ(A) P_c‖² > 0
    expect(nm.fluctuationTracelessCovariance(2, numA, numA)).toBeGreaterThan(0);
  });
  it('fluctuation and gradient covariances (with label noise)', () => {
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        expect(rel(nm.fluctuationBlockCovariance(a, b, numA, numB), gm.fluctuationBlockCovariance(a, b, toElem(numA), toElem(numB)).evaluate(env))).toBeLessThan(1e-12);
        expect(rel(nm.fluctuationTraceCovariance(a, b, numA, numB), gm.fluctuationTraceCovariance(a, b, toElem(numA), toElem(numB)).evaluate(env))).toBeLessThan(1e-12);
        expect(rel(nm.labelNoiseCovariance(a, b), gm.labelNoiseCovariance(a, b).evaluate(env))).toBeLessThan(1e-12);
        const setting = { W: toElem(numC), signalBlock: 0, kappa: Poly.constant(Rational.of(1, 4)), noiseVariance: Poly.constant(Rational.of(9, 100)) };
        expect(rel(nm.gradientBlockCovariance(a, b, numC, 0, 0.25, 0.09), gm.gradientBlockCovariance(a, b, setting).evaluate(env))).toBeLessThan(1e-12);
        expect(rel(nm.gradientTraceCovariance(a, b, numC, 0, 0.25, 0.09), gm.gradientTraceCovariance(a, b, setting).evaluate(env))).toBeLessThan(1e-12);
      }
    }
  });
});
