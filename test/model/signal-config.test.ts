/**
 * Issue 13, config: `covariance.signalSpikeAngle` (spiked) and `covariance.signal` (diagonal, power law) — their
 * validation (field, value, what is valid) and the normalized signal the model is built from.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { errorOf } from '../helpers/config-error.js';
import { buildModelSpec } from '../../src/model/spec.js';

const base = (covariance: Record<string, unknown>, d = 6) => ({ model: { d, covariance }, algorithms: [{ name: 'gd', eta: 0.01 }], steps: 10 });

describe('signal direction config (issue 13)', () => {
  it.each([
    ['an angle beyond π', { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1, signalSpikeAngle: 4 }, 'model.covariance.signalSpikeAngle', /\[−π, π\]/],
    ['a non-number angle', { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1, signalSpikeAngle: 'pi' }, 'model.covariance.signalSpikeAngle', /radians/],
    ['both signalIndex and signal', { kind: 'powerlaw', exponent: 1, signalIndex: 1, signal: [{ index: 1, weight: 1 }] }, 'model.covariance.signal', /not both/],
    ['neither signalIndex nor signal', { kind: 'powerlaw', exponent: 1 }, 'model.covariance.signalIndex', /required unless signal/],
    ['an all-zero vector', { kind: 'diagonal', eigenvalues: [1, 2, 3, 4, 5, 6], signal: [0, 0, 0, 0, 0, 0] }, 'model.covariance.signal', /non-zero entry/],
    ['a vector of the wrong length', { kind: 'diagonal', eigenvalues: [1, 2, 3, 4, 5, 6], signal: [1, 1] }, 'model.covariance.signal', /exactly d = 6/],
    ['a zero weight', { kind: 'powerlaw', exponent: 1, signal: [{ index: 1, weight: 1 }, { index: 2, weight: 0 }] }, 'model.covariance.signal[1].weight', /non-zero/],
    ['an index out of range', { kind: 'powerlaw', exponent: 1, signal: [{ index: 7, weight: 1 }] }, 'model.covariance.signal[0].index', /1\.\.6/],
    ['a repeated index', { kind: 'powerlaw', exponent: 1, signal: [{ index: 2, weight: 1 }, { index: 2, weight: 1 }] }, 'model.covariance.signal[1].index', /distinct/],
    ['mixed forms', { kind: 'powerlaw', exponent: 1, signal: [{ index: 2, weight: 1 }, 3] }, 'model.covariance.signal[1]', /object/],
    // Fuzz regressions (issue 15): zod's bare "Invalid input" for a non-number entry; a weight whose w/‖w‖
    // underflows to 0 beside a huge one (it gave a zero-weight component of θ).
    ['a non-number entry', { kind: 'diagonal', eigenvalues: [1, 2, 3, 4, 5, 6], signal: [1, '', 0, 0, 0, 0] }, 'model.covariance.signal[1]', /a finite number .* or an object/],
    ['a null entry in the list form', { kind: 'powerlaw', exponent: 1, signal: [{ index: 1, weight: 1 }, null] }, 'model.covariance.signal[1]', /a finite number .* or an object/],
    ['a denormal beside 1e300 (vector)', { kind: 'diagonal', eigenvalues: [1, 2, 3, 4, 5, 6], signal: [1e300, 5e-324, 0, 0, 0, 1] }, 'model.covariance.signal[1]', /underflows to 0/],
    ['a 1e-300 weight beside 1e300 (list)', { kind: 'powerlaw', exponent: 1, signal: [{ index: 1, weight: 1e300 }, { index: 3, weight: -1e-300 }] }, 'model.covariance.signal[1].weight', /underflows to 0/],
    ['an unknown key in an entry', { kind: 'powerlaw', exponent: 1, signal: [{ index: 2, weight: 1, w: 3 }] }, 'model.covariance.signal', /./],
  ])('rejects %s', (_name, covariance, field, valid) => {
    const e = errorOf(base(covariance));
    expect(e.field.startsWith(field)).toBe(true);
    expect(e.message).toMatch(valid);
  });

  it('builds θ = cos φ·u + sin φ·v (unit norm) and, at φ = 0, θ = u alone', () => {
    const phi = 0.7;
    const spec = buildModelSpec(parseConfig(base({ kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1, signalSpikeAngle: phi })));
    expect(spec.signal).toEqual([{ direction: 0, weight: Math.cos(phi) }, { direction: 1, weight: Math.sin(phi) }]);
    const zero = buildModelSpec(parseConfig(base({ kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 })));
    expect(zero.signal).toEqual([{ direction: 0, weight: 1 }]);
  });

  it('keeps every component non-zero at the float64 extremes (denormal and huge weights whose normalized squares stay representable)', () => {
    for (const signal of [[5e-324, 5e-324, 0, 0, 0, 0], [1.7976931348623157e308, -1.7976931348623157e308, 0, 0, 0, 0], [1e300, 1e147, 0, 0, 0, 0]]) {
      const spec = buildModelSpec(parseConfig(base({ kind: 'diagonal', eigenvalues: [1, 2, 3, 4, 5, 6], signal })));
      expect(spec.signal.every((c) => c.weight !== 0 && Number.isFinite(c.weight)), JSON.stringify(signal)).toBe(true);
      expect(spec.signal).toHaveLength(signal.filter((w) => w !== 0).length);
    }
  });

  it('refuses a component whose normalized square underflows float64 (|w/‖w‖| < 2⁻⁵¹¹: θθᵀ loses it)', () => {
    expect(() => parseConfig(base({ kind: 'diagonal', eigenvalues: [1, 2, 3, 4, 5, 6], signal: [1e300, 1e-10, 0, 0, 0, 0] }))).toThrow(/invalid model\.covariance\.signal\[1\]: got 1e-10; .*underflows/);
  });

  it('normalizes a signal vector and a weight list to the same unit θ', () => {
    const v = buildModelSpec(parseConfig(base({ kind: 'powerlaw', exponent: 1, signal: [0, 3, 0, 4, 0, 0] })));
    const l = buildModelSpec(parseConfig(base({ kind: 'powerlaw', exponent: 1, signal: [{ index: 4, weight: 4 }, { index: 2, weight: 3 }] })));
    expect(v.signal).toEqual(l.signal);
    expect(v.signal.map((c) => c.direction)).toEqual([1, 3]);
    const norm = Math.hypot(...v.signal.map((c) => c.weight));
    expect(Math.abs(norm - 1)).toBeLessThanOrEqual(2 ** -52);
    // the largest weight names the signal block
    expect(v.signalBlock).toBe(3);
  });
});
