/**
 * Seeded randomness. Every random draw in specgd goes through here, so that the same config + seed gives
 * bit-identical output; `Math.random` is never used.
 *
 *  - generator: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 47(4),
 *    2021; reference code prng.di.unimi.it/xoshiro128starstar.c): 128 bits of state in four int32 words, period
 *    2¹²⁸ − 1, 32-bit outputs, every bit of which passes BigCrush. Integer arithmetic only (Math.imul, shifts): no
 *    object per draw, no BigInt;
 *  - uniform: 53 bits from two outputs, (a ≫ 5)·2²⁶ + (b ≫ 6) scaled by 2⁻⁵³ (a multiple of 2⁻⁵³ in [0, 1));
 *  - normal: the ziggurat (core/ziggurat.ts: Marsaglia & Tsang 2000, 256 layers, 52-bit draws as numpy's): two
 *    outputs a, b give the layer (a's low 8 bits), the sign (bit 8) and k = (a ≫ 12)·2³² + b (52 bits); the
 *    slow paths (≈ 1% of draws) take further uniforms.
 * Seeding (createRng): the 32-bit halves of the seed and the stream index fill the state through a chain of
 * MurmurHash3 finalizers (each word a bijection of its input given the previous word), so distinct (seed, stream)
 * pairs start from distinct states (independent streams: disjoint stretches of one 2¹²⁸ − 1 cycle unless an
 * astronomically unlikely overlap), and seeds one apart differ in about half the bits of every word (nearby seeds
 * are decorrelated from the first draw).
 */
import { zigguratTables } from './ziggurat.js';

export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1) (ziggurat). */
  normal(): number;
  /** Fill `out` with i.i.d. N(0, 1) (the same numbers, in order, as out.length calls of `normal`). */
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
 * Offsets of the four state words: the first 128 fractional bits of π (0x243f6a88 85a308d3 13198a2e 03707344,
 * Blowfish's P-array convention), nothing-up-my-sleeve numbers that keep seed 0, stream 0 away from the all-zero
 * state xoshiro must not start from.
 */
const PI_WORDS = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344] as const;

const ZIG = zigguratTables();
const ZK = ZIG.k;
const ZW = ZIG.w;
const ZF = ZIG.f;
const ZR = ZIG.r;
const ZR_INV = 1 / ZR;
const TWO32 = 4294967296;
const TWO26 = 67108864;
const TWO_M53 = 2 ** -53;

/** xoshiro128** with the samplers built on it; the state lives in four int32 fields. */
class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the one forbidden state
  }

  /** Next 32-bit output as an unsigned integer: result = rotl(s1·5, 7)·9, then the xoshiro128 state step. */
  next(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    let s2 = this.s2 ^ this.s0;
    let s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 ^= s3;
    s2 ^= t;
    this.s2 = s2;
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  uniform(): number {
    const a = this.next() >>> 5;
    const b = this.next() >>> 6;
    return (a * TWO26 + b) * TWO_M53;
  }

  normal(): number {
    const a = this.next();
    const b = this.next();
    const i = a & 0xff;
    const k = (a >>> 12) * TWO32 + b;
    if (k < ZK[i]) {
      // inside the layer's inner rectangle (≈ 99% of draws)
      return k * ZW[i] * (1 - ((a >>> 7) & 2)); // the sign from bit 8: 1 − 2·bit, without a branch
    }
    return this.slow(a, k);
  }

  /** The rest of `normal` after a first pair (a, b) with k ≥ k_i: the tail or the wedge test, then fresh pairs. */
  private slow(a: number, k: number): number {
    for (;;) {
      const i = a & 0xff;
      const neg = (a & 0x100) !== 0;
      const x = k * ZW[i];
      if (k < ZK[i]) return neg ? -x : x;
      if (i === 0) {
        // the tail x > r (Marsaglia): a = −ln U₁ / r, accepted when −2 ln U₂ > a²; 1 − U avoids ln 0
        for (;;) {
          const xx = -Math.log(1 - this.uniform()) * ZR_INV;
          const yy = -Math.log(1 - this.uniform());
          if (yy + yy > xx * xx) return neg ? -(ZR + xx) : ZR + xx;
        }
      }
      // the wedge between the inner rectangle and the curve: y uniform in [f_i, f_{i−1}] under f(x)
      if (ZF[i] + this.uniform() * (ZF[i - 1] - ZF[i]) < Math.exp(-0.5 * x * x)) return neg ? -x : x;
      a = this.next();
      k = (a >>> 12) * TWO32 + this.next();
    }
  }

  /**
   * The fast path of `normal` with the state in local variables (the same draws in the same order: a rare slow
   * path writes the state back, calls `normal`'s remainder through `slow`, and reloads it).
   */
  fillNormal(out: Float64Array): void {
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    const n = out.length;
    for (let j = 0; j < n; j++) {
      // two xoshiro128** steps (as `next`), outputs a and b
      let m = Math.imul(s1, 5);
      const a = Math.imul((m << 7) | (m >>> 25), 9);
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      m = Math.imul(s1, 5);
      const b = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const i = a & 0xff;
      const k = (a >>> 12) * TWO32 + b;
      if (k < ZK[i]) {
        out[j] = k * ZW[i] * (1 - ((a >>> 7) & 2)); // as in `normal`
        continue;
      }
      this.s0 = s0;
      this.s1 = s1;
      this.s2 = s2;
      this.s3 = s3;
      out[j] = this.slow(a, k);
      s0 = this.s0;
      s1 = this.s1;
      s2 = this.s2;
      s3 = this.s3;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }
}

/**
 * A generator seeded with the integer `seed` (|seed| < 2⁵³) and a stream index (independent streams of one seed).
 * State words: a forward chain w₀ = fmix32(lo ⊕ π₀), w₁ = fmix32(hi ⊕ π₁ ⊕ w₀), w₂ = fmix32(stream ⊕ π₂ ⊕ w₁),
 * w₃ = fmix32(π₃ ⊕ w₂) (lo, hi the seed's 32-bit halves, π_k the words of PI_WORDS), then back into the first two,
 * w₀ ← fmix32(w₀ ⊕ w₃), w₁ ← fmix32(w₁ ⊕ w₀), so that every word depends on seed and stream (xoshiro128**'s first
 * output is a function of w₁ alone). Injective: (lo, hi, stream) ↦ (w₀, w₁, w₂) is triangular with bijective
 * diagonal, and the back pass is undone from w₂ (which gives w₃) by inverting fmix32.
 */
export function createRng(seed: number, stream = 0): Rng {
  const lo = seed | 0;
  const hi = Math.floor(seed / TWO32) | 0;
  const w0 = fmix32(lo ^ PI_WORDS[0]);
  const w1 = fmix32(hi ^ PI_WORDS[1] ^ w0);
  const w2 = fmix32((stream | 0) ^ PI_WORDS[2] ^ w1);
  const w3 = fmix32(PI_WORDS[3] ^ w2);
  const v0 = fmix32(w0 ^ w3);
  const v1 = fmix32(w1 ^ v0);
  return new Xoshiro128(v0, v1, w2, w3);
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

/**
 * χ²_ν draw for real ν > 0: Marsaglia & Tsang, "A simple method for generating gamma variables" (ACM TOMS 26, 2000),
 * gamma with shape ν/2, scale 2; for shape < 1 the boost U^{1/α} of the same paper.
 */
export function chiSquareDraw(rng: Rng, nu: number): number {
  const shape = nu / 2;
  const boost = shape < 1 ? Math.pow(rng.uniform() || Number.MIN_VALUE, 1 / shape) : 1;
  const alpha = shape < 1 ? shape + 1 : shape;
  const d = alpha - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u || Number.MIN_VALUE) < 0.5 * x * x + d * (1 - v + Math.log(v))) return 2 * d * v * boost;
  }
}
