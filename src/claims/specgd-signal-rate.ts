/** SpecGD: the signal coefficient grows linearly at rate η per step, whatever λ_v and d. */
import type { Trajectory } from '../core/trajectory.js';
import { atMost, type Claim } from '../compare/claim.js';
import { crossingStep, stepFit } from '../compare/measure.js';
import { seriesMean } from '../compare/series.js';
import { POPULATION_REL_TOL } from '../compare/tolerance.js';
import { UNIT_ROUNDOFF } from './constants.js';
import type { ClaimDefinition } from './definition.js';
import { spikedConfig, spikedGridConfigs, type ReproduceParams } from './params.js';
import { trajectoryOf, type RunRequest } from './runs.js';

export interface RateRun {
  lambdaV: number;
  d: number;
  eta: number;
  specgd: Trajectory;
  /** End of the fit window: the step where a first reaches the escape level. */
  escapeLevel: number;
}

export function specgdRateClaim(runs: RateRun[], control: RateRun[] = []): Claim {
  let worst = 0;
  const parts: string[] = [];
  let rounding = 0;
  for (const r of runs) {
    const a = seriesMean(r.specgd, 'a');
    const end = crossingStep(r.specgd.step, a, r.escapeLevel) ?? r.specgd.step[r.specgd.step.length - 1];
    const fit = stepFit(r.specgd.step, a, 0, end);
    const rel = Math.abs(fit.slope / r.eta - 1);
    worst = Math.max(worst, rel);
    // a_k = α + kη accumulates ≤ k rounding errors of ≤ u·max|a| each; the fitted slope inherits ≲ 4u·max|a|/η.
    rounding = Math.max(rounding, (4 * UNIT_ROUNDOFF * Math.max(...a.map(Math.abs))) / r.eta);
    parts.push(`λ_v=${r.lambdaV}, d=${r.d}: slope/η = ${(fit.slope / r.eta).toPrecision(15)}`);
  }
  const tolerance = Math.max(POPULATION_REL_TOL, rounding);
  // Control: the same fit on GD's signal coefficient (multiplicative growth, not η per step), against its own step size.
  let ctl = 0;
  for (const r of control) {
    const a = seriesMean(r.specgd, 'a');
    const end = crossingStep(r.specgd.step, a, r.escapeLevel) ?? r.specgd.step[r.specgd.step.length - 1];
    ctl = Math.max(ctl, Math.abs(stepFit(r.specgd.step, a, 0, end).slope / r.eta - 1));
  }
  return {
    id: 'specgd-signal-rate',
    kind: 'check',
    statement: 'SpecGD: the signal coefficient grows linearly at rate η per step, whatever λ_v and d.',
    quantity: `max over ${runs.length} runs of |fitted slope of a over the escaping stage ÷ η − 1|; ${parts.join('; ')}`,
    measured: worst,
    predicted: 0,
    tolerance,
    test: 'measured ≤ tolerance',
    toleranceRule: `population-exact rounding: max(${POPULATION_REL_TOL}, 4u·max|a|/η), u = 2⁻⁵³`,
    source: 'simulation (population-exact SpecGD, several λ_v and d)',
    verdict: atMost(worst, tolerance),
    control: { case: `GD in the spiked runs: the same fit of a over its escaping stage, ÷ η̃ (${control.length} runs)`, measured: ctl, verdict: control.length ? atMost(ctl, tolerance) : 'pass' },
  };
}

/** Extra SpecGD-only runs at other dimensions, at the smallest and largest λ_v, just past the escape. */
function rateConfigs(p: ReproduceParams): { lambdaV: number; d: number; config: RunRequest['config'] }[] {
  const rateSteps = Math.ceil(p.escapeLevel / p.etaSpecgd) + 10;
  return p.rateDims.flatMap((d) =>
    [p.lambdaV[0], p.lambdaV[p.lambdaV.length - 1]].map((lambdaV) => ({ lambdaV, d, config: spikedConfig(p, { lambdaV, d, steps: rateSteps, algorithms: [{ name: 'specgd', eta: p.etaSpecgd }] }) })),
  );
}

export const specgdSignalRate: ClaimDefinition = {
  id: 'specgd-signal-rate',
  statement: 'SpecGD: the signal coefficient grows linearly at rate η per step, whatever λ_v and d.',
  falsifiedBy: 'a fitted slope of a over the escaping stage that differs from η by more than rounding in any run (any λ_v, any d).',
  runs: (p) => [...spikedGridConfigs(p), ...rateConfigs(p)].map((r) => ({ config: r.config, purpose: `SpecGD at λ_v = ${r.lambdaV}` })),
  measure(runs, p) {
    const rateRuns: RateRun[] = spikedGridConfigs(p).map((r) => ({ lambdaV: r.lambdaV, d: p.d, eta: p.etaSpecgd, specgd: trajectoryOf(runs.run(r.config).simulation(), 'specgd'), escapeLevel: p.escapeLevel }));
    for (const r of rateConfigs(p)) rateRuns.push({ lambdaV: r.lambdaV, d: r.d, eta: p.etaSpecgd, specgd: runs.run(r.config).simulation()[0], escapeLevel: p.escapeLevel });
    const gdRuns: RateRun[] = spikedGridConfigs(p).map((r) => ({ lambdaV: r.lambdaV, d: p.d, eta: p.etaGd, specgd: trajectoryOf(runs.run(r.config).simulation(), 'gd'), escapeLevel: p.escapeLevel }));
    return [specgdRateClaim(rateRuns, gdRuns)];
  },
};
