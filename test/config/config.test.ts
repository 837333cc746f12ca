import { describe, expect, it } from 'vitest';
import { parseConfig, presetConfig } from '../../src/config/config.js';
import { errorOf } from '../helpers/config-error.js';
import { PRESETS } from '../../src/config/presets.js';
import { INIT_SCALE_MAX, VARIANCE_MAX, VARIANCE_MIN } from '../../src/config/schema.js';
import { assertFiniteDeep } from '../../src/core/trajectory.js';
import { runTheory } from '../../src/dynamics/theory.js';
import { buildModelSpec } from '../../src/model/spec.js';

const base = () => structuredClone(PRESETS.spiked) as Record<string, any>;

describe('config', () => {
  it('accepts the issue example and fills defaults', () => {
    const c = presetConfig('spiked');
    expect(c.model.d).toBe(100);
    expect(c.algorithms[1]).toEqual({ name: 'specgd', eta: 0.002, polar: 'svd' });
    const spec = buildModelSpec(c);
    expect(spec.blocks.map((b) => [b.symbol, b.rank])).toEqual([['a', 1], ['b', 1], ['c', 98]]);
  });
  it.each([
    ['unknown key', (c: any) => (c.model.foo = 1), 'model.foo', /no such key/],
    ['zero variance', (c: any) => (c.model.covariance.spikeVariance = 0), 'model.covariance.spikeVariance', /> 0/],
    ['negative variance', (c: any) => (c.model.covariance.bulkVariance = -1), 'model.covariance.bulkVariance', /> 0/],
    ['d < 3 spiked', (c: any) => (c.model.d = 2), 'model.d', /≥ 3/],
    ['non-numeric', (c: any) => (c.model.d = 'ten'), 'model.d', /integer/],
    ['bad algorithm', (c: any) => (c.algorithms[0].name = 'lion'), 'algorithms[0].name', /"gd", "specgd"/],
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

describe('config: a value of the wrong JSON type names what is valid, not zod\'s generic message', () => {
  const cases: [string, unknown, string, RegExp][] = [
    ['the whole config is an array', [], '(config)', /a JSON object with the keys model, algorithms, steps/],
    ['the whole config is null', null, '(config)', /a JSON object with the keys model, algorithms/],
    ['model is a number', { model: 5 }, 'model', /a JSON object with the keys d, covariance, student/],
    ['model is missing', {}, 'model', /a value \(required\): a JSON object with the keys d, covariance/],
    ['a seed is a string', { ...base(), seeds: ['a'] }, 'seeds[0]', /integer seeds/],
  ];
  for (const [what, raw, field, valid] of cases) {
    it(what, () => {
      const e = errorOf(raw);
      expect(e.field).toBe(field);
      expect(e.message).toMatch(valid);
      expect(e.message).not.toMatch(/Invalid input/);
      expect(e.message.split('\n')).toHaveLength(1);
    });
  }
});

describe('config: supported ranges (outside them float64 overflows: bad input, not an internal error)', () => {
  const cases: [string, (c: any) => void, string, RegExp][] = [
    ['a huge variance', (c) => (c.model.covariance.spikeVariance = VARIANCE_MAX * 10), 'model.covariance.spikeVariance', /within \[1e-100, 1e\+100\]/],
    ['a tiny variance', (c) => (c.model.covariance.signalVariance = VARIANCE_MIN / 10), 'model.covariance.signalVariance', /within \[1e-100, 1e\+100\]/],
    ['a huge eigenvalue', (c) => (c.model = { d: 3, covariance: { kind: 'diagonal', eigenvalues: [1, VARIANCE_MAX * 10, 1], signalIndex: 1 } }), 'model.covariance.eigenvalues[1]', /within/],
    ['an init scale past the divergence bound', (c) => (c.model.init = { kind: 'scaled-identity', alpha: INIT_SCALE_MAX * 10 }), 'model.init.alpha', /larger is diverged from the start/],
    ['a gaussian init std past the divergence bound', (c) => (c.model.init = { kind: 'gaussian', std: INIT_SCALE_MAX * 10 }), 'model.init.std', /\[1e-150, 1000000\]/],
    ['a denormal init scale (α² underflows to 0)', (c) => (c.model.init = { kind: 'scaled-identity', alpha: 5e-324 }), 'model.init.alpha', /smaller underflows when squared/],
  ];
  for (const [what, mutate, field, valid] of cases) {
    it(what, () => {
      const c = base();
      mutate(c);
      const e = errorOf(c);
      expect(e.field).toBe(field);
      expect(e.message).toMatch(valid);
    });
  }
  it('the limits themselves are accepted and the theory at them stays finite', () => {
    const c = base();
    c.model.d = 6;
    c.steps = 20;
    c.model.covariance = { kind: 'spiked', signalVariance: VARIANCE_MIN, spikeVariance: VARIANCE_MAX, bulkVariance: VARIANCE_MAX };
    c.model.init = { kind: 'scaled-identity', alpha: INIT_SCALE_MAX };
    const cfg = parseConfig(c);
    expect(() => assertFiniteDeep(runTheory(cfg))).not.toThrow();
  });
});
