/**
 * Measurement helpers of the optimizer family (src/dynamics/optimizer-family.ts).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfig } from '../../src/config/config.js';
import type { Trajectory } from '../../src/core/trajectory.js';
import { runTheory } from '../../src/dynamics/theory.js';
import { basisComparison, escapeAndEndState, factorsAtSignal, powerLawFit, stepFactors, withBasis } from '../../src/dynamics/optimizer-family.js';
import { KELLER_SCHEDULE, POLAR_EXPRESS_SCHEDULE, scheduleComposite } from '../../src/algorithms/newton-schulz.js';

const D = 20;
const LAMBDA = 10;
const ALPHA = 1e-3;
const spiked = (alg: Record<string, unknown>, student: 'matrix' | 'vector' = 'matrix'): ExperimentConfig =>
  parseConfig({
    model: { d: D, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: LAMBDA, bulkVariance: 1 }, student: { kind: student }, init: { kind: 'scaled-identity', alpha: ALPHA } },
    algorithms: [alg],
    steps: 400,
    seeds: [1],
  });

/** Block gradients at W₀ = αI from model.md §4 (g_k = a_k(λ_k T + 2λ_k² e_k), e_k = a_k² − [k = s]), independent of the compiled system. */
function w0Gradient(): { g: number[]; ranks: number[] } {
  const lam = [1, LAMBDA, 1];
  const ranks = [1, 1, D - 2];
  const e = [ALPHA ** 2 - 1, ALPHA ** 2, ALPHA ** 2];
  const T = lam.reduce((s, l, k) => s + ranks[k] * l * e[k], 0);
  return { g: lam.map((l, k) => ALPHA * (l * T + 2 * l * l * e[k])), ranks };
}

describe('stepFactors', () => {
  for (const [coef, schedule] of [['keller', KELLER_SCHEDULE], ['polar-express', POLAR_EXPRESS_SCHEDULE]] as const) {
    it(`${coef}: the map's measured factors equal the schedule's polynomial along the run, and at W₀ the closed-form prediction`, () => {
      for (const momentum of [0, 0.95]) {
        const sf = stepFactors(spiked({ name: 'muon', eta: 0.005, nsCoefficients: coef, momentum }), 300);
        expect(sf.records).toHaveLength(300);
        expect(sf.maxDeviation).toBeLessThanOrEqual(1e-12);
      }
      const sf = stepFactors(spiked({ name: 'muon', eta: 0.005, nsCoefficients: coef, momentum: 0, nsEpsilon: 0 }), 1);
      const { g, ranks } = w0Gradient();
      const norm = Math.sqrt(g.reduce((s, x, k) => s + ranks[k] * x * x, 0));
      const expected = g.map((x) => scheduleComposite(schedule, 5, x / (norm * schedule.normScale)));
      sf.records[0].measured.forEach((f, k) => expect(Math.abs(f - expected[k])).toBeLessThanOrEqual(1e-12));
    });
  }

  it('the schedules differ at W₀ (so the factors are a property of the coefficients), and the exact polar factor moves every block by 1', () => {
    const k = stepFactors(spiked({ name: 'muon', eta: 0.005 }), 1).records[0].measured;
    const p = stepFactors(spiked({ name: 'muon', eta: 0.005, nsCoefficients: 'polar-express' }), 1).records[0].measured;
    expect(Math.max(...k.map((x, i) => Math.abs(x - p[i])))).toBeGreaterThan(0.01);
    for (const f of stepFactors(spiked({ name: 'muon', eta: 0.005, nsCoefficients: 'exact' }), 1).records[0].measured) expect(Math.abs(f)).toBe(1);
  });

  it('vector student: factors are p^{∘k}(‖u‖/(s‖u‖ + ε)) times the direction, measured = predicted', () => {
    expect(stepFactors(spiked({ name: 'muon', eta: 0.005 }, 'vector'), 200).maxDeviation).toBeLessThanOrEqual(1e-12);
  });

  it('factorsAtSignal finds the first record at a signal level (null when never reached)', () => {
    const sf = stepFactors(spiked({ name: 'muon', eta: 0.005 }), 100);
    const r = factorsAtSignal(sf, 0.1)!;
    expect(Math.abs(r.signal)).toBeGreaterThanOrEqual(0.1);
    expect(sf.records.filter((x) => x.step < r.step).every((x) => Math.abs(x.signal) < 0.1)).toBe(true);
    expect(factorsAtSignal(sf, 10)).toBeNull();
  });
});

describe('powerLawFit', () => {
  it('recovers the exponent and prefactor of an exact power law, residual 0', () => {
    const x = [0.004, 0.002, 0.001, 0.0005];
    const fit = powerLawFit(x, x.map((v) => 3 * v ** 0.5));
    expect(Math.abs(fit.exponent - 0.5)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(fit.prefactor - 3)).toBeLessThanOrEqual(1e-10);
    expect(fit.maxResidual).toBeLessThanOrEqual(1e-12);
  });
  it('reports the residual of data off a power law', () => {
    expect(powerLawFit([1, 2, 3, 4], [1, 5, 1, 5]).maxResidual).toBeGreaterThan(0.1);
  });
});

describe('escapeAndEndState', () => {
  it('Muon with the exact polar factor and no momentum escapes at the SpecGD map’s escape step, for every η', () => {
    const etas = [0.004, 0.002];
    const scan = escapeAndEndState(spiked({ name: 'muon', eta: 0.004, nsCoefficients: 'exact', momentum: 0 }), etas, { tEnd: 2, tailSteps: 50 });
    for (const p of scan.points) {
      const cfg = spiked({ name: 'specgd', eta: p.eta });
      const esc = runTheory({ ...cfg, steps: p.steps })[0].events.find((e) => e.name === 'escape')!.step;
      expect(p.escapeStep).toBe(esc);
      expect(p.status).toBe('ok');
      expect(p.signalOffset).toBeGreaterThan(0);
    }
    expect(Number.isFinite(scan.signalFit.exponent)).toBe(true);
  });
});

describe('basisComparison', () => {
  const traj = (a: number[], overlap: number[]): Trajectory =>
    ({ kind: 'simulation', algorithm: 'x', status: 'ok', message: '', step: a.map((_, i) => i), t: a.map((_, i) => i), series: { a: { mean: a, se: a.map(() => 0) }, overlap: { mean: overlap, se: overlap.map(() => 0) } }, events: [], provenance: {} }) as unknown as Trajectory;
  it('the largest difference per series over the common steps, and the final values', () => {
    const r = basisComparison(traj([0, 0.5, 1], [0.1, 0.2, 0.9]), traj([0, 0.25, 1.5, 9], [0.1, 0.2, 0.3, 9]), ['a', 'overlap']);
    expect(r.maxDifference).toEqual({ a: 0.5, overlap: 0.9 - 0.3 });
    expect(r.steps).toBe(2);
    expect(r.final.random.a).toBe(1.5);
  });
  it('withBasis sets the spiked basis and nothing else', () => {
    const cfg = spiked({ name: 'adam', eta: 0.005 });
    const r = withBasis(cfg, 'random');
    expect(r.model.covariance).toEqual({ ...cfg.model.covariance, basis: 'random' });
    expect(r.algorithms).toBe(cfg.algorithms);
  });
});
