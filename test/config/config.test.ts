import { describe, expect, it } from 'vitest';
import { parseConfig, presetConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { PRESETS } from '../../src/config/presets.js';
import { buildModelSpec } from '../../src/model/spec.js';

const base = () => structuredClone(PRESETS.spiked) as Record<string, any>;

function errorOf(raw: unknown): ConfigError {
  try {
    parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('accepts the issue example and fills defaults', () => {
    const c = presetConfig('spiked');
    expect(c.model.d).toBe(100);
    expect(c.algorithms[1]).toEqual({ name: 'specgd', eta: 0.002, polar: 'svd', nsSteps: 5 });
    const spec = buildModelSpec(c);
    expect(spec.blocks.map((b) => [b.symbol, b.rank])).toEqual([['a', 1], ['b', 1], ['c', 98]]);
  });
  it.each([
    ['unknown key', (c: any) => (c.model.foo = 1), 'model.foo', /no such key/],
    ['zero variance', (c: any) => (c.model.covariance.spikeVariance = 0), 'model.covariance.spikeVariance', /> 0/],
    ['negative variance', (c: any) => (c.model.covariance.bulkVariance = -1), 'model.covariance.bulkVariance', /> 0/],
    ['d < 3 spiked', (c: any) => (c.model.d = 2), 'model.d', /≥ 3/],
    ['non-numeric', (c: any) => (c.model.d = 'ten'), 'model.d', /integer/],
    ['bad algorithm', (c: any) => (c.algorithms[0].name = 'adam'), 'algorithms[0].name', /"gd" or "specgd"/],
    ['signal index', (c: any) => (c.model.covariance = { kind: 'powerlaw', exponent: 1, signalIndex: 101 }), 'model.covariance.signalIndex', /1\.\.100/],
  ])('rejects %s naming the field and value', (_n, mutate, field, valid) => {
    const c = base();
    mutate(c);
    const e = errorOf(c);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(valid);
    expect(e.message.split('\n')).toHaveLength(1);
  });
  it('rejects an unknown preset listing the valid names', () => {
    expect(() => presetConfig('nope')).toThrow(/--preset.*"nope".*spiked/);
  });
});
