/**
 * The sample-exact linear stage (sim/spectral-init.ts): full-batch GD from W₀ = αI on the simulation's own sample
 * follows Ŵ_k = α(I + hY_n)^k, h = 4κη̃, within the derived bound on the neglected cubic term; the error is of that
 * order (it scales as α³); negative controls (the population Y, or h = 2κη̃) leave the bound.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfig } from '../../src/config/config.js';
import { portableLinalg } from '../../src/core/linalg.js';
import { runSeedAlgorithms } from '../../src/sim/simulate.js';
import { linearStage, linearStageBound, seedSpectrum, spectralInitSummary, type SampleSpectrum } from '../../src/sim/spectral-init.js';
import { spectralPopulation } from '../../src/symbolic/moments8.js';
import { buildModelSpec } from '../../src/model/spec.js';
import { simulateWithSeeds } from '../../src/cluster/simulate-grid.js';
import { drawSamples, sampleBuffers } from '../../src/sim/data.js';
import { sampleGradient, sampleWorkspace } from '../../src/sim/gradient.js';
import { RNG_STREAMS } from '../../src/sim/problem.js';
import { createRng } from '../../src/core/rng.js';

const STEPS = 40;
const configOf = (alpha: number, extra: Record<string, unknown> = {}): ExperimentConfig =>
  parseConfig({
    model: { d: 12, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 }, student: { kind: 'matrix' }, init: { kind: 'scaled-identity', alpha }, lossScale: 0.25, ...extra },
    algorithms: [{ name: 'gd', eta: 0.01 }],
    steps: STEPS,
    record: 'all',
    data: { mode: 'full-batch', n: 2000 },
    seeds: [3],
  });

/** The simulated W_k for k = 0..STEPS (copies). */
function simulatedWeights(config: ExperimentConfig): Float64Array[] {
  const out: Float64Array[] = [];
  runSeedAlgorithms(config, config.seeds[0], portableLinalg, undefined, ({ W }) => out.push(Float64Array.from(W)));
  return out;
}

/** Spectral norm of a d×d matrix: √λ_max(EᵀE). */
function spectralNorm(E: Float64Array, d: number): number {
  const EtE = new Float64Array(d * d);
  portableLinalg.gemm(true, false, d, d, d, 1, E, E, 0, EtE);
  const values = new Float64Array(d);
  portableLinalg.symEigen(d, EtE, values, new Float64Array(d * d), new Float64Array(d));
  return Math.sqrt(Math.max(0, values[d - 1]));
}

function errors(config: ExperimentConfig, spectrum: SampleSpectrum, h: number): number[] {
  const d = config.model.d;
  const alpha = (config.model.init as { alpha: number }).alpha;
  const W0 = new Float64Array(d * d);
  for (let i = 0; i < d; i++) W0[i * d + i] = alpha;
  return simulatedWeights(config).map((W, k) => {
    const hat = linearStage(spectrum, W0, d, h, k);
    return spectralNorm(W.map((v, i) => v - hat[i]), d);
  });
}

describe('spectral initialization: the sample-exact linear stage of full-batch GD', () => {
  const alpha = 1e-4;
  const config = configOf(alpha);
  const { spectrum } = seedSpectrum(config, config.seeds[0], portableLinalg);
  const h = 4 * config.model.lossScale * config.algorithms[0].eta;
  const bound = linearStageBound(spectrum, alpha, h, STEPS);
  const err = errors(config, spectrum, h);

  it('the simulated steps stay within the derived bound on the neglected cubic term', () => {
    expect(err.length).toBe(STEPS + 1);
    for (let k = 1; k <= STEPS; k++) expect(err[k], `step ${k}`).toBeLessThanOrEqual(bound[k]);
  });

  it('the error is of the order of the neglected term: it scales as α³ (halving α divides it by 8)', () => {
    const errHalf = errors(configOf(alpha / 2), spectrum, h);
    // The next term of the expansion is O(α⁵): relative to the cubic one it is of order
    // ε_k = α²ρ^{2k} s₂/μ₁ (spectral-init.ts), so err(α)/err(α/2) = 8(1 + O(ε_k)); we allow 8·(1 ± 4ε_k + 1e-6).
    const rho = 1 + h * spectrum.mu[0];
    for (const k of [10, 20, STEPS]) {
      const eps = (alpha ** 2 * rho ** (2 * k) * spectrum.s2) / spectrum.mu[0];
      expect(Math.abs(err[k] / errHalf[k] / 8 - 1), `step ${k}`).toBeLessThanOrEqual(4 * eps + 1e-6);
    }
  });

  it('negative control: the population Y in place of Y_n leaves the bound (the sample coupling matters)', () => {
    const d = config.model.d;
    const popY = spectralPopulation(buildModelSpec(config)).Y;
    // population spectrum: diagonal in the canonical basis, eigenvalue per block
    const spec = buildModelSpec(config);
    const mu = Float64Array.from({ length: d }, (_, i) => popY[spec.blockOf[i]]);
    const vectors = new Float64Array(d * d);
    for (let i = 0; i < d; i++) vectors[i * d + i] = 1;
    const pop: SampleSpectrum = { ...spectrum, mu, vectors };
    const errPop = errors(config, pop, h);
    expect(errPop[STEPS]).toBeGreaterThan(10 * bound[STEPS]);
  });

  it('negative control: the wrong constant h = 2κη̃ leaves the bound', () => {
    const errWrong = errors(config, spectrum, h / 2);
    expect(errWrong[STEPS]).toBeGreaterThan(10 * bound[STEPS]);
  });

  it('the constant: the code\'s gradient at W = αI is −4κα Y_n up to its cubic term 4κα³S₂ (so h = 4κη̃)', () => {
    const d = config.model.d;
    const { problem } = seedSpectrum(config, config.seeds[0], portableLinalg);
    const buf = sampleBuffers(problem, 2000);
    drawSamples(problem, createRng(config.seeds[0], RNG_STREAMS.data), buf, portableLinalg);
    const W = new Float64Array(d * d);
    for (let i = 0; i < d; i++) W[i * d + i] = alpha;
    const G = new Float64Array(d * d);
    sampleGradient(problem, portableLinalg, W, buf.X, buf.y, 2000, G, sampleWorkspace(2000, d));
    const kappa = config.model.lossScale;
    const R = G.map((g, i) => g + 4 * kappa * alpha * spectrum.Y[i]);
    // ∇L_n(αI) + 4καY_n = 4κα³S₂ exactly, ‖S₂‖ = s₂; roundoff of the sums over n samples: n·d·u relative to 4κα‖Y_n‖
    const slack = 2000 * d * (Number.EPSILON / 2) * 4 * kappa * alpha * spectrum.mu[0];
    expect(spectralNorm(R, d)).toBeLessThanOrEqual(4 * kappa * alpha ** 3 * spectrum.s2 * (1 + 1e-9) + slack);
    // negative control: with half the constant the residual is of order α, far beyond that
    const R2 = G.map((g, i) => g + 2 * kappa * alpha * spectrum.Y[i]);
    expect(spectralNorm(R2, d)).toBeGreaterThan(100 * (4 * kappa * alpha ** 3 * spectrum.s2 + slack));
  });

  it('the summary reports Y_n beside the population values', () => {
    const s = spectralInitSummary(config, config.seeds[0], spectralPopulation(buildModelSpec(config)), portableLinalg);
    expect(s.top.length).toBe(4);
    expect(s.top[0].eigenvalue).toBeCloseTo(spectrum.mu[0], 12);
    // population: spike λ_θλ_v = 10, signal 3λ_θ² = 3, bulk λ_θσ² = 1 (derived by the engine; here the values of the model)
    const spec = buildModelSpec(config);
    const lt = spec.blocks[spec.signalBlock].variance;
    const lv = spec.blocks[spec.spikeBlock].variance;
    expect(s.population[0].eigenvalue).toBeCloseTo(lt * lv, 12);
    expect(s.population.find((p) => p.overlapTheta === 1)!.eigenvalue).toBeCloseTo(3 * lt * lt, 12);
    expect(s.coupling!.populationSd).toBeCloseTo(Math.sqrt((15 * lt ** 3 * lv) / 2000), 12);
    expect(s.linearStage[0].h).toBe(h);
    expect(s.top[0].overlapSpike!).toBeGreaterThan(0.9);
  });
});

describe('simulate output', () => {
  it('carries spectralInit per seed for a full-batch config (the simulated sample), none in population mode', () => {
    const base = configOf(1e-3);
    const config = { ...base, steps: 3, seeds: [1, 2] };
    const out = simulateWithSeeds(config, { backend: portableLinalg, workers: 1 });
    expect(out.spectralInit!.map((s) => s.seed)).toEqual([1, 2]);
    expect(out.spectralInit![1]).toEqual(spectralInitSummary(config, 2, spectralPopulation(buildModelSpec(config)), portableLinalg));
    const pop = simulateWithSeeds({ ...config, data: { mode: 'population' } }, { backend: portableLinalg, workers: 1 });
    expect(pop.spectralInit).toBeUndefined();
  });

  it('regression (fuzz, issue 15): no spectralInit for θ over several eigen-directions (its population side is derived for θθᵀ = P_signal and stated θ = u at φ = 0.7)', () => {
    const base = configOf(1e-3);
    const tilted = parseConfig({ ...base, model: { ...base.model, covariance: { ...base.model.covariance, signalSpikeAngle: 0.7 } }, steps: 3, seeds: [1], data: { mode: 'full-batch', n: 200 } });
    expect(buildModelSpec(tilted).coordinates).not.toBeNull();
    expect(simulateWithSeeds(tilted, { backend: portableLinalg, workers: 1 }).spectralInit).toBeUndefined();
    expect(() => spectralPopulation(buildModelSpec(tilted))).toThrow(/one rank-1 block/);
    const spread = parseConfig({ model: { d: 5, covariance: { kind: 'diagonal', eigenvalues: [1, 2, 3, 4, 5], signal: [1, -1, 0, 0, 0] } }, algorithms: [{ name: 'gd', eta: 0.01 }], steps: 3, seeds: [1], data: { mode: 'full-batch', n: 50 } });
    expect(simulateWithSeeds(spread, { backend: portableLinalg, workers: 1 }).spectralInit).toBeUndefined();
  });
});

describe('SpecGD from αI on a sample: exactly (α + kη)I while Y_n − (α + kη)²S₂ ≻ 0', () => {
  it('follows the sample-independent path in that window and leaves it after', () => {
    const alpha = 1e-3;
    const eta = 0.002;
    const base = configOf(alpha);
    const config = { ...base, algorithms: [{ name: "specgd", eta }] as ExperimentConfig["algorithms"], steps: 400 };
    const d = config.model.d;
    const { spectrum } = seedSpectrum(config, config.seeds[0], portableLinalg);
    const minEig = (c: number) => {
      const M = spectrum.Y.map((y, i) => y - c * c * spectrum.S2[i]);
      const v = new Float64Array(d);
      portableLinalg.symEigen(d, M, v, new Float64Array(d * d), new Float64Array(d));
      return v[0];
    };
    const Ws = simulatedWeights(config);
    let window = 0;
    while (window < config.steps && minEig(alpha + window * eta) > 0) window++;
    expect(window).toBeGreaterThan(5);
    expect(window).toBeLessThan(config.steps);
    const dev = (k: number) => Ws[k].reduce((m, v, i) => Math.max(m, Math.abs(v - (Math.floor(i / d) === i % d ? alpha + k * eta : 0))), 0);
    // inside the window each step's polar factor is −I up to the SVD's roundoff, ~10·d·u·η per step
    for (let k = 0; k <= window; k++) expect(dev(k), `step ${k}`).toBeLessThanOrEqual(10 * d * (Number.EPSILON / 2) * eta * Math.max(k, 1));
    // after it the sample enters: some later step leaves the path by far more than roundoff
    expect(Math.max(...Ws.slice(window + 2).map((_, j) => dev(window + 2 + j)))).toBeGreaterThan(1e-6);
  });
});
