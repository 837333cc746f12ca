/** SpecGD's update has spectral norm exactly η: no block coefficient moves by more than η in a step. */
import type { Trajectory } from '../core/trajectory.js';
import { twoSided, type Claim } from '../compare/claim.js';
import { maxStepChange } from '../compare/measure.js';
import { seriesMean } from '../compare/series.js';
import { UNIT_ROUNDOFF } from './constants.js';
import type { ClaimDefinition } from './definition.js';
import { spikedGridConfigs } from './params.js';
import { trajectoryOf } from './runs.js';
import { cycleMeasurements, cycleRuns } from './specgd-eta-neighbourhood.js';

/** Largest per-step change of any block coefficient ÷ η: the polar factor has unit spectral norm. */
export function specgdStepNormClaim(runs: { label: string; eta: number; specgd: Trajectory; symbols: string[] }[]): Claim {
  let worst = 0;
  let tolerance = 0;
  for (const r of runs) {
    for (const s of r.symbols) {
      const v = seriesMean(r.specgd, s);
      worst = Math.max(worst, maxStepChange(r.specgd.step, v) / r.eta);
      tolerance = Math.max(tolerance, (4 * UNIT_ROUNDOFF * Math.max(...v.map(Math.abs))) / r.eta);
    }
  }
  return {
    id: 'specgd-update-norm',
    statement: "SpecGD's update has spectral norm exactly η: no block coefficient ever moves by more than η in a step, however large the gradient (no blow-up).",
    quantity: `max over runs, blocks and steps of |Δa_k| ÷ η (${runs.map((r) => r.label).join(', ')})`,
    measured: worst,
    predicted: 1,
    tolerance,
    test: '|measured − predicted| ≤ tolerance',
    toleranceRule: 'rounding of the differences: 4u·max|a_k|/η, u = 2⁻⁵³',
    source: 'simulation (population-exact SpecGD)',
    verdict: twoSided(worst, 1, tolerance),
  };
}

export const specgdUpdateNorm: ClaimDefinition = {
  id: 'specgd-update-norm',
  statement: "SpecGD's update has spectral norm exactly η: no block coefficient ever moves by more than η in a step.",
  falsifiedBy: 'a largest per-step change of a block coefficient ÷ η that differs from 1 by more than rounding, in any SpecGD run.',
  runs: (p) => [...spikedGridConfigs(p).map((r) => ({ config: r.config, purpose: `SpecGD at λ_v = ${r.lambdaV}` })), ...cycleRuns(p)],
  measure: (runs, p) => [
    specgdStepNormClaim([
      ...spikedGridConfigs(p).map((r) => {
        const run = runs.run(r.config);
        return { label: `λ_v = ${r.lambdaV}`, eta: p.etaSpecgd, specgd: trajectoryOf(run.simulation(), 'specgd'), symbols: run.spec().blocks.map((b) => b.symbol) };
      }),
      ...cycleMeasurements(runs, p).map((r) => ({ label: `η = ${r.eta}`, eta: r.eta, specgd: r.traj, symbols: r.symbols })),
    ]),
  ],
};
