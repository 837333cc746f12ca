/**
 * Ziggurat tables for the standard normal (Marsaglia & Tsang, "The Ziggurat Method for Generating Random
 * Variables", J. Stat. Softw. 5(8), 2000), with N = 256 layers and 52-bit integer draws as in numpy's
 * `random_standard_normal` (numpy/random/src/distributions/distributions.c). No constant is pasted: the tables are
 * computed here from their defining equations.
 *
 * With the unnormalized density f(x) = e^{−x²/2} on x ≥ 0, the ziggurat is N regions of equal area v:
 *  - the base (index 0): the rectangle [0, r] × [0, f(r)] plus the tail {x > r}, area v = r f(r) + ∫_r^∞ f;
 *  - layer i = 1 … N−1: the rectangle [0, x_i] × [f(x_i), f(x_{i−1})] with x_{N−1} = r > … > x_1 > x_0 = 0,
 *    area x_i (f(x_{i−1}) − f(x_i)) = v, so  x_{i−1} = f⁻¹(f(x_i) + v/x_i) = √(−2 ln(f(x_i) + v/x_i)).
 * r is the root of the closure condition x_0 = 0, i.e. x_1 (1 − f(x_1)) = v (the top layer ends at f(0) = 1),
 * found by bisection. A draw picks a layer i and u uniform on [0, 1) (52 bits, u·2⁵² = k integer):
 *  x = k · w_i with w_i = x_i / 2⁵² (w_0 = (v/f(r)) / 2⁵², the base's width as a rectangle of area v), accepted at
 *  once when k < k_i = ⌊2⁵² x_{i−1}/x_i⌋ (k_0 = ⌊2⁵² r f(r)/v⌋): x then lies under the curve for every y in the
 *  layer. Otherwise layer i ≥ 1 accepts x when f_i + U (f_{i−1} − f_i) < f(x) (f_i = f(x_i), f_0 = 1), and the
 *  base draws from the tail x > r by Marsaglia's method (x = r + a, a = −ln U₁ / r, accepted when −2 ln U₂ > a²).
 * ⌊·⌋ in k_i never accepts a point outside the layer's inner rectangle (those go to the exact test).
 */

/** Layers of the ziggurat (numpy's choice: the layer index is the low 8 bits of a draw). */
export const ZIGGURAT_LAYERS = 256;

/** f(x) = e^{−x²/2}, the unnormalized standard normal density. */
function density(x: number): number {
  return Math.exp(-0.5 * x * x);
}

/**
 * The unnormalized upper tail ∫_r^∞ e^{−x²/2} dx = e^{−r²/2} · R(r) for r > 0, with Mills' ratio R by Laplace's
 * continued fraction R(r) = 1/(r + 1/(r + 2/(r + 3/(r + …)))) (Abramowitz & Stegun 26.2.14), evaluated from the
 * bottom with `terms` partial numerators. The normal tail probability is normalTail(r) / √(2π).
 */
export function normalTail(r: number, terms = 2000): number {
  let t = r;
  for (let k = terms; k >= 1; k--) t = r + k / t;
  return density(r) / t;
}

/** Layer boundaries x_{N−1} = r, …, x_1 for a trial r (into x); returns x_1 (1 − f(x_1)) − v (NaN: v too large for r). */
function closure(r: number, x: Float64Array | null): number {
  const N = ZIGGURAT_LAYERS;
  const v = r * density(r) + normalTail(r);
  let xi = r;
  if (x) x[N - 1] = r;
  for (let i = N - 1; i >= 2; i--) {
    const a = density(xi) + v / xi;
    if (!(a < 1)) return Number.NaN; // the layers would pass x = 0 before the top: r is too small
    xi = Math.sqrt(-2 * Math.log(a));
    if (x) x[i - 1] = xi;
  }
  return xi * (1 - density(xi)) - v;
}

export interface ZigguratTables {
  /** r = x_{N−1}, the base strip's right edge (where the tail starts) */
  r: number;
  /** v, the area of every layer */
  v: number;
  /** acceptance bounds k_i (integers below 2⁵², as doubles) */
  k: Float64Array;
  /** widths w_i (x_i / 2⁵²; w_0 = v / f(r) / 2⁵²) */
  w: Float64Array;
  /** f_i = f(x_i) (f_0 = 1) */
  f: Float64Array;
}

/**
 * The tables (see the module comment). r by bisection on [1, 10]: for r below the root the layers are too wide
 * and reach x = 0 too early (closure NaN, or < 0: the top layer is left with less than v), above it they are too
 * narrow and end short of it (closure > 0); the halvings stop at adjacent doubles.
 */
export function zigguratTables(): ZigguratTables {
  const N = ZIGGURAT_LAYERS;
  let lo = 1;
  let hi = 10;
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    const c = closure(mid, null);
    if (Number.isNaN(c) || c < 0) lo = mid;
    else hi = mid;
  }
  const r = hi;
  const x = new Float64Array(N);
  closure(r, x);
  x[0] = 0;
  const v = r * density(r) + normalTail(r);
  const scale = 2 ** 52;
  const k = new Float64Array(N);
  const w = new Float64Array(N);
  const f = new Float64Array(N);
  const q = v / density(r);
  k[0] = Math.floor((r / q) * scale);
  w[0] = q / scale;
  f[0] = 1;
  for (let i = 1; i < N; i++) {
    k[i] = Math.floor((x[i - 1] / x[i]) * scale);
    w[i] = x[i] / scale;
    f[i] = density(x[i]);
  }
  return { r, v, k, w, f };
}
