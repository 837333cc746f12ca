/**
 * `specgd reproduce`: derive → theory → simulate → compare → claims for the whole figure set, as one
 * `ResultsBundle` (report/ turns it into files). The plan (sizes, grids, seeds) is data: `reproducePlan(quick)`;
 * `--quick` runs the same experiments and claims at smaller sizes. Deterministic: no clock, seeded runs.
 */
import { parseConfig, type ExperimentConfig } from '../config/config.js';
import { DEFAULTS } from '../config/defaults.js';
import { provenance } from '../core/provenance.js';
import type { Trajectory } from '../core/trajectory.js';
import { buildModelSpec, initialBlockCoefficients } from '../model/spec.js';
import { derive, type Derivation } from '../symbolic/derive.js';
import { systemFor, paramValues } from '../symbolic/compile.js';
import { runTheory } from '../dynamics/theory.js';
import { stabilityReport } from '../dynamics/stability.js';
import { runSweep } from '../dynamics/sweep.js';
import { runSimulation, runSimulationSeeds, ensembleTrajectory } from '../sim/simulate.js';
import { updateRule } from '../model/algorithms.js';
import { RESULTS_FORMAT, thinTrajectory, type ResultsBundle, type RunGroup } from './bundle.js';
import type { Claim } from './claim.js';
import {
  cycleSize,
  finiteSampleScalingClaim,
  gdBulkDecayClaim,
  growthFactorClaim,
  outgrowClaim,
  qualitativeClaim,
  finiteSamplePictureClaim,
  specgdBulkContractionClaim,
  specgdNeighbourhoodClaim,
  specgdNoAmplificationClaim,
  specgdRateClaim,
  specgdStepNormClaim,
  stableStepLinearizedClaim,
  stableStepShrinksClaim,
  thresholdClaim,
  END_CYCLE_FRACTION,
} from './claims.js';
import { compareTrajectories, DEFAULT_WINDOW_LEVEL, escapingWindow, type Comparison } from './compare.js';
import { bisect, crossingStep, stepFit } from './measure.js';
import { seriesMean, seriesView } from './series.js';

export interface ReproducePlan {
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
  escapeGrid: { from: number; to: number; points: number };
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
  /** Stability scan (λ_v values) and phase diagram grid. */
  stability: { lambdaV: number[]; steps: number; resolution: number };
  phase: { lambdaV: { from: number; to: number; points: number }; etaTilde: { from: number; to: number; points: number }; steps: number };
  /** SpecGD constant-η end cycle. */
  cycle: { d: number; etas: number[]; steps: number[] };
  powerlaw: { d: number; exponent: number; signalIndex: number; etaGd: number; steps: number };
  finiteSample: { d: number; lambdaV: number; n: number[]; seeds: number[]; steps: number };
  /** Records kept per trajectory in the bundle (comparisons use the full runs). */
  maxPoints: number;
}

/** The plan of the full run and of `--quick` (same experiments and claims, smaller sizes). */
export function reproducePlan(quick: boolean): ReproducePlan {
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
      stability: { lambdaV: [1, 5, 10, 20, 50], steps: 3000, resolution: 1e-2 },
      phase: { lambdaV: geo(1, 100, 10), etaTilde: geo(0.005, 0.5, 10), steps: 1000 },
      cycle: { d: 6, etas: [0.008, 0.004, 0.002, 0.001], steps: [800, 1200, 2000, 3600] },
      powerlaw: { d: 6, exponent: 1, signalIndex: 5, etaGd: 0.05, steps: 2500 },
      finiteSample: { d: 8, lambdaV: 10, n: [100, 200, 400, 800, 1600], seeds: [1, 2, 3, 4], steps: 500 },
      maxPoints: 400,
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
    stability: { lambdaV: [1, 2, 5, 10, 20, 50], steps: 10000, resolution: 1e-3 },
    phase: { lambdaV: geo(1, 100, 16), etaTilde: geo(0.002, 0.5, 16), steps: 3000 },
    cycle: { d: 8, etas: [0.008, 0.004, 0.002, 0.001, 0.0005], steps: [800, 1200, 2000, 3600, 6800] },
    powerlaw: { d: 8, exponent: 1, signalIndex: 5, etaGd: 0.05, steps: 4000 },
    finiteSample: { d: 8, lambdaV: 10, n: [500, 1000, 2000, 4000, 8000], seeds: [1, 2, 3, 4, 5, 6, 7, 8], steps: 500 },
    maxPoints: 600,
  };
}

export type Progress = (stage: string, done: number, total: number) => void;

const geometric = (g: { from: number; to: number; points: number }) =>
  g.points === 1 ? [g.from] : Array.from({ length: g.points }, (_, i) => g.from * (g.to / g.from) ** (i / (g.points - 1)));

/** A spiked population config of the plan with the given overrides. */
export function spikedConfig(plan: ReproducePlan, o: { lambdaV: number; d: number; steps: number; algorithms?: unknown[]; data?: unknown; seeds?: number[]; record?: unknown; alpha?: number }): ExperimentConfig {
  return parseConfig({
    model: {
      d: o.d,
      covariance: { kind: 'spiked', signalVariance: plan.lambdaTheta, spikeVariance: o.lambdaV, bulkVariance: plan.sigma2 },
      student: { kind: 'matrix' },
      init: { kind: 'scaled-identity', alpha: o.alpha ?? plan.alpha },
    },
    algorithms: o.algorithms ?? [
      { name: 'gd', eta: plan.etaGd },
      { name: 'specgd', eta: plan.etaSpecgd },
    ],
    steps: o.steps,
    data: o.data ?? { mode: 'population' },
    seeds: o.seeds ?? [1],
    ...(o.record !== undefined ? { record: o.record } : {}),
    events: { escapeLevel: plan.escapeLevel },
  });
}

const find = (ts: Trajectory[], alg: string): Trajectory => {
  const t = ts.find((x) => x.algorithm === alg);
  if (!t) throw new Error(`no ${alg} trajectory (have ${ts.map((x) => x.algorithm).join(', ')})`);
  return t;
};

function etaOf(config: ExperimentConfig, alg: string): number {
  const a = config.algorithms.find((x) => updateRule(x).label === alg);
  if (!a) throw new Error(`config has no algorithm ${alg}`);
  return a.eta;
}

export interface ReproduceOptions {
  onProgress?: Progress;
  /**
   * Renders the spiked derivation into the bundle (the CLI passes report/derivation-doc.ts's JSON; compare/ does
   * not import report/). Without it the bundle's derivation is null.
   */
  renderDerivation?: (derivation: Derivation, alpha: number) => unknown;
}

const top0 = <T>(xs: T[]): T => xs[xs.length - 1];

/** Run the whole reproduction and return the results bundle. */
export async function runReproduce(plan: ReproducePlan, opts: ReproduceOptions = {}): Promise<ResultsBundle> {
  const onProgress: Progress = opts.onProgress ?? (() => {});
  const comparisons: Comparison[] = [];
  const claims: Claim[] = [];
  const thin = (t: Trajectory) => thinTrajectory(t, plan.maxPoints);
  const stages = 10;
  let stage = 0;
  const next = (name: string) => onProgress(name, stage++, stages);

  // 1. Derivation of the spiked model (symbolic, with its checks).
  next('derive');
  const baseConfig = spikedConfig(plan, { lambdaV: plan.lambdaV[plan.lambdaV.length - 1], d: plan.d, steps: plan.steps });
  const baseSpec = buildModelSpec(baseConfig);
  const derivation = derive(baseSpec);

  // 2. Spiked figure runs: theory + population-exact simulation at each λ_v; comparisons.
  next('spiked runs');
  const spikedFull: { lambdaV: number; config: ExperimentConfig; theory: Trajectory[]; sim: Trajectory[] }[] = [];
  for (const lambdaV of plan.lambdaV) {
    const config = spikedConfig(plan, { lambdaV, d: plan.d, steps: plan.steps });
    const theory = runTheory(config, { command: 'reproduce' });
    const sim = runSimulation(config, { command: 'reproduce' });
    spikedFull.push({ lambdaV, config, theory, sim });
    for (const alg of ['gd', 'specgd']) {
      comparisons.push(compareTrajectories(find(theory, alg), find(sim, alg), { eta: etaOf(config, alg), config, label: `${alg === 'gd' ? 'GD' : 'SpecGD'}, λ_v = ${lambdaV}, d = ${plan.d}: simulation vs reduced map` }));
    }
  }
  // The continuous-time limits against the same simulations (time map t = η̃k, t = ηk): discretization error.
  {
    const flows = runTheory(top0(spikedFull).config, { command: 'reproduce', flows: ['gradient-flow', 'sign-flow'] });
    const r = top0(spikedFull);
    comparisons.push(compareTrajectories(find(flows, 'gradient-flow'), find(r.sim, 'gd'), { eta: plan.etaGd, config: r.config, label: `GD, λ_v = ${r.lambdaV}: simulation vs gradient flow at t = η̃k` }));
    comparisons.push(compareTrajectories(find(flows, 'sign-flow'), find(r.sim, 'specgd'), { eta: plan.etaSpecgd, config: r.config, label: `SpecGD, λ_v = ${r.lambdaV}: simulation vs smoothed sign flow at t = ηk` }));
  }
  const spikedGroups: RunGroup[] = spikedFull.map((r) => ({ id: `spiked-lambda-${r.lambdaV}`, label: `λ_v = ${r.lambdaV}`, params: { lambdaV: r.lambdaV, d: plan.d }, config: r.config, theory: r.theory.map(thin), simulation: r.sim.map(thin) }));

  // Claims 1: growth factors (at the largest λ_v run).
  const top = spikedFull[spikedFull.length - 1];
  const topSpec = buildModelSpec(top.config);
  const sys = systemFor(topSpec);
  const a0 = new Float64Array(sys.n).fill(plan.alpha);
  const g0 = new Float64Array(sys.n);
  sys.grad(a0, g0);
  const aHalf = new Float64Array(sys.n).fill(plan.alpha / 2);
  const gHalf = new Float64Array(sys.n);
  sys.grad(aHalf, gHalf);
  const topDer = derive(topSpec, { checks: false, fixedPoints: false });
  const env = paramValues(topDer, topSpec);
  topSpec.blocks.forEach((b, k) => {
    const predicted = topDer.linearization.growthFactors[k].evaluate({ ...env, eta_tilde: plan.etaGd });
    claims.push(
      growthFactorClaim({
        sim: find(top.sim, 'gd'),
        symbol: b.symbol,
        blockName: b.name,
        predicted,
        exactFirstStep: 1 - (plan.etaGd * g0[k]) / a0[k],
        exactFirstStepHalf: 1 - (plan.etaGd * gHalf[k]) / aHalf[k],
        factorText: topDer.linearization.growthFactors[k].toInfix(),
      }),
    );
  });

  // Claims 2: anisotropy threshold (bisection over one-step full-dimensional probes) and both sides.
  next('threshold');
  const spikeBlock = topSpec.spikeBlock;
  const thr = topDer.linearization.thresholds.find((t) => t.block === spikeBlock);
  if (!thr || !thr.bound || !thr.variable) throw new Error('derivation gives no linear threshold for the spike block');
  const envNoV = { ...env };
  delete envNoV[thr.variable];
  const predictedThreshold = thr.bound.evaluate(envNoV);
  const grows = (lambdaV: number): boolean => {
    const cfg = spikedConfig(plan, { lambdaV, d: plan.threshold.d, steps: 1, algorithms: [{ name: 'gd', eta: plan.etaGd }] });
    const t = runSimulation(cfg, { command: 'reproduce' })[0];
    const r = seriesView(t, 'ratio')!.mean;
    return r[1] > r[0];
  };
  // Bracket from the figure runs: the largest λ_v whose GD run does not amplify the spike, the smallest that does.
  const amplifies = spikedFull.map((r) => {
    const ratio = seriesView(find(r.sim, 'gd'), 'ratio')!.mean;
    return Math.max(...ratio) > ratio[0];
  });
  const below = spikedFull.filter((_, i) => !amplifies[i]).map((r) => r.lambdaV);
  const above = spikedFull.filter((_, i) => amplifies[i]).map((r) => r.lambdaV);
  if (!below.length || !above.length) throw new Error(`the figure runs λ_v = ${plan.lambdaV.join(', ')} do not bracket the anisotropy threshold: add λ_v values on both sides`);
  const bracket = bisect(grows, Math.max(...below), Math.min(...above), plan.threshold.iterations);
  // The same one-step test on the reduced map at α and α/2 (finite-α thresholds λ*(α), λ*(α/2)) for the size of the
  // O(α²) shift in the tolerance: b₁/b₀ > a₁/a₀ ⇔ 1 − η̃ g_b(a₀)/b₀ > 1 − η̃ g_a(a₀)/a₀.
  const growsReduced = (alpha: number) => (lambdaV: number): boolean => {
    const spec = buildModelSpec(spikedConfig(plan, { lambdaV, d: plan.threshold.d, steps: 1, alpha, algorithms: [{ name: 'gd', eta: plan.etaGd }] }));
    const rs = systemFor(spec);
    const a = initialBlockCoefficients(spec)!;
    const g = new Float64Array(rs.n);
    rs.grad(a, g);
    return 1 - (plan.etaGd * g[spec.spikeBlock]) / a[spec.spikeBlock] > 1 - (plan.etaGd * g[spec.signalBlock]) / a[spec.signalBlock];
  };
  const reducedIterations = plan.threshold.iterations + 20;
  const reducedAtAlpha = bisect(growsReduced(plan.alpha), Math.max(...below), Math.min(...above), reducedIterations);
  const reducedAtHalfAlpha = bisect(growsReduced(plan.alpha / 2), Math.max(...below), Math.min(...above), reducedIterations);
  claims.push(thresholdClaim({ predicted: predictedThreshold, boundText: thr.bound.toInfix(), bracket, reducedAtAlpha, reducedAtHalfAlpha, probes: plan.threshold.iterations + 2, alpha: plan.alpha }));
  claims.push(outgrowClaim(spikedFull.map((r) => ({ lambdaV: r.lambdaV, gd: find(r.sim, 'gd') })), predictedThreshold));

  // 3. Escape scan (theory over a λ_v grid; simulation markers from the figure runs).
  next('escape scan');
  const escLambda = geometric(plan.escapeGrid);
  const escTheory: Record<string, (number | null)[]> = { gd: [], specgd: [] };
  for (const lambdaV of escLambda) {
    const th = runTheory(spikedConfig(plan, { lambdaV, d: plan.d, steps: plan.steps }), { command: 'reproduce' });
    for (const alg of ['gd', 'specgd']) {
      const t = find(th, alg);
      escTheory[alg].push(crossingStep(t.step, seriesMean(t, 'a'), plan.escapeLevel));
    }
  }
  const escSim: Record<string, (number | null)[]> = { gd: [], specgd: [] };
  for (const r of spikedFull) for (const alg of ['gd', 'specgd']) {
    const t = find(r.sim, alg);
    escSim[alg].push(crossingStep(t.step, seriesMean(t, 'a'), plan.escapeLevel));
  }

  // Claims 3: SpecGD rate η independent of λ_v and d; no spike amplification.
  next('specgd rate');
  const rateRuns = spikedFull.map((r) => ({ lambdaV: r.lambdaV, d: plan.d, eta: plan.etaSpecgd, specgd: find(r.sim, 'specgd'), escapeLevel: plan.escapeLevel }));
  const rateSteps = Math.ceil(plan.escapeLevel / plan.etaSpecgd) + 10;
  for (const d of plan.rateDims) {
    for (const lambdaV of [plan.lambdaV[0], plan.lambdaV[plan.lambdaV.length - 1]]) {
      const cfg = spikedConfig(plan, { lambdaV, d, steps: rateSteps, algorithms: [{ name: 'specgd', eta: plan.etaSpecgd }] });
      rateRuns.push({ lambdaV, d, eta: plan.etaSpecgd, specgd: runSimulation(cfg, { command: 'reproduce' })[0], escapeLevel: plan.escapeLevel });
    }
  }
  claims.push(specgdRateClaim(rateRuns));
  claims.push(specgdNoAmplificationClaim(spikedFull.map((r) => ({ lambdaV: r.lambdaV, specgd: find(r.sim, 'specgd') }))));

  // 4. Bulk: long runs, GD's late power law vs SpecGD's linear contraction.
  next('bulk');
  const bulkConfig = spikedConfig(plan, {
    lambdaV: plan.bulk.lambdaV,
    d: plan.bulk.d,
    steps: plan.bulk.steps,
    alpha: plan.bulk.alpha,
    algorithms: [
      { name: 'gd', eta: plan.bulk.etaGd },
      { name: 'specgd', eta: plan.etaSpecgd },
    ],
  });
  const bulkTheory = runTheory(bulkConfig, { command: 'reproduce' });
  const bulkSim = runSimulation(bulkConfig, { command: 'reproduce' });
  for (const alg of ['gd', 'specgd']) {
    comparisons.push(compareTrajectories(find(bulkTheory, alg), find(bulkSim, alg), { eta: etaOf(bulkConfig, alg), config: bulkConfig, label: `${alg === 'gd' ? 'GD' : 'SpecGD'} long run (bulk), λ_v = ${plan.bulk.lambdaV}, d = ${plan.bulk.d}: simulation vs reduced map` }));
  }
  // Leading order q of g_c in c at the optimum, measured on the derived gradient: q = d ln g_c / d ln c.
  const bulkSpec = buildModelSpec(bulkConfig);
  const bulkSys = systemFor(bulkSpec);
  const cIdx = bulkSpec.blocks.findIndex((b) => b.role === 'bulk');
  const probe = (c: number): number => {
    const a = new Float64Array(bulkSys.n);
    a[bulkSpec.signalBlock] = 1;
    a[cIdx] = c;
    const g = new Float64Array(bulkSys.n);
    bulkSys.grad(a, g);
    return Math.abs(g[cIdx]);
  };
  const cSmall = Math.sqrt(plan.alpha) * 1e-2;
  const q = Math.log(probe(2 * cSmall) / probe(cSmall)) / Math.LN2;
  claims.push(gdBulkDecayClaim(find(bulkSim, 'gd'), q, [Math.round(plan.bulk.steps / 10), plan.bulk.steps]));
  claims.push(specgdBulkContractionClaim(find(bulkSim, 'specgd'), find(bulkSim, 'gd'), plan.etaSpecgd));
  const bulkGroups: RunGroup[] = [{ id: 'bulk', label: `λ_v = ${plan.bulk.lambdaV}, d = ${plan.bulk.d}, α = ${plan.bulk.alpha}`, params: { lambdaV: plan.bulk.lambdaV, d: plan.bulk.d }, config: bulkConfig, theory: bulkTheory.map(thin), simulation: bulkSim.map(thin) }];

  // 5. Stability scan and phase diagram (reduced GD map).
  next('stability');
  const stab = { lambdaV: [] as number[], linearized: [] as number[], linearizedAtOptimum: [] as (number | null)[], measured: [] as number[], resolution: [] as number[] };
  const nearOpt = { lambdaV: [] as number[], linearized: [] as number[], measured: [] as number[], resolution: [] as number[] };
  for (const lambdaV of plan.stability.lambdaV) {
    const cfg = spikedConfig(plan, { lambdaV, d: plan.d, steps: plan.stability.steps });
    const rep = stabilityReport(cfg, { steps: plan.stability.steps, resolution: plan.stability.resolution });
    const m = rep.measured.fromInit;
    const along = rep.linearized.alongTrajectory?.bound ?? null;
    if (m && along !== null) {
      stab.lambdaV.push(lambdaV);
      stab.measured.push(m.eta);
      stab.linearized.push(along);
      stab.linearizedAtOptimum.push(rep.linearized.atOptimum);
      stab.resolution.push(m.bracket[1] - m.bracket[0]);
    }
    const n = rep.measured.nearOptimum;
    if (n && rep.linearized.atOptimum !== null) {
      nearOpt.lambdaV.push(lambdaV);
      nearOpt.measured.push(n.eta);
      nearOpt.linearized.push(rep.linearized.atOptimum);
      nearOpt.resolution.push(n.bracket[1] - n.bracket[0]);
    }
  }
  claims.push(stableStepShrinksClaim(stab));
  claims.push(stableStepLinearizedClaim(nearOpt));
  const phaseL = geometric(plan.phase.lambdaV);
  const phaseE = geometric(plan.phase.etaTilde);
  // Phase diagram: the dynamics stage's (λ_v, η̃) sweep of the GD map (worker threads on both cores).
  const sweep = await runSweep(
    { base: spikedConfig(plan, { lambdaV: plan.lambdaV[0], d: plan.d, steps: plan.phase.steps }), grid: 'lambda-eta', lambdaV: phaseL, values: phaseE, algorithms: ['gd'], steps: plan.phase.steps },
    { command: 'reproduce' },
  );
  const diverged: boolean[][] = phaseL.map(() => phaseE.map(() => false));
  const escapeStep: (number | null)[][] = phaseL.map(() => phaseE.map(() => null));
  for (const pt of sweep.points) {
    const i = phaseL.indexOf(pt.lambdaV);
    const j = phaseE.indexOf(pt.x);
    diverged[i][j] = pt.status === 'diverged';
    escapeStep[i][j] = pt.status === 'diverged' ? null : pt.escapeStep;
  }

  // 6. SpecGD: unit-spectral-norm updates and the O(η) end cycle.
  next('specgd cycle');
  const cycleRuns: { eta: number; cycle: number; finalLoss: number; perBlock: Record<string, number>; traj: Trajectory; symbols: string[] }[] = [];
  plan.cycle.etas.forEach((eta, i) => {
    const cfg = spikedConfig(plan, { lambdaV: plan.bulk.lambdaV, d: plan.cycle.d, steps: plan.cycle.steps[i], algorithms: [{ name: 'specgd', eta }] });
    const t = runSimulation(cfg, { command: 'reproduce' })[0];
    const spec = buildModelSpec(cfg);
    const optimum = spec.blocks.map((_, k) => (k === spec.signalBlock ? 1 : 0));
    const symbols = spec.blocks.map((b) => b.symbol);
    const loss = seriesMean(t, 'loss');
    const perBlock = Object.fromEntries(spec.blocks.map((b, k) => [b.symbol, cycleSize(t, [b.symbol], [optimum[k]], END_CYCLE_FRACTION)]));
    cycleRuns.push({ eta, cycle: cycleSize(t, symbols, optimum, END_CYCLE_FRACTION), finalLoss: Math.max(...loss.slice(Math.floor(loss.length * (1 - END_CYCLE_FRACTION)))), perBlock, traj: t, symbols });
  });
  claims.push(
    specgdStepNormClaim([
      ...spikedFull.map((r) => ({ label: `λ_v = ${r.lambdaV}`, eta: plan.etaSpecgd, specgd: find(r.sim, 'specgd'), symbols: buildModelSpec(r.config).blocks.map((b) => b.symbol) })),
      ...cycleRuns.map((r) => ({ label: `η = ${r.eta}`, eta: r.eta, specgd: r.traj, symbols: r.symbols })),
    ]),
  );
  claims.push(specgdNeighbourhoodClaim(cycleRuns.map((r) => ({ eta: r.eta, cycle: r.cycle, finalLoss: r.finalLoss, perBlock: r.perBlock }))));

  // 7. Power-law covariance.
  next('power law');
  const plConfig = parseConfig({
    model: { d: plan.powerlaw.d, covariance: { kind: 'powerlaw', exponent: plan.powerlaw.exponent, signalIndex: plan.powerlaw.signalIndex }, student: { kind: 'matrix' }, init: { kind: 'scaled-identity', alpha: plan.alpha } },
    algorithms: [
      { name: 'gd', eta: plan.powerlaw.etaGd },
      { name: 'specgd', eta: plan.etaSpecgd },
    ],
    steps: plan.powerlaw.steps,
    data: { mode: 'population' },
    seeds: [1],
    events: { escapeLevel: plan.escapeLevel },
  });
  const plSpec = buildModelSpec(plConfig);
  const plTheory = runTheory(plConfig, { command: 'reproduce' });
  const plSim = runSimulation(plConfig, { command: 'reproduce' });
  const plSignal = plSpec.blocks[plSpec.signalBlock].symbol;
  for (const alg of ['gd', 'specgd']) {
    comparisons.push(compareTrajectories(find(plTheory, alg), find(plSim, alg), { eta: etaOf(plConfig, alg), config: plConfig, signalSymbol: plSignal, label: `${alg === 'gd' ? 'GD' : 'SpecGD'}, power law (exponent ${plan.powerlaw.exponent}, d = ${plan.powerlaw.d}): simulation vs reduced map` }));
  }
  const plDer = derive(plSpec, { checks: false, fixedPoints: false });
  const plCases: Parameters<typeof qualitativeClaim>[2] = [];
  for (const t of plDer.linearization.thresholds) {
    const sym = plSpec.blocks[t.block].symbol;
    for (const alg of ['gd', 'specgd'] as const) {
      const tr = find(plSim, alg);
      const x = seriesView(tr, sym)!;
      const s = seriesView(tr, plSignal)!;
      const ratio = x.mean.map((v, i) => v / s.mean[i]);
      plCases.push({ label: `${sym}/${plSignal}`, algorithm: alg, expectAmplified: alg === 'gd' && t.holds, peakRatio: Math.max(...ratio), initialRatio: ratio[0] });
    }
  }
  claims.push(
    qualitativeClaim(
      'powerlaw-picture',
      'Power-law covariance: GD amplifies relative to the signal exactly the directions whose derived growth factor exceeds the signal\'s (the higher-variance uninformative ones); SpecGD amplifies none.',
      plCases,
      'simulation (population-exact, power-law spectrum) + derived thresholds',
    ),
  );
  const plGroups: RunGroup[] = [{ id: 'powerlaw', label: `λ_j = j^-${plan.powerlaw.exponent}, d = ${plan.powerlaw.d}, signal on direction ${plan.powerlaw.signalIndex}`, params: { d: plan.powerlaw.d, exponent: plan.powerlaw.exponent }, config: plConfig, theory: plTheory.map(thin), simulation: plSim.map(thin) }];

  // 8. Finite samples at several n against the population theory.
  next('finite samples');
  const fs = plan.finiteSample;
  const popConfig = spikedConfig(plan, { lambdaV: fs.lambdaV, d: fs.d, steps: fs.steps });
  const popTheory = runTheory(popConfig, { command: 'reproduce' });
  const fsGroups: RunGroup[] = [];
  const scaling: Record<string, { n: number; deviation: number }[]> = { gd: [], specgd: [] };
  const fsCases: { label: string; algorithm: 'gd' | 'specgd'; rate: number }[] = [];
  // Early window in time: up to half the time at which the population GD b/a peaks (the amplifying stage).
  const popGd = find(popTheory, 'gd');
  const popRatio = seriesView(popGd, 'ratio')!.mean;
  let iPeak = 0;
  popRatio.forEach((r, i) => (r > popRatio[iPeak] ? (iPeak = i) : null));
  const tEarly = (popGd.step[iPeak] * plan.etaGd) / 2;
  // Population GD rate of ln(b/a) per unit time from the derived growth factors (spike vs signal) at η̃.
  const fsSpec = buildModelSpec(popConfig);
  const fsDer = derive(fsSpec, { checks: false, fixedPoints: false });
  const fsEnv = { ...paramValues(fsDer, fsSpec), eta_tilde: plan.etaGd };
  const growth = fsDer.linearization.growthFactors.map((g) => g.evaluate(fsEnv));
  const rho = Math.log(growth[fsSpec.spikeBlock] / growth[fsSpec.signalBlock]) / plan.etaGd;
  for (const n of fs.n) {
    const cfg = spikedConfig(plan, { lambdaV: fs.lambdaV, d: fs.d, steps: fs.steps, data: { mode: 'full-batch', n }, seeds: fs.seeds });
    const perSeed = runSimulationSeeds(cfg);
    const spec = buildModelSpec(cfg);
    const prov = provenance('reproduce', cfg, { seeds: [...cfg.seeds] });
    const sims = cfg.algorithms.map((alg, ai) => ensembleTrajectory(cfg, spec, updateRule(alg), perSeed[ai], prov));
    cfg.algorithms.forEach((alg, ai) => {
      const label = updateRule(alg).label;
      const th = find(popTheory, label);
      const window = escapingWindow(th, 'a', DEFAULT_WINDOW_LEVEL);
      comparisons.push(compareTrajectories(th, sims[ai], { eta: alg.eta, config: cfg, series: ['a_mag', 'b_mag', 'c_mag', 'loss'], label: `${label === 'gd' ? 'GD' : 'SpecGD'}, full batch n = ${n}, ${fs.seeds.length} seeds: ensemble mean vs population theory` }));
      // Per-seed RMS deviation of the block magnitudes (|a|, |b|) from the population theory over the escaping stage
      // (off the manifold W can rotate: the magnitudes, not the signed coefficients, are what the theory predicts).
      const byStep = new Map<number, number>();
      th.step.forEach((s, i) => byStep.set(s, i));
      for (const run of perSeed[ai]) {
        let sum = 0;
        let cnt = 0;
        run.step.forEach((s, i) => {
          const j = byStep.get(s);
          if (j === undefined || s > window.toStep) return;
          for (const sym of ['a', 'b']) {
            sum += (run.series[`${sym}_mag`][i] - Math.abs((th.series as Record<string, number[]>)[sym][j])) ** 2;
            cnt++;
          }
        });
        if (cnt) scaling[label]?.push({ n, deviation: Math.sqrt(sum / cnt) });
      }
      // Spike-to-signal ratio of the block magnitudes |b|/|a| (off the manifold the signed coefficients can rotate).
      const am = seriesView(sims[ai], 'a_mag')!.mean;
      const ratio = seriesView(sims[ai], 'b_mag')!.mean.map((b, i) => b / am[i]);
      const kEnd = Math.floor(tEarly / alg.eta);
      const fit = stepFit(sims[ai].step, ratio.map(Math.log), 0, kEnd);
      fsCases.push({ label: `n = ${n}`, algorithm: label as 'gd' | 'specgd', rate: fit.slope / alg.eta });
    });
    fsGroups.push({ id: `finite-n-${n}`, label: `n = ${n}`, params: { n, d: fs.d, lambdaV: fs.lambdaV }, config: cfg, theory: popTheory.map(thin), simulation: sims.map(thin) });
  }
  claims.push(finiteSampleScalingClaim(scaling.gd, scaling.specgd));
  claims.push(finiteSamplePictureClaim(fsCases, rho, `t ∈ [0, ${tEarly.toPrecision(4)}] (half the time of the population GD b/a peak)`));

  next('bundle');
  const bundle: ResultsBundle = {
    format: RESULTS_FORMAT,
    provenance: provenance('reproduce', { plan }, { seeds: [...new Set([...fs.seeds, 1])].sort((x, y) => x - y), settings: { signTieRelTol: DEFAULTS.signTieRelTol } }),
    plan: plan as unknown as Record<string, unknown>,
    derivation: opts.renderDerivation ? opts.renderDerivation(derivation, plan.alpha) : null,
    groups: { spiked: spikedGroups, bulk: bulkGroups, powerlaw: plGroups, finiteSample: fsGroups },
    escape: { level: plan.escapeLevel, lambdaV: escLambda, theory: escTheory, simLambdaV: plan.lambdaV, simulation: escSim },
    stability: stab,
    phase: { lambdaV: phaseL, etaTilde: phaseE, diverged, escapeStep, steps: plan.phase.steps },
    comparisons,
    claims,
  };
  onProgress('done', stages, stages);
  return bundle;
}
