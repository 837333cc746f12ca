/** GD's largest stable step size shrinks as the spike variance λ_v grows. */
import type { Claim } from '../compare/claim.js';
import type { ClaimDefinition } from './definition.js';
import { stabilityRuns, stabilityScans } from './stability-scan.js';

export interface StabilityInput {
  lambdaV: number[];
  linearized: number[];
  measured: number[];
  resolution: number[];
}

/**
 * The measured largest stable η̃ shrinks as λ_v grows. Deterministic test on the bisection results (a line fit's
 * standard error would measure lack of fit, not noise): with w_i the final bracket width at λ_i,
 *  - never increasing: η̃(λ_{i+1}) ≤ η̃(λ_i) + w_i + w_{i+1} for consecutive λ_v (count of violations = 0), and
 *  - shrinking: the ratio ρ = η̃(λ_max)/η̃(λ_min) is below 1 by more than its bracket uncertainty
 *    δρ = ρ·(w_max/η̃(λ_max) + w_min/η̃(λ_min)).
 */
export function stableStepShrinksClaim(s: StabilityInput): Claim {
  const n = s.lambdaV.length;
  let violations = 0;
  for (let i = 0; i + 1 < n; i++) if (s.measured[i + 1] > s.measured[i] + s.resolution[i] + s.resolution[i + 1]) violations++;
  const ratio = s.measured[n - 1] / s.measured[0];
  const tolerance = ratio * (s.resolution[n - 1] / s.measured[n - 1] + s.resolution[0] / s.measured[0]);
  const pass = violations === 0 && ratio + tolerance < 1;
  return {
    id: 'gd-stable-step-shrinks',
    statement: "GD's largest stable step size shrinks as the spike variance λ_v grows (its curvature grows with λ_v).",
    quantity: `η̃_max(λ_v = ${s.lambdaV[n - 1].toPrecision(3)}) ÷ η̃_max(λ_v = ${s.lambdaV[0].toPrecision(3)}), measured from W₀ by bisection; η̃_max = {${s.measured.map((x) => x.toPrecision(4)).join(', ')}} over λ_v ∈ {${s.lambdaV.map((l) => l.toPrecision(3)).join(', ')}}; increases beyond the brackets between consecutive λ_v: ${violations}`,
    measured: ratio,
    predicted: null,
    tolerance,
    test: 'measured + tolerance < 1 and no increase beyond the bisection brackets',
    toleranceRule: 'bisection bracket widths propagated to the ratio: ρ·(w_max/η̃_max + w_min/η̃_min)',
    source: 'dynamics (bisection scan of the GD map with divergence detection)',
    verdict: pass ? 'pass' : 'fail',
  };
}

export const gdStableStepShrinks: ClaimDefinition = {
  id: 'gd-stable-step-shrinks',
  statement: "GD's largest stable step size shrinks as the spike variance λ_v grows.",
  falsifiedBy: 'a measured largest stable η̃ (bisection from W₀) that increases with λ_v beyond the brackets, or a ratio η̃_max(λ_max)/η̃_max(λ_min) not below 1 by more than its bracket uncertainty.',
  runs: stabilityRuns,
  measure: (runs, p) => [stableStepShrinksClaim(stabilityScans(runs, p).fromInit)],
};
