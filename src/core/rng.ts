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

/** A generator seeded with the integer `seed` (and an optional stream index to split independent streams). */
export function createRng(seed: number, stream = 0): Rng {
  // Mix the stream into the seed with a 32-bit odd multiplier so streams are distinct and reproducible.
  const g = xoroshiro128plus((seed ^ Math.imul(stream + 1, 0x9e3779b9)) | 0);
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
