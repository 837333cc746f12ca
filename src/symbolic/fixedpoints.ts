/**
 * Fixed points of the reduced GD map (g(a) = 0; SpecGD's sign map has the same zeros of g as its rest points) for
 * the numeric model, exact where rational.
 *
 * Derived structure, verified per model rather than assumed: each block gradient factors as g_k = a_k h_k(u) with
 * u_j = a_j² and h_k affine in u. Then a fixed point is a support S (blocks with a_k ≠ 0) and the solution of the
 * linear system h_k(u) = 0 (k ∈ S), u_j = 0 (j ∉ S), with u_k > 0 on S; a_k = ±√u_k. Linear systems are solved in
 * exact rational arithmetic. Supports are enumerated exhaustively for n ≤ 10 blocks, else up to size 2 (stated in
 * the result). Each point is classified by the eigenvalues of the loss Hessian ∂²L/∂a_i∂a_j = r_i ∂g_i/∂a_j, which
 * splits (see below) into exact rationals r_k h_k(u) off the support and a small |S|×|S| block (Jacobi).
 */
import { symmetricEigenvalues } from './dense.js';
import type { SymbolicDerivation as Derivation } from './derivation.js';
import { Poly, Rational } from './poly.js';

export interface FixedPoint {
  /** Block indices with a_k ≠ 0. */
  support: number[];
  /** u_k = a_k², exact. */
  squares: Rational[];
  /** a_k ≥ 0 representative (signs of the a_k on the support are free): exact when u_k is a rational square. */
  a: { exact: Rational | null; value: number }[];
  /** Reduced loss at the point, exact. */
  loss: Rational;
  /** Loss-Hessian eigenvalues (ascending), numeric. */
  hessianEigenvalues: number[];
  /** "minimum", "maximum", "saddle (index m)", or a degenerate case (zero Hessian eigenvalues) described in words. */
  kind: string;
}

export interface FixedPoints {
  status: 'ok' | 'unsupported';
  message: string;
  /** How supports were enumerated. */
  enumeration: 'all' | 'size-le-2';
  points: FixedPoint[];
  /** The factorization g_k = a_k h_k(u) with u = a²: h_k, exact (numeric model). */
  factors: Poly[];
}

function solveExact(M: Rational[][], rhs: Rational[]): Rational[] | null {
  const n = rhs.length;
  const A = M.map((row, i) => [...row, rhs[i]]);
  for (let col = 0; col < n; col++) {
    let piv = -1;
    for (let r = col; r < n; r++) if (!A[r][col].isZero()) {
      piv = r;
      break;
    }
    if (piv < 0) return null;
    [A[col], A[piv]] = [A[piv], A[col]];
    const inv = A[col][col].inv();
    for (let c = col; c <= n; c++) A[col][c] = A[col][c].mul(inv);
    for (let r = 0; r < n; r++) {
      if (r === col || A[r][col].isZero()) continue;
      const f = A[r][col];
      for (let c = col; c <= n; c++) A[r][c] = A[r][c].sub(f.mul(A[col][c]));
    }
  }
  return A.map((row) => row[n]);
}

export function computeFixedPoints(d: Derivation): FixedPoints {
  const n = d.stateVars.length;
  const values = Object.fromEntries(d.params.map((p) => [p.name, p.value]));
  const grads = d.gradients.map((g) => g.subs(values));
  const unsupported = (message: string): FixedPoints => ({ status: 'unsupported', message, enumeration: 'all', points: [], factors: [] });
  const factors: Poly[] = [];
  const affine: { c: Rational; m: Rational[] }[] = [];
  for (let k = 0; k < n; k++) {
    const h = grads[k].divideByPower(d.stateVars[k]);
    if (!h) return unsupported(`g_${k + 1} is not divisible by ${d.stateVars[k]}`);
    factors.push(h);
    // Rewrite h in u_j = a_j²: every exponent must be even, total degree in u ≤ 1.
    let c = Rational.ZERO;
    const m = new Array<Rational>(n).fill(Rational.ZERO);
    for (const t of h.terms()) {
      if (t.mono.vars.length === 0) c = c.add(t.coef);
      else if (t.mono.vars.length === 1 && t.mono.exps[0] === 2) {
        const j = d.stateVars.indexOf(t.mono.vars[0]);
        if (j < 0) return unsupported(`unexpected symbol ${t.mono.vars[0]} in the numeric gradient`);
        m[j] = m[j].add(t.coef);
      } else return unsupported(`h_${k + 1} = g_${k + 1}/${d.stateVars[k]} is not affine in the squares a_j²`);
    }
    affine.push({ c, m });
  }
  const enumeration = n <= 10 ? 'all' : 'size-le-2';
  const supports: number[][] = [];
  if (enumeration === 'all') {
    for (let mask = 0; mask < 1 << n; mask++) supports.push(Array.from({ length: n }, (_, k) => k).filter((k) => mask & (1 << k)));
  } else {
    supports.push([]);
    for (let i = 0; i < n; i++) supports.push([i]);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) supports.push([i, j]);
  }
  // Loss in the squares: L = Σ c_V Π_{j∈V} u_j^{e_j}, indexed by the set V of blocks it involves, so that a support S
  // only visits the terms with V ⊆ S.
  const lossNumeric = d.loss.subs(values);
  const lossTerms = new Map<string, { idx: number[]; exps: number[]; coef: Rational }[]>();
  for (const t of lossNumeric.terms()) {
    const idx: number[] = [];
    const exps: number[] = [];
    for (let i = 0; i < t.mono.vars.length; i++) {
      const j = d.stateVars.indexOf(t.mono.vars[i]);
      if (j < 0 || t.mono.exps[i] % 2 !== 0) return unsupported(`the loss is not a polynomial in the squares a_j² (term ${t.mono.vars[i]}^${t.mono.exps[i]})`);
      idx.push(j);
      exps.push(t.mono.exps[i] / 2);
    }
    const key = [...idx].sort((x, y) => x - y).join(',');
    let list = lossTerms.get(key);
    if (!list) lossTerms.set(key, (list = []));
    list.push({ idx, exps, coef: t.coef });
  }
  const ranks = d.blocks.map((b) => b.rank.subs(values).asConstant()!);
  // The loss Hessian r_i ∂g_i/∂a_j at a fixed point, from g_k = a_k h_k and h_k = c_k + Σ_j m_kj u_j:
  //   off the support (a_k = 0): row and column k are zero except the diagonal r_k h_k(u) (exact);
  //   on the support (h_k = 0): H_ij = 2 r_i m_ij a_i a_j, congruent to R M_SS (symmetric: checked).
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (!ranks[i].mul(affine[i].m[j]).equals(ranks[j].mul(affine[j].m[i]))) return unsupported('r_i m_ij is not symmetric: the Hessian structure does not hold');
    }
  }
  const points: FixedPoint[] = [];
  for (const S of supports) {
    const M = S.map((k) => S.map((j) => affine[k].m[j]));
    const rhs = S.map((k) => affine[k].c.neg());
    const sol = S.length ? solveExact(M, rhs) : [];
    if (!sol) continue;
    if (sol.some((u) => u.sign() <= 0)) continue;
    const squares = new Array<Rational>(n).fill(Rational.ZERO);
    S.forEach((k, i) => (squares[k] = sol[i]));
    const a = squares.map((u) => {
      const r = u.sqrt();
      return { exact: r, value: r ? r.toNumber() : Math.sqrt(u.toNumber()) };
    });
    let loss = Rational.ZERO;
    for (let mask = 0; mask < 1 << S.length; mask++) {
      const key = S.filter((_, i) => mask & (1 << i)).join(',');
      for (const t of lossTerms.get(key) ?? []) {
        let v = t.coef;
        t.idx.forEach((j, i) => (v = v.mul(squares[j].pow(t.exps[i]))));
        loss = loss.add(v);
      }
    }
    const offSupport: Rational[] = [];
    for (let k = 0; k < n; k++) {
      if (S.includes(k)) continue;
      let h = affine[k].c;
      for (const j of S) h = h.add(affine[k].m[j].mul(squares[j]));
      offSupport.push(ranks[k].mul(h));
    }
    const m = S.length;
    const H = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) H[i * m + j] = 2 * ranks[S[i]].mul(affine[S[i]].m[S[j]]).toNumber() * a[S[i]].value * a[S[j]].value;
    const onEig = m ? symmetricEigenvalues(H, m) : [];
    const scale = Math.max(...onEig.map(Math.abs), ...offSupport.map((x) => Math.abs(x.toNumber())), 1e-300);
    const neg = offSupport.filter((x) => x.sign() < 0).length + onEig.filter((e) => e < -1e-12 * scale).length;
    const zero = offSupport.filter((x) => x.isZero()).length + onEig.filter((e) => Math.abs(e) <= 1e-12 * scale).length;
    const eig = [...onEig, ...offSupport.map((x) => x.toNumber())].sort((x, y) => x - y);
    const kind =
      zero === 0
        ? neg === 0
          ? 'minimum'
          : neg === n
            ? 'maximum'
            : `saddle (index ${neg})`
        : neg === 0
          ? `degenerate: Hessian ⪰ 0 with ${zero} zero eigenvalue${zero > 1 ? 's' : ''}`
          : `saddle (index ${neg}, ${zero} zero eigenvalue${zero > 1 ? 's' : ''})`;
    points.push({ support: S, squares, a, loss, hessianEigenvalues: eig, kind });
  }
  return { status: 'ok', message: `g_k = a_k h_k(a²) with h_k affine in the squares; ${enumeration === 'all' ? `all 2^${n} supports` : 'supports of size ≤ 2'} solved exactly`, enumeration, points, factors };
}
