/**
 * The pipeline stage: run ids, memoized experiments, declared-run views, and runPlan on a plan other than
 * `reproduce` (any experiment can be run and reported; a third algorithm shows up in comparisons and figures
 * through the plan's algorithm list alone).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { CLAIMS } from '../../src/claims/index.js';
import { reproduceParams } from '../../src/claims/params.js';
import { FIGURES } from '../../src/report/figures.js';
import { buildFigures } from '../../src/report/figures.js';
import { canonicalJson, runId } from '../../src/pipeline/run-id.js';
import { RunStore } from '../../src/pipeline/runs.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { reproduceExperiments, reproducePlan } from '../../src/pipeline/reproduce.js';

const small = (extra: Record<string, unknown> = {}) =>
  parseConfig({ model: { d: 6, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 } }, steps: 300, ...extra });

describe('run ids', () => {
  it('do not depend on key order, and differ when the config differs', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 3 } })).toBe('{"a":{"c":3,"d":[1,{"x":1,"y":2}]},"b":1}');
    const c = small();
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(c).reverse())));
    expect(runId(reordered)).toBe(runId(c));
    expect(runId(small({ steps: 301 }))).not.toBe(runId(c));
    expect(runId(c)).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('experiments', () => {
  it('compute each stage once, however many readers ask', () => {
    const store = new RunStore('test');
    const e = store.run(small());
    const t1 = e.theory();
    const s1 = e.simulation();
    expect(store.run(small())).toBe(e);
    expect(e.theory()).toBe(t1);
    expect(e.simulation()).toBe(s1);
    e.derivation({ checks: false, fixedPoints: false });
    e.derivation({ fixedPoints: false, checks: false });
    expect([...e.computed.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(e.computed.get('theory:[]')).toBe(1);
    expect(e.computed.get('simulation')).toBe(1);
    // A theory with flows is another computation (the maps alone are not recomputed when asked again).
    const withFlows = e.theory({ flows: ['gradient-flow'] });
    expect(withFlows.map((t) => t.algorithm)).toContain('gradient-flow');
    expect(e.theory()).toBe(t1);
    expect(t1[0].provenance.command).toBe('test');
  });

  it('a claim or figure reads only the runs it declares', () => {
    const store = new RunStore('test');
    const view = store.view('claim x', [{ config: small() }]);
    expect(() => view.run(small())).not.toThrow();
    expect(() => view.run(small({ steps: 10 }))).toThrow(/claim x reads run [0-9a-f]{16} .* that it does not declare/);
    expect(() => view.probe(small({ steps: 10 }))).not.toThrow();
  });

  it('every claim and figure of the registries declares at least one run of the reproduce parameters', () => {
    const p = reproduceParams(true);
    for (const c of CLAIMS) {
      expect(c.runs(p).length, c.id).toBeGreaterThan(0);
      expect(c.statement.length, c.id).toBeGreaterThan(0);
      expect(c.falsifiedBy.length, c.id).toBeGreaterThan(0);
    }
    for (const f of FIGURES) expect(f.groups.length + (f.runs?.(p).length ?? 0), f.id).toBeGreaterThan(0);
    expect(new Set(CLAIMS.map((c) => c.id)).size).toBe(CLAIMS.length);
  });
});

describe('runPlan', () => {
  it('runs and reports any experiment: a plan of one run with Muon added gets its group, its comparisons and figure panels', async () => {
    const config = small({ algorithms: [{ name: 'gd', eta: 0.01 }, { name: 'specgd', eta: 0.002 }, { name: 'specgd', eta: 0.002, polar: 'newton-schulz', nsSteps: 5 }] });
    const stages: string[] = [];
    const { bundle, runs, experimentRuns } = await runPlan(
      { experiments: [{ id: 'mine', group: 'spiked', label: 'my run', params: { d: 6 }, config }], claims: [], figures: FIGURES.filter((f) => f.id === 'fig1-coefficients'), command: 'test' },
      { onProgress: (s) => stages.push(s) },
    );
    expect(stages).toEqual(['spiked: my run', 'bundle', 'done']);
    expect(bundle.groups.spiked.map((g) => g.id)).toEqual(['mine']);
    expect(bundle.groups.bulk).toEqual([]);
    expect(bundle.comparisons.map((c) => c.label)).toEqual(['GD, my run: simulation vs reduced map', 'SpecGD, my run: simulation vs reduced map', 'Muon (NS5), my run: simulation vs reduced map']);
    expect(bundle.escape).toBeUndefined();
    expect(experimentRuns.get('mine')).toEqual({ simulation: runId(config), theory: runId(config) });
    expect(runs.experiments.get(runId(config))!.computed.get('simulation')).toBe(1);
    const figs = buildFigures(bundle);
    // fig4 and fig6 read sections this plan did not compute: skipped; the others draw the three algorithms.
    expect(figs.map((f) => f.id)).not.toContain('fig4-escape');
    expect(figs.find((f) => f.id === 'fig1-coefficients')!.panels.map((p) => p.title.split(':')[0])).toEqual(['GD', 'SpecGD', 'Muon (NS5)', 'GD', 'SpecGD', 'Muon (NS5)', 'GD', 'SpecGD', 'Muon (NS5)']);
  });

  it('the reproduce plan: registries in order, experiments from the parameters, Muon only when the parameters add it', () => {
    const plan = reproducePlan(true);
    expect(plan.claims).toBe(CLAIMS);
    expect(plan.figures).toBe(FIGURES);
    const p = plan.params;
    expect(plan.experiments.filter((e) => e.group === 'spiked').map((e) => e.params.lambdaV)).toEqual(p.lambdaV);
    expect(plan.experiments.filter((e) => e.group === 'finiteSample').map((e) => e.params.n)).toEqual(p.finiteSample.n);
    const algs = (ps: typeof p) => reproduceExperiments(ps).flatMap((e) => e.config.algorithms.map((a) => `${a.name}${a.name === 'specgd' ? `-${a.polar}` : ''}`));
    expect(algs(p)).not.toContain('specgd-newton-schulz');
    const withMuon = { ...p, extraAlgorithms: [{ name: 'specgd', eta: p.etaSpecgd, polar: 'newton-schulz', nsSteps: 5 }] };
    const spikedWithMuon = reproduceExperiments(withMuon).filter((e) => e.group === 'spiked');
    for (const e of spikedWithMuon) expect(e.comparisons!.some((c) => c.simulation === 'specgd-ns5')).toBe(true);
  });
});
