/**
 * The resource budget (config/budget.ts): per-algorithm costs come from the registry's cost hints
 * (`Algorithm.stepCost`), never from config-key conventions in budget.ts; the long-format CSV is charged when it is
 * written.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALGORITHMS, algorithmOf } from '../../src/algorithms/index.js';
import { checkBudget, CSV_BYTES_PER_ROW, derivationTerms, MATRIX_BLOCK_SECONDS_PER_K5, OPS_PER_SECOND, signalDirectionCount, simulationTerms, theoryTerms, type Budget } from '../../src/config/budget.js';
import { parseConfig } from '../../src/config/config.js';
import { runCli, writeTemp } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'specgd-budget-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const base = (algorithms: unknown[], d = 6) => parseConfig({ model: { d, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 } }, algorithms, steps: 200, seeds: [1, 2] });
const stepsOps = (terms: ReturnType<typeof simulationTerms>) => terms.find((t) => t.field === 'steps' && t.ops > 0)!.ops;
const huge: Budget = { memoryBytes: Infinity, ops: Infinity, rule: 'none' };

describe('budget: per-algorithm costs from Algorithm.stepCost', () => {
  it('budget.ts names no algorithm setting (its costs come from the registry)', () => {
    const src = readFileSync(new URL('../../src/config/budget.ts', import.meta.url), 'utf8').replace(/\/\*\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const key of ['nsSteps', 'polar', 'nsCoefficients', "'svd'", "'specgd'", "'muon'", 'Newton']) expect(src, key).not.toContain(key);
  });

  it('a cost hint without a field is folded into the per-step cost of `steps` (the exact polar factor of SpecGD)', () => {
    const config = base([{ name: 'gd', eta: 0.01 }, { name: 'specgd', eta: 0.002 }]);
    const plain = base([{ name: 'gd', eta: 0.01 }, { name: 'gd', eta: 0.002 }]);
    const d = config.model.d;
    const hint = algorithmOf(config.algorithms[1]).stepCost!(config.algorithms[1], { m: d, d });
    expect(hint.field).toBeUndefined();
    expect(hint.fullOps).toBeGreaterThan(0);
    expect(stepsOps(simulationTerms(config)) - stepsOps(simulationTerms(plain))).toBe(config.steps * config.seeds.length * hint.fullOps);
  });

  it('a cost hint with a field is its own term, charged to algorithms[i].<field> (Newton–Schulz iterations)', () => {
    const config = base([{ name: 'gd', eta: 0.01 }, { name: 'muon', eta: 0.002, nsSteps: 7 }]);
    const d = config.model.d;
    const hint = algorithmOf(config.algorithms[1]).stepCost!(config.algorithms[1], { m: d, d });
    expect(hint.field).toBe('nsSteps');
    const sim = simulationTerms(config).find((t) => t.field === 'algorithms[1].nsSteps')!;
    expect(sim.value).toBe(7);
    expect(sim.ops).toBe(config.steps * config.seeds.length * hint.fullOps);
    const th = theoryTerms(config).find((t) => t.field === 'algorithms[1].nsSteps')!;
    expect(th.ops).toBeGreaterThan(0);
    expect(th.what).toContain(`${hint.reducedPasses} further reduced pass`);
  });

  it('every registry cost hint is finite and non-negative, and a refusal names the hint\'s field', () => {
    for (const a of ALGORITHMS) {
      if (!a.stepCost) continue;
      const c = a.stepCost(a.defaults, { m: 6, d: 6 });
      expect(Number.isFinite(c.fullOps) && c.fullOps >= 0 && Number.isFinite(c.reducedPasses) && c.reducedPasses >= 0, a.id).toBe(true);
      expect(c.reason.length, a.id).toBeGreaterThan(0);
    }
    const config = base([{ name: 'specgd', eta: 0.002, polar: 'newton-schulz', nsSteps: 1e9 }]);
    expect(() => checkBudget(simulationTerms(config))).toThrow(/invalid algorithms\[0\]\.nsSteps: got 1000000000;/);
    expect(() => checkBudget(theoryTerms(config))).toThrow(/invalid algorithms\[0\]\.nsSteps/);
  });
});

describe('budget: the long-format CSV', () => {
  it('charged only when written; its counted numbers are the rows written, over-counted by at most 7/6 (the CSV_BYTES_PER_ROW comment)', async () => {
    const cfg = { model: { d: 4, covariance: { kind: 'powerlaw', exponent: 1, signalIndex: 2 } }, algorithms: [{ name: 'gd', eta: 0.01 }, { name: 'specgd', eta: 0.002 }], steps: 40, seeds: [1, 2] };
    const config = parseConfig(cfg);
    expect(simulationTerms(config).some((t) => t.field === '--csv')).toBe(false);
    const f = writeTemp(root, 'c.json', cfg);
    for (const cmd of ['simulate', 'theory'] as const) {
      const csv = join(root, `${cmd}.csv`);
      const r = await runCli([cmd, '--config', f, ...(cmd === 'simulate' ? ['--no-progress'] : []), '--out', join(root, `${cmd}.json`), '--csv', csv]);
      expect(r.code, r.err).toBe(0);
      const rows = readFileSync(csv, 'utf8').trim().split('\n').length - 1;
      const terms = cmd === 'simulate' ? simulationTerms(config, config.seeds.length, { csv }) : theoryTerms(config, [], { csv });
      const counted = terms.find((t) => t.field === '--csv')!.bytes / CSV_BYTES_PER_ROW;
      expect(counted, cmd).toBeGreaterThanOrEqual(rows);
      expect(counted, cmd).toBeLessThanOrEqual((rows * 7) / 6);
      checkBudget(terms, huge);
    }
  });

  it('regression (10 000-case fuzz run, seed 16, case 115): a 720 240-row CSV under a 256 MB budget is refused naming --csv; the same run without --csv is accepted', async () => {
    const cfg = { model: { d: 10, covariance: { kind: 'powerlaw', exponent: 1e-216, signalIndex: 4 }, lossScale: 0.07 }, algorithms: [{ name: 'gd', eta: 0.0002 }, { name: 'gd', eta: 0.0017 }], seeds: [8, 7, 0] };
    const config = parseConfig(cfg);
    const budget: Budget = { memoryBytes: 256 * 2 ** 20, ops: Infinity, rule: 'memory limit 256 MB' };
    expect(() => checkBudget(simulationTerms(config, 3, { csv: 'x.csv' }), budget)).toThrow(/^invalid --csv: got "x\.csv"; expected a run within the memory budget .* the long-format CSV of \d+ rows/);
    expect(() => checkBudget(simulationTerms(config, 3), budget)).not.toThrow();
  });

  it('regression (10 000-case fuzz run, seed 16, case 3267): the matrix-block derivation of θ over K directions is charged ~K⁵ (a K = 8 derive ran 43 s under a 1 s budget)', async () => {
    const over = (signal: unknown[]) => parseConfig({ model: { d: 9, covariance: { kind: 'powerlaw', exponent: 1, signal } }, algorithms: [{ name: 'gd', eta: 0.01 }], steps: 20 });
    const k8 = over([1, -2, 3, 1e-100, 5, 1, 0, 1, 1]);
    expect(signalDirectionCount(k8)).toBe(8);
    expect(signalDirectionCount(over([{ index: 2, weight: 1 }, { index: 5, weight: -1 }]))).toBe(2);
    expect(signalDirectionCount(over([0, 0, 1, 0, 0, 0, 0, 0, 0]))).toBe(0);
    const mb = derivationTerms(k8).find((t) => t.field === 'model.covariance.signal');
    expect(mb?.ops).toBe(8 ** 5 * MATRIX_BLOCK_SECONDS_PER_K5 * OPS_PER_SECOND);
    // spiked: K = 2 only when sin φ ≠ 0 in float64
    const spiked = (phi?: number) => parseConfig({ model: { d: 5, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1, ...(phi === undefined ? {} : { signalSpikeAngle: phi }) } }, algorithms: [{ name: 'gd', eta: 0.01 }], steps: 20 });
    expect([undefined, 0, 1e-150, Math.PI].map((phi) => signalDirectionCount(spiked(phi)))).toEqual([0, 0, 2, 2]);
    // through the CLI: refused with exit 2 before any derivation work, naming the field
    const cfg = writeTemp(root, 'k8.json', JSON.stringify({ model: { d: 9, covariance: { kind: 'powerlaw', exponent: 1, signal: [1, 1, 1, 1, 1, 1, 0, 1, 1] } }, algorithms: [{ name: 'gd', eta: 0.01 }], steps: 20 }));
    const saved = process.env.SPECGD_TIME_LIMIT_S;
    process.env.SPECGD_TIME_LIMIT_S = '1';
    try {
      for (const cmd of ['derive', 'theory']) {
        const r = await runCli([cmd, '--config', cfg]);
        expect(r.code, r.err).toBe(2);
        expect(r.err).toMatch(/^specgd: invalid model\.covariance\.signal: got "8 eigen-directions"; expected a run within the time budget .* matrix-block derivation/);
      }
    } finally {
      if (saved === undefined) delete process.env.SPECGD_TIME_LIMIT_S;
      else process.env.SPECGD_TIME_LIMIT_S = saved;
    }
  });
});

describe('budget: the corrected theory\'s family-wise critical values', () => {
  it('a finite-sample GD config with ≥ 2 seeds is charged for the resampling, in proportion to the seeds (field seeds), its kept draws by the recorded steps (field record); one seed is not', () => {
    const fs = (seeds: number) => parseConfig({ model: { d: 8, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 } }, algorithms: [{ name: 'gd', eta: 0.01 }], steps: 300, data: { mode: 'full-batch', n: 2000 }, seeds: Array.from({ length: seeds }, (_, i) => i + 1), record: 'all' });
    const term = (seeds: number) => theoryTerms(fs(seeds)).find((t) => /family-wise critical values/.test(t.what));
    expect(term(1)).toBeUndefined();
    const t16 = term(16)!;
    const t64 = term(64)!;
    expect(t16.field).toBe('seeds');
    expect(t64.ops / t16.ops).toBeCloseTo(4, 12);
    // the kept draws and the reference replicates: charged to the recorded steps, the same at any seed count
    const kept = (seeds: number) => theoryTerms(fs(seeds)).find((t) => /kept theory draws and reference/.test(t.what))!;
    expect(kept(16).field).toBe('record');
    expect(kept(16).bytes).toBeGreaterThan(0);
    expect(kept(64).bytes).toBe(kept(16).bytes);
    expect(kept(64).ops).toBe(kept(16).ops);
    expect(kept(2).ops).toBe(kept(16).ops);
    expect(theoryTerms(fs(1)).find((t) => /kept theory draws/.test(t.what))).toBeUndefined();
  });
});
