/** GD's bulk coefficient decays slowly in the late phase: |c| ∝ k^p with p set by the leading order of g_c at the optimum. */
import type { Trajectory } from '../core/trajectory.js';
import { twoSided, type Claim } from '../compare/claim.js';
import { logLogFit } from '../compare/measure.js';
import { seriesMean } from '../compare/series.js';
import { slopeTolerance } from './constants.js';
import type { ClaimDefinition } from './definition.js';
import { bulkConfig } from './params.js';
import { trajectoryOf } from './runs.js';

/**
 * GD's late-phase bulk decay, fitted on log–log axes over the last decade of a long run. Predicted exponent
 * −1/(q − 1), q = the order of g_c in c at the optimum (measured on the derived gradient), from ċ ≈ −K c^q.
 * Tolerance: 3 standard errors of the fit plus the drift of the exponent between the two halves of the window
 * (how far the fit is from its asymptote).
 */
export function gdBulkDecayClaim(gd: Trajectory, q: number, window: [number, number]): Claim {
  const c = seriesMean(gd, 'c');
  const fit = logLogFit(gd.step, c, window[0], window[1]);
  const mid = Math.sqrt(window[0] * window[1]);
  const first = logLogFit(gd.step, c, window[0], mid);
  const second = logLogFit(gd.step, c, mid, window[1]);
  const predicted = -1 / (q - 1);
  const drift = Math.abs(first.slope - second.slope);
  const t = slopeTolerance(fit, drift);
  const tolerance = t.tolerance;
  const wrong = -1 / q;
  return {
    id: 'gd-bulk-slow-decay',
    kind: 'finding',
    statement: "GD's bulk coefficient decays slowly in the late phase: a power law |c| ∝ k^p with the exponent set by the leading order of the bulk gradient at the optimum.",
    quantity: `fitted log–log exponent p of |c| over steps ${window[0]}..${window[1]} (halves: ${first.slope.toFixed(4)}, ${second.slope.toFixed(4)}); leading order q = ${q.toFixed(4)} of g_c in c`,
    measured: fit.slope,
    predicted,
    tolerance,
    test: '|measured − predicted| ≤ tolerance',
    toleranceRule: `${t.rule} + the drift |p(first half) − p(second half)| = ${drift.toExponential(3)} (distance from the asymptote)`,
    source: 'simulation (population-exact GD, long run)',
    verdict: twoSided(fit.slope, predicted, tolerance),
    control: { case: `wrong prediction: −1/q = ${wrong.toFixed(4)} (a bulk gradient one order higher, q + 1)`, measured: fit.slope, verdict: twoSided(fit.slope, wrong, tolerance) },
  };
}

export const gdBulkSlowDecay: ClaimDefinition = {
  id: 'gd-bulk-slow-decay',
  statement: "GD's bulk coefficient decays slowly in the late phase: a power law |c| ∝ k^p with the exponent set by the leading order of the bulk gradient at the optimum.",
  falsifiedBy: 'a fitted log–log exponent of |c| over the last decade of the long GD run further from −1/(q − 1) than the t-quantile of its SE plus the drift between the two halves of the window.',
  runs: (p) => [{ config: bulkConfig(p), purpose: 'long GD run (bulk)' }],
  measure(runs, p) {
    const bulk = runs.run(bulkConfig(p));
    // Leading order q of g_c in c at the optimum, measured on the derived gradient: q = d ln g_c / d ln c.
    const spec = bulk.spec();
    const sys = bulk.system();
    const cIdx = spec.blocks.findIndex((b) => b.role === 'bulk');
    const probe = (c: number): number => {
      const a = new Float64Array(sys.n);
      a[spec.signalBlock] = 1;
      a[cIdx] = c;
      const g = new Float64Array(sys.n);
      sys.grad(a, g);
      return Math.abs(g[cIdx]);
    };
    const cSmall = Math.sqrt(p.alpha) * 1e-2;
    const q = Math.log(probe(2 * cSmall) / probe(cSmall)) / Math.LN2;
    return [gdBulkDecayClaim(trajectoryOf(bulk.simulation(), 'gd'), q, [Math.round(p.bulk.steps / 10), p.bulk.steps])];
  },
};
