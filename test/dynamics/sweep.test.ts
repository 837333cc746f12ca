import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../src/config/config.js';
import { csvCell } from '../../src/core/csv.js';
import { runSweep, SWEEP_COLUMNS, sweepCsv, sweepTable, type SweepSpec } from '../../src/dynamics/sweep.js';
import { runTheory } from '../../src/dynamics/theory.js';
import { assertFiniteDeep } from '../../src/core/trajectory.js';

const base = { ...presetConfig('spiked'), model: { ...presetConfig('spiked').model, d: 20 } };
const spec: SweepSpec = { base, grid: 'lambda-eta', lambdaV: [1, 10, 50], values: [0.005, 0.05, 0.25], algorithms: ['gd', 'specgd'], steps: 1500 };

describe('runSweep', () => {
  it('worker threads (2) give exactly the in-process result, under vitest', async () => {
    const inProc = await runSweep(spec, { workers: 0 });
    const threads = await runSweep(spec, { workers: 2 });
    expect(threads.points).toEqual(inProc.points);
    expect(inProc.points).toHaveLength(2 * 3 * 3);
    assertFiniteDeep(threads);
    // GD at η̃ = 0.25 with λ_v = 50 diverges; SpecGD never does.
    expect(inProc.points.some((p) => p.algorithm === 'gd' && p.status === 'diverged')).toBe(true);
    expect(inProc.points.filter((p) => p.algorithm === 'specgd').every((p) => p.status === 'ok')).toBe(true);
    const csv = sweepCsv(inProc).trim().split('\n');
    // tidy: one row per (point, statistic)
    const stats = new Set(sweepTable(inProc).rows.map((row) => row[SWEEP_COLUMNS.findIndex((c) => c.name === 'statistic')]));
    expect(stats.size).toBeGreaterThan(1);
    expect(csv).toHaveLength(1 + 18 * stats.size);
    expect(csv.join('\n')).not.toMatch(/NaN|Infinity/);
  });

  it('each point equals the corresponding runTheory events (escape step, peak b/a)', async () => {
    const r = await runSweep({ ...spec, lambdaV: [10], values: [0.01], algorithms: ['gd'] }, { workers: 0 });
    const cfg = { ...base, algorithms: [{ name: 'gd' as const, eta: 0.01 }], steps: 1500, model: { ...base.model, covariance: { ...base.model.covariance, spikeVariance: 10 } as typeof base.model.covariance } };
    const [t] = runTheory(cfg);
    const p = r.points[0];
    expect(p.escapeStep).toBe(t.events.find((e) => e.name === 'escape')!.step);
    expect(p.peakRatio).toBe(t.events.find((e) => e.name === 'peak-misalignment')!.value);
  });

  it('a diverged point says what to change and quotes no stability bound (the theory run quotes stableUpTo)', async () => {
    const eta = 0.25;
    const r = await runSweep({ ...spec, lambdaV: [50], values: [eta], algorithms: ['gd'] }, { workers: 0 });
    const p = r.points[0];
    expect(p.status).toBe('diverged');
    const cfg = { ...base, algorithms: [{ name: 'gd' as const, eta }], steps: 1500, model: { ...base.model, covariance: { ...base.model.covariance, spikeVariance: 50 } as typeof base.model.covariance } };
    const [t] = runTheory(cfg);
    expect(t.status).toBe('diverged');
    // One stability value everywhere (issue 10): the theory run quotes stableUpTo, the sweep point quotes no bound.
    expect(t.message).toMatch(/stableUpTo = [0-9.]+/);
    expect(p.message).not.toMatch(/μ_max|stableUpTo = /);
    expect(p.message).toMatch(/specgd thresholds/);
    expect(p.message).toMatch(/lower eta/);
    expect(p.message).toContain(`diverged at step ${t.step.at(-1)! + 1}`);
    const csv = sweepCsv(r).trim().split('\n');
    expect(csv[0].split(',').at(-1)).toBe('message');
    expect(csv[1].endsWith(`,${csvCell(p.message)}`)).toBe(true);
    // ok points carry no message
    const ok = await runSweep({ ...spec, lambdaV: [10], values: [0.005], algorithms: ['gd'] }, { workers: 0 });
    expect(ok.points[0].message).toBeNull();
  });

  it('(λ_v, d) and (λ_v, α) grids', async () => {
    const rd = await runSweep({ ...spec, grid: 'lambda-d', values: [3, 50], lambdaV: [10], steps: 500 }, { workers: 0 });
    expect(rd.axes.x.name).toBe('d');
    expect(rd.points).toHaveLength(4);
    const ra = await runSweep({ ...spec, grid: 'lambda-alpha', values: [1e-4, 1e-2], lambdaV: [10], steps: 500 }, { workers: 0 });
    // A larger initialization escapes sooner (GD).
    const gd = ra.points.filter((p) => p.algorithm === 'gd');
    expect(gd[1].escapeStep!).toBeLessThan(gd[0].escapeStep!);
  });
});
