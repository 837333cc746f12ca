/**
 * The step-size scan from W₀ = αI (src/dynamics/stability/scan.ts) on the spiked preset (d = 100), against the
 * analytic bounds the engine derives (src/dynamics/stability/bounds.ts). Issue 10's criterion: at λ_v ∈ {10, 50}
 * the measured stableUpTo lies within 1% of the escape-stage bound 2/(λ_vλ_θ); at λ_v = 1 (negative control) it does
 * not — there the optimum's linearized bound 2/μ_max binds.
 */
import { evaluate } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { runTheory } from '../../src/dynamics/theory.js';
import { theorySetup } from '../../src/dynamics/setup.js';
import { gdReducedMap, gdStability, optimumFor } from '../../src/dynamics/stability.js';

const spiked = (lambdaV: number, gdEta = 0.01) =>
  parseConfig({
    model: { d: 100, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: lambdaV, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha: 1e-3 } },
    algorithms: [{ name: 'gd', eta: gdEta }],
    steps: 3000,
  });

const setup = (lambdaV: number) => {
  const s = theorySetup(spiked(lambdaV));
  return { ...s, stab: gdStability(s.sys, s.ctx, s.spec, s.a0) };
};

/** Plain GD iteration for t = η̃k ≤ T: "diverged" or the final sup-distance to the optimum. */
function plainRun(lambdaV: number, eta: number, T: number): 'diverged' | number {
  const { sys, ctx, a0 } = theorySetup(spiked(lambdaV));
  const { step } = gdReducedMap(sys, eta);
  let a = Float64Array.from(a0);
  let b = new Float64Array(sys.n);
  for (let k = 0; k < Math.ceil(T / eta); k++) {
    step(a, b);
    [a, b] = [b, a];
    if (!a.every((x) => Math.abs(x) <= DEFAULTS.divergenceBound)) return 'diverged';
  }
  const aStar = optimumFor(sys, ctx, a0);
  return Math.max(...Array.from(a, (x, i) => Math.abs(x - aStar[i])));
}

describe('escape-stage bound derived by the engine', () => {
  for (const lambdaV of [10, 50]) {
    it(`λ_v = ${lambdaV}: the spike-restricted map's crisis (numeric) = 2/κ₁ (closed form) with κ₁ = −∂g_b/∂b(0) = λ_vλ_θ; the expression evaluates to it`, () => {
      const { stab, spec } = setup(lambdaV);
      const esc = stab.analytic.escape!;
      expect(esc.block).toBe('b');
      const b = stab.analytic.restricted.find((r) => r.block === 'b')!;
      expect(Math.abs(b.crisis! / b.crisisClosedForm!.value - 1)).toBeLessThan(1e-9);
      // κ₁ from the compiled Jacobian at 0 and from the exact polynomial agree.
      expect(Math.abs(b.growthRate / b.oddCubic!.kappa1 - 1)).toBeLessThan(1e-12);
      const env = Object.fromEntries(spec.blocks.map((x) => [x.varianceSymbol, x.variance]));
      expect(Math.abs(evaluate(esc.expr!.infix, env) / esc.value - 1)).toBeLessThan(1e-9);
      expect(Math.abs(evaluate(stab.analytic.optimum.expr!.infix, env) / stab.analytic.optimum.value! - 1)).toBeLessThan(1e-12);
      expect(stab.analytic.predictedStableUpTo!.binds).toBe('escape-stage');
    });
  }
});

describe('stableUpTo from W₀ follows the escape-stage bound (λ_v = 10, 50)', () => {
  for (const lambdaV of [10, 50]) {
    it(`λ_v = ${lambdaV}: stableUpTo within 1% of the derived escape bound; the monotone-set property; edges and divergesFrom consistent`, () => {
      const { stab } = setup(lambdaV);
      const s = stab.fromInit;
      const esc = stab.analytic.escape!.value;
      // Issue 10's acceptance criterion (1%), not a fitted tolerance.
      expect(Math.abs(s.stableUpTo! / esc - 1)).toBeLessThanOrEqual(0.01);
      expect(stab.follows.bound).toBe('escape-stage');
      // Resolution as stated: the bracket's relative width is at most the refinement resolution.
      expect(s.resolution!).toBeLessThanOrEqual(s.refinement.resolution * (1 + 1e-12));
      // Monotone set: every scanned η̃ ≤ stableUpTo converges to the optimum; the next scanned one does not.
      const below = s.scanned.eta.map((x, i) => [x, s.scanned.label[i]] as const).filter(([x]) => x <= s.stableUpTo!);
      expect(below.length).toBeGreaterThan(100);
      for (const [, label] of below) expect(label).toBe('converges to the optimum');
      expect(s.firstNonConverging!.eta).toBe(s.bracket![1]);
      expect(s.firstNonConverging!.label).not.toBe('converges to the optimum');
      // divergesFrom is the smallest scanned diverging η̃; alwaysDivergesFrom ≥ it.
      const firstDiv = s.scanned.eta.find((_, i) => s.scanned.label[i] === 'diverges');
      expect(s.divergesFrom).toBe(firstDiv);
      expect(s.alwaysDivergesFrom!).toBeGreaterThanOrEqual(s.divergesFrom!);
      // Edges: consecutive scanned points with different classes, nothing scanned in between.
      expect(s.edges.length).toBeGreaterThan(0);
      for (const e of s.edges) {
        expect(e.below).not.toBe(e.above);
        expect(s.scanned.eta.filter((x) => x > e.lo && x < e.hi)).toHaveLength(0);
      }
      expect(s.edges[0].lo).toBe(s.stableUpTo);
    });

    it(`λ_v = ${lambdaV}: independent plain iterations agree with the classes next to the edge`, () => {
      const { stab } = setup(lambdaV);
      const s = stab.fromInit;
      // The 20 scanned η̃ just below stableUpTo: a plain loop over the same time horizon ends near the optimum.
      const idx = s.scanned.eta.indexOf(s.stableUpTo!);
      for (const eta of s.scanned.eta.slice(Math.max(0, idx - 19), idx + 1)) {
        const r = plainRun(lambdaV, eta, s.horizon.maxTime);
        expect(r).not.toBe('diverged');
        expect(r as number).toBeLessThan(DEFAULTS.stabilityClassifier.convergenceTol);
      }
      if (s.firstNonConverging!.label === 'diverges') expect(plainRun(lambdaV, s.firstNonConverging!.eta, s.horizon.maxTime)).toBe('diverged');
    });
  }
});

describe('negative control: λ_v = 1, where "stableUpTo follows 2/(λ_vλ_θ)" is false', () => {
  it('the escape-stage bound is far from stableUpTo; the optimum’s linearized bound binds and is followed', () => {
    const { stab } = setup(1);
    const s = stab.fromInit;
    expect(stab.follows.bound).toBe('optimum');
    expect(stab.follows.deviation['escape-stage']!).toBeGreaterThan(0.01);
    expect(stab.follows.deviation.optimum!).toBeLessThanOrEqual(0.01);
    expect(stab.analytic.predictedStableUpTo!.binds).toBe('optimum');
    // Above it the run cycles (it does not diverge) until the signal-restricted crisis.
    expect(s.firstNonConverging!.label).not.toBe('diverges');
    expect(Math.abs(s.divergesFrom! / stab.analytic.optimumDivergence!.value - 1)).toBeLessThanOrEqual(0.01);
    expect(s.classCounts['period-2 cycle']).toBeGreaterThan(0);
  });
});

describe('divergence messages quote stableUpTo from the same computation, nothing else', () => {
  it('theory at η̃ above stableUpTo (λ_v = 10): the message quotes exactly stableUpTo and its resolution', () => {
    const config = spiked(10, 0.5);
    const t = runTheory(config)[0];
    expect(t.status).toBe('diverged');
    const { stab } = setup(10);
    const s = stab.fromInit;
    expect(t.message).toContain(`stableUpTo = ${s.stableUpTo!.toPrecision(6)}`);
    // No other stability value: the only numbers are the step, the divergence bound, η̃, λ_v, stableUpTo, resolution.
    const numbers = (t.message.match(/\d+(\.\d+)?(e-?\d+)?/g) ?? []).map(Number);
    const allowed = [DEFAULTS.divergenceBound, 0.5, 10, Number(s.stableUpTo!.toPrecision(6)), Number(s.resolution!.toPrecision(2))];
    const step = Number(/step (\d+)/.exec(t.message)![1]);
    for (const x of numbers) expect([...allowed, step]).toContain(x);
    expect(t.message).not.toMatch(/μ_max|linearized/);
  });
});
