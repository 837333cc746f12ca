/**
 * The order-8 moment checks of the derivation report (symbolic/moments8-checks.ts): they pass on the presets
 * (symbolic exact route for ≤ 3 blocks, rational points beyond), skip the gradient covariance for the vector
 * student, stay within their caps on a many-block model, and fail when the expected values are wrong.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, presetConfig } from '../../src/config/config.js';
import { PRESETS } from '../../src/config/presets.js';
import { buildModelSpec } from '../../src/model/spec.js';
import { deriveSymbolic } from '../../src/symbolic/derive.js';
import { moment8Checks } from '../../src/symbolic/moments8-checks.js';
import { NumericMoments } from '../../src/symbolic/moments8.js';

const derOf = (preset: string) => deriveSymbolic(buildModelSpec(presetConfig(preset)));
const ids = ['moment8-wick-chi-square-exact', 'moment8-scalar', 'moment8-outer', 'moment6-outer', 'moment8-fluctuation-block', 'moment8-fluctuation-trace'];

describe('order-8 moment checks', () => {
  it('pass on the spiked matrix preset, gradient covariance included', () => {
    const cs = moment8Checks(derOf('spiked'), 1);
    expect(cs.map((c) => c.id)).toEqual([...ids, 'moment8-gradient-block', 'moment8-gradient-trace']);
    for (const c of cs) expect(c.passed, `${c.id}: ${c.error} > ${c.tolerance}`).toBe(true);
    expect(cs[0].method).toContain('symbolic variances');
  });
  it('pass on the vector student (no gradient covariance: it is stated for W in the algebra)', () => {
    const cs = moment8Checks(derOf('spiked-vector'), 2);
    expect(cs.map((c) => c.id)).toEqual(ids);
    for (const c of cs) expect(c.passed, c.id).toBe(true);
  });
  it('pass on the power-law preset (exact route at a rational point: 8 blocks)', () => {
    const cs = moment8Checks(derOf('powerlaw'), 3);
    for (const c of cs) expect(c.passed, c.id).toBe(true);
    expect(cs[0].method).toContain('rational equality');
  });
  it('a 40-block diagonal model stays within the caps', () => {
    const raw = structuredClone(PRESETS.powerlaw) as any;
    raw.model.d = 40;
    raw.model.covariance = { kind: 'diagonal', eigenvalues: Array.from({ length: 40 }, (_, j) => 1 + j / 8), signalIndex: 5 };
    const cs = moment8Checks(deriveSymbolic(buildModelSpec(parseConfig(raw))), 4);
    for (const c of cs) expect(c.passed, c.id).toBe(true);
    expect(cs.find((c) => c.id === 'moment8-outer')!.method).toContain('60 of the 820 entries');
    expect(cs.find((c) => c.id === 'moment8-fluctuation-block')!.method).toContain('36 seeded random block pairs of the 820');
  });
  // The Monte Carlo power: the scalar eighth moment's tolerance is about 6% of its value at N = 20 000 (heavy
  // tails), the other entries' smaller; a wrong Wick count (e.g. 47 instead of 48) is caught by the exact route.
  it('negative control: expected values off by 15% fail the Monte Carlo checks', () => {
    class Wrong extends NumericMoments {
      override expect(forms: readonly (readonly number[])[]): number {
        return 1.15 * super.expect(forms);
      }
      override expectOuter(forms: readonly (readonly number[])[]): number[] {
        return super.expectOuter(forms).map((v) => 1.15 * v);
      }
    }
    const cs = moment8Checks(derOf('spiked'), 1, (l, r) => new Wrong(l, r));
    for (const id of ['moment8-scalar', 'moment8-outer', 'moment6-outer', 'moment8-fluctuation-block', 'moment8-gradient-block']) expect(cs.find((c) => c.id === id)!.passed, id).toBe(false);
  });
});
