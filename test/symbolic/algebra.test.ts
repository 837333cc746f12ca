import { describe, expect, it } from 'vitest';
import { ProjectorAlgebra, type BasisElement, type Elem } from '../../src/symbolic/algebra.js';
import { Poly, Rational } from '../../src/symbolic/poly.js';
import { createRng } from '../../src/core/rng.js';

// Three blocks of sizes 1, 2 and d − 3 at d = 7 (coordinate projectors), 𝟙 the all-ones vector.
const d = 7;
const blockOf = [0, 1, 1, 2, 2, 2, 2];
const alg = new ProjectorAlgebra([Poly.ONE, Poly.constant(2), Poly.sym('d').sub(Poly.constant(3))]);
const env = { d };

function dense(x: Elem): number[][] {
  const M = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const t of x.terms.values()) {
    const c = t.coef.evaluate(env);
    for (let i = 0; i < d; i++) {
      for (let l = 0; l < d; l++) {
        if (t.basis.kind === 'P' && i === l && blockOf[i] === t.basis.k) M[i][l] += c;
        if (t.basis.kind === 'Q' && blockOf[i] === t.basis.j && blockOf[l] === t.basis.k) M[i][l] += c;
      }
    }
  }
  return M;
}
/** Entrywise |x − y| ≤ 1e-12 (the dense side rounds the thirds). */
function close(x: number[][] | number[], y: number[][] | number[]): void {
  const fx = x.flat();
  const fy = y.flat();
  expect(fx.length).toBe(fy.length);
  fx.forEach((v, i) => expect(Math.abs(v - fy[i])).toBeLessThanOrEqual(1e-12));
}
const mm = (A: number[][], B: number[][]) => A.map((row) => B[0].map((_, j) => row.reduce((s, v, k) => s + v * B[k][j], 0)));

function randomElem(seed: number): Elem {
  const rng = createRng(seed);
  const entries: [BasisElement, Poly][] = [];
  const r = () => Poly.constant(Rational.of(Math.round(rng.uniform() * 20 - 10), 3));
  for (let k = 0; k < 3; k++) entries.push([{ kind: 'P', k }, r()]);
  for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) entries.push([{ kind: 'Q', j, k }, r()]);
  return ProjectorAlgebra.build(entries);
}

describe('projector algebra (P_k and Q_jk = P_j 𝟙𝟙ᵀ P_k)', () => {
  it('products, transposes and traces agree with dense matrices', () => {
    for (let s = 0; s < 4; s++) {
      const A = randomElem(2 * s + 1);
      const B = randomElem(2 * s + 2);
      close(dense(alg.mul(A, B)), mm(dense(A), dense(B)));
      const At = dense(alg.transpose(A));
      dense(A).forEach((row, i) => row.forEach((v, j) => expect(At[j][i]).toBe(v)));
      expect(alg.trace(A).evaluate(env)).toBeCloseTo(dense(A).reduce((t, row, i) => t + row[i], 0), 12);
    }
  });
  it('vectors: apply, outer and dot agree with dense computations', () => {
    const A = randomElem(11);
    const u = [Poly.constant(2), Poly.constant(-1), Poly.constant(Rational.of(1, 2))];
    const v = [Poly.constant(-3), Poly.constant(4), Poly.constant(1)];
    const vec = (x: Poly[]) => blockOf.map((k) => x[k].evaluate(env));
    const Av = alg.apply(A, v);
    const dA = dense(A);
    const dv = vec(v);
    close(vec(Av), dA.map((row) => row.reduce((s, x, j) => s + x * dv[j], 0)));
    const du = vec(u);
    close(dense(alg.outer(u, v)), du.map((x) => dv.map((y) => x * y)));
    expect(alg.dot(u, v).evaluate(env)).toBe(du.reduce((s, x, i) => s + x * dv[i], 0));
  });
});
