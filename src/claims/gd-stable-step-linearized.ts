/** GD's stableUpTo near the optimum is the linear-stability bound 2/μ_max of the derived map at a*. */
import { atMost, type Claim } from '../compare/claim.js';
import type { ClaimDefinition } from './definition.js';
import { stabilityRuns, stabilityScans, type ScanEntry } from './stability-scan.js';

/**
 * The scan from a* + δ (dynamics/stability/scan.ts): its bracket [stableUpTo, first non-converging η̃] must contain
 * the optimum's analytic bound 2/μ_max. Measured: max over λ_v of the distance from the bound to the bracket ÷ the
 * bracket width (0 when the bracket contains it). Control: the same with the escape-stage bound (which governs the
 * escape from W₀, not the neighbourhood of a*) in place of 2/μ_max, at the λ_v where the two differ by more than the
 * bracket.
 */
export function stableStepLinearizedClaim(entries: ScanEntry[]): Claim {
  const dist = (e: ScanEntry, bound: number) => {
    const [lo, hi] = e.nearOptimum!.bracket;
    return (bound < lo ? lo - bound : bound > hi ? bound - hi : 0) / (hi - lo);
  };
  const used = entries.filter((e) => e.nearOptimum && e.optimumBound !== null);
  const worst = Math.max(...used.map((e) => dist(e, e.optimumBound!)));
  const ctlCases = used.filter((e) => e.escapeBound !== null && dist(e, e.escapeBound) > 0);
  const ctl = ctlCases.length ? Math.max(...ctlCases.map((e) => dist(e, e.escapeBound!))) : 0;
  return {
    id: 'gd-stable-step-linearized',
    kind: 'finding',
    statement: "GD's stable step size near the optimum is the linear-stability bound 2/μ_max of the derived map (period-doubling onset at a*): the step-size scan from a* + δ switches from converging at 2/μ_max.",
    quantity: `max over λ_v of (distance from 2/μ_max to the scan's bracket) ÷ bracket width; per λ_v: ${used.map((e) => `${e.lambdaV}: [${e.nearOptimum!.bracket.map((x) => x.toPrecision(6)).join(', ')}] vs ${e.optimumBound!.toPrecision(6)}`).join('; ')}`,
    measured: worst,
    predicted: 0,
    tolerance: 0,
    test: 'measured ≤ tolerance (the bracket contains the bound at every λ_v)',
    toleranceRule: "the scan's bracket (its resolution) is the tolerance: the bound must lie inside it",
    source: 'dynamics (step-size scan from a* + δ, the same computation as `specgd thresholds`)',
    verdict: atMost(worst, 0),
    control: { case: `wrong bound: the escape-stage bound in place of 2/μ_max (λ_v = ${ctlCases.map((e) => e.lambdaV).join(', ')})`, measured: ctl, verdict: ctlCases.length ? atMost(ctl, 0) : 'pass' },
  };
}

export const gdStableStepLinearized: ClaimDefinition = {
  id: 'gd-stable-step-linearized',
  statement: "GD's stable step size near the optimum is the linear-stability bound 2/μ_max of the derived map.",
  falsifiedBy: "a bracket of the step-size scan from a* + δ that does not contain 2/μ_max at some λ_v.",
  runs: stabilityRuns,
  measure: (runs, p) => [stableStepLinearizedClaim(stabilityScans(runs, p).entries)],
};
