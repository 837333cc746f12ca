/** SpecGD moves every block by the same η per step: b/a never exceeds its initial value, at every λ_v. */
import type { Trajectory } from '../core/trajectory.js';
import { atMost, type Claim } from '../compare/claim.js';
import { seriesView } from '../compare/series.js';
import { POPULATION_REL_TOL } from '../compare/tolerance.js';
import type { ClaimDefinition } from './definition.js';
import { spikedGridConfigs } from './params.js';
import { trajectoryOf } from './runs.js';

export function specgdNoAmplificationClaim(runs: { lambdaV: number; specgd: Trajectory; gd?: Trajectory }[]): Claim {
  const peakRel = (t: Trajectory) => {
    const r = seriesView(t, 'ratio')!.mean;
    return Math.max(...r) / r[0] - 1;
  };
  const gdRuns = runs.filter((r) => r.gd);
  const ctl = gdRuns.length ? Math.max(...gdRuns.map((r) => peakRel(r.gd!))) : 0;
  let worst = 0;
  const parts: string[] = [];
  for (const r of runs) {
    const ratio = seriesView(r.specgd, 'ratio');
    if (!ratio) throw new Error('specgdNoAmplificationClaim: no b/a series');
    const rel = Math.max(...ratio.mean) / ratio.mean[0] - 1;
    worst = Math.max(worst, rel);
    parts.push(`λ_v=${r.lambdaV}: ${(rel + 1).toPrecision(6)}`);
  }
  return {
    id: 'specgd-no-spike-amplification',
    kind: 'check',
    statement: 'SpecGD moves every block by the same η per step: the spike is never amplified relative to the signal (b/a never exceeds its initial value), at every λ_v.',
    quantity: `max over runs of (peak b/a ÷ initial b/a − 1); peak ÷ initial: ${parts.join('; ')}`,
    measured: worst,
    predicted: 0,
    tolerance: POPULATION_REL_TOL,
    test: 'measured ≤ tolerance',
    toleranceRule: `population-exact rounding (${POPULATION_REL_TOL} relative)`,
    source: 'simulation (population-exact SpecGD)',
    verdict: atMost(worst, POPULATION_REL_TOL),
    control: { case: `GD in the same runs (λ_v = ${gdRuns.map((r) => r.lambdaV).join(', ')})`, measured: ctl, verdict: gdRuns.length ? atMost(ctl, POPULATION_REL_TOL) : 'pass' },
  };
}

export const specgdNoSpikeAmplification: ClaimDefinition = {
  id: 'specgd-no-spike-amplification',
  statement: 'SpecGD never amplifies the spike relative to the signal (b/a never exceeds its initial value), at every λ_v.',
  falsifiedBy: 'a SpecGD run whose peak b/a exceeds its initial value by more than rounding.',
  runs: (p) => spikedGridConfigs(p).map((r) => ({ config: r.config, purpose: `SpecGD at λ_v = ${r.lambdaV}` })),
  measure: (runs, p) => [specgdNoAmplificationClaim(spikedGridConfigs(p).map((r) => ({ lambdaV: r.lambdaV, specgd: trajectoryOf(runs.run(r.config).simulation(), 'specgd'), gd: trajectoryOf(runs.run(r.config).simulation(), 'gd') })))],
};
