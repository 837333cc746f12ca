/**
 * Claim measurements on synthetic trajectories (the spiked reduced maps iterated in test/helpers/synthetic.ts, with
 * the model.md §4 formulas stated there): each claim passes on data that has the property and fails on data that
 * lacks it.
 */
import { describe, expect, it } from 'vitest';
import type { Trajectory } from '../../src/core/trajectory.js';
import {
  finiteSampleScalingClaim,
  finiteSamplePictureClaim,
  qualitativeClaim,
  gdBulkDecayClaim,
  outgrowClaim,
  specgdNoAmplificationClaim,
  specgdRateClaim,
  specgdStepNormClaim,
} from '../../src/claims/index.js';
import { fitLine } from '../../src/compare/measure.js';
import { createRng } from '../../src/core/rng.js';
import { reducedRun } from '../helpers/synthetic.js';

const P = { lambdaTheta: 1, lambdaV: 10, sigma2: 1, d: 20, alpha: 1e-3 };
const prov = { tool: 'specgd' as const, version: 't', gitCommit: null, command: 't', config: null };
const traj = (step: number[], series: Record<string, number[]>, algorithm = 'gd'): Trajectory => ({ kind: 'simulation', algorithm, status: 'ok', message: '', step, t: step, series, events: [], provenance: prov });

describe('claims', () => {
  it('spike outgrows the signal iff λ_v > 3λ_θ (runs on both sides); a wrong threshold is caught', () => {
    const runs = [1, 2, 5, 10].map((lambdaV) => ({ lambdaV, gd: reducedRun({ ...P, lambdaV }, 'gd', 0.01, 400) }));
    expect(outgrowClaim(runs, 3).verdict).toBe('pass');
    expect(outgrowClaim(runs, 7).measured).toBe(1); // λ_v = 5 amplifies although 5 < 7
  });

  it('SpecGD signal rate η whatever λ_v and d; GD has no constant rate', () => {
    const runs = [1, 10].flatMap((lambdaV) => [10, 40].map((d) => ({ lambdaV, d, eta: 0.002, specgd: reducedRun({ ...P, lambdaV, d }, 'specgd', 0.002, 300), escapeLevel: 0.5 })));
    const c = specgdRateClaim(runs);
    expect(c.verdict).toBe('pass');
    expect(c.measured).toBeLessThan(1e-12);
    const gd = [{ lambdaV: 10, d: 20, eta: 0.01, specgd: reducedRun(P, 'gd', 0.01, 400), escapeLevel: 0.5 }];
    expect(specgdRateClaim(gd).verdict).toBe('fail');
  });

  it('no spike amplification under SpecGD; GD at λ_v = 10 amplifies', () => {
    expect(specgdNoAmplificationClaim([{ lambdaV: 10, specgd: reducedRun(P, 'specgd', 0.002, 600) }]).verdict).toBe('pass');
    expect(specgdNoAmplificationClaim([{ lambdaV: 10, specgd: reducedRun(P, 'gd', 0.01, 600) }]).verdict).toBe('fail');
  });

  it('power-law exponent fit: c ∝ (1 + k)^(−1/2) matches q = 3; a wrong leading order fails', () => {
    const step = Array.from({ length: 2001 }, (_, i) => Math.round(10 ** (i / 400)));
    const c = step.map((k) => 0.1 * (1 + 0.01 * k) ** -0.5);
    const t = traj(step, { c });
    const w: [number, number] = [10_000, 100_000];
    expect(gdBulkDecayClaim(t, 3, w).verdict).toBe('pass');
    expect(gdBulkDecayClaim(t, 4, w).verdict).toBe('fail');
  });

  it('SpecGD update norm: exactly η per step for the sign map, not for GD', () => {
    const sg = reducedRun(P, 'specgd', 0.002, 300);
    expect(specgdStepNormClaim([{ label: 's', eta: 0.002, specgd: sg, symbols: ['a', 'b', 'c'] }]).verdict).toBe('pass');
    const gd = reducedRun(P, 'gd', 0.01, 300);
    expect(specgdStepNormClaim([{ label: 'g', eta: 0.002, specgd: gd, symbols: ['a', 'b', 'c'] }]).verdict).toBe('fail');
  });

  it('finite-sample rate: seeded deviations ∝ n^(−1/2) pass, ∝ n^(−1) fail', () => {
    const rng = createRng(11);
    const ns = [500, 2000, 8000];
    const pts = (p: number) => ns.flatMap((n) => Array.from({ length: 6 }, () => ({ n, deviation: n ** p * Math.exp(0.2 * rng.normal()) })));
    expect(finiteSampleScalingClaim(pts(-0.5)).verdict).toBe('pass');
    expect(finiteSampleScalingClaim(pts(-1)).verdict).toBe('fail');
  });

  it('qualitative pictures: GD amplifies where predicted, SpecGD nowhere; a contradicting run is counted', () => {
    const gd = reducedRun(P, 'gd', 0.01, 400);
    const sg = reducedRun(P, 'specgd', 0.002, 400);
    const peak = (t: Trajectory) => {
      const s = t.series as Record<string, number[]>;
      const r = s.b.map((b, i) => b / s.a[i]);
      return { peakRatio: Math.max(...r), initialRatio: r[0] };
    };
    const cases = [
      { label: 'b/a', algorithm: 'gd' as const, expectAmplified: true, ...peak(gd) },
      { label: 'b/a', algorithm: 'specgd' as const, expectAmplified: false, ...peak(sg) },
    ];
    expect(qualitativeClaim('x', 's', cases, 'test').verdict).toBe('pass');
    expect(qualitativeClaim('x', 's', cases.map((c) => ({ ...c, expectAmplified: !c.expectAmplified })), 'test').measured).toBe(2);
    // Finite samples: rates classified by the nearest population prediction (ρ for GD, 0 for SpecGD).
    const rho = 6;
    expect(finiteSamplePictureClaim([{ label: 'n', algorithm: 'gd', rate: 5 }, { label: 'n', algorithm: 'specgd', rate: -1 }], rho, 'w').verdict).toBe('pass');
    expect(finiteSamplePictureClaim([{ label: 'n', algorithm: 'gd', rate: 2 }, { label: 'n', algorithm: 'specgd', rate: 4 }], rho, 'w').measured).toBe(2);
  });

  it('line fit: exact on a line, standard error from residuals', () => {
    const f = fitLine([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(f.slope).toBe(2);
    expect(f.slopeSe).toBe(0);
  });
});
