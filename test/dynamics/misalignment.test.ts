import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import { integrateReducedFlow } from '../../src/dynamics/flows.js';
import type { StatContext } from '../../src/dynamics/statistics.js';
import type { CompiledSystem } from '../../src/symbolic/compiled.js';
import { earlyTwoBlockLimitRhs, misalignmentPeakClosedForm, type MisalignmentPeakParams } from '../../src/symbolic/misalignment.js';

/**
 * The early-stage two-block LIMIT system (the system the closed form is exact for), as a CompiledSystem whose
 * "gradient" is minus its velocity, so the flow code integrates it unchanged. Only grad is used by the flow.
 */
function limitSystem(p: MisalignmentPeakParams): CompiledSystem {
  const rhs = earlyTwoBlockLimitRhs(p);
  const v = new Float64Array(2);
  return {
    n: 2,
    symbols: ['a', 'b'],
    ranks: Float64Array.of(1, 1),
    student: 'matrix',
    loss: () => 0,
    grad: (a, out) => {
      rhs(a[0], a[1], v);
      out[0] = -v[0];
      out[1] = -v[1];
    },
    gradJacobian: () => {
      throw new Error('not used');
    },
  };
}
const ctx: StatContext = { n: 2, signal: 0, spike: 1, student: 'matrix', ranks: Float64Array.of(1, 1), tieRelTol: 1e-12 };

describe('misalignment peak under gradient flow, early-stage two-block limit', () => {
  const cases: MisalignmentPeakParams[] = [
    { lambdaTheta: 1, lambdaV: 10, alpha: 1e-3 },
    { lambdaTheta: 1, lambdaV: 50, alpha: 1e-4 },
    { lambdaTheta: 2, lambdaV: 7, alpha: 1e-2, lossScale: 0.5 },
    { lambdaTheta: 0.5, lambdaV: 3, alpha: 1e-6 },
  ];
  for (const p of cases) {
    it(`closed form = odex event to ≤ nStep·rtol relative (λθ=${p.lambdaTheta}, λv=${p.lambdaV}, α=${p.alpha}, κ=${p.lossScale ?? 0.25})`, () => {
      const cf = misalignmentPeakClosedForm(p);
      expect(cf.interior).toBe(true);
      const sys = limitSystem(p);
      const run = integrateReducedFlow(sys, ctx, Float64Array.of(p.alpha, p.alpha), { kind: 'gradient-flow', grid: Float64Array.of(0), gridSteps: Int32Array.of(0), tEnd: 4 * cf.t, escapeLevel: 1e300 });
      const ev = run.events.find((e) => e.name === 'peak-misalignment');
      expect(ev).toBeDefined();
      // Bound: the sum of odex's local relative tolerances over its accepted steps (no error amplification assumed),
      // nStep·flowRelTol; the event bisection itself is ≤ 1e-13 relative (flows.ts). Measured worst: 8.1e-13.
      const tol = run.result.nStep * DEFAULTS.flowRelTol;
      expect(Math.abs(ev!.t - cf.t) / cf.t).toBeLessThanOrEqual(tol);
      expect(Math.abs(ev!.value - cf.value) / cf.value).toBeLessThanOrEqual(tol);
    });
  }

  it('no interior peak when λ_v ≤ 3λ_θ: closed form says sup b/a = 1 at t = 0 and the flow has no peak event', () => {
    const p = { lambdaTheta: 1, lambdaV: 2.5, alpha: 1e-3 };
    const cf = misalignmentPeakClosedForm(p);
    expect(cf.interior).toBe(false);
    expect(cf.value).toBe(1);
    const run = integrateReducedFlow(limitSystem(p), ctx, Float64Array.of(p.alpha, p.alpha), { kind: 'gradient-flow', grid: Float64Array.of(0), gridSteps: Int32Array.of(0), tEnd: 5, escapeLevel: 1e300 });
    expect(run.events.find((e) => e.name === 'peak-misalignment')).toBeUndefined();
  });

  it('its LaTeX renders in KaTeX (throwOnError)', () => {
    const { latex } = misalignmentPeakClosedForm({ lambdaTheta: 1, lambdaV: 10, alpha: 1e-3 });
    expect(latex.length).toBeGreaterThan(3);
    for (const line of latex) expect(() => katex.renderToString(line, { throwOnError: true, displayMode: true })).not.toThrow();
    const flat = misalignmentPeakClosedForm({ lambdaTheta: 1, lambdaV: 1, alpha: 1e-3 }).latex;
    for (const line of flat) expect(() => katex.renderToString(line, { throwOnError: true, displayMode: true })).not.toThrow();
  });

  it('rejects non-positive parameters', () => {
    expect(() => misalignmentPeakClosedForm({ lambdaTheta: 1, lambdaV: 10, alpha: 0 })).toThrow(/alpha/);
  });
});
