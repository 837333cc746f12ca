/**
 * The optimizer-family claims (src/claims/optimizer-*.ts): their measurements, tolerances and negative controls on
 * small cases (reduced maps; simulations at d = 6).
 */
import { describe, expect, it } from 'vitest';
import type { Trajectory } from '../../src/core/trajectory.js';
import { reproduceParams, type ReproduceParams } from '../../src/claims/params.js';
import { momentumEndStateClaim, momentumEscapeClaim, momentumLag, momentumScans, slopeBound, slopeSE } from '../../src/claims/optimizer-muon-momentum.js';
import { NS_SCHEDULES, recordDeviation, scheduleFactors, stepFactorClaim, stepFactorTolerance } from '../../src/claims/optimizer-ns-step-factors.js';
import { basisTolerance, basisWindow, firstSignSwitch, specgdBasisClaim, truncateTrajectory } from '../../src/claims/optimizer-specgd-basis.js';
import { adamAmplificationClaim, adamRandomBasisClaim, amplification, optimizerAdamBasis } from '../../src/claims/optimizer-adam-basis.js';
import { optimizerSpecgdBasis } from '../../src/claims/optimizer-specgd-basis.js';
import { basisConfig, optimizerFamilyConfig } from '../../src/claims/params.js';
import { powerLawFit } from '../../src/dynamics/optimizer-family.js';
import { algorithmById } from '../../src/algorithms/index.js';
import { RunStore } from '../../src/pipeline/runs.js';
import { stepwiseDifference } from '../../src/report/figures/fig10-basis.js';

const quick = reproduceParams(true);
/** Small simulation sizes for the basis claims (d = 6, 150 steps). */
const small: ReproduceParams = { ...quick, optimizers: { ...quick.optimizers, d: 6, steps: 150 } };

const traj = (step: number[], series: Record<string, number[]>, events: Trajectory['events'] = []): Trajectory =>
  ({
    kind: 'simulation',
    algorithm: 'x',
    status: 'ok',
    message: '',
    step,
    t: step,
    series: Object.fromEntries(Object.entries(series).map(([k, v]) => [k, { mean: v, se: v.map(() => 0) }])),
    events,
    provenance: {},
  }) as unknown as Trajectory;

describe('Muon momentum claims', () => {
  it('momentumLag is the mean lag Σ j w_j / Σ w_j of the momentum weights (heavy ball and Nesterov)', () => {
    const beta = 0.9;
    const J = 2000; // β^J negligible
    let hbNum = 0;
    let hbDen = 0;
    let nNum = 0;
    let nDen = 0;
    for (let j = 0; j < J; j++) {
      const w = (1 - beta) * beta ** j; // m = Σ_j (1 − β)β^j g_{t−j}
      hbNum += j * w;
      hbDen += w;
      const wn = (j === 0 ? 1 - beta : 0) + beta * w; // u = (1 − β)g_t + βm
      nNum += j * wn;
      nDen += wn;
    }
    expect(momentumLag(beta, false)).toBeCloseTo(hbNum / hbDen, 9);
    expect(momentumLag(beta, true)).toBeCloseTo(nNum / nDen, 9);
  });

  it('slope bounds: 0 for an exact power law; a perturbation of every point by ≤ r moves the slope by ≤ slopeBound', () => {
    const x = [0.004, 0.002, 0.001, 0.0005];
    const y = x.map((e) => 3 * e ** 0.7);
    const exact = powerLawFit(x, y);
    expect(slopeBound(x, exact)).toBeLessThan(1e-12);
    expect(slopeSE(x, y, exact)).toBeLessThan(1e-12);
    const r = 0.2;
    const bumped = y.map((v, i) => v * Math.exp(i % 2 ? r : -r));
    const fit = powerLawFit(x, bumped);
    expect(Math.abs(fit.exponent - exact.exponent)).toBeLessThanOrEqual(slopeBound(x, fit) + 1e-12);
    expect(slopeSE(x, bumped, fit)).toBeGreaterThan(0);
  });

  it('escape unchanged (exact polar: identical) while the end state changes; both controls fail', () => {
    const s = momentumScans(quick);
    expect(s.exact[0].points.map((p) => p.escapeStep)).toEqual(s.exact[1].points.map((p) => p.escapeStep));
    const esc = momentumEscapeClaim(s);
    expect(esc.verdict).toBe('pass');
    expect(esc.control?.verdict).toBe('fail');
    const end = momentumEndStateClaim(s);
    expect(end.control?.measured).toBe(0);
    expect(end.control?.verdict).toBe('fail');
    expect(end.measured).toBeGreaterThan(0);
  });

  it('the escape claim fails when the exact-polar escape moves by a single step', () => {
    const s = momentumScans(quick);
    const moved = { ...s.exact[0], points: s.exact[0].points.map((p, i) => (i === 0 ? { ...p, escapeStep: (p.escapeStep ?? 0) + 1 } : p)) };
    expect(momentumEscapeClaim({ ...s, exact: [moved, s.exact[1]] }).verdict).toBe('fail');
  });
});

describe('Newton–Schulz step-factor claims', () => {
  const all = NS_SCHEDULES.map((sch) => scheduleFactors(quick, sch));
  it('each schedule matches its polynomial to the rounding bound; the other schedule (control) does not', () => {
    NS_SCHEDULES.forEach((sch, i) => {
      const j = (i + 1) % NS_SCHEDULES.length;
      const c = stepFactorClaim(sch, all[i], { schedule: NS_SCHEDULES[j], factors: all[j].factors }, quick.escapeLevel);
      expect(c.verdict).toBe('pass');
      expect(c.control?.verdict).toBe('fail');
    });
  });
  it('a factor perturbed by twice the tolerance fails', () => {
    const own = all[0];
    const tol = stepFactorTolerance(own.factors, own.eta, own.rho);
    const bumped = { ...own, factors: { ...own.factors, maxDeviation: recordDeviation([own.factors.records[5].measured[0] + 2 * tol], [own.factors.records[5].predicted[0]]) } };
    expect(stepFactorClaim('keller', bumped, { schedule: 'polar-express', factors: all[1].factors }, quick.escapeLevel).verdict).toBe('fail');
  });
});

describe('basis claims', () => {
  it('firstSignSwitch and truncateTrajectory', () => {
    const t = traj([0, 1, 2, 3], { a: [0, 1, 2, 3] }, [
      { name: 'escape', step: 1, t: 1, value: 0.5 },
      { name: 'sign-switch:c', step: 3, t: 3, value: 0 },
      { name: 'sign-switch:b', step: 2, t: 2, value: 0 },
    ] as Trajectory['events']);
    expect(firstSignSwitch(t)).toBe(2);
    expect(firstSignSwitch(traj([0], { a: [0] }))).toBeNull();
    const cut = truncateTrajectory(t, 2);
    expect(cut.step).toEqual([0, 1, 2]);
    expect((cut.series as unknown as Record<string, { mean: number[] }>).a.mean).toEqual([0, 1, 2]);
  });

  it('basisTolerance is K·d·u/(1 − d·u)', () => {
    const u = 2 ** -53;
    expect(basisTolerance(10, 7)).toBe((7 * 10 * u) / (1 - 10 * u));
  });

  it('stepwiseDifference matches steps and drops exact zeros', () => {
    const d = stepwiseDifference(traj([0, 2, 4], { a: [1, 2, 3] }), traj([0, 1, 2, 4], { a: [1, 9, 2.5, 2] }), 'a');
    expect(d).toEqual({ x: [2, 4], y: [0.5, 1] });
  });

  it('SpecGD is basis-invariant to rounding over its window, Adam (control) is not; Adam in a random basis differs and does not reduce', () => {
    const store = new RunStore('test');
    const w = basisWindow(store.view('claim', optimizerSpecgdBasis.runs(small)), small);
    const sg = specgdBasisClaim(w);
    expect(sg.verdict).toBe('pass');
    expect(sg.control?.verdict).toBe('fail');
    const refusal = algorithmById('adam').reducible({ student: 'matrix', basis: 'random' });
    const adam = adamRandomBasisClaim(w, refusal);
    expect(adam.verdict).toBe('pass');
    expect(adam.control?.verdict).toBe('fail');
    // without the registry's refusal the claim cannot pass
    expect(adamRandomBasisClaim(w, null).verdict).toBe('fail');
  });

  it('Adam amplifies in the canonical basis, less than GD; SpecGD (control) does not; the test fails above GD', () => {
    const store = new RunStore('test');
    const th = store.view('claim', optimizerAdamBasis.runs(small)).run(optimizerFamilyConfig(small)).theory();
    const by = (id: string) => th.find((t) => t.algorithm === id)!;
    const c = adamAmplificationClaim(by('adam'), by('gd'), by('specgd'));
    expect(c.verdict).toBe('pass');
    expect(c.control?.verdict).toBe('fail');
    expect(amplification(by('specgd'))).toBe(0);
    // swapped roles: GD's amplification is not below itself
    expect(adamAmplificationClaim(by('gd'), by('gd'), by('specgd')).verdict).toBe('fail');
    expect(basisConfig(small, 'random').model.covariance).toMatchObject({ basis: 'random' });
  });
});
