/**
 * The long-time classifier (src/dynamics/stability/classify.ts) on constructed cases: a generic 1-D map whose
 * behaviour is known in closed form, and the reduced GD map at λ_v = 1 around the optimum's period-doubling onset
 * 2/μ_max and its divergence onset (the signal-restricted map's crisis), both derived by the engine.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { theorySetup } from '../../src/dynamics/setup.js';
import { classifierFixedPoints, gdReducedMap, gdStability, optimumFor, scanSettings } from '../../src/dynamics/stability.js';
import { classifyRun, type ClassifierFixedPoint, type LongTimeClass } from '../../src/dynamics/stability/classify.js';
import { derive } from '../../src/symbolic/derive.js';
import { computeFixedPoints } from '../../src/symbolic/fixedpoints.js';

const { classifier } = scanSettings();

const spiked = (lambdaV: number, d = 100) =>
  parseConfig({
    model: { d, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: lambdaV, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha: 1e-3 } },
    algorithms: [{ name: 'gd', eta: 0.01 }],
    steps: 3000,
  });

/** The logistic map x ↦ r x (1 − x): fixed points 0 and 1 − 1/r (attracting for 1 < r < 3), a period-2 orbit for
 * 3 < r < 1 + √6, chaos at r = 3.9 on [0, 1], escape to −∞ from x₀ outside [0, 1]. */
function logistic(r: number) {
  const fps: ClassifierFixedPoint[] = [
    { label: 'x = 0', a: Float64Array.of(0), support: [], optimum: false },
    { label: 'x = 1 − 1/r', a: Float64Array.of(1 - 1 / r), support: [0], optimum: true },
  ];
  return {
    step: (a: Float64Array, out: Float64Array) => void (out[0] = r * a[0] * (1 - a[0])),
    jacobian: (a: Float64Array, out: Float64Array) => void (out[0] = r * (1 - 2 * a[0])),
    fixedPoints: fps,
  };
}

const rules = (maxSteps: number, maxExtensions = classifier.maxExtensions) => ({ ...classifier, maxSteps, maxExtensions });

describe('classifier on a generic map (logistic, closed-form behaviour)', () => {
  it('r = 2.5: converges to 1 − 1/r; r = 3.2: period-2 cycle whose points solve the closed-form quadratic', () => {
    const m = logistic(2.5);
    const c = classifyRun({ ...m, a0: Float64Array.of(0.1), rules: rules(10_000) });
    expect(c.kind).toBe('converges');
    if (c.kind === 'converges') {
      expect(c.fixedPoint).toBe('x = 1 − 1/r');
      expect(c.distance).toBeLessThanOrEqual(c.tolerance);
    }
    const r = 3.2;
    const m2 = logistic(r);
    const c2 = classifyRun({ ...m2, a0: Float64Array.of(0.1), rules: rules(10_000) });
    expect(c2.kind).toBe('cycle');
    if (c2.kind === 'cycle') {
      expect(c2.period).toBe(2);
      // The 2-cycle of the logistic map: x± = (r + 1 ± √((r − 3)(r + 1)))/(2r); amplitude (x₊ − x₋)/2.
      const amp = Math.sqrt((r - 3) * (r + 1)) / (2 * r);
      expect(Math.abs(c2.amplitude - amp)).toBeLessThan(1e-8);
      expect(Math.abs(c2.center[0] - (r + 1) / (2 * r))).toBeLessThan(1e-8);
    }
  });

  it('r = 3.9: bounded without settling; x₀ = 1.5: diverges; a horizon too short to decide: undecided, not unstable', () => {
    const c = classifyRun({ ...logistic(3.9), a0: Float64Array.of(0.3), rules: rules(20_000) });
    expect(c.kind).toBe('bounded');
    const d = classifyRun({ ...logistic(3.9), a0: Float64Array.of(1.5), rules: rules(20_000) });
    expect(d.kind).toBe('diverges');
    // x ↦ −m x with m = 0.9999 from x₀ = 1: |x_k| = m^k enters ε = 10⁻² after ln(100)/(−ln m) ≈ 46 050 steps.
    const m = 0.9999;
    const linear = {
      step: (a: Float64Array, out: Float64Array) => void (out[0] = -m * a[0]),
      jacobian: (_: Float64Array, out: Float64Array) => void (out[0] = -m),
      fixedPoints: [{ label: 'x = 0', a: Float64Array.of(0), support: [], optimum: true }],
    };
    const entry = Math.log(1 / classifier.convergenceTol) / -Math.log(m);
    const slow = classifyRun({ ...linear, a0: Float64Array.of(1), rules: rules(Math.floor(entry / 2), 0) });
    expect(slow.kind).toBe('undecided');
    if (slow.kind === 'undecided') expect(slow.reason).toMatch(/still approaching x = 0/);
    // The same horizon with one doubling granted is still short; with two (H → 4H = 2·entry) the run converges.
    expect(classifyRun({ ...linear, a0: Float64Array.of(1), rules: rules(Math.floor(entry / 2), 1) }).kind).toBe('undecided');
    const done = classifyRun({ ...linear, a0: Float64Array.of(1), rules: rules(Math.floor(entry / 2), 2) });
    expect(done.kind).toBe('converges');
    if (done.kind === 'converges') expect(done.decidedAt).toBeGreaterThanOrEqual(entry);
  });

  it('a drifting transient at the horizon is undecided (not bounded): GD from W₀ stopped during the escape', () => {
    const { sys, a0 } = theorySetup(spiked(10));
    const fps = classifierFixedPoints(sys, 0, null);
    // η̃ = 10⁻³ for 2000 steps: t = 2, the signal has grown by at most e^{3t} ≈ 400 from α = 10⁻³ — still escaping.
    const c = classifyRun({ ...gdReducedMap(sys, 1e-3), a0, fixedPoints: fps, rules: rules(2000, 0) });
    expect(c.kind).toBe('undecided');
  });

  it('a linearly repelling fixed point is never a convergence target (r = 3.2 starts at 1 − 1/r + 10⁻⁹)', () => {
    const r = 3.2;
    const c = classifyRun({ ...logistic(r), a0: Float64Array.of(1 - 1 / r + 1e-9), rules: rules(20_000) });
    expect(c.kind).toBe('cycle');
  });
});

describe('classifier on the reduced GD map, λ_v = 1 (the optimum binds)', () => {
  const config = spiked(1);
  const { sys, ctx, spec, a0 } = theorySetup(config);
  const stab = gdStability(sys, ctx, spec, a0);
  const pd = stab.analytic.optimum.value!;
  const crisis = stab.analytic.optimumDivergence!.value;
  const run = (eta: number, start = a0): LongTimeClass => {
    const m = gdReducedMap(sys, eta);
    return classifyRun({ ...m, a0: start, fixedPoints: stab.fixedPoints, rules: rules(Math.max(10_000, Math.ceil(2000 / eta))) });
  };

  it('the engine derives the optimum bound 2/μ_max and the divergence onset as the signal-restricted map’s period doubling and crisis', () => {
    const sig = stab.analytic.restricted[ctx.signal];
    // Two derivations of each: Jacobian at a* vs the restricted map's fixed point; crisis numeric vs closed form 2/κ₁.
    expect(Math.abs(sig.periodDoubling! / pd - 1)).toBeLessThan(1e-9);
    expect(Math.abs(crisis / sig.crisisClosedForm!.value - 1)).toBeLessThan(1e-9);
    expect(crisis).toBeGreaterThan(pd);
  });

  it('below 2/μ_max: converges to the optimum, and stays within its ball when run much longer', () => {
    const eta = 0.9 * pd;
    const c = run(eta);
    expect(c.kind).toBe('converges');
    if (c.kind !== 'converges') return;
    expect(c.optimum).toBe(true);
    // Independent check of "staying there": iterate 20× longer with a plain loop, the distance never leaves ε.
    const { step } = gdReducedMap(sys, eta);
    let a = Float64Array.from(a0);
    let b = new Float64Array(sys.n);
    const aStar = optimumFor(sys, ctx, a0);
    let worstAfter = 0;
    for (let k = 0; k < 20 * c.decidedAt; k++) {
      step(a, b);
      [a, b] = [b, a];
      if (k >= c.decidedAt) worstAfter = Math.max(worstAfter, ...Array.from(a, (x, i) => Math.abs(x - aStar[i])));
    }
    expect(worstAfter).toBeLessThanOrEqual(c.tolerance);
  });

  it('just above 2/μ_max: a period-2 cycle around the optimum, confirmed by independent iteration', () => {
    const eta = 1.05 * pd;
    const c = run(eta);
    expect(c.kind).toBe('cycle');
    if (c.kind !== 'cycle') return;
    expect(c.period).toBe(2);
    expect(c.around).toBe('the optimum');
    const { step } = gdReducedMap(sys, eta);
    let a = Float64Array.from(a0);
    let b = new Float64Array(sys.n);
    for (let k = 0; k < c.decidedAt; k++) {
      step(a, b);
      [a, b] = [b, a];
    }
    const s0 = Float64Array.from(a);
    step(a, b);
    const s1 = Float64Array.from(b);
    step(s1, b);
    const diff1 = Math.max(...Array.from(s0, (x, i) => Math.abs(x - s1[i])));
    const diff2 = Math.max(...Array.from(s0, (x, i) => Math.abs(x - b[i])));
    expect(diff2).toBeLessThanOrEqual(1e-9 * 2);
    expect(diff1).toBeGreaterThan(c.amplitude); // the two points of the cycle are 2·amplitude apart in the signal
  });

  it('between 2/μ_max and the crisis no run diverges; beyond the crisis it diverges', () => {
    for (const f of [0.1, 0.3, 0.5, 0.7, 0.9]) expect(run(pd + f * (crisis - pd)).kind).not.toBe('diverges');
    expect(run(1.01 * crisis).kind).toBe('diverges');
  });

  it('a start in the invariant subspace a = 0 converges to a saddle, named by its zero coefficient; a ≠ 0 does not', () => {
    const eta = 0.05;
    const onSubspace = Float64Array.from(a0, (x, i) => (i === ctx.signal ? 0 : x));
    const c = run(eta, onSubspace);
    expect(c.kind).toBe('converges');
    if (c.kind === 'converges') {
      expect(c.optimum).toBe(false);
      expect(c.fixedPoint).toMatch(/saddle .* at a = 0$/);
    }
    const off = Float64Array.from(onSubspace, (x, i) => (i === ctx.signal ? 1e-8 : x));
    const c2 = run(eta, off);
    expect(c2.kind === 'converges' && c2.optimum).toBe(true);
  });

  it('the fixed-point list comes from the exact enumeration (the optimum plus named saddles and the maximum)', () => {
    const fps = classifierFixedPoints(sys, ctx.signal, computeFixedPoints(derive(spec, { checks: false, fixedPoints: false })));
    expect(fps.filter((f) => f.optimum)).toHaveLength(1);
    expect(fps.map((f) => f.label)).toContain('maximum at a = b = c = 0');
  });
});
