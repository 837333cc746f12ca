import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../src/config/config.js';
import { assertFiniteDeep } from '../../src/core/trajectory.js';
import { runTheory } from '../../src/dynamics/theory.js';
import { theorySetup } from '../../src/dynamics/setup.js';
import { iterateMap, summarizeMap } from '../../src/dynamics/maps.js';
import { recordSteps } from '../../src/config/record.js';
import { alignment, statContext } from '../../src/dynamics/statistics.js';

const fixture = new URL('../fixtures/issue3-example.json', import.meta.url).pathname;

const spiked = (over: Record<string, unknown> = {}, model: Record<string, unknown> = {}) =>
  parseConfig({
    model: { d: 20, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha: 1e-3 }, ...model },
    algorithms: [{ name: 'gd', eta: 0.01 }, { name: 'specgd', eta: 0.002 }],
    steps: 3000,
    ...over,
  });

describe('runTheory', () => {
  it("runs the issue's example config as written", () => {
    const config = loadConfigFile(fixture);
    const trs = runTheory(config);
    expect(trs.map((t) => t.algorithm)).toEqual(['gd', 'specgd']);
    for (const t of trs) {
      expect(t.status).toBe('ok');
      expect(t.step.length).toBe(config.steps + 1); // steps ≤ 10⁴: every step
      for (const k of ['a', 'b', 'c', 'loss', 'ratio', 'alignment']) expect((t.series as Record<string, number[]>)[k].length).toBe(t.step.length);
      expect(t.events.map((e) => e.name)).toContain('escape');
      expect(t.events.map((e) => e.name)).toContain('peak-misalignment');
      assertFiniteDeep(t);
    }
  });

  it('a diverged GD run is a result: status, step, message naming the stable bound, finite series', () => {
    const [t] = runTheory(spiked({ algorithms: [{ name: 'gd', eta: 0.3 }] }));
    expect(t.status).toBe('diverged');
    expect(t.message).toMatch(/diverged at step \d+/);
    expect(t.message).toMatch(/stable bound/);
    expect(t.message).toMatch(/λ_v = 10/);
    assertFiniteDeep(t);
    const last = t.step[t.step.length - 1];
    expect(t.message).toContain(`step ${last + 1}`);
  });

  it('records a dense-early/log grid beyond 10⁴ steps that contains every event step; `record` overrides', () => {
    const steps = 20_000;
    const [gd] = runTheory(spiked({ steps, algorithms: [{ name: 'gd', eta: 0.001 }] }));
    expect(gd.step.length).toBeLessThan(3000);
    for (const e of gd.events) expect(gd.step).toContain(e.step);
    const [few] = runTheory(spiked({ steps, record: 50, algorithms: [{ name: 'gd', eta: 0.001 }] }));
    expect(few.step.length).toBeLessThanOrEqual(50 + few.events.length);
    for (const e of few.events) expect(few.step).toContain(e.step);
    const [all] = runTheory(spiked({ steps: 12_000, record: 'all', algorithms: [{ name: 'gd', eta: 0.001 }] }));
    expect(all.step.length).toBe(12_001);
  });

  it('SpecGD moves every block by exactly η per step until its first sign switch (model.md §6)', () => {
    const config = spiked();
    const t = runTheory(config).find((x) => x.algorithm === 'specgd')!;
    const eta = 0.002;
    const alpha = 1e-3;
    const series = t.series as Record<string, number[]>;
    for (const sym of ['a', 'b', 'c']) {
      const sw = t.events.find((e) => e.name === `sign-switch:${sym}`);
      expect(sw).toBeDefined();
      for (let i = 0; i < t.step.length && t.step[i] <= sw!.step!; i++) {
        // a_k(k) = α + ηk up to the rounding of k additions.
        expect(Math.abs(series[sym][i] - (alpha + eta * t.step[i]))).toBeLessThanOrEqual(1e-15 * (t.step[i] + 1));
      }
    }
  });

  it('the lean sweep kernel agrees exactly with iterateMap (escape, peak, final loss, divergence)', () => {
    const { sys, ctx, a0 } = theorySetup(spiked());
    for (const [kind, eta] of [['gd', 0.01], ['gd', 0.3], ['specgd', 0.002]] as const) {
      const algorithm = kind === 'gd' ? { name: 'gd', eta } : { name: 'specgd', eta, polar: 'svd', nsSteps: 5 };
      const full = iterateMap(sys, ctx, a0, { algorithm, steps: 2000, record: recordSteps(2000, 'all'), escapeLevel: 0.5, divergenceBound: 1e6 });
      const lean = summarizeMap(sys, ctx, a0, algorithm, 2000, 0.5, 1e6);
      expect(lean.status).toBe(full.status);
      expect(lean.divergedAt).toBe(full.divergedAt);
      expect(lean.escapeStep).toBe(full.escapeStep);
      expect(lean.peakRatio).toBe(full.peakRatio);
      expect(lean.peakStep).toBe(full.peakStep);
      expect(lean.finalLoss).toBe(full.finalLoss);
    }
  });

  it('gradient flow and smoothed sign flow trajectories, with events and the distance to the sign map', () => {
    const trs = runTheory(spiked({ steps: 1000 }), { flows: ['gradient-flow', 'sign-flow'] });
    const gf = trs.find((t) => t.algorithm === 'gradient-flow')!;
    const sf = trs.find((t) => t.algorithm === 'sign-flow')!;
    expect(gf.status).toBe('ok');
    expect(gf.events.find((e) => e.name === 'peak-misalignment')?.step).toBeNull();
    expect(sf.provenance.settings?.distanceToSignMap).toBeTypeOf('number');
    expect(sf.message).toMatch(/smoothed sign flow/);
    for (const t of trs) assertFiniteDeep(t);
  });

  it('alignment: 1 iff the signal block has the strict largest |a_k| (matrix), ties count the signal in; vector: |a_s|/‖w‖', () => {
    const { sys, ctx } = theorySetup(spiked());
    expect(alignment(Float64Array.of(0.5, 0.6, 0.1), ctx)).toBe(0);
    expect(alignment(Float64Array.of(0.6, 0.5, -0.59), ctx)).toBe(1);
    expect(alignment(Float64Array.of(-0.5, 0.5, 0.1), ctx)).toBe(1);
    const vec = theorySetup(spiked({}, { student: { kind: 'vector' } }));
    const a = Float64Array.of(0.3, 0.4, 0.05);
    const vctx = statContext(vec.sys, { signalBlock: 0, spikeBlock: 1 } as never, 1e-12);
    // w = (a, b, c·𝟙_{d−2}) in the eigenbasis; u₁ = w/‖w‖.
    const w = [0.3, 0.4, ...Array.from({ length: 18 }, () => 0.05)];
    const norm = Math.hypot(...w);
    expect(alignment(a, vctx)).toBeCloseTo(0.3 / norm, 15);
    expect(sys.n).toBe(3);
  });
});

describe('runTheory: a flow without its algorithm in the config', () => {
  it('states the default step that sets its time axis (and uses it: t = η̃k)', () => {
    const cfg = parseConfig({ model: { d: 6, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 } }, algorithms: [{ name: 'specgd', eta: 0.002 }], steps: 50 });
    const flow = runTheory(cfg, { flows: ['gradient-flow'] }).find((t) => t.algorithm === 'gradient-flow')!;
    const eta = flow.t[1] / flow.step[1];
    expect(flow.message).toContain(`with the default η̃ = ${eta} (the config has no gd algorithm)`);
    const withGd = parseConfig({ model: { d: 6, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 } }, algorithms: [{ name: 'gd', eta: 0.02 }], steps: 50 });
    expect(runTheory(withGd, { flows: ['gradient-flow'] }).find((t) => t.algorithm === 'gradient-flow')!.message).not.toMatch(/default/);
  });
});
