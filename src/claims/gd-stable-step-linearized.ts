/** GD's largest stable step size near the optimum is the linear-stability bound 2/μ_max of the derived map. */
import { atMost, type Claim } from '../compare/claim.js';
import type { ClaimDefinition } from './definition.js';
import type { StabilityInput } from './gd-stable-step-shrinks.js';
import { stabilityRuns, stabilityScans } from './stability-scan.js';

/**
 * Linearized vs measured largest stable η̃ near the optimum: the measured bound (bisection from a* + δ) against
 * 2/μ_max of the derived Jacobian at a*; max over λ_v of |measured − linearized| ÷ that λ_v's final bracket width
 * (absolute, like the gap) ≤ 1.
 */
export function stableStepLinearizedClaim(s: StabilityInput): Claim {
  let worst = 0;
  for (let i = 0; i < s.lambdaV.length; i++) worst = Math.max(worst, Math.abs(s.measured[i] - s.linearized[i]) / s.resolution[i]);
  return {
    id: 'gd-stable-step-linearized',
    statement: "GD's largest stable step size near the optimum is the linear-stability bound 2/μ_max of the derived map (Jacobian eigenvalues at the optimum).",
    quantity: 'max over λ_v of |measured − linearized| ÷ scan resolution (measured by bisection from a* + δ; linearized 2/μ_max at a*)',
    measured: worst,
    predicted: 0,
    tolerance: 1,
    test: 'measured ≤ tolerance',
    toleranceRule: 'agreement within one scan resolution (bisection bracket) at every λ_v',
    source: 'dynamics (stability report)',
    verdict: atMost(worst, 1),
  };
}

export const gdStableStepLinearized: ClaimDefinition = {
  id: 'gd-stable-step-linearized',
  statement: "GD's largest stable step size near the optimum is the linear-stability bound 2/μ_max of the derived map.",
  falsifiedBy: 'a measured largest stable η̃ near the optimum (bisection from a* + δ) more than one bracket width from 2/μ_max at any λ_v.',
  runs: stabilityRuns,
  measure: (runs, p) => [stableStepLinearizedClaim(stabilityScans(runs, p).nearOptimum)],
};
