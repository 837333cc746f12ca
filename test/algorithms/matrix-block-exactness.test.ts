/**
 * Issue 13, done-when: the reduced GD and SpecGD maps on the matrix-block coordinates equal the full-dimensional
 * population runs to 1e-12 (relative: max_t |sim − theory| / max_t |theory| per coordinate, and for the loss and
 * alignment), for θ = cos φ·u + sin φ·v with φ ∈ {0, 0.1, π/4, 1.4} at λ_v ∈ {1, 10}, d = 20, and for a power-law Σ
 * with θ spread over 3 eigen-directions.
 *
 * Window (as test/algorithms/exactness.ts): the steps over which the reduced map itself is insensitive to a
 * rounding-size change of the step size, η(1 + 4u) moving every series by ≤ 1e-13 of its scale; beyond it both
 * sides amplify their own rounding and agree only to that amplified level. Every case must keep a window of at
 * least MIN_WINDOW steps, in which the signal escapes from α = 1e-3 (θᵀWθ reaches 0.1), so the comparison covers
 * the growth phase and not only the start.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfig } from '../../src/config/config.js';
import { runTheory } from '../../src/dynamics/theory.js';
import { runSimulation } from '../../src/sim/simulate.js';

const U = 2 ** -53;
const MIN_WINDOW = 50;

interface Case {
  name: string;
  covariance: Record<string, unknown>;
  basis?: 'canonical' | 'random';
}

function config(c: Case, alg: Record<string, unknown>, steps: number): ExperimentConfig {
  const covariance = c.covariance.kind === 'spiked' ? { ...c.covariance, basis: c.basis ?? 'canonical' } : c.covariance;
  return parseConfig({ model: { d: 20, covariance, init: { kind: 'scaled-identity', alpha: 1e-3 } }, algorithms: [alg], steps, record: 'all', data: { mode: 'population' }, seeds: [1], events: { escapeLevel: 0.1 } });
}

function measure(c: Case, algIn: Record<string, unknown>, steps: number) {
  const spike = (c.covariance.spikeVariance as number | undefined) ?? 1;
  const alg = algIn.name === 'gd' ? { ...algIn, eta: (algIn.eta as number) / spike } : algIn;
  const [theory] = runTheory(config(c, alg, steps));
  const [perturbed] = runTheory(config(c, { ...alg, eta: (alg.eta as number) * (1 + 4 * U) }, steps));
  const [sim] = runSimulation(config(c, alg, steps));
  expect(sim.step).toEqual(theory.step);
  const th = theory.series as Record<string, number[]>;
  const pe = perturbed.series as Record<string, number[]>;
  const si = sim.series as Record<string, { mean: number[] }>;
  // coordinates (every series of the coefficient statistic) + loss + alignment
  const names = Object.keys(th).filter((s) => s !== 'ratio');
  const scale = Object.fromEntries(names.map((s) => [s, Math.max(...th[s].map(Math.abs))]));
  let window = 0;
  while (window < theory.step.length && names.every((s) => Math.abs(pe[s][window] - th[s][window]) <= 1e-13 * scale[s])) window++;
  const err: Record<string, number> = {};
  for (const s of names) {
    let e = 0;
    for (let i = 0; i < window; i++) e = Math.max(e, Math.abs(si[s].mean[i] - th[s][i]));
    err[s] = scale[s] > 0 ? e / scale[s] : e;
  }
  const escape = theory.events.find((e) => e.name === 'escape')?.step ?? Infinity;
  return { window, err, escape, names, theory };
}

const spiked = (phi: number, spike: number): Case => ({ name: `spiked φ = ${phi.toFixed(4)}, λ_v = ${spike}`, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: spike, bulkVariance: 1, signalSpikeAngle: phi } });

const CASES: Case[] = [];
for (const phi of [0, 0.1, Math.PI / 4, 1.4]) for (const spike of [1, 10]) CASES.push(spiked(phi, spike));
CASES.push({ name: 'power law α = 1, θ over directions 1, 4, 9', covariance: { kind: 'powerlaw', exponent: 1, signal: [{ index: 1, weight: 1 }, { index: 4, weight: 0.6 }, { index: 9, weight: -0.8 }] } });

const ALGS: [string, Record<string, unknown>, number][] = [
  // GD's η̃ is scaled as 0.02/λ_v (λ_v = 1 for the power law): at λ_v = 10, φ = π/4, η̃ = 0.01 is past the stable step
  // (the map neither converges nor diverges but wanders chaotically, and the η-perturbation window ends at step 13)
  ['gd', { name: 'gd', eta: 0.02 }, 1500],
  ['specgd', { name: 'specgd', eta: 0.005 }, 400],
];

describe('matrix-block reduced maps = full-dimensional population runs (issue 13)', () => {
  for (const [label, alg, steps] of ALGS) {
    it.each(CASES)(`${label}: %s`, (c) => {
      const r = measure(c, alg, steps);
      expect(r.window, `window ${r.window}`).toBeGreaterThanOrEqual(MIN_WINDOW);
      expect(r.escape, 'the signal escapes inside the window').toBeLessThan(r.window);
      for (const s of r.names) expect(r.err[s], `${s}: ${r.err[s]}`).toBeLessThanOrEqual(1e-12);
    });
  }

  it('random eigenbasis (φ = π/4, λ_v = 10): GD and SpecGD equal the full run to 1e-12', () => {
    const c = { ...spiked(Math.PI / 4, 10), basis: 'random' as const };
    for (const [, alg, steps] of ALGS) {
      const r = measure(c, alg, steps);
      expect(r.window).toBeGreaterThanOrEqual(MIN_WINDOW);
      // The alignment is left out here: in a rotated basis the simulation takes it from a d×d eigen-solver, whose
      // top eigenvector has error ~u/gap when the top eigenvalues of WᵀW nearly tie (early steps from αI): the
      // statistic's conditioning, not the reduction's (measured 9e-10). The coordinates and the loss are compared.
      for (const s of r.names.filter((x) => x !== 'alignment')) expect(r.err[s], `${s}: ${r.err[s]}`).toBeLessThanOrEqual(1e-12);
    }
  });

  it('heavy-ball (a linear rule) reduces on the matrix block too: = full run to 1e-12 (φ = 0.1, λ_v = 10)', () => {
    const r = measure(spiked(0.1, 10), { name: 'heavy-ball', eta: 0.001, beta: 0.5 }, 1500);
    expect(r.window).toBeGreaterThanOrEqual(MIN_WINDOW);
    expect(r.escape).toBeLessThan(r.window);
    for (const s of r.names) expect(r.err[s], `${s}: ${r.err[s]}`).toBeLessThanOrEqual(1e-12);
  });

  it('φ ≠ 0: the off-diagonal entries are non-zero and the alignment is below 1 from the first step', () => {
    const r = measure(spiked(0.4, 10), ALGS[0][1], 50);
    const th = r.theory.series as Record<string, number[]>;
    expect(Math.abs(th.m_uv[10])).toBeGreaterThan(0);
    // W₀ = αI: every direction ties (alignment 1 by the tie rule); after one step θ is off the top eigenvector
    expect(th.alignment[0]).toBe(1);
    expect(th.alignment[1]).toBeLessThan(1);
  });
});
