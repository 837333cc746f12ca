/** GD's stableUpTo from W₀ shrinks as the spike variance λ_v grows, following the binding analytic bound. */
import type { Claim } from '../compare/claim.js';
import type { ClaimDefinition } from './definition.js';
import { stabilityRuns, stabilityScans, type ScanEntry } from './stability-scan.js';

export interface StabilityInput {
  lambdaV: number[];
  /** stableUpTo and its bracket width per λ_v. */
  measured: number[];
  resolution: number[];
}

/** The counts and ratio of the test below, for any ordering of the λ_v labels (the control reverses them). */
function shrinkTest(s: StabilityInput): { violations: number; ratio: number; tolerance: number; pass: boolean } {
  const n = s.lambdaV.length;
  let violations = 0;
  for (let i = 0; i + 1 < n; i++) if (s.measured[i + 1] > s.measured[i] + s.resolution[i] + s.resolution[i + 1]) violations++;
  const ratio = s.measured[n - 1] / s.measured[0];
  const tolerance = ratio * (s.resolution[n - 1] / s.measured[n - 1] + s.resolution[0] / s.measured[0]);
  return { violations, ratio, tolerance, pass: violations === 0 && ratio + tolerance < 1 };
}

/**
 * stableUpTo of the step-size scan from W₀ (the value `specgd thresholds` reports) shrinks as λ_v grows: with w_i the
 * bracket width at λ_i (ascending λ_v), no increase beyond w_i + w_{i+1} between consecutive λ_v, and the ratio
 * ρ = stableUpTo(λ_max)/stableUpTo(λ_min) below 1 by more than its bracket uncertainty ρ(w_max/η_max + w_min/η_min).
 * Control (shuffled labels): the same test with the λ_v order reversed.
 */
export function stableStepShrinksClaim(entries: ScanEntry[]): Claim {
  const s: StabilityInput = { lambdaV: entries.map((e) => e.lambdaV), measured: entries.map((e) => e.stableUpTo), resolution: entries.map((e) => e.bracket[1] - e.bracket[0]) };
  const t = shrinkTest(s);
  const rev = shrinkTest({ lambdaV: [...s.lambdaV].reverse(), measured: [...s.measured].reverse(), resolution: [...s.resolution].reverse() });
  const n = s.lambdaV.length;
  return {
    id: 'gd-stable-step-shrinks',
    kind: 'finding',
    statement: "GD's largest stable step size from W₀ (stableUpTo: every smaller step converges to the optimum) shrinks as the spike variance λ_v grows, following the smaller of the analytic bounds (the optimum's 2/μ_max, the escape-stage bound).",
    quantity: `stableUpTo(λ_v = ${s.lambdaV[n - 1]}) ÷ stableUpTo(λ_v = ${s.lambdaV[0]}); per λ_v: ${entries.map((e) => `${e.lambdaV}: ${e.stableUpTo.toPrecision(6)} (bracket ${(e.bracket[1] - e.bracket[0]).toExponential(2)}; optimum ${e.optimumBound?.toPrecision(6) ?? '—'}, escape-stage ${e.escapeBound?.toPrecision(6) ?? '—'}; binds ${e.binds ?? '—'}, follows ${e.follows})`).join('; ')}; increases beyond the brackets: ${t.violations}`,
    measured: t.ratio,
    predicted: null,
    tolerance: t.tolerance,
    test: 'measured + tolerance < 1 and no increase beyond the brackets',
    toleranceRule: "the scan's bracket widths propagated to the ratio: ρ·(w_max/η_max + w_min/η_min)",
    source: 'dynamics (step-size scan from W₀, the same computation as `specgd thresholds`)',
    verdict: t.pass ? 'pass' : 'fail',
    control: { case: 'shuffled labels: the λ_v order reversed, same test', measured: rev.ratio, verdict: rev.pass ? 'pass' : 'fail' },
  };
}

export const gdStableStepShrinks: ClaimDefinition = {
  id: 'gd-stable-step-shrinks',
  statement: "GD's largest stable step size from W₀ shrinks as the spike variance λ_v grows.",
  falsifiedBy: 'a stableUpTo (step-size scan from W₀) that increases with λ_v beyond the brackets, or a ratio stableUpTo(λ_max)/stableUpTo(λ_min) not below 1 by more than its bracket uncertainty.',
  runs: stabilityRuns,
  measure: (runs, p) => [stableStepShrinksClaim(stabilityScans(runs, p).entries)],
};
