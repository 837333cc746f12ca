/**
 * The parameters of the reproduction (sizes, grids, seeds) as data: `reproduceParams(quick)`. `--quick` runs the
 * same experiments and claims at smaller sizes. The claims and figures read the runs they need from these, and the
 * reproduce plan (pipeline/reproduce.ts) lists its experiments from them; `data/results.json` records them as `plan`.
 */
import { parseConfig, type ExperimentConfig } from '../config/config.js';
import { DEFAULTS } from '../config/defaults.js';
import { ALGORITHMS, algorithmById } from '../algorithms/index.js';
import { withBasis } from '../dynamics/optimizer-family.js';
import { angleParams, type AngleParams } from './angle-params.js';

export interface ReproduceParams {
  quick: boolean;
  /** Spiked model variances other than the spike (from the `spiked` preset's convention λ_θ = σ² = 1). */
  lambdaTheta: number;
  sigma2: number;
  alpha: number;
  etaGd: number;
  etaSpecgd: number;
  /** Spiked figure runs: dimension, steps, spike variances. */
  d: number;
  steps: number;
  lambdaV: number[];
  /** Theory-only escape scan over λ_v (geometric grid). */
  escapeGrid: GeometricGrid;
  escapeLevel: number;
  /** Extra dimensions for the SpecGD rate claim. */
  rateDims: number[];
  /** One-step bisection probes for the anisotropy threshold. */
  threshold: { d: number; iterations: number };
  /**
   * Long runs for the bulk decay. GD's late phase ċ ≈ −K c³ reaches its power law after t ≫ 1/(K c_peak²), so
   * these runs start from a larger α (larger bulk peak) and may use a larger η̃ to get there in fewer steps.
   */
  bulk: { d: number; lambdaV: number; etaGd: number; steps: number; alpha: number };
  /** Stability scan (λ_v values; the scan's own default settings, as `specgd thresholds`) and phase diagram grid. */
  stability: { lambdaV: number[]; steps: number };
  phase: { lambdaV: GeometricGrid; etaTilde: GeometricGrid; steps: number };
  /** SpecGD constant-η end cycle (reduced map): step sizes, dimensions, steps run after the signal's arrival. */
  cycle: { dims: number[]; etas: number[]; settle: number };
  powerlaw: { d: number; exponent: number; signalIndex: number; etaGd: number; steps: number };
  finiteSample: { d: number; lambdaV: number; n: number[]; seeds: number[]; steps: number };
  /**
   * The optimizer family (issue 12) on the spiked model at λ_v: every registered algorithm at its defaults side by
   * side, Adam and SpecGD in the canonical and a random basis (simulation, `steps` steps); the Muon momentum scan
   * (reduced maps at each η for ⌈tEnd/η⌉ steps, end state over the last tailSteps) and the Newton–Schulz step
   * factors over factorSteps steps.
   */
  optimizers: { d: number; lambdaV: number; steps: number; etas: number[]; tEnd: number; tailSteps: number; factorSteps: number };
  /** Records kept per trajectory in the bundle (comparisons use the full runs). */
  maxPoints: number;
  /** The non-orthogonal spike θ = cos φ·u + sin φ·v (issue 13; claims/angle-*.ts, figures 11–12); absent: not studied. */
  angle?: AngleParams;
  /**
   * Algorithms run beside GD and SpecGD in every two-algorithm run (figures, comparisons, escape scan), as config
   * entries, e.g. Muon `{ name: 'specgd', eta: 0.002, polar: 'newton-schulz', nsSteps: 5 }`. Absent in the reproduce
   * plan (its outputs are those of the GD vs SpecGD study).
   */
  extraAlgorithms?: unknown[];
}

/** A geometric grid of `points` values from `from` to `to`. */
export interface GeometricGrid {
  from: number;
  to: number;
  points: number;
}

/** The parameters of the full run and of `--quick` (same experiments and claims, smaller sizes). */
export function reproduceParams(quick: boolean): ReproduceParams {
  const [gd, sg] = DEFAULTS.algorithms;
  const base = { quick, lambdaTheta: 1, sigma2: 1, alpha: DEFAULTS.init.alpha, etaGd: gd.eta, etaSpecgd: sg.eta, escapeLevel: DEFAULTS.events.escapeLevel };
  const geo = (from: number, to: number, points: number) => ({ from, to, points });
  if (quick) {
    return {
      ...base,
      d: 12,
      steps: 1200,
      lambdaV: [1, 5, 10, 20],
      escapeGrid: geo(1, 50, 12),
      rateDims: [6, 24],
      threshold: { d: 4, iterations: 12 },
      bulk: { d: 6, lambdaV: 10, etaGd: 0.05, steps: 10000, alpha: 0.1 },
      stability: { lambdaV: [1, 5, 10, 20, 50], steps: 3000 },
      phase: { lambdaV: geo(1, 100, 10), etaTilde: geo(0.005, 0.5, 10), steps: 1000 },
      cycle: { dims: [8, 32, 1024], etas: [0.008, 0.004, 0.002, 0.001, 0.0005, 0.00025], settle: 2000 },
      powerlaw: { d: 6, exponent: 1, signalIndex: 5, etaGd: 0.05, steps: 2500 },
      finiteSample: { d: 8, lambdaV: 10, n: [100, 200, 400, 800, 1600], seeds: [1, 2, 3, 4], steps: 500 },
      // the η scan is of 3-block reduced maps (≈ 1 s): the same η as the full run (fewer points do not resolve the end-state exponents)
      optimizers: { d: 12, lambdaV: 10, steps: 800, etas: [0.004, 0.002, 0.001, 0.0005, 0.00025, 0.000125], tEnd: 4, tailSteps: 400, factorSteps: 800 },
      maxPoints: 400,
      angle: angleParams(true),
    };
  }
  return {
    ...base,
    d: 40,
    steps: 3000,
    lambdaV: [1, 2, 5, 10, 20],
    escapeGrid: geo(1, 50, 25),
    rateDims: [10, 60],
    threshold: { d: 4, iterations: 16 },
    bulk: { d: 8, lambdaV: 10, etaGd: 0.05, steps: 40000, alpha: 0.1 },
    stability: { lambdaV: [1, 2, 5, 10, 20, 50], steps: 10000 },
    phase: { lambdaV: geo(1, 100, 16), etaTilde: geo(0.002, 0.5, 16), steps: 3000 },
    cycle: { dims: [8, 32, 128, 2048], etas: [0.008, 0.004, 0.002, 0.001, 0.0005, 0.00025], settle: 2000 },
    powerlaw: { d: 8, exponent: 1, signalIndex: 5, etaGd: 0.05, steps: 4000 },
    finiteSample: { d: 8, lambdaV: 10, n: [500, 1000, 2000, 4000, 8000], seeds: Array.from({ length: 24 }, (_, i) => i + 1), steps: 500 },
    optimizers: { d: 16, lambdaV: 10, steps: 1500, etas: [0.004, 0.002, 0.001, 0.0005, 0.00025, 0.000125], tEnd: 4, tailSteps: 400, factorSteps: 1500 },
    maxPoints: 600,
    angle: angleParams(false),
  };
}

/** g.from·(g.to/g.from)^(i/(points−1)), i = 0..points−1. */
export const geometric = (g: GeometricGrid): number[] =>
  g.points === 1 ? [g.from] : Array.from({ length: g.points }, (_, i) => g.from * (g.to / g.from) ** (i / (g.points - 1)));

/** The algorithms of the study's runs: GD at η̃ = etaGd, SpecGD at η = etaSpecgd, then `extraAlgorithms`. */
export function defaultAlgorithms(p: ReproduceParams, etaGd = p.etaGd): unknown[] {
  return [{ name: 'gd', eta: etaGd }, { name: 'specgd', eta: p.etaSpecgd }, ...(p.extraAlgorithms ?? [])];
}

/** A spiked population config of the plan with the given overrides. */
export function spikedConfig(p: ReproduceParams, o: { lambdaV: number; d: number; steps: number; algorithms?: unknown[]; data?: unknown; seeds?: number[]; record?: unknown; alpha?: number }): ExperimentConfig {
  return parseConfig({
    model: {
      d: o.d,
      covariance: { kind: 'spiked', signalVariance: p.lambdaTheta, spikeVariance: o.lambdaV, bulkVariance: p.sigma2 },
      student: { kind: 'matrix' },
      init: { kind: 'scaled-identity', alpha: o.alpha ?? p.alpha },
    },
    algorithms: o.algorithms ?? defaultAlgorithms(p),
    steps: o.steps,
    data: o.data ?? { mode: 'population' },
    seeds: o.seeds ?? [1],
    ...(o.record !== undefined ? { record: o.record } : {}),
    events: { escapeLevel: p.escapeLevel },
  });
}

/** The spiked figure runs: one population config per λ_v of the plan (the largest λ_v last). */
export function spikedGridConfigs(p: ReproduceParams): { lambdaV: number; config: ExperimentConfig }[] {
  return p.lambdaV.map((lambdaV) => ({ lambdaV, config: spikedConfig(p, { lambdaV, d: p.d, steps: p.steps }) }));
}

/** The spiked figure run at the largest λ_v (growth factors, the derivation of the report). */
export function topSpikedConfig(p: ReproduceParams): ExperimentConfig {
  return spikedConfig(p, { lambdaV: p.lambdaV[p.lambdaV.length - 1], d: p.d, steps: p.steps });
}

/** The long bulk runs: GD at η̃ = bulk.etaGd and SpecGD from a larger α. */
export function bulkConfig(p: ReproduceParams): ExperimentConfig {
  return spikedConfig(p, { lambdaV: p.bulk.lambdaV, d: p.bulk.d, steps: p.bulk.steps, alpha: p.bulk.alpha, algorithms: defaultAlgorithms(p, p.bulk.etaGd) });
}

/** The power-law covariance run λ_j = j^(−exponent), signal on direction signalIndex. */
export function powerlawConfig(p: ReproduceParams): ExperimentConfig {
  return parseConfig({
    model: { d: p.powerlaw.d, covariance: { kind: 'powerlaw', exponent: p.powerlaw.exponent, signalIndex: p.powerlaw.signalIndex }, student: { kind: 'matrix' }, init: { kind: 'scaled-identity', alpha: p.alpha } },
    algorithms: defaultAlgorithms(p, p.powerlaw.etaGd),
    steps: p.powerlaw.steps,
    data: { mode: 'population' },
    seeds: [1],
    events: { escapeLevel: p.escapeLevel },
  });
}

/** The population config the finite-sample runs are compared with. */
export function finitePopulationConfig(p: ReproduceParams): ExperimentConfig {
  const fs = p.finiteSample;
  return spikedConfig(p, { lambdaV: fs.lambdaV, d: fs.d, steps: fs.steps });
}

/** The finite-sample (full-batch, seed ensemble) configs, one per n. */
export function finiteSampleConfigs(p: ReproduceParams): { n: number; config: ExperimentConfig }[] {
  const fs = p.finiteSample;
  return fs.n.map((n) => ({ n, config: spikedConfig(p, { lambdaV: fs.lambdaV, d: fs.d, steps: fs.steps, data: { mode: 'full-batch', n }, seeds: fs.seeds }) }));
}

/** Every registered algorithm at its registry defaults (the optimizer-family runs). */
export function registryDefaults(): unknown[] {
  return ALGORITHMS.map((a) => ({ ...a.defaults }));
}

/** The optimizer-family run: every registered algorithm at its defaults on the spiked model (canonical basis). */
export function optimizerFamilyConfig(p: ReproduceParams): ExperimentConfig {
  const o = p.optimizers;
  return spikedConfig(p, { lambdaV: o.lambdaV, d: o.d, steps: o.steps, algorithms: registryDefaults() });
}

/**
 * The basis runs: Adam and SpecGD at their registry defaults (same η, so the two share a time axis) in the spiked
 * model's canonical basis or a seeded random one.
 */
export function basisConfig(p: ReproduceParams, basis: 'canonical' | 'random'): ExperimentConfig {
  const o = p.optimizers;
  const cfg = spikedConfig(p, { lambdaV: o.lambdaV, d: o.d, steps: o.steps, algorithms: ['adam', 'specgd'].map((n) => ({ ...algorithmById(n).defaults })) });
  return withBasis(cfg, basis);
}
