/** Array helpers shared by the numeric tests (test/sim: linalg, native backend, moment operator). */
import type { Rng } from '../../src/core/rng.js';

/** max_i |a_i| */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** max_i |a_i − b_i| / max_i |b_i| */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d / maxAbs(b);
}

/** A generator of i.i.d. N(0, 1) arrays from `rng`. */
export function normalArrays(rng: Rng): (len: number) => Float64Array {
  return (len) => {
    const a = new Float64Array(len);
    rng.fillNormal(a);
    return a;
  };
}
