/**
 * `specgd reproduce` as a plan: the spiked figure runs at several λ_v (with the continuous-time limits against the
 * largest), the long bulk runs, the power-law run, the finite-sample ensembles, the optimizer family (every
 * registered algorithm at its defaults; Adam and SpecGD in the canonical and a random basis), every claim of the registry
 * and every figure. `--quick` is the same plan at the smaller sizes of `reproduceParams(true)`. Deterministic: no
 * clock, seeded runs; the same parameters give a byte-identical bundle.
 */
import { algorithmsOf, type PlannedAlgorithm } from '../compare/algorithm-list.js';
import { algorithmOf } from '../algorithms/index.js';
import type { ResultsBundle } from '../compare/bundle.js';
import { CLAIMS } from '../claims/index.js';
import { basisConfig, bulkConfig, finitePopulationConfig, finiteSampleConfigs, optimizerFamilyConfig, powerlawConfig, reproduceParams, spikedGridConfigs, topSpikedConfig, type ReproduceParams } from '../claims/params.js';
import type { FlowKind } from '../dynamics/flows.js';
import { correctionApplies, finiteSampleSeries } from '../dynamics/response/corrected.js';
import { FIGURES } from '../report/figures/index.js';
import { runPlan, type Plan, type PlannedComparison, type PlannedExperiment, type Progress } from './plan.js';

/**
 * The continuous-time limit an algorithm is compared with at the largest λ_v (time map t = η̃k, t = ηk): the
 * discretization error. The flow where one exists is the registry's (`Algorithm.flow`).
 */
function flowOf(a: PlannedAlgorithm): { flow: FlowKind; text: string } | null {
  const flow = algorithmOf(a.config).flow;
  return flow ? { flow: flow.id, text: `${flow.title} at t = ${a.timeSymbol === 'etaTilde' ? 'η̃' : 'η'}k` } : null;
}

/**
 * The series of the finite-sample comparisons of the spiked model (a, b, c): the statistics of WᵀW — block
 * magnitudes (off the manifold W can rotate), the loss and the magnitudes' misalignment ratio.
 */

/** The experiments of the reproduction, in report order. */
export function reproduceExperiments(p: ReproduceParams): PlannedExperiment[] {
  const out: PlannedExperiment[] = [];
  const grid = spikedGridConfigs(p);
  grid.forEach(({ lambdaV, config }, i) => {
    const label = `λ_v = ${lambdaV}`;
    const comparisons: PlannedComparison[] = algorithmsOf(config).map((a) => ({ theory: a.id, simulation: a.id, label: `${a.label}, λ_v = ${lambdaV}, d = ${p.d}: simulation vs reduced map` }));
    if (i === grid.length - 1) {
      const flows = algorithmsOf(config).filter((a) => flowOf(a) !== null);
      for (const a of flows) comparisons.push({ theory: flowOf(a)!.flow, flows: flows.map((f) => flowOf(f)!.flow), simulation: a.id, label: `${a.label}, λ_v = ${lambdaV}: simulation vs ${flowOf(a)!.text}` });
    }
    out.push({ id: `spiked-lambda-${lambdaV}`, group: 'spiked', stage: 'spiked runs', label, params: { lambdaV, d: p.d }, config, comparisons });
  });
  const bulk = bulkConfig(p);
  out.push({
    id: 'bulk',
    group: 'bulk',
    label: `λ_v = ${p.bulk.lambdaV}, d = ${p.bulk.d}, α = ${p.bulk.alpha}`,
    params: { lambdaV: p.bulk.lambdaV, d: p.bulk.d },
    config: bulk,
    comparisons: algorithmsOf(bulk).map((a) => ({ theory: a.id, simulation: a.id, label: `${a.label} long run (bulk), λ_v = ${p.bulk.lambdaV}, d = ${p.bulk.d}: simulation vs reduced map` })),
  });
  const pl = powerlawConfig(p);
  const signalSymbol = `a_${p.powerlaw.signalIndex}`;
  out.push({
    id: 'powerlaw',
    group: 'powerlaw',
    stage: 'power law',
    label: `λ_j = j^-${p.powerlaw.exponent}, d = ${p.powerlaw.d}, signal on direction ${p.powerlaw.signalIndex}`,
    params: { d: p.powerlaw.d, exponent: p.powerlaw.exponent },
    config: pl,
    comparisons: algorithmsOf(pl).map((a) => ({ theory: a.id, simulation: a.id, signalSymbol, label: `${a.label}, power law (exponent ${p.powerlaw.exponent}, d = ${p.powerlaw.d}): simulation vs reduced map` })),
  });
  const fs = p.finiteSample;
  const population = finitePopulationConfig(p);
  for (const { n, config } of finiteSampleConfigs(p)) {
    const corrected = correctionApplies(config) === null;
    const FINITE_SERIES = finiteSampleSeries(config);
    out.push({
      id: `finite-n-${n}`,
      group: 'finiteSample',
      stage: 'finite samples',
      label: `n = ${n}`,
      params: { n, d: fs.d, lambdaV: fs.lambdaV },
      config,
      theoryConfig: population,
      simulation: 'ensemble',
      // as `specgd compare` does: first against the corrected theory (population + predicted 1/n shift, over its
      // validity range), then against the population theory
      comparisons: algorithmsOf(config).flatMap((a): PlannedComparison[] => [
        ...(corrected ? [{ theory: a.id, simulation: a.id, series: FINITE_SERIES, reference: 'corrected' as const, label: `${a.label}, full batch n = ${n}, ${fs.seeds.length} seeds: ensemble mean vs corrected theory` }] : []),
        { theory: a.id, simulation: a.id, series: FINITE_SERIES, label: `${a.label}, full batch n = ${n}, ${fs.seeds.length} seeds: ensemble mean vs population theory` },
      ]),
    });
  }
  const o = p.optimizers;
  const family = optimizerFamilyConfig(p);
  out.push({
    id: 'optimizers',
    group: 'optimizers',
    stage: 'optimizer family',
    label: `every registered algorithm at its defaults, λ_v = ${o.lambdaV}, d = ${o.d}`,
    params: { lambdaV: o.lambdaV, d: o.d },
    config: family,
    comparisons: algorithmsOf(family).map((a) => ({ theory: a.id, simulation: a.id, label: `${a.label} (registry defaults), λ_v = ${o.lambdaV}, d = ${o.d}: simulation vs reduced map` })),
  });
  // canonical vs random basis: the random-basis run is simulation only (Adam does not reduce there); its group
  // carries the canonical reduced maps (theoryConfig) and no comparisons
  const canonical = basisConfig(p, 'canonical');
  out.push({
    id: 'basis-canonical',
    group: 'basis',
    stage: 'optimizer family',
    label: 'canonical basis',
    params: { lambdaV: o.lambdaV, d: o.d, randomBasis: 0 },
    config: canonical,
    comparisons: algorithmsOf(canonical).map((a) => ({ theory: a.id, simulation: a.id, label: `${a.label}, canonical basis, λ_v = ${o.lambdaV}, d = ${o.d}: simulation vs reduced map` })),
  });
  out.push({
    id: 'basis-random',
    group: 'basis',
    stage: 'optimizer family',
    label: 'random basis',
    params: { lambdaV: o.lambdaV, d: o.d, randomBasis: 1 },
    config: basisConfig(p, 'random'),
    theoryConfig: canonical,
    comparisons: [],
  });
  return out;
}

/** The reproduce plan at the given sizes (`quick` selects `reproduceParams(true)`). */
export function reproducePlan(sizes: boolean | ReproduceParams): Plan & { params: ReproduceParams } {
  const params = typeof sizes === 'boolean' ? reproduceParams(sizes) : sizes;
  return { params, experiments: reproduceExperiments(params), claims: CLAIMS, figures: FIGURES, derivation: { config: topSpikedConfig(params), alpha: params.alpha }, command: 'reproduce' };
}

/** Run the whole reproduction and return the results bundle. */
export async function runReproduce(sizes: boolean | ReproduceParams | Plan, opts: { onProgress?: Progress } = {}): Promise<ResultsBundle> {
  const plan = typeof sizes === 'object' && 'experiments' in sizes ? sizes : reproducePlan(sizes);
  return (await runPlan(plan, opts)).bundle;
}
