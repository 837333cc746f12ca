/**
 * nerdamer as a second opinion on the engine (architecture.md practice 3: it is used only where a test shows it
 * right; stack.md measured wrong `factor`/`simplify` results, so only `diff` and evaluation are used here): nerdamer
 * differentiates the engine's printed reduced loss L(a) independently, and its ∂L/∂a_k must equal the engine's
 * r_k g_k at random points; its evaluation of the printed loss must equal the engine's.
 * Tolerance: both sides evaluate polynomials with O(10) terms of size O(1–100) at these points in double precision;
 * 1e-11 relative to max(1, |value|) is ~100× the rounding of such a sum.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error nerdamer's package has no types for its all.js entry
import nerdamer from 'nerdamer/all.js';
import { presetConfig } from '../../src/config/config.js';
import { createRng } from '../../src/core/rng.js';
import { buildModelSpec } from '../../src/model/spec.js';
import { paramValues } from '../../src/symbolic/compile.js';
import { deriveSymbolic } from '../../src/symbolic/derive.js';

type N = { buildFunction(vars: string[]): (...x: number[]) => number };
const nd = nerdamer as unknown as ((e: string) => N) & { diff(e: string, v: string): N };

describe('nerdamer second opinion on the derived loss and gradients', () => {
  for (const preset of ['spiked', 'spiked-vector', 'powerlaw']) {
    it(`${preset}: nerdamer's ∂L/∂a_k of the printed loss = r_k g_k, and its L = the engine's L`, () => {
      const spec = buildModelSpec(presetConfig(preset));
      const der = deriveSymbolic(spec);
      const env = paramValues(der, spec);
      const loss = der.loss.subs(Object.fromEntries(Object.entries(env).filter(([k]) => !der.stateVars.includes(k)).map(([k, v]) => [k, v]))).toInfix();
      const vars = der.stateVars;
      const L = nd(loss).buildFunction(vars);
      const partials = vars.map((v) => nd.diff(loss, v).buildFunction(vars));
      const rng = createRng(7, 1);
      for (let trial = 0; trial < 5; trial++) {
        const a = vars.map(() => 2 * rng.uniform() - 1);
        const point = { ...env, ...Object.fromEntries(vars.map((v, k) => [v, a[k]])) };
        const engineL = der.loss.evaluate(point);
        expect(Math.abs(L(...a) - engineL)).toBeLessThanOrEqual(1e-11 * Math.max(1, Math.abs(engineL)));
        vars.forEach((_, k) => {
          const rg = spec.blocks[k].rank * der.gradients[k].evaluate(point);
          expect(Math.abs(partials[k](...a) - rg), `∂L/∂${vars[k]}`).toBeLessThanOrEqual(1e-11 * Math.max(1, Math.abs(rg)));
        });
      }
    });
  }
});
