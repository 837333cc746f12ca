import { describe, expect, it } from 'vitest';
import { presetConfig, parseConfig } from '../../src/config/config.js';
import { PRESETS } from '../../src/config/presets.js';
import { buildModelSpec } from '../../src/model/spec.js';
import { deriveSymbolic } from '../../src/symbolic/derive.js';
import { compileSystem, systemFor } from '../../src/symbolic/compile.js';
import { createRng } from '../../src/core/rng.js';

describe('compileSystem', () => {
  for (const name of ['spiked', 'spiked-vector', 'powerlaw']) {
    it(`${name}: closures agree with the exact polynomials`, () => {
      const spec = buildModelSpec(presetConfig(name));
      const der = deriveSymbolic(spec);
      const sys = compileSystem(der, spec);
      const n = sys.n;
      expect(sys.symbols).toEqual(spec.blocks.map((b) => b.symbol));
      const env: Record<string, number> = { d: spec.d, kappa: spec.lossScale };
      for (const b of spec.blocks) env[b.varianceSymbol] = b.variance;
      const rng = createRng(3);
      const a = new Float64Array(n);
      const g = new Float64Array(n);
      const J = new Float64Array(n * n);
      for (let it = 0; it < 4; it++) {
        for (let i = 0; i < n; i++) a[i] = rng.normal() * 0.5;
        der.stateVars.forEach((v, i) => (env[v] = a[i]));
        const L = der.loss.evaluate(env);
        expect(Math.abs(sys.loss(a) - L)).toBeLessThanOrEqual(1e-12 * Math.abs(L));
        sys.grad(a, g);
        const gn = Math.max(...der.gradients.map((p) => Math.abs(p.evaluate(env))));
        der.gradients.forEach((p, i) => expect(Math.abs(g[i] - p.evaluate(env))).toBeLessThanOrEqual(1e-12 * gn));
        sys.gradJacobian(a, J);
        const jn = Math.max(...der.gradJacobian.flat().map((p) => Math.abs(p.evaluate(env))));
        der.gradJacobian.forEach((row, i) => row.forEach((p, j) => expect(Math.abs(J[i * n + j] - p.evaluate(env))).toBeLessThanOrEqual(1e-12 * jn)));
      }
    });
  }
  it('systemFor is memoized and uses each spec\'s own numbers (shared symbolic derivation)', () => {
    const spec = buildModelSpec(presetConfig('spiked'));
    expect(systemFor(spec)).toBe(systemFor(spec));
    expect(systemFor(buildModelSpec(presetConfig('spiked')))).toBe(systemFor(spec));
    const raw = structuredClone(PRESETS.spiked) as any;
    raw.model.covariance.spikeVariance = 4;
    raw.model.lossScale = 0.5;
    const spec2 = buildModelSpec(parseConfig(raw));
    const a = Float64Array.from([0.2, 0.3, 0.1]);
    const g1 = new Float64Array(3);
    const g2 = new Float64Array(3);
    systemFor(spec).grad(a, g1);
    systemFor(spec2).grad(a, g2);
    const der2 = deriveSymbolic(spec2);
    const env = { a: 0.2, b: 0.3, c: 0.1, lambda_theta: 1, lambda_v: 4, sigma2: 1, d: 100, kappa: 0.5 };
    expect(Math.abs(g2[1] - der2.gradients[1].evaluate(env))).toBeLessThan(1e-12 * Math.abs(g2[1]));
    expect(g1[1]).not.toBe(g2[1]);
  });
  it('rejects a derivation made for another block structure', () => {
    const der = deriveSymbolic(buildModelSpec(presetConfig('spiked')));
    expect(() => compileSystem(der, buildModelSpec(presetConfig('powerlaw')))).toThrow(/block structure/);
  });
});
