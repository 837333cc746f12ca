/** SpecGD contracts the bulk linearly (speed of order η per step) where GD's bulk decays slowly. */
import type { Trajectory } from '../core/trajectory.js';
import type { Claim } from '../compare/claim.js';
import { seriesMean } from '../compare/series.js';
import { POPULATION_REL_TOL } from '../compare/tolerance.js';
import { END_CYCLE_FRACTION } from './constants.js';
import type { ClaimDefinition } from './definition.js';
import { bulkConfig } from './params.js';
import { trajectoryOf } from './runs.js';

/**
 * SpecGD's bulk contraction vs GD. SpecGD moves c by exactly ±η per step, so from its peak |c| falls at an average
 * speed of (net fraction of downward steps)·η — linear in the step count — until it reaches its end level
 * L = max |c| over the last quarter of the run (the constant-η end cycle). Measured: that average speed ÷ η, which
 * must lie in (0, 1] (rounding 1e-12); and GD, started from the same point, must need more steps than SpecGD to
 * bring |c| down to the same level L (its late phase is a slow power-law decay).
 */
export function specgdBulkContractionClaim(specgd: Trajectory, gd: Trajectory, eta: number): Claim {
  const c = seriesMean(specgd, 'c').map(Math.abs);
  const n = c.length;
  let kp = 0;
  for (let i = 1; i < n; i++) if (c[i] > c[kp]) kp = i;
  let level = 0;
  for (let i = Math.floor(n * (1 - END_CYCLE_FRACTION)); i < n; i++) level = Math.max(level, c[i]);
  let kh = -1;
  for (let i = kp; i < n; i++) if (c[i] <= level) {
    kh = i;
    break;
  }
  const speed = kh > kp ? (c[kp] - c[kh]) / (specgd.step[kh] - specgd.step[kp]) / eta : 0;
  const stepS = kh >= 0 ? specgd.step[kh] : null;
  const cg = seriesMean(gd, 'c').map(Math.abs);
  let kpg = 0;
  for (let i = 1; i < cg.length; i++) if (cg[i] > cg[kpg]) kpg = i;
  const ig = cg.findIndex((v, i) => i >= kpg && v <= level);
  const stepG = ig >= 0 ? gd.step[ig] : null;
  const gdSlower = stepS !== null && (stepG === null || stepG > stepS);
  const ok = kh > kp && speed > 0 && speed <= 1 + POPULATION_REL_TOL && gdSlower;
  return {
    id: 'specgd-bulk-linear-contraction',
    statement: "SpecGD contracts the bulk linearly — |c| falls from its peak at an average speed of order η per step — where GD's bulk decays slowly: GD needs more steps to bring |c| down to SpecGD's end level.",
    quantity: `average speed ÷ η of SpecGD's |c| from its peak (step ${specgd.step[kp]}, ${c[kp].toPrecision(4)}) to its end level L = ${level.toPrecision(4)} (= ${(level / eta).toPrecision(4)}η, reached at step ${stepS ?? 'never'}); GD reaches |c| ≤ L at step ${stepG ?? `> ${gd.step[gd.step.length - 1]} (never in the run)`}`,
    measured: speed,
    predicted: null,
    tolerance: POPULATION_REL_TOL,
    test: "0 < measured ≤ 1 + tolerance, and GD reaches SpecGD's end level later than SpecGD (or never)",
    toleranceRule: `each SpecGD step moves c by exactly η: rounding only (${POPULATION_REL_TOL})`,
    source: 'simulation (population-exact GD and SpecGD, long run)',
    verdict: ok ? 'pass' : 'fail',
  };
}

export const specgdBulkLinearContraction: ClaimDefinition = {
  id: 'specgd-bulk-linear-contraction',
  statement: "SpecGD contracts the bulk linearly where GD's bulk decays slowly.",
  falsifiedBy: "SpecGD's |c| not falling from its peak to its end level, falling faster than η per step, or GD reaching SpecGD's end level no later than SpecGD.",
  runs: (p) => [{ config: bulkConfig(p), purpose: 'long GD and SpecGD runs (bulk)' }],
  measure(runs, p) {
    const sim = runs.run(bulkConfig(p)).simulation();
    return [specgdBulkContractionClaim(trajectoryOf(sim, 'specgd'), trajectoryOf(sim, 'gd'), p.etaSpecgd)];
  },
};
