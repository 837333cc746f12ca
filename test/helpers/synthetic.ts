/**
 * Synthetic trajectories and a synthetic results bundle for compare/ and report/ tests, independent of the
 * dynamics and sim stages: the spiked reduced maps of model.md §4 iterated directly here (the test states the
 * formulas), "simulations" as the same map plus seeded noise of known standard error.
 */
import { parseConfig, type ExperimentConfig } from '../../src/config/config.js';
import { createRng } from '../../src/core/rng.js';
import type { Trajectory } from '../../src/core/trajectory.js';
import { RESULTS_FORMAT, type ResultsBundle, type RunGroup } from '../../src/compare/bundle.js';
import type { Claim } from '../../src/compare/claim.js';
import { compareTrajectories } from '../../src/compare/compare.js';
import type { AngleSection } from '../../src/compare/angle-section.js';
import { angleRuns, angleStudy } from '../../src/claims/angle-scan.js';
import { quarterTurn } from '../../src/claims/angle-params.js';
import { reproduceParams, type ReproduceParams } from '../../src/claims/params.js';
import { RunStore } from '../../src/pipeline/runs.js';
import { finiteCorrectionSection } from '../../src/report/figures/fig13-finite-correction.js';

export interface SpikedParams {
  lambdaTheta: number;
  lambdaV: number;
  sigma2: number;
  d: number;
  alpha: number;
}

/** g = (g_a, g_b, g_c) of model.md §4 with κ = 1/4 (L = ¼[T² + 2Σ r_k λ_k² e_k²]). */
export function spikedGrad(p: SpikedParams, a: number, b: number, c: number): [number, number, number] {
  const T = p.lambdaTheta * (a * a - 1) + p.lambdaV * b * b + (p.d - 2) * p.sigma2 * c * c;
  return [
    a * (p.lambdaTheta * T + 2 * p.lambdaTheta ** 2 * (a * a - 1)),
    b * (p.lambdaV * T + 2 * p.lambdaV ** 2 * b * b),
    c * (p.sigma2 * T + 2 * p.sigma2 ** 2 * c * c),
  ];
}

export function spikedLoss(p: SpikedParams, a: number, b: number, c: number): number {
  const ea = a * a - 1;
  const T = p.lambdaTheta * ea + p.lambdaV * b * b + (p.d - 2) * p.sigma2 * c * c;
  return 0.25 * (T * T + 2 * (p.lambdaTheta ** 2 * ea * ea + p.lambdaV ** 2 * b ** 4 + (p.d - 2) * p.sigma2 ** 2 * c ** 4));
}

export function spikedConfig(p: SpikedParams, steps: number, extra: Record<string, unknown> = {}): ExperimentConfig {
  return parseConfig({
    model: { d: p.d, covariance: { kind: 'spiked', signalVariance: p.lambdaTheta, spikeVariance: p.lambdaV, bulkVariance: p.sigma2 }, init: { kind: 'scaled-identity', alpha: p.alpha } },
    algorithms: [
      { name: 'gd', eta: 0.01 },
      { name: 'specgd', eta: 0.002 },
    ],
    steps,
    ...extra,
  });
}

const prov = (command: string, seeds?: number[]) => ({ tool: 'specgd' as const, version: 'test', gitCommit: null, command, config: null, ...(seeds ? { seeds } : {}) });

/** Iterate the reduced GD (eta = η̃) or SpecGD (sign) map; records every step. */
export function reducedRun(p: SpikedParams, algorithm: 'gd' | 'specgd', eta: number, steps: number): Trajectory {
  let [a, b, c] = [p.alpha, p.alpha, p.alpha];
  const A: number[] = [];
  const B: number[] = [];
  const C: number[] = [];
  const Ls: number[] = [];
  const step: number[] = [];
  for (let k = 0; k <= steps; k++) {
    step.push(k);
    A.push(a);
    B.push(b);
    C.push(c);
    Ls.push(spikedLoss(p, a, b, c));
    const g = spikedGrad(p, a, b, c);
    if (algorithm === 'gd') [a, b, c] = [a - eta * g[0], b - eta * g[1], c - eta * g[2]];
    else [a, b, c] = [a - eta * Math.sign(g[0]), b - eta * Math.sign(g[1]), c - eta * Math.sign(g[2])];
  }
  return {
    kind: 'theory',
    algorithm,
    status: 'ok',
    message: '',
    step,
    t: step.map((k) => eta * k),
    series: { a: A, b: B, c: C, loss: Ls, ratio: B.map((x, i) => x / A[i]), alignment: A.map((x, i) => (x * x >= B[i] * B[i] && x * x >= C[i] * C[i] ? 1 : 0)) },
    events: [],
    provenance: prov('test-theory'),
  };
}

/** A fake "simulation" ensemble: theory + N(0, (noise·|x|)²)/√S per point, with the matching se. */
export function noisySim(theory: Trajectory, seeds: number, noise: number, seed = 1): Trajectory {
  const rng = createRng(seed);
  const series: Record<string, { mean: number[]; se: number[] }> = {};
  const src = { ...(theory.series as Record<string, number[]>) };
  // Simulations also record block magnitudes ‖W P_k‖_F/√r_k (= |a_k| on the manifold).
  for (const k of ['a', 'b', 'c']) if (src[k]) src[`${k}_mag`] = src[k].map(Math.abs);
  // and the magnitudes' misalignment ratio (= |b/a| on the manifold)
  if (src.ratio) src.ratio_mag = src.ratio.map(Math.abs);
  for (const [k, v] of Object.entries(src)) {
    const se = v.map((x) => (noise * Math.abs(x)) / Math.sqrt(seeds));
    series[k] = { mean: v.map((x, i) => x + se[i] * rng.normal()), se };
  }
  return { ...theory, kind: 'simulation', series, provenance: prov('test-sim', Array.from({ length: seeds }, (_, i) => i + 1)) };
}

/** The quick plan with a small angle study (d = 6, 4 angles, λ_v ∈ {1, 10}; `steps` the budget). */
export function smallAngleParams(steps = 600): ReproduceParams {
  return {
    ...reproduceParams(true),
    angle: {
      d: 6,
      steps,
      phi: quarterTurn(4),
      lambdaV: [1, 10],
      phase: { lambdaV: { from: 1, to: 10, points: 3 }, phi: quarterTurn(4) },
      stable: { lambdaV: [1, 10], resolution: 1e-2 },
    },
  };
}

let angleSection: AngleSection | undefined;
/** The small angle study's bundle section (real reduced maps; computed once per test file). */
export function syntheticAngleSection(): AngleSection {
  const p = smallAngleParams();
  angleSection ??= angleStudy(new RunStore('test').view('synthetic', angleRuns(p)), p)!;
  return angleSection;
}

/** A compact but complete results bundle for report tests (small sizes). */
export function syntheticBundle(): ResultsBundle {
  const steps = 500;
  const lambdas = [1, 10];
  const base = { lambdaTheta: 1, sigma2: 1, d: 20, alpha: 1e-3 };
  const spiked: RunGroup[] = lambdas.map((lambdaV) => {
    const p = { ...base, lambdaV };
    const theory = [reducedRun(p, 'gd', 0.01, steps), reducedRun(p, 'specgd', 0.002, steps)];
    return { id: `lambda-${lambdaV}`, label: `λ_v = ${lambdaV}`, params: { lambdaV }, config: spikedConfig(p, steps), theory, simulation: theory.map((t) => noisySim(t, 4, 0.02)) };
  });
  const pBulk = { ...base, lambdaV: 10 };
  const bulkTheory = [reducedRun(pBulk, 'gd', 0.01, 3000), reducedRun(pBulk, 'specgd', 0.002, 3000)];
  const bulk: RunGroup[] = [{ id: 'bulk', label: 'λ_v = 10', params: { lambdaV: 10 }, config: spikedConfig(pBulk, 3000), theory: bulkTheory, simulation: bulkTheory.map((t) => noisySim(t, 1, 0)) }];
  const finiteSample: RunGroup[] = [500, 5000].map((n, i) => ({
    id: `n-${n}`,
    label: `n = ${n}`,
    params: { n },
    config: spikedConfig(pBulk, steps, { data: { mode: 'full-batch', n } }),
    theory: spiked[1].theory,
    simulation: spiked[1].theory.map((t) => noisySim(t, 4, 0.3 / Math.sqrt(n / 100), 10 + i)),
  }));
  // Power law: reuse a 3-coordinate run relabelled as a_1..a_3 (the report only needs the series shape).
  const pl = (t: Trajectory): Trajectory => {
    const s = t.series as Record<string, number[]>;
    return { ...t, series: { a_1: s.b, a_2: s.c, a_3: s.a, loss: s.loss } };
  };
  const powerlaw: RunGroup[] = [
    {
      id: 'powerlaw',
      label: 'd = 3, exponent 1',
      params: { d: 3 },
      config: parseConfig({ model: { d: 3, covariance: { kind: 'powerlaw', exponent: 1, signalIndex: 3 } }, steps }),
      theory: spiked[1].theory.map(pl),
      simulation: spiked[1].simulation.map(pl),
    },
  ];
  // Optimizer family (fig9) and canonical vs random basis (fig10): the λ_v = 10 runs relabelled; the random-basis
  // simulation is a differently seeded noisy copy, so the basis differences are non-zero.
  const basisConfig = (basis: string) => spikedConfig(pBulk, steps, { model: { d: base.d, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1, basis }, init: { kind: 'scaled-identity', alpha: base.alpha } } });
  const optimizers: RunGroup[] = [{ ...spiked[1], id: 'optimizers', label: 'registry defaults' }];
  const basis: RunGroup[] = [
    { ...spiked[1], id: 'basis-canonical', label: 'canonical basis', params: { lambdaV: 10, randomBasis: 0 }, config: basisConfig('canonical') },
    { ...spiked[1], id: 'basis-random', label: 'random basis', params: { lambdaV: 10, randomBasis: 1 }, config: basisConfig('random'), simulation: spiked[1].theory.map((t) => noisySim(t, 4, 0.02, 99)) },
  ];
  const escLambda = [1, 2, 5, 10, 20, 50];
  const comparisons = spiked.flatMap((g) => g.theory.map((t, i) => compareTrajectories(t, g.simulation[i], { eta: t.algorithm === 'gd' ? 0.01 : 0.002, config: g.config, label: `${t.algorithm} ${g.label}` })));
  const claims: Claim[] = [
    { id: 'synthetic-pass', statement: 'A synthetic claim that passes.', quantity: 'x', measured: 1, predicted: 1, tolerance: 0.1, test: '|measured − predicted| ≤ tolerance', toleranceRule: 'synthetic', source: 'synthetic', verdict: 'pass', kind: 'finding', control: { case: 'synthetic wrong prediction', measured: 1, verdict: 'fail' } },
    { id: 'synthetic-fail', statement: 'A synthetic claim that fails.', quantity: 'x', measured: 2, predicted: 1, tolerance: 0.1, test: '|measured − predicted| ≤ tolerance', toleranceRule: 'synthetic', source: 'synthetic', verdict: 'fail', kind: 'check', control: { case: 'synthetic wrong prediction', measured: 2, verdict: 'fail' } },
  ];
  return {
    format: RESULTS_FORMAT,
    provenance: prov('test-report', [1, 2, 3, 4]),
    plan: { synthetic: true },
    derivation: { loss: { latex: 'L = \\tfrac14\\left[T^2 + 2\\sum_k r_k \\lambda_k^2 e_k^2\\right]', infix: 'x' }, gradients: [{ latex: 'g_a = a\\left(\\lambda_\\theta T + 2\\lambda_\\theta^2 (a^2 - 1)\\right)' }], checks: [{ name: 'synthetic check', maxRelError: 1e-15 }] },
    groups: { spiked, bulk, powerlaw, finiteSample, optimizers, basis },
    escape: {
      level: 0.5,
      lambdaV: escLambda,
      theory: { gd: escLambda.map((l) => Math.round(230 - 5 * Math.log(l))), specgd: escLambda.map(() => 250) },
      simLambdaV: [1, 10],
      simulation: { gd: [230, 218], specgd: [250, 250] },
    },
    stability: { lambdaV: [1, 10, 50], linearized: [0.33, 0.1, 0.02], measured: [0.33, 0.1, 0.02], resolution: [1e-3, 1e-3, 1e-3] },
    phase: { lambdaV: [1, 10, 50], etaTilde: [0.01, 0.05, 0.2], diverged: [[false, false, false], [false, false, true], [false, true, true]], escapeStep: [[200, 40, 10], [200, 40, null], [200, null, null]], steps: 1000 },
    angle: syntheticAngleSection(),
    // figure 13's section from synthetic points y_n = c₁ + 8/n ± 0.5 (fit, control and z from the figure's own code)
    finiteCorrection: finiteCorrectionSection({ step: 30, predicted: -8, points: [125, 500, 2000].map((n, i) => ({ n, y: -8 + 8 / n + 0.1 * (i - 1), se: 0.5 })) }),
    comparisons,
    claims,
  };
}
