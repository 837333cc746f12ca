/** SpecGD's update has spectral norm exactly η: no block coefficient moves by more than η in a step. */
import type { Trajectory } from '../core/trajectory.js';
import { twoSided, type Claim } from '../compare/claim.js';
import { maxStepChange } from '../compare/measure.js';
import { seriesMean } from '../compare/series.js';
import { UNIT_ROUNDOFF } from './constants.js';
import type { ClaimDefinition } from './definition.js';
import { spikedGridConfigs } from './params.js';
import { trajectoryOf } from './runs.js';

/** Largest per-step change of any block coefficient ÷ η: the polar factor has unit spectral norm. */
export function specgdStepNormClaim(runs: { label: string; eta: number; specgd: Trajectory; symbols: string[] }[], control?: { label: string; eta: number; traj: Trajectory; symbols: string[] }[]): Claim {
  let worst = 0;
  let tolerance = 0;
  for (const r of runs) {
    for (const s of r.symbols) {
      const v = seriesMean(r.specgd, s);
      worst = Math.max(worst, maxStepChange(r.specgd.step, v) / r.eta);
      tolerance = Math.max(tolerance, (4 * UNIT_ROUNDOFF * Math.max(...v.map(Math.abs))) / r.eta);
    }
  }
  // Control: the same measurement on GD (|Δa_k| = η̃|g_k|, not η̃) at its step size.
  let ctl = 0;
  for (const r of control ?? []) for (const s of r.symbols) ctl = Math.max(ctl, maxStepChange(r.traj.step, seriesMean(r.traj, s)) / r.eta);
  return {
    id: 'specgd-update-norm',
    kind: 'check',
    statement: "SpecGD's update has spectral norm exactly η: no block coefficient ever moves by more than η in a step, however large the gradient (no blow-up).",
    quantity: `max over runs, blocks and steps of |Δa_k| ÷ η (${runs.map((r) => r.label).join(', ')})`,
    measured: worst,
    predicted: 1,
    tolerance,
    test: '|measured − predicted| ≤ tolerance',
    toleranceRule: 'rounding of the differences: 4u·max|a_k|/η, u = 2⁻⁵³',
    source: 'simulation (population-exact SpecGD)',
    verdict: twoSided(worst, 1, tolerance),
    control: { case: `GD in the same runs: max |Δa_k| ÷ η̃ (${(control ?? []).map((r) => r.label).join(', ')})`, measured: ctl, verdict: control?.length ? twoSided(ctl, 1, tolerance) : 'pass' },
  };
}

export const specgdUpdateNorm: ClaimDefinition = {
  id: 'specgd-update-norm',
  statement: "SpecGD's update has spectral norm exactly η: no block coefficient ever moves by more than η in a step.",
  falsifiedBy: 'a largest per-step change of a block coefficient ÷ η that differs from 1 by more than rounding, in any SpecGD run.',
  runs: (p) => spikedGridConfigs(p).map((r) => ({ config: r.config, purpose: `SpecGD at λ_v = ${r.lambdaV}` })),
  measure: (runs, p) => [
    specgdStepNormClaim(
      spikedGridConfigs(p).map((r) => {
        const run = runs.run(r.config);
        return { label: `λ_v = ${r.lambdaV}`, eta: p.etaSpecgd, specgd: trajectoryOf(run.simulation(), 'specgd'), symbols: run.spec().blocks.map((b) => b.symbol) };
      }),
      spikedGridConfigs(p).map((r) => {
        const run = runs.run(r.config);
        return { label: `λ_v = ${r.lambdaV}`, eta: p.etaGd, traj: trajectoryOf(run.simulation(), 'gd'), symbols: run.spec().blocks.map((b) => b.symbol) };
      }),
    ),
  ],
};
