/**
 * Exact means and variances of the per-sample Monte Carlo estimators of moments8-checks.ts, by the independent χ²
 * route (the tolerance k·σ/√N of those checks uses this σ, not the sample σ̂; see that module's comment).
 *
 * Every per-sample estimator there is a polynomial in the block forms q_k = xᵀP_kx (independent λ_kχ²_{r_k}, x ~
 * N(0, Σ), Σ = Σ_k λ_kP_k) and the label noise ε ~ N(0, 1) (independent of x), written as a sum of terms
 *   T = c · ∏_i F_i,   F_i = Σ_k f_i[k] q_k + e_i ε + c_i   (affine factors),
 * so that E[T T'] is the expectation of a product of affine factors (≤ 4 + 4 here: every term has at most four), with
 * q_k, ε and the constant 1 as independent "blocks" of known moments:
 *   E[q_k^j] = λ_k^j r_k(r_k + 2)⋯(r_k + 2j − 2),  E[ε^j] = (j − 1)!! for even j, 0 for odd j,  E[1^j] = 1,
 *   E[∏_i F_i] = Σ over the assignments of the factors to the blocks of ∏_i (F_i's coefficient there) ∏_blocks E[·^{n}]
 * (the same expansion as moments8.ts `chiSquareExpect`, in floating point). Then
 *   E[P] = Σ_T E[T],  Var P = Σ_{T,T'} E[T T'] − (E[P])²,
 * the exact variance (an order-16 Gaussian moment for the order-8 estimators). Entries of matrix-valued moments
 * involve single coordinates x_i: a block k holding coordinate i is split into the rank-1 form x_i² (variance λ_k)
 * and the rest of the block (rank r_k − 1), again independent χ² forms (`splitAt`).
 */

/** An affine factor Σ_k q[k]·q_k + eps·ε + c over the blocks of a `ChiSquareBlocks`. */
export interface Affine {
  q: readonly number[];
  eps: number;
  c: number;
}

/** A term coef · ∏ factors of a per-sample estimator. */
export interface Term {
  coef: number;
  factors: readonly Affine[];
}

/** The form q_k (the unit coefficient vector of block k, over n blocks). */
export function blockForm(n: number, k: number): Affine {
  return { q: Array.from({ length: n }, (_, j) => (j === k ? 1 : 0)), eps: 0, c: 0 };
}

/** The form q_A = Σ_k A[k] q_k. */
export function quadForm(A: readonly number[]): Affine {
  return { q: A, eps: 0, c: 0 };
}

/** The polynomial P·Q of two sums of terms (every product of a term of P with one of Q). */
export function mulTerms(P: readonly Term[], Q: readonly Term[]): Term[] {
  return P.flatMap((s) => Q.map((t) => ({ coef: s.coef * t.coef, factors: [...s.factors, ...t.factors] })));
}

/** Independent block forms q_k ~ λ_kχ²_{r_k}, the noise ε ~ N(0, 1) and the constant 1, with their moments. */
export class ChiSquareBlocks {
  readonly lambda: readonly number[];
  readonly rank: readonly number[];
  /** moments[k][j] = E[q_k^j] for the n blocks, then E[ε^j] (index n) and E[1^j] = 1 (index n + 1), j ≤ MAX_ORDER. */
  private readonly moments: Float64Array[];

  static readonly MAX_ORDER = 16;

  constructor(lambda: readonly number[], rank: readonly number[]) {
    if (lambda.length !== rank.length) throw new RangeError(`ChiSquareBlocks: ${lambda.length} variances but ${rank.length} ranks`);
    this.lambda = lambda;
    this.rank = rank;
    const J = ChiSquareBlocks.MAX_ORDER;
    this.moments = lambda.map((l, k) => {
      const m = new Float64Array(J + 1);
      m[0] = 1;
      for (let j = 1; j <= J; j++) m[j] = m[j - 1] * l * (rank[k] + 2 * (j - 1));
      return m;
    });
    const eps = new Float64Array(J + 1);
    eps[0] = 1;
    for (let j = 2; j <= J; j += 2) eps[j] = eps[j - 2] * (j - 1);
    this.moments.push(eps, new Float64Array(J + 1).fill(1));
  }

  get blocks(): number {
    return this.lambda.length;
  }

  /**
   * E[∏_i F_i] by the assignment expansion (file comment), summed block by block over the subsets of factors given
   * to each block (a dynamic programme over the 2^m subsets; a block only takes factors with a non-zero coefficient
   * there).
   */
  expectProduct(factors: readonly Affine[]): number {
    const m = factors.length;
    if (m > ChiSquareBlocks.MAX_ORDER) throw new RangeError(`ChiSquareBlocks: ${m} factors (at most ${ChiSquareBlocks.MAX_ORDER})`);
    const n = this.blocks;
    const full = (1 << m) - 1;
    let state = new Float64Array(full + 1);
    let next = new Float64Array(full + 1);
    const prod = new Float64Array(full + 1);
    const pop = new Uint8Array(full + 1);
    for (let T = 1; T <= full; T++) pop[T] = pop[T & (T - 1)] + 1;
    state[0] = 1;
    const coef = (i: number, k: number) => (k < n ? factors[i].q[k] : k === n ? factors[i].eps : factors[i].c);
    for (let k = 0; k < n + 2; k++) {
      let nz = 0;
      for (let i = 0; i < m; i++) if (coef(i, k) !== 0) nz |= 1 << i;
      if (nz === 0) continue;
      // prod[T] = ∏_{i ∈ T} (coefficient of F_i on block k) for T ⊆ nz, the subsets in increasing order
      // (T ← (T − nz) & nz), so that T without its lowest bit comes first.
      prod[0] = 1;
      for (let T = (0 - nz) & nz; T !== 0; T = (T - nz) & nz) {
        const low = T & -T;
        prod[T] = prod[T ^ low] * coef(31 - Math.clz32(low), k);
      }
      const mom = this.moments[k];
      next.fill(0);
      for (let S = 0; S <= full; S++) {
        const v = state[S];
        if (v === 0) continue;
        const rest = ~S & nz;
        for (let T = rest; ; T = (T - 1) & rest) {
          next[S | T] += v * prod[T] * mom[pop[T]];
          if (T === 0) break;
        }
      }
      [state, next] = [next, state];
    }
    return state[full];
  }

  /** E[P] for P = Σ terms. */
  mean(P: readonly Term[]): number {
    let s = 0;
    for (const t of P) s += t.coef * this.expectProduct(t.factors);
    return s;
  }

  /** E[P²] = Σ_{T,T'} c c' E[∏F ∏F'] (each unordered pair once, doubled). */
  secondMoment(P: readonly Term[]): number {
    let s = 0;
    for (let i = 0; i < P.length; i++) {
      for (let j = i; j < P.length; j++) {
        const e = P[i].coef * P[j].coef * this.expectProduct([...P[i].factors, ...P[j].factors]);
        s += i === j ? e : 2 * e;
      }
    }
    return s;
  }

  /** Var P = E[P²] − E[P]² (≥ 0 up to rounding; clamped). */
  variance(P: readonly Term[]): number {
    const mu = this.mean(P);
    return Math.max(0, this.secondMoment(P) - mu * mu);
  }

  /**
   * The blocks with single coordinates split off: coordinate t of `dirs` (in block blockOfDir[t]) becomes its own
   * rank-1 form x_t² with the block's variance, the rest of the block a form of rank r_k − (coordinates taken), dropped
   * when that is 0. Returns the split blocks, `lift` carrying a form over the old blocks to the new ones (a block's
   * coefficient on each of its pieces) and `coordinate(t)`, the form x_t² of dirs[t].
   */
  splitAt(blockOfDir: readonly number[]): { blocks: ChiSquareBlocks; lift: (F: Affine) => Affine; coordinate: (t: number) => Affine } {
    const lambda: number[] = [];
    const rank: number[] = [];
    const pieceBlock: number[] = [];
    const taken = new Array<number>(this.blocks).fill(0);
    const coordPiece: number[] = [];
    for (const k of blockOfDir) {
      taken[k]++;
      coordPiece.push(lambda.length);
      lambda.push(this.lambda[k]);
      rank.push(1);
      pieceBlock.push(k);
    }
    for (let k = 0; k < this.blocks; k++) {
      const r = this.rank[k] - taken[k];
      if (r < 0) throw new RangeError(`ChiSquareBlocks.splitAt: ${taken[k]} coordinates taken from block ${k} of rank ${this.rank[k]}`);
      if (r === 0) continue;
      lambda.push(this.lambda[k]);
      rank.push(r);
      pieceBlock.push(k);
    }
    const blocks = new ChiSquareBlocks(lambda, rank);
    const N = lambda.length;
    return {
      blocks,
      lift: (F) => ({ q: pieceBlock.map((k) => F.q[k]), eps: F.eps, c: F.c }),
      coordinate: (t) => blockForm(N, coordPiece[t]),
    };
  }
}
