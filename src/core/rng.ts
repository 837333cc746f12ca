/**
 * Seeded randomness. Every random draw in specgd goes through here (pure-rand's xoroshiro128+), so that
 * the same config + seed gives bit-identical output. `Math.random` is never used.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1) (Box–Muller, cached pair). */
  normal(): number;
  /** Fill `out` with i.i.d. N(0, 1). */
  fillNormal(out: Float64Array): void;
}

/** MurmurHash3's 32-bit finalizer: a bijection on 32-bit integers with full avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * A generator seeded with the integer `seed` and a stream index (independent streams of one seed).
 * The seed is hashed before it reaches pure-rand: xoroshiro128plus(seed) starts from the state (−1, ~seed, seed, 0),
 * so for nearby raw seeds the first outputs share their high bits (measured: the first uniform is 0.891649… for
 * every seed 1..5). fmix32 spreads nearby seeds over all 32 bits; the stream and a seed's bits above 32 are mixed
 * in the same way.
 */
export function createRng(seed: number, stream = 0): Rng {
  const lo = seed | 0;
  const hi = Math.floor(seed / 4294967296) | 0;
  const g = xoroshiro128plus(fmix32(fmix32(lo ^ fmix32(hi)) + Math.imul(stream + 1, 0x9e3779b9)));
  let spare = 0;
  let hasSpare = false;
  const uniform = (): number => {
    // pure-rand 8: generators are mutable; uniformFloat64 draws a multiple of 2^-53 in [0, 1).
    return uniformFloat64(g);
  };
  const normal = (): number => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    // Box–Muller: z0 = √(−2 ln u1) cos(2π u2), z1 = √(−2 ln u1) sin(2π u2); u1 ∈ (0, 1].
    const u1 = 1 - uniform();
    const u2 = uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    hasSpare = true;
    return r * Math.cos(2 * Math.PI * u2);
  };
  return {
    uniform,
    normal,
    fillNormal(out: Float64Array): void {
      for (let i = 0; i < out.length; i++) out[i] = normal();
    },
  };
}

/**
 * A Haar-distributed random orthogonal d×d matrix: modified Gram–Schmidt (applied twice, so the columns are
 * orthonormal to working precision) on the columns of a matrix with i.i.d. N(0, 1) entries. Gram–Schmidt yields
 * R with a positive diagonal, which is the sign convention that makes Q Haar-distributed.
 */
export function randomOrthogonal(d: number, rng: Rng): Float64Array {
  const cols = new Float64Array(d * d); // column j stored as row j (contiguous)
  rng.fillNormal(cols);
  for (let j = 0; j < d; j++) {
    const rj = j * d;
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const rk = k * d;
        let dot = 0;
        for (let i = 0; i < d; i++) dot += cols[rk + i] * cols[rj + i];
        for (let i = 0; i < d; i++) cols[rj + i] -= dot * cols[rk + i];
      }
    }
    let nrm = 0;
    for (let i = 0; i < d; i++) nrm += cols[rj + i] * cols[rj + i];
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < d; i++) cols[rj + i] /= nrm;
  }
  const Q = new Float64Array(d * d);
  for (let j = 0; j < d; j++) for (let i = 0; i < d; i++) Q[i * d + j] = cols[j * d + i];
  return Q;
}
