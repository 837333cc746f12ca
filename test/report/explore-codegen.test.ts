/**
 * The explorer's parameter-symbolic emitter (symbolic/codegen.ts `parametricFactorySource`) against the numeric
 * compiler the theory uses (`compileSystem`): for random parameters the generated loss and block gradients are
 * bit-identical (Object.is), so the page iterates exactly the theory's map. And the page's numerical core
 * (report/explore/run.ts) with the registries reproduces `runTheory`'s series and events exactly, in Node.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, presetConfig } from '../../src/config/config.js';
import { buildModelSpec } from '../../src/model/spec.js';
import { derive } from '../../src/symbolic/derive.js';
import { compileSystem } from '../../src/symbolic/compile.js';
import { hornerCode, hornerCodeSymbolic, numericTerms, parametricFactorySource, symbolicTerms, coefficientCode } from '../../src/symbolic/codegen.js';
import { ALGORITHMS } from '../../src/algorithms/index.js';
import { STATISTICS } from '../../src/statistics/index.js';
import { DIVERGENCE_BOUND, SIGN_TIE_REL_TOL } from '../../src/core/tolerances.js';
import { runTheory } from '../../src/dynamics/theory.js';
import { reducedSystem, runAlgorithm, type ExplorerRuntime, type GeneratedSystem } from '../../src/report/explore/run.js';
import { explorerPage, reducedSettings } from '../../src/report/explore/page.js';
import { createRng } from '../../src/core/rng.js';

/** Seeded uniform draws in [lo, hi). */
function uniforms(seed: number): (lo: number, hi: number) => number {
  const rng = createRng(seed);
  return (lo, hi) => lo + (hi - lo) * rng.uniform();
}

function factoryFor(preset: string) {
  const spec = buildModelSpec(presetConfig(preset));
  const derivation = derive(spec, { checks: false, fixedPoints: false });
  const params = derivation.params.map((p) => p.name);
  const src = parametricFactorySource('makeSystem', [
    { name: 'loss', kind: 'scalar', polys: [derivation.general.loss] },
    { name: 'grad', kind: 'vector', polys: derivation.general.gradients },
  ], derivation.stateVars, params, { ranks: derivation.blocks.map((b) => b.rank) });
  // Evaluating the generated source here (Node, tests only); the page gets it through its bundle.
  const makeSystem = new Function(`${src}\nreturn makeSystem;`)() as (p: Record<string, number>) => GeneratedSystem;
  return { spec, derivation, params, makeSystem, src };
}

describe('parametric code generation (explorer)', () => {
  it.each(['spiked', 'spiked-vector'])('%s: generated loss and gradients are bit-identical to compileSystem at random parameters', (preset) => {
    const { derivation, makeSystem } = factoryFor(preset);
    const u = uniforms(7);
    let compared = 0;
    for (let trial = 0; trial < 40; trial++) {
      const lt = u(0.1, 20), lv = u(0.1, 100), s2 = u(0.05, 10), d = 3 + Math.floor(u(0, 500)), kappa = u(0.05, 2);
      const config = parseConfig({ model: { d, covariance: { kind: 'spiked', signalVariance: lt, spikeVariance: lv, bulkVariance: s2 }, student: { kind: preset === 'spiked' ? 'matrix' : 'vector' }, lossScale: kappa } });
      const spec = buildModelSpec(config);
      const sys = compileSystem(derivation, spec);
      const gen = makeSystem({ lambda_theta: lt, lambda_v: lv, sigma2: s2, d, kappa });
      expect(gen.ranks).toEqual(Array.from(sys.ranks));
      const g1 = new Float64Array(3);
      const g2 = new Float64Array(3);
      for (let p = 0; p < 20; p++) {
        const a = Float64Array.of(u(-2, 2), u(-2, 2), u(-2, 2));
        sys.grad(a, g1);
        gen.grad(a, g2);
        for (let k = 0; k < 3; k++) expect(Object.is(g1[k], g2[k]), `g_${k} at ${a} (λ_θ=${lt}, λ_v=${lv}, σ²=${s2}, d=${d}, κ=${kappa}): ${g1[k]} vs ${g2[k]}`).toBe(true);
        expect(Object.is(sys.loss(a), gen.loss(a))).toBe(true);
        compared++;
      }
    }
    expect(compared).toBe(800);
  });

  it('the symbolic Horner scheme has the numeric one\'s structure, and coefficients evaluate like Poly.evaluate', () => {
    const { derivation, params } = factoryFor('spiked');
    const env = { lambda_theta: 1.3, lambda_v: 7.1, sigma2: 0.9, d: 57, kappa: 0.25 };
    const names = ['x0', 'x1', 'x2'];
    for (const p of [derivation.general.loss, ...derivation.general.gradients]) {
      const numeric = hornerCode(numericTerms(p, derivation.stateVars, env), names);
      const terms = symbolicTerms(p, derivation.stateVars);
      const values = terms.map((t) => t.coef.evaluate(env));
      const ids = terms.map((_, i) => `K${i}_`);
      // Substitute each identifier by the literal hornerCode prints for its value (negatives parenthesized).
      let symbolic = hornerCodeSymbolic(terms.map((t, i) => ({ exps: t.exps, coef: ids[i] })), names);
      ids.forEach((id, i) => (symbolic = symbolic.split(id).join(values[i] < 0 ? `(${values[i]})` : String(values[i]))));
      // hornerCode writes "x" for "x*(1)": normalize that one shorthand.
      expect(symbolic.replace(/x(\d)\*\(1\)/g, 'x$1')).toBe(numeric);
      // coefficientCode reproduces evaluate() bit for bit.
      const pid = new Map(params.map((q, i) => [q, `p${i}`]));
      terms.forEach((t) => {
        const code = coefficientCode(t.coef, (n) => pid.get(n)!);
        const f = new Function(...params.map((_, i) => `p${i}`), `return ${code};`) as (...xs: number[]) => number;
        expect(Object.is(f(...params.map((q) => env[q as keyof typeof env])), t.coef.evaluate(env))).toBe(true);
      });
    }
  });

  it.each(['matrix', 'vector'] as const)('the page core (run.ts) with the registries reproduces runTheory exactly (every series, both events) for every reducible algorithm (%s student)', (student) => {
    const { makeSystem } = factoryFor(student === 'matrix' ? 'spiked' : 'spiked-vector');
    const rt: ExplorerRuntime = {
      algorithms: [...ALGORITHMS],
      statistics: [...STATISTICS],
      makeSystem,
      model: { symbols: ['a', 'b', 'c'], signal: 0, spike: 1, student, params: ['lambda_theta', 'lambda_v', 'sigma2', 'd', 'kappa'] },
      tolerances: { signTieRelTol: SIGN_TIE_REL_TOL, divergenceBound: DIVERGENCE_BOUND },
    };
    const config = parseConfig({
      model: { d: 40, covariance: { kind: 'spiked', signalVariance: 1.2, spikeVariance: 13, bulkVariance: 0.7 }, student: { kind: student }, init: { kind: 'scaled-identity', alpha: 2e-3 } },
      algorithms: ALGORITHMS.map((a) => ({ ...a.defaults })),
      steps: 2500,
    });
    const theory = runTheory(config);
    const { sys, stat } = reducedSystem(rt, { lambda_theta: 1.2, lambda_v: 13, sigma2: 0.7, d: 40, kappa: 0.25 });
    const a0 = new Float64Array(3).fill(2e-3);
    expect(theory).toHaveLength(ALGORITHMS.length);
    config.algorithms.forEach((alg, i) => {
      const run = runAlgorithm(rt, sys, stat, alg, a0, config.steps, config.events.escapeLevel);
      const th = theory[i];
      expect(run.label).toBe(th.algorithm);
      expect(run.status).toBe(th.status);
      for (const [name, values] of Object.entries(th.series as Record<string, number[]>)) {
        const mine = run.series[name];
        expect(mine, name).toBeDefined();
        th.step.forEach((k, j) => expect(Object.is(mine[k], values[j]), `${th.algorithm} ${name} at step ${k}`).toBe(true));
      }
      for (const ev of ['escape', 'peak-misalignment'] as const) {
        const want = th.events.find((e) => e.name === ev);
        const got = run.events.find((e) => e.name === ev);
        expect(got && { step: got.step, value: got.value }, `${th.algorithm} ${ev}`).toEqual(want && { step: want.step, value: want.value });
      }
    });
  });

  it('exposes the settings that act on the reduced map (Muon nsSteps, heavy-ball β) and hides the ones that do not (SpecGD nsSteps)', () => {
    const byId = Object.fromEntries(ALGORITHMS.map((a) => [a.id, reducedSettings(a).map((s) => s.key)]));
    expect(byId.gd).toEqual([]);
    expect(byId.specgd).toEqual([]);
    // Muon's numeric settings all act on its reduced map (momentum, Newton–Schulz steps, ε, weight decay)
    expect(byId.muon).toEqual(['momentum', 'nsSteps', 'nsEpsilon', 'weightDecay']);
    expect(byId['heavy-ball']).toEqual(['beta']);
  });

  it('refuses a non-spiked config with a ConfigError naming the field', () => {
    expect(() => explorerPage(presetConfig('powerlaw'))).toThrow(/model\.covariance\.kind.*spiked/);
  });
});
