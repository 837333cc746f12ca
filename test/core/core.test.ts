import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { mean, slope, standardError, std } from '../../src/core/stats.js';
import { assertFiniteDeep } from '../../src/core/trajectory.js';
import { ConfigError } from '../../src/core/errors.js';

describe('rng', () => {
  it('is deterministic per (seed, stream) and streams differ', () => {
    const x = new Float64Array(5);
    const y = new Float64Array(5);
    createRng(7).fillNormal(x);
    createRng(7).fillNormal(y);
    expect(Array.from(x)).toEqual(Array.from(y));
    createRng(7, 1).fillNormal(y);
    expect(Array.from(x)).not.toEqual(Array.from(y));
  });
  it('draws standard normals: mean and variance within derived Monte Carlo error', () => {
    const N = 200_000;
    const z = new Float64Array(N);
    createRng(3).fillNormal(z);
    // E[z] = 0 with standard error 1/√N; E[z²] = 1 with standard error √(Var z²)/√N = √2/√N. k = 5.
    expect(Math.abs(mean(z))).toBeLessThan(5 / Math.sqrt(N));
    const z2 = z.map((v) => v * v);
    expect(Math.abs(mean(z2) - 1)).toBeLessThan((5 * Math.sqrt(2)) / Math.sqrt(N));
  });
});

describe('stats', () => {
  it('mean, std, standard error, slope', () => {
    expect(mean([1, 2, 3])).toBe(2);
    expect(std([1, 2, 3])).toBe(1);
    expect(standardError([1, 2, 3])).toBeCloseTo(1 / Math.sqrt(3), 15);
    expect(slope([0, 1, 2], [1, 3, 5])).toBe(2);
  });
});

describe('errors and finiteness', () => {
  it('ConfigError is one line naming field, value and what is valid', () => {
    const e = new ConfigError('model.d', 'ten', 'an integer ≥ 1');
    expect(e.message).toBe('invalid model.d: got "ten"; expected an integer ≥ 1');
  });
  it('assertFiniteDeep finds a NaN deep in a value', () => {
    expect(() => assertFiniteDeep({ a: [1, { b: Number.NaN }] })).toThrow(/\$\.a\[1\]\.b/);
    expect(() => assertFiniteDeep({ a: [1, 2] })).not.toThrow();
  });
});
