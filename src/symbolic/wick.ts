/**
 * Isserlis/Wick calculus for Gaussian moments of quadratic forms, derived by enumerating pairings (issue 11, A).
 *
 * For x ~ N(0, Σ) and matrices A_1 … A_m (any, not necessarily symmetric), write each quadratic form
 * xᵀA_i x = Σ_uv x_u (A_i)_uv x_v as two slots (left u, right v). Isserlis' theorem:
 *   E[∏_i xᵀA_i x] = Σ_{perfect matchings π of the 2m slots} ∏_{pairs (s, t) ∈ π} Σ_{s t},
 * and each matching closes the forms into cycles: entering form i by its left slot contributes A_i (leaving by the
 * right slot), entering by its right slot contributes A_iᵀ, so a cycle (i₁, …, i_L) contributes
 *   tr(M_{i₁} Σ M_{i₂} Σ ⋯ M_{i_L} Σ),   M = A or Aᵀ by the entry side.
 * The matrix-valued moment E[∏_i (xᵀA_i x) x xᵀ] has two extra open slots (the x and the xᵀ of x xᵀ); the slots
 * joined to them form an open path contributing Σ M_{j₁} Σ ⋯ M_{j_p} Σ (just Σ when the two open slots pair with
 * each other), times the traces of the closed cycles. There are (2m − 1)!! matchings (scalar) and (2m + 1)!!
 * (matrix-valued): 105 for the eighth moments E[q_A q_B q_C q_D] and E[q_A q_B q_C x xᵀ].
 *
 * Every matching is enumerated (`pairings`) and evaluated in the projector algebra (`wickExpect`,
 * `wickExpectOuter`) with exact polynomial coefficients, so the coefficients are the integers counted, not typed.
 * In the commutative subalgebra span{P_k} the order inside a cycle does not matter; `wickTerms` groups the
 * matchings by their cycle sets, which gives the familiar multiplicities (2^{L−1}(L−1)! per cycle of length L;
 * e.g. E[q_A q_B] = tr(AΣ)tr(BΣ) + 2 tr(AΣBΣ)), used for display and for fast numeric evaluation (moments8.ts).
 */
import { Poly } from './poly.js';
import type { Elem, ProjectorAlgebra } from './algebra.js';

/** One form entered by its left slot (M = A) or its right slot (M = Aᵀ). */
export interface Oriented {
  form: number;
  transposed: boolean;
}

/** The graph of one perfect matching: closed cycles and, for the matrix-valued moment, the open path. */
export interface Pairing {
  cycles: Oriented[][];
  /** Forms on the path from the open x to the open xᵀ (empty: the two open slots are paired); null if scalar. */
  path: Oriented[] | null;
}

const pairingCache = new Map<string, Pairing[]>();

/**
 * Every perfect matching of the slots of m quadratic forms (slots 2i, 2i+1 = left, right of form i) and, when
 * `open`, the open slots 2m (the x of x xᵀ) and 2m + 1 (its xᵀ); each as its cycle/path structure.
 */
export function pairings(m: number, open: boolean): Pairing[] {
  if (!Number.isInteger(m) || m < 0 || m > 6) throw new RangeError(`pairings: m = ${m}; expected an integer 0 ≤ m ≤ 6 (at most (2·6+1)!! matchings)`);
  const key = `${m}:${open}`;
  const hit = pairingCache.get(key);
  if (hit) return hit;
  const nSlots = 2 * m + (open ? 2 : 0);
  const partner = new Int32Array(nSlots).fill(-1);
  const out: Pairing[] = [];
  const structure = (): Pairing => {
    const seen = new Uint8Array(m);
    /** Walk from the slot `exit` (an exit slot) along pairs; returns the forms visited until `stop` is reached. */
    const walk = (exit: number, stop: number): Oriented[] => {
      const forms: Oriented[] = [];
      let s = partner[exit];
      while (s !== stop) {
        const form = s >> 1;
        const transposed = (s & 1) === 1;
        seen[form] = 1;
        forms.push({ form, transposed });
        s = partner[transposed ? 2 * form : 2 * form + 1];
      }
      return forms;
    };
    const path = open ? walk(2 * m, 2 * m + 1) : null;
    const cycles: Oriented[][] = [];
    for (let i = 0; i < m; i++) {
      if (seen[i]) continue;
      // Enter form i by its left slot; the walk ends when it comes back to that slot.
      seen[i] = 1;
      cycles.push([{ form: i, transposed: false }, ...walk(2 * i + 1, 2 * i)]);
    }
    return { cycles, path };
  };
  const rec = (): void => {
    const first = partner.indexOf(-1);
    if (first < 0) {
      out.push(structure());
      return;
    }
    for (let t = first + 1; t < nSlots; t++) {
      if (partner[t] !== -1) continue;
      partner[first] = t;
      partner[t] = first;
      rec();
      partner[first] = -1;
      partner[t] = -1;
    }
  };
  rec();
  pairingCache.set(key, out);
  return out;
}

/** (2m − 1)!! = 1·3·5⋯(2m − 1), the number of perfect matchings of 2m slots. */
export function doubleFactorialOdd(m: number): number {
  let p = 1;
  for (let k = 1; k <= m; k++) p *= 2 * k - 1;
  return p;
}

/** A group of matchings with the same cycle sets (commutative algebra): count · ∏ tr(Σ^{|C|} ∏_{i∈C} A_i) · path. */
export interface WickTerm {
  count: number;
  /** Each cycle's forms, sorted; cycles sorted. */
  cycles: number[][];
  /** The path's forms, sorted (null for the scalar moment). */
  path: number[] | null;
}

/** `pairings(m, open)` grouped by cycle sets: valid when the A_i and Σ commute (span{P_k}). */
export function wickTerms(m: number, open: boolean): readonly WickTerm[] {
  const cacheKey = `${m}:${open}`;
  const hit = termsCache.get(cacheKey);
  if (hit) return hit;
  const groups = new Map<string, WickTerm>();
  for (const p of pairings(m, open)) {
    const cycles = p.cycles.map((c) => c.map((o) => o.form).sort((x, y) => x - y)).sort((x, y) => x.length - y.length || x.join(',').localeCompare(y.join(',')));
    const path = p.path ? p.path.map((o) => o.form).sort((x, y) => x - y) : null;
    const key = JSON.stringify([cycles, path]);
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { count: 1, cycles, path });
  }
  const out = [...groups.values()];
  termsCache.set(cacheKey, out);
  return out;
}

const termsCache = new Map<string, WickTerm[]>();

/** M_i Σ M_j Σ ⋯ (the product along a walk, each M followed by Σ). */
function walkProduct(alg: ProjectorAlgebra, Sigma: Elem, forms: readonly Elem[], walk: readonly Oriented[]): Elem {
  let acc: Elem | null = null;
  for (const o of walk) {
    const M = o.transposed ? alg.transpose(forms[o.form]) : forms[o.form];
    const MS = alg.mul(M, Sigma);
    acc = acc === null ? MS : alg.mul(acc, MS);
  }
  return acc!;
}

/** E[∏_i xᵀA_i x] for x ~ N(0, Σ), summed over every matching (exact; any elements of the algebra). */
export function wickExpect(alg: ProjectorAlgebra, Sigma: Elem, forms: readonly Elem[]): Poly {
  let total = Poly.ZERO;
  for (const p of pairings(forms.length, false)) {
    let term = Poly.ONE;
    for (const c of p.cycles) term = term.mul(alg.trace(walkProduct(alg, Sigma, forms, c)));
    total = total.add(term);
  }
  return total;
}

/** E[∏_i (xᵀA_i x) x xᵀ] for x ~ N(0, Σ), summed over every matching (exact; an element of the algebra). */
export function wickExpectOuter(alg: ProjectorAlgebra, Sigma: Elem, forms: readonly Elem[]): Elem {
  let total = alg.zero();
  for (const p of pairings(forms.length, true)) {
    let scalar = Poly.ONE;
    for (const c of p.cycles) scalar = scalar.mul(alg.trace(walkProduct(alg, Sigma, forms, c)));
    const path = p.path!.length === 0 ? Sigma : alg.mul(Sigma, walkProduct(alg, Sigma, forms, p.path!));
    total = alg.add(total, alg.scale(path, scalar));
  }
  return total;
}

/** LaTeX of a grouped Wick expansion with the forms named `names` (e.g. ['A', 'B', 'C', 'D']). */
export function wickTermsLatex(terms: readonly WickTerm[], names: readonly string[]): string {
  const product = (c: readonly number[]) => c.map((i) => `${names[i]}\\Sigma`).join(' ');
  // Sort by the cycle-length pattern so equal coefficients sit together.
  const shape = (t: WickTerm) => [...t.cycles.map((c) => c.length), t.path ? 100 + t.path.length : 0].sort((x, y) => x - y).join(',');
  const byShape = new Map<string, WickTerm[]>();
  for (const t of terms) {
    const s = `${t.count}|${shape(t)}`;
    if (!byShape.has(s)) byShape.set(s, []);
    byShape.get(s)!.push(t);
  }
  const parts: string[] = [];
  for (const group of byShape.values()) {
    const body = group
      .map((t) => {
        const tr = t.cycles.map((c) => `\\operatorname{tr}(${product(c)})`).join('\\,');
        const path = t.path === null ? '' : t.path.length === 0 ? '\\Sigma' : `\\Sigma ${product(t.path)}`;
        return [tr, path].filter(Boolean).join('\\,') || '1';
      })
      .join(' + ');
    const c = group[0].count;
    parts.push(c === 1 ? body : group.length > 1 ? `${c}\\left[${body}\\right]` : `${c}\\,${body}`);
  }
  return parts.join(' + ');
}
