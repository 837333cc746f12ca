import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import { parseConfig } from '../../src/config/config.js';
import { slope } from '../../src/core/stats.js';
import { theorySetup } from '../../src/dynamics/setup.js';
import { integrateReducedFlow } from '../../src/dynamics/flows.js';
import { iterateMap } from '../../src/dynamics/maps.js';
import { recordSteps } from '../../src/config/record.js';
import { integrateFlow } from '../../src/dynamics/odex-flow.js';

/** Spiked model, small d (the statements do not depend on d). */
const config = parseConfig({
  model: { d: 10, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha: 1e-3 } },
  algorithms: [{ name: 'gd', eta: 0.01 }],
  steps: 400,
});

/** Independent classical RK4 with a fixed step h on ȧ = −g(a). */
function rk4(grad: (a: Float64Array, out: Float64Array) => void, a0: Float64Array, tEnd: number, nSteps: number, outTimes: number[]): Float64Array[] {
  const n = a0.length;
  const a = Float64Array.from(a0);
  const k1 = new Float64Array(n), k2 = new Float64Array(n), k3 = new Float64Array(n), k4 = new Float64Array(n), tmp = new Float64Array(n);
  const f = (y: Float64Array, out: Float64Array) => {
    grad(y, out);
    for (let i = 0; i < n; i++) out[i] = -out[i];
  };
  const h = tEnd / nSteps;
  const res: Float64Array[] = [];
  let oi = 0;
  for (let s = 0; s <= nSteps; s++) {
    const t = s * h;
    while (oi < outTimes.length && Math.abs(outTimes[oi] - t) < h / 2) {
      res.push(Float64Array.from(a));
      oi++;
    }
    if (s === nSteps) break;
    f(a, k1);
    for (let i = 0; i < n; i++) tmp[i] = a[i] + 0.5 * h * k1[i];
    f(tmp, k2);
    for (let i = 0; i < n; i++) tmp[i] = a[i] + 0.5 * h * k2[i];
    f(tmp, k3);
    for (let i = 0; i < n; i++) tmp[i] = a[i] + h * k3[i];
    f(tmp, k4);
    for (let i = 0; i < n; i++) a[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }
  return res;
}

describe('gradient flow (odex wrapper)', () => {
  const { sys, ctx, a0 } = theorySetup(config);
  const tEnd = 4; // past the misalignment peak, spike saturation and escape of this model
  const times = Array.from({ length: 41 }, (_, i) => (tEnd * i) / 40);

  it('agrees with an independent fixed-step RK4 at a tiny step to the accumulated local tolerance', () => {
    const flow = integrateReducedFlow(sys, ctx, a0, { kind: 'gradient-flow', grid: Float64Array.from(times), gridSteps: Int32Array.from(times, (_, i) => i), tEnd, escapeLevel: 0.5 });
    expect(flow.status).toBe('ok');
    // RK4 global error is O(h⁴): h = 1e-4 gives ~1e-14 here.
    const ref = rk4((a, o) => sys.grad(a, o), a0, tEnd, 40_000, times);
    let maxErr = 0;
    flow.states.forEach((y, i) => {
      for (let k = 0; k < sys.n; k++) maxErr = Math.max(maxErr, Math.abs(y[k] - ref[i][k]));
    });
    expect(flow.states.length).toBe(times.length);
    // Bound: the sum of odex's local tolerances over its accepted steps, nStep·rtol·max|a| (no amplification
    // assumed), plus the RK4 reference's own ~1e-14. Measured: 3.0e-12.
    const scale = Math.max(...flow.states.flatMap((y) => Array.from(y, Math.abs)));
    expect(maxErr).toBeLessThanOrEqual(flow.result.nStep * DEFAULTS.flowRelTol * scale + 1e-14);
  });

  it('the GD map converges to the flow as η̃ → 0 at measured order 1 ± 0.1', () => {
    const T = 3;
    const etas = [0.02, 0.01, 0.005, 0.0025, 0.00125];
    const errs = etas.map((eta) => {
      const steps = Math.round(T / eta);
      const record = recordSteps(steps, 'all');
      const map = iterateMap(sys, ctx, a0, { algorithm: { name: 'gd', eta }, steps, record, escapeLevel: 0.5, divergenceBound: 1e6 });
      const flow = integrateReducedFlow(sys, ctx, a0, { kind: 'gradient-flow', grid: Float64Array.from(record, (k) => eta * k), gridSteps: record, tEnd: T, escapeLevel: 0.5 });
      let e = 0;
      flow.states.forEach((y, i) => sys.symbols.forEach((s, k) => (e = Math.max(e, Math.abs(y[k] - map.series[s][i])))));
      return e;
    });
    const order = slope(etas.map(Math.log), errs.map(Math.log));
    expect(Math.abs(order - 1)).toBeLessThanOrEqual(0.1);
  });

  it('locates events to ≤ 1e-9 relative (escape time checked by RK4 integration to the located time)', () => {
    const flow = integrateReducedFlow(sys, ctx, a0, { kind: 'gradient-flow', grid: Float64Array.of(0), gridSteps: Int32Array.of(0), tEnd, escapeLevel: 0.5 });
    const esc = flow.events.find((e) => e.name === 'escape')!;
    expect(esc).toBeDefined();
    const [y] = rk4((a, o) => sys.grad(a, o), a0, esc.t, 200_000, [esc.t]);
    const g = new Float64Array(sys.n);
    sys.grad(y, g);
    // time error ≈ (a(t_ev) − level)/ȧ(t_ev); ȧ = −g.
    const dt = Math.abs((y[ctx.signal] - 0.5) / g[ctx.signal]);
    expect(dt / esc.t).toBeLessThanOrEqual(1e-9);
  });

  it('a non-finite derivative is a "diverged" status with the last time reached, not NaN', () => {
    // ẏ = y²: blows up at t = 1 from y(0) = 1.
    const res = integrateFlow((_t, y, out) => (out[0] = y[0] * y[0]), [1], 0, 2, { maxSteps: 100_000 });
    expect(res.status).toBe('diverged');
    expect(Number.isFinite(res.tLast)).toBe(true);
    // It stops at the blow-up time t = 1 (up to the last accepted step's rounding), not at the requested end 2.
    expect(Math.abs(res.tLast - 1)).toBeLessThan(1e-3);
    expect(res.message).toMatch(/t = /);
  });
});
