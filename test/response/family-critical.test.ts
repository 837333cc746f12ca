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
 *  - the critical values are the exact points of a ±1 ensemble's Binomial law (one step, and the maximum over two);
 *    a comparison with another seed count falls back to the Bonferroni–t rule.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { correctedTheory, finiteSampleSeries, responsesOf, type CorrectionInfo } from '../../src/dynamics/response/corrected.js';
import { ENSEMBLE_SEED } from '../../src/dynamics/response/source-ensemble.js';
import { familyCriticalValues, referenceReplicates } from '../../src/dynamics/response/family-critical.js';
import { createRng } from '../../src/core/rng.js';
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

/**
 * An ensemble with an exact answer: D = 4 draws in two antithetic pairs, one series at two "steps" whose values are
 * ±1 (draws (−1, −1), (1, 1), (−1, 1), (1, −1)), so S draws picked uniformly give at each step m ~ Binomial(S, ½) plus
 * ones and every pair-bootstrap replicate has μ* = 0 and σ*² = D/(D − 1) = 4/3 (each step's values are ±1 twice in any
 * replicate). The statistics are functions of T = |m − S/2|: x̄ = 2T/S, σ̂² = S/(S − 1)·(1 − x̄²),
 * Z = |x̄|/√(max(σ̂², σ*²)/S) (mcse 0 here) and V = |½ ln(σ̂²/σ*²)|, both increasing in T; so the (1 − α/2) point is
 * their value at the smallest T whose probability P(T' ≤ T) (at one step; its square for the maximum over two
 * independent steps) reaches the order statistic's rank/R. The levels are chosen where those probabilities are ≥ 6
 * binomial SDs of the empirical CDF (√(q(1 − q)/R)) away from rank/R, so the resampling error cannot move the point.
 * (The "given" SD is the law's, 1: a rule that used it in place of the replicate's would give Z = 2.5 at T = 5.)
 */
describe('family-wise critical values against the exact law of a ±1 ensemble', () => {
  const Sx = 16;
  const R = 4000;
  const binomial = (m: number) => {
    let c = 1;
    for (let i = 0; i < m; i++) c = (c * (Sx - i)) / (i + 1);
    return c / 2 ** Sx;
  };
  const cdf = (t: number) => {
    let F = 0;
    for (let m = 0; m <= Sx; m++) if (Math.abs(m - Sx / 2) <= t) F += binomial(m);
    return F;
  };
  const s2Ref = 4 / 3;
  const Zof = (t: number) => { const x = (2 * t) / Sx; return x / Math.sqrt(Math.max((Sx / (Sx - 1)) * (1 - x * x), s2Ref) / Sx); };
  const Vof = (t: number) => { const x = (2 * t) / Sx; return Math.abs(0.5 * Math.log(((Sx / (Sx - 1)) * (1 - x * x)) / s2Ref)); };
  /** The exact point: the smallest T with G(T) ≥ rank/R; asserts the margins of the comment above. */
  const exactT = (alpha: number, G: (t: number) => number) => {
    const q = Math.ceil((1 - alpha / 2) * (R + 1)) / R;
    const sdF = Math.sqrt((q * (1 - q)) / R);
    let t = 0;
    while (G(t) < q) t++;
    expect(G(t) - q).toBeGreaterThan(6 * sdF);
    expect(q - G(t - 1)).toBeGreaterThan(6 * sdF);
    return t;
  };
  const kept = (second: 'independent' | 'copy') => {
    const first = [-1, 1, -1, 1];
    const other = second === 'copy' ? first : [-1, 1, 1, -1];
    const values = new Float64Array(4 * 2);
    for (let d = 0; d < 4; d++) {
      values[d * 2] = first[d];
      values[d * 2 + 1] = other[d];
    }
    return { names: ['x'], steps: [0, 1], draws: 4, values };
  };
  const ones = { x: [1, 1] };
  const zeros = { x: [0, 0] };
  it('one step: z and w are the exact Binomial points of the mean and spread statistics (α = 0.1)', () => {
    const t = exactT(0.1, cdf);
    const fc = familyCriticalValues(kept('independent'), ones, zeros, Sx, 0.1, R)!;
    expect(fc.z[0]).toBeCloseTo(Zof(t), 5);
    expect(fc.w[0]).toBeCloseTo(Vof(t), 5);
  });
  it('two independent steps: the point of the maximum (α = 0.05), above the one-step point; a copied step adds nothing', () => {
    const t2 = exactT(0.05, (t) => cdf(t) ** 2);
    const fc = familyCriticalValues(kept('independent'), ones, zeros, Sx, 0.05, R)!;
    expect(fc.z[1]).toBeCloseTo(Zof(t2), 5);
    expect(fc.w[1]).toBeCloseTo(Vof(t2), 5);
    const copy = familyCriticalValues(kept('copy'), ones, zeros, Sx, 0.05, R)!;
    expect(copy.z[1]).toBe(copy.z[0]);
    expect(copy.w[1]).toBe(copy.w[0]);
    expect(fc.z[1]).toBeGreaterThan(copy.z[1]);
  });
  it('too few resamples for the order statistic throws; an ensemble whose resamples can coincide (σ̂ = 0) has none', () => {
    expect(() => familyCriticalValues(kept('independent'), ones, zeros, Sx, 0.01, 198)).toThrow(/≥ 199 resamples/);
    expect(() => familyCriticalValues(kept('independent'), ones, zeros, Sx, 0.01, 199)).not.toThrow();
    expect(() => familyCriticalValues(kept('independent'), ones, zeros, Sx, 0.01, R, 0)).toThrow(/≥ 1 reference replicate/);
    // S = 2 of D = 4 draws: the two picks alike at one step or the other in three quarters of the resamples, σ̂ = 0
    // there, V = ∞ beyond any level
    expect(familyCriticalValues(kept('independent'), ones, zeros, 2, 0.01, R)).toBeNull();
  });
});

/**
 * The reference replicates carry the theory's Monte Carlo error: an ensemble of P antithetic pairs whose pair means
 * vary (draws m_i ± 3e_i, m_i and e_i i.i.d. N(0, 1) on a seeded stream: per-draw variance 10, pair means' 1); the pair bootstrap's replicate means then
 * have SD √((P − 1)/P)·s_m/√P (s_m the SD of the pair means, the mcse the ensemble reports), not σ/√D and not 0.
 * Tolerance: the SD of Q replicate means is estimated to relative SE 1/√(2(Q − 1)) (Gaussian to this order: the mean
 * of P = 500 pair means), ×4.
 */
describe('reference replicates: the pair bootstrap of the theory\'s mean', () => {
  it('their means spread by the pairs\' Monte Carlo error, centred on the ensemble mean', () => {
    const P = 500;
    const Q = 2000;
    const rng = createRng(20261202, 1);
    const values = new Float64Array(2 * P);
    const pm: number[] = [];
    for (let i = 0; i < P; i++) {
      const m = rng.normal();
      const e = rng.normal();
      values[2 * i] = m + 3 * e;
      values[2 * i + 1] = m - 3 * e;
      pm.push(m);
    }
    const mean = pm.reduce((a, b) => a + b, 0) / P;
    const sm = Math.sqrt(pm.reduce((a, b) => a + (b - mean) ** 2, 0) / (P - 1));
    const expected = Math.sqrt((P - 1) / P) * (sm / Math.sqrt(P));
    const ref = referenceReplicates(values, 2 * P, 1, Q, createRng(7, 7));
    const mu = Array.from(ref.mu);
    const mq = mu.reduce((a, b) => a + b, 0) / Q;
    const sq = Math.sqrt(mu.reduce((a, b) => a + (b - mq) ** 2, 0) / (Q - 1));
    expect(Math.abs(sq / expected - 1)).toBeLessThan(4 / Math.sqrt(2 * (Q - 1)));
    // centred on the ensemble mean to within 4 SE of the mean of Q replicates
    expect(Math.abs(mq - mean)).toBeLessThan((4 * expected) / Math.sqrt(Q));
    // σ/√D of independent draws would be √10 ≈ 3.2× larger here (σ² = 10): the replicates resample pairs, not draws
    expect(sq).toBeLessThan(0.8 * Math.sqrt(10 / (2 * P)));
  });
});

describe('resampled family-wise critical values (the corrected theory as the null)', () => {
  it('carries critical values for the config\'s seed count, series and steps', () => {
    const fc = info.familyCritical!;
    expect(fc.seeds).toBe(S);
    expect(fc.series).toEqual(gram);
    expect(fc.steps).toEqual(theory.step);
    expect(fc.referenceReplicates).toBeGreaterThan(1);
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
    // 90% point in place of the 99.5% for both tests, a mutation run) gives 17 and fails this test; this rule gives 1
    // (measured 2026-12-02, with the reference replicates).
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
