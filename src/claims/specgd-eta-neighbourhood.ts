/** SpecGD with a constant step η ends in an O(η) neighbourhood of the optimum (final cycle size ∝ η). */
import type { Trajectory } from '../core/trajectory.js';
import { twoSided, type Claim } from '../compare/claim.js';
import { fitLine } from '../compare/measure.js';
import { seriesMean } from '../compare/series.js';
import { POPULATION_REL_TOL } from '../compare/tolerance.js';
import { END_CYCLE_FRACTION, FIT_Z } from './constants.js';
import type { ClaimDefinition } from './definition.js';
import { spikedConfig, type ReproduceParams } from './params.js';
import type { RunRequest, RunSet } from './runs.js';

/**
 * SpecGD with a constant step ends in an O(η) neighbourhood of the optimum: the size r(η) of the final cycle
 * (max over the tail of max_k |a_k − a*_k|) scales linearly with η. Measured: the log–log slope of r vs η over
 * several η; predicted 1; tolerance 3 standard errors of the slope.
 */
export function specgdNeighbourhoodClaim(runs: { eta: number; cycle: number; finalLoss?: number; perBlock?: Record<string, number> }[]): Claim {
  const logEta = runs.map((r) => Math.log(r.eta));
  const fit = fitLine(logEta, runs.map((r) => Math.log(r.cycle)));
  // Diagnostics (reported, not tested): the log–log exponent of each block's own end radius and of the end loss, so
  // a reader sees which block sets the overall exponent.
  // A radius at rounding level (≤ POPULATION_REL_TOL, the block sits on its optimum) has no meaningful exponent.
  const exponent = (ys: number[]): string =>
    ys.every((y) => y > POPULATION_REL_TOL) ? fitLine(logEta, ys.map(Math.log)).slope.toFixed(3) : 'n/a (radius at rounding level for some η)';
  const blocks = runs.every((r) => r.perBlock) ? Object.keys(runs[0].perBlock!) : [];
  const perBlockText = blocks.length ? `; per-block exponents of the end radius: ${blocks.map((b) => `${b}: ${exponent(runs.map((r) => r.perBlock![b]))}`).join(', ')}` : '';
  const lossText = runs.every((r) => r.finalLoss !== undefined) ? `; exponent of the end loss: ${exponent(runs.map((r) => r.finalLoss!))}` : '';
  const tolerance = FIT_Z * fit.slopeSe;
  return {
    id: 'specgd-eta-neighbourhood',
    statement: 'SpecGD with a constant step η does not converge exactly but ends in an O(η) neighbourhood of the optimum (final cycle size ∝ η).',
    quantity: `log–log slope of the final cycle size r(η) = max over the last quarter of the run of max_k |a_k − a*_k|; r/η = {${runs.map((r) => `${r.eta}: ${(r.cycle / r.eta).toPrecision(4)}`).join(', ')}}${runs.every((r) => r.finalLoss !== undefined) ? `; max loss over the same window = {${runs.map((r) => `${r.eta}: ${r.finalLoss!.toExponential(3)}`).join(', ')}}` : ''}${perBlockText}${lossText}`,
    measured: fit.slope,
    predicted: 1,
    tolerance,
    test: '|measured − predicted| ≤ tolerance',
    toleranceRule: `${FIT_Z}·SE of the fitted slope (${runs.length} step sizes)`,
    source: 'simulation (population-exact SpecGD, constant η)',
    verdict: twoSided(fit.slope, 1, tolerance),
  };
}

/** Cycle size: max over the last `fraction` of the records of max_k |a_k − a*_k|. */
export function cycleSize(traj: Trajectory, symbols: string[], optimum: number[], fraction: number): number {
  const n = traj.step.length;
  const from = Math.floor(n * (1 - fraction));
  let r = 0;
  symbols.forEach((s, k) => {
    const v = seriesMean(traj, s);
    for (let i = from; i < n; i++) r = Math.max(r, Math.abs(v[i] - optimum[k]));
  });
  return r;
}

/** The constant-η SpecGD runs (one per η of the plan, at the bulk λ_v), each long enough to reach its end cycle. */
export function cycleRuns(p: ReproduceParams): (RunRequest & { eta: number })[] {
  return p.cycle.etas.map((eta, i) => ({ eta, config: spikedConfig(p, { lambdaV: p.bulk.lambdaV, d: p.cycle.d, steps: p.cycle.steps[i], algorithms: [{ name: 'specgd', eta }] }), purpose: `SpecGD at constant η = ${eta}` }));
}

/** Each cycle run's trajectory, its block symbols, overall and per-block end radius and end loss. */
export function cycleMeasurements(runs: RunSet, p: ReproduceParams): { eta: number; cycle: number; finalLoss: number; perBlock: Record<string, number>; traj: Trajectory; symbols: string[] }[] {
  return cycleRuns(p).map((r) => {
    const run = runs.run(r.config);
    const t = run.simulation()[0];
    const spec = run.spec();
    const optimum = spec.blocks.map((_, k) => (k === spec.signalBlock ? 1 : 0));
    const symbols = spec.blocks.map((b) => b.symbol);
    const loss = seriesMean(t, 'loss');
    const perBlock = Object.fromEntries(spec.blocks.map((b, k) => [b.symbol, cycleSize(t, [b.symbol], [optimum[k]], END_CYCLE_FRACTION)]));
    return { eta: r.eta, cycle: cycleSize(t, symbols, optimum, END_CYCLE_FRACTION), finalLoss: Math.max(...loss.slice(Math.floor(loss.length * (1 - END_CYCLE_FRACTION)))), perBlock, traj: t, symbols };
  });
}

export const specgdEtaNeighbourhood: ClaimDefinition = {
  id: 'specgd-eta-neighbourhood',
  statement: 'SpecGD with a constant step η does not converge exactly but ends in an O(η) neighbourhood of the optimum (final cycle size ∝ η).',
  falsifiedBy: 'a log–log slope of the end-cycle radius against η further from 1 than 3 SE of the fit.',
  runs: cycleRuns,
  measure: (runs, p) => [specgdNeighbourhoodClaim(cycleMeasurements(runs, p).map((r) => ({ eta: r.eta, cycle: r.cycle, finalLoss: r.finalLoss, perBlock: r.perBlock })))],
};
