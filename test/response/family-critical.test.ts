/**
 * The resampled family-wise rule of a comparison against the source ensemble (dynamics/response/family-critical.ts,
 * compare/tolerance.ts `resampledRule`). Fake seeds are independent draws of the theory's own law (the ensemble run
 * on another stream, its even draws only: the odd ones are antithetic partners), grouped S at a time into ensemble
 * trajectories and compared against the corrected theory as `compare` does:
 *  - calibration: the fraction of groups that fail is at most the family-wise level (the right theory is rejected no
 *    more often than α says);
 *  - controls that must fail: the population theory dressed as the corrected one (its mean, the ensemble's spread), and
 *    the corrected theory with its predicted spread 8× too wide (the spread test, where the mean test alone would be
 *    lenient; its resolution at 16 seeds is a factor e^w ≈ 5 here);
 *  - the critical values are non-decreasing in the window's end, and a comparison with another seed count falls back
 *    to the Bonferroni–t rule.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { correctedTheory, finiteSampleSeries, responsesOf, type CorrectionInfo } from '../../src/dynamics/response/corrected.js';
import { ENSEMBLE_SEED } from '../../src/dynamics/response/source-ensemble.js';
import { runRankOneEnsemble } from '../../src/dynamics/response/rank-one-ensemble.js';
import { buildModelSpec, initialBlockCoefficients } from '../../src/model/spec.js';
import { recordSteps } from '../../src/config/record.js';
import { compareTrajectories } from '../../src/compare/compare.js';
import { FAMILY_ALPHA } from '../../src/compare/tolerance.js';
import type { Trajectory } from '../../src/core/trajectory.js';
import { comparisonTable } from '../../src/cli/commands/compare.js';

const S = 16;
const config = parseConfig({
  model: { d: 8, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 }, student: { kind: 'matrix' }, init: { kind: 'scaled-identity', alpha: 1e-3 } },
  algorithms: [{ name: 'gd', eta: 0.01 }],
  steps: 300,
  data: { mode: 'full-batch', n: 2000 },
  seeds: Array.from({ length: S }, (_, i) => i + 1),
  record: 'all',
});
const record = recordSteps(config.steps, config.record);
const [theory] = correctedTheory(config, record, 'test');
const info = theory.correction as unknown as CorrectionInfo;
const gram = finiteSampleSeries(config);

/**
 * Independent draws of the theory's law: the even draws of the ensemble the corrected theory runs (full batch, rank-1
 * part exact: rank-one-ensemble.ts) on stream `seed`, as groups of S fake seeds.
 */
function fakeEnsembles(seed: number): Trajectory[] {
  const spec = buildModelSpec(config);
  const r = responsesOf(config)[0];
  const ens = runRankOneEnsemble(
    { blocks: r.blocks, signal: r.signal, spike: spec.spikeBlock, escapeLevel: config.events.escapeLevel, a0: initialBlockCoefficients(spec)!, h: r.h, n: 2000, steps: config.steps, lossScale: spec.lossScale, seed, keep: { names: gram, steps: record } },
    r.symbols,
  );
  const kept = ens.kept!;
  const L = kept.steps.length;
  const G = kept.names.length;
  const even = Array.from({ length: kept.draws / 2 }, (_, i) => 2 * i);
  const out: Trajectory[] = [];
  for (let g0 = 0; g0 + S <= even.length; g0 += S) {
    const members = even.slice(g0, g0 + S);
    const series: Record<string, { mean: number[]; se: number[] }> = {};
    kept.names.forEach((name, gi) => {
      const mean: number[] = [];
      const se: number[] = [];
      for (let k = 0; k < L; k++) {
        const v = members.map((d) => kept.values[(d * L + k) * G + gi]);
        const m = v.reduce((a, b) => a + b, 0) / S;
        mean.push(m);
        se.push(Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (S - 1) / S));
      }
      series[name] = { mean, se };
    });
    out.push({ ...theory, kind: 'simulation', step: kept.steps, t: kept.steps.map((k) => 0.01 * k), series, sd: undefined, correction: undefined, provenance: { ...theory.provenance, seeds: members } } as unknown as Trajectory);
  }
  return out;
}

const fakes = [...fakeEnsembles(ENSEMBLE_SEED + 1), ...fakeEnsembles(ENSEMBLE_SEED + 2)];
const compare = (th: Trajectory, sim: Trajectory) => compareTrajectories(th, sim, { eta: 0.01, config, series: gram });

describe('resampled family-wise critical values (the corrected theory as the null)', () => {
  it('carries critical values for the config\'s seed count, non-decreasing in the window end', () => {
    const fc = info.familyCritical!;
    expect(fc.seeds).toBe(S);
    expect(fc.series).toEqual(gram);
    expect(fc.steps).toEqual(theory.step);
    for (let k = 1; k < fc.steps.length; k++) {
      expect(fc.z[k]).toBeGreaterThanOrEqual(fc.z[k - 1]);
      expect(fc.w[k]).toBeGreaterThanOrEqual(fc.w[k - 1]);
    }
  });
  it(`rejects the right theory in at most the family-wise level of ${2 * 64} groups of ${S} independent draws of its law`, () => {
    expect(fakes.length).toBe(128);
    const verdicts = fakes.map((f) => compare(theory, f));
    expect(verdicts[0].tolerance.kind).toBe('finite-sample');
    // the spread test is reported per series (compare's table shows the seeds' SD over the predicted one)
    expect(verdicts[0].series.every((s) => s.spread !== undefined)).toBe(true);
    expect(comparisonTable([verdicts[0]])).toMatch(/σ̂\/σ = [0-9.]+ at \d+ \(within ×[0-9.]+\)/);
    expect((verdicts[0].tolerance as { calibration: string }).calibration).toBe('resampled');
    const fails = verdicts.filter((c) => c.verdict === 'fail').length;
    // fails ~ Binomial(128, ≤ FAMILY_ALPHA): mean ≤ 1.28, SD ≤ 1.13; P(≥ 6) < 0.01. A rule calibrated at 10% (the
    // 90% point in place of the 99.5% for both tests, a mutation run) gives 17; this rule gives 0.
    expect(fails).toBeLessThanOrEqual(Math.ceil(128 * FAMILY_ALPHA + 4 * Math.sqrt(128 * FAMILY_ALPHA)));
  }, 120_000);
  it('control: the population theory with the ensemble\'s spread fails on the same draws (the finite-sample shift is resolved)', () => {
    const popAsCorrected = { ...theory, series: Object.fromEntries(Object.entries(theory.series).map(([k, v]) => [k, info.population[k] ?? v])) } as Trajectory;
    const fails = fakes.filter((f) => compare(popAsCorrected, f).verdict === 'fail').length;
    expect(fails).toBeGreaterThanOrEqual(fakes.length * 0.9);
  }, 120_000);
  it('control: the predicted spread 8× too wide fails the spread test (where it would widen the mean test)', () => {
    // (the test resolves the spread to within e^w: w = 1.6 over this escape, a factor 5 — the per-seed law of |b| and
    // of the loss is heavy-tailed late in the escape, and 16 seeds pin its SD down no better)
    const wide = { ...theory, sd: Object.fromEntries(Object.entries(theory.sd!).map(([k, v]) => [k, v.map((x) => 8 * x)])) } as Trajectory;
    const cmp = fakes.map((f) => compare(wide, f));
    const spreadFails = cmp.filter((c) => c.series.some((s) => s.spread?.verdict === 'fail')).length;
    expect(spreadFails).toBeGreaterThanOrEqual(fakes.length * 0.9);
    expect(cmp.every((c) => c.verdict === 'fail' || !c.series.some((s) => s.spread?.verdict === 'fail'))).toBe(true);
  }, 120_000);
  it('4 seeds: inconclusive (the seeds cannot confirm the predicted spread within a factor MAX_SPREAD_FACTOR)', () => {
    const few = parseConfig({ ...JSON.parse(JSON.stringify(config)), seeds: [1, 2, 3, 4] });
    const [th4] = correctedTheory(few, record, 'test');
    const f = fakes[0];
    const four = { ...f, provenance: { ...f.provenance, seeds: [1, 2, 3, 4] } } as Trajectory;
    const c = compareTrajectories(th4, four, { eta: 0.01, config: few, series: gram });
    expect(c.tolerance.kind).toBe('inconclusive');
    expect((c.tolerance as { calibration: string }).calibration).toBe('resampled');
    expect(c.tolerance.rule).toMatch(/factor/);
  });
  it('another seed count falls back to the Bonferroni–t rule', () => {
    const f = fakes[0];
    const fewer = { ...f, provenance: { ...f.provenance, seeds: f.provenance.seeds!.slice(0, S - 1) } } as Trajectory;
    expect((compare(theory, fewer).tolerance as { calibration?: string }).calibration).toBe('bonferroni-t');
  });
});
