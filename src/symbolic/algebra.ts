/**
 * The projector algebra of the commuting-block reduction (model.md §4) and the Gaussian-moment calculus on it.
 *
 * Σ = Σ_k λ_k P_k with orthogonal coordinate projectors P_k (in the eigenbasis) of rank r_k, Σ_k P_k = I. Elements
 * are linear combinations, with polynomial coefficients, of
 *   P_k                         (block projectors; the matrix student lives in their span), and
 *   Q_jk = P_j 𝟙 𝟙ᵀ P_k         (rank-one pieces; the vector student w = Σ_k a_k P_k 𝟙 has w wᵀ = Σ a_j a_k Q_jk),
 * with 𝟙 the all-ones vector in the eigenbasis, so 𝟙ᵀ P_k 𝟙 = r_k (P_k is a 0/1 diagonal with r_k ones). Products
 * and traces reduce exactly:
 *   P_i P_k = δ_ik P_k,  P_i Q_jk = δ_ij Q_jk,  Q_jk P_i = δ_ki Q_jk,  Q_ij Q_kl = δ_jk r_j Q_il,
 *   tr P_k = r_k,  tr Q_jk = δ_jk r_k,  P_kᵀ = P_k,  Q_jkᵀ = Q_kj.
 * Vectors in the span of the P_k 𝟙: P_i (P_k 𝟙) = δ_ik P_k 𝟙, Q_ij (P_k 𝟙) = δ_jk r_j P_i 𝟙, (P_j 𝟙)ᵀ(P_k 𝟙) = δ_jk r_k.
 * Ranks are polynomials (the bulk rank d − 2 stays symbolic through the symbol d).
 *
 * Gaussian moments (model.md §2), x ~ N(0, Σ), A, B symmetric:
 *   E[(xᵀAx)(xᵀBx)] = tr(AΣ) tr(BΣ) + 2 tr(AΣBΣ),     E[(xᵀAx) x xᵀ] = tr(AΣ) Σ + 2 ΣAΣ.
 */
import { Poly } from './poly.js';

export type BasisElement = { kind: 'P'; k: number } | { kind: 'Q'; j: number; k: number };

function key(b: BasisElement): string {
  return b.kind === 'P' ? `P${b.k}` : `Q${b.j},${b.k}`;
}

/** An element Σ c_e e of the algebra (e ∈ {P_k, Q_jk}), coefficients exact polynomials. */
export class Elem {
  readonly terms: ReadonlyMap<string, { basis: BasisElement; coef: Poly }>;
  constructor(terms: ReadonlyMap<string, { basis: BasisElement; coef: Poly }>) {
    this.terms = terms;
  }
}

/** A vector Σ_k v_k P_k 𝟙 (coefficient k → v_k). */
export type Vec = readonly Poly[];

export class ProjectorAlgebra {
  /** Ranks r_k = tr P_k = 𝟙ᵀ P_k 𝟙 (polynomials, e.g. d − 2). */
  readonly ranks: readonly Poly[];
  readonly n: number;

  constructor(ranks: readonly Poly[]) {
    this.ranks = ranks;
    this.n = ranks.length;
  }

  static build(entries: Iterable<[BasisElement, Poly]>): Elem {
    const m = new Map<string, { basis: BasisElement; coef: Poly }>();
    for (const [basis, coef] of entries) {
      const k = key(basis);
      const prev = m.get(k);
      const c = prev ? prev.coef.add(coef) : coef;
      if (c.isZero()) m.delete(k);
      else m.set(k, { basis, coef: c });
    }
    return new Elem(m);
  }

  zero(): Elem {
    return new Elem(new Map());
  }

  /** Σ_k c_k P_k. */
  diag(coefs: readonly Poly[]): Elem {
    return ProjectorAlgebra.build(coefs.map((c, k) => [{ kind: 'P', k }, c] as [BasisElement, Poly]));
  }

  /** P_k. */
  P(k: number): Elem {
    return this.diag(Array.from({ length: this.n }, (_, i) => (i === k ? Poly.ONE : Poly.ZERO)));
  }

  add(x: Elem, y: Elem): Elem {
    return ProjectorAlgebra.build([...[...x.terms.values()].map((t) => [t.basis, t.coef] as [BasisElement, Poly]), ...[...y.terms.values()].map((t) => [t.basis, t.coef] as [BasisElement, Poly])]);
  }

  sub(x: Elem, y: Elem): Elem {
    return this.add(x, this.scale(y, Poly.ONE.neg()));
  }

  scale(x: Elem, c: Poly): Elem {
    return ProjectorAlgebra.build([...x.terms.values()].map((t) => [t.basis, t.coef.mul(c)] as [BasisElement, Poly]));
  }

  /** Product of two basis elements: [basis, factor] or null when it vanishes. */
  private basisMul(x: BasisElement, y: BasisElement): [BasisElement, Poly] | null {
    if (x.kind === 'P' && y.kind === 'P') return x.k === y.k ? [x, Poly.ONE] : null;
    if (x.kind === 'P' && y.kind === 'Q') return x.k === y.j ? [y, Poly.ONE] : null;
    if (x.kind === 'Q' && y.kind === 'P') return x.k === y.k ? [x, Poly.ONE] : null;
    if (x.kind === 'Q' && y.kind === 'Q') return x.k === y.j ? [{ kind: 'Q', j: x.j, k: y.k }, this.ranks[x.k]] : null;
    return null;
  }

  mul(x: Elem, y: Elem): Elem {
    const out: [BasisElement, Poly][] = [];
    for (const s of x.terms.values()) {
      for (const t of y.terms.values()) {
        const p = this.basisMul(s.basis, t.basis);
        if (p) out.push([p[0], s.coef.mul(t.coef).mul(p[1])]);
      }
    }
    return ProjectorAlgebra.build(out);
  }

  transpose(x: Elem): Elem {
    return ProjectorAlgebra.build([...x.terms.values()].map((t) => [t.basis.kind === 'P' ? t.basis : { kind: 'Q', j: t.basis.k, k: t.basis.j }, t.coef] as [BasisElement, Poly]));
  }

  trace(x: Elem): Poly {
    let s = Poly.ZERO;
    for (const t of x.terms.values()) {
      if (t.basis.kind === 'P') s = s.add(t.coef.mul(this.ranks[t.basis.k]));
      else if (t.basis.j === t.basis.k) s = s.add(t.coef.mul(this.ranks[t.basis.k]));
    }
    return s;
  }

  /** Coefficients c_k if x = Σ c_k P_k exactly (no Q part), else null. */
  diagCoefficients(x: Elem): Poly[] | null {
    const out = Array.from({ length: this.n }, () => Poly.ZERO);
    for (const t of x.terms.values()) {
      if (t.basis.kind !== 'P') return null;
      out[t.basis.k] = t.coef;
    }
    return out;
  }

  /** u vᵀ = Σ u_j v_k Q_jk for u = Σ u_j P_j 𝟙, v = Σ v_k P_k 𝟙. */
  outer(u: Vec, v: Vec): Elem {
    const out: [BasisElement, Poly][] = [];
    for (let j = 0; j < this.n; j++) for (let k = 0; k < this.n; k++) if (!u[j].isZero() && !v[k].isZero()) out.push([{ kind: 'Q', j, k }, u[j].mul(v[k])]);
    return ProjectorAlgebra.build(out);
  }

  /** uᵀv = Σ_k u_k v_k r_k. */
  dot(u: Vec, v: Vec): Poly {
    let s = Poly.ZERO;
    for (let k = 0; k < this.n; k++) s = s.add(u[k].mul(v[k]).mul(this.ranks[k]));
    return s;
  }

  /** x v. */
  apply(x: Elem, v: Vec): Poly[] {
    const out = Array.from({ length: this.n }, () => Poly.ZERO);
    for (const t of x.terms.values()) {
      if (t.basis.kind === 'P') out[t.basis.k] = out[t.basis.k].add(t.coef.mul(v[t.basis.k]));
      else out[t.basis.j] = out[t.basis.j].add(t.coef.mul(this.ranks[t.basis.k]).mul(v[t.basis.k]));
    }
    return out;
  }

  /** E[(xᵀAx)(xᵀBx)] = tr(AΣ) tr(BΣ) + 2 tr(AΣBΣ) for x ~ N(0, Σ). */
  expectQuadQuad(A: Elem, B: Elem, Sigma: Elem): Poly {
    const AS = this.mul(A, Sigma);
    const BS = this.mul(B, Sigma);
    return this.trace(AS).mul(this.trace(BS)).add(this.trace(this.mul(AS, BS)).scale(2));
  }

  /** E[(xᵀAx) x xᵀ] = tr(AΣ) Σ + 2 ΣAΣ for x ~ N(0, Σ). */
  expectQuadOuter(A: Elem, Sigma: Elem): Elem {
    const tr = this.trace(this.mul(A, Sigma));
    return this.add(this.scale(Sigma, tr), this.scale(this.mul(Sigma, this.mul(A, Sigma)), Poly.constant(2)));
  }
}
