/**
 * GD's largest stable step off φ = 0 (issue 13): measured by claims/angle-stable-step.ts, compared with the
 * optimum's linearized bound β(φ) = 2/μ_max (J at the optimum on the matrix-block coordinates).
 *
 * Statement: for φ > 0 GD's largest stable step is the optimum's bound 2/μ_max (the period-doubling onset at the
 * optimum binds, not an escape-stage crisis). Measured: max over the λ_v of the scan and the φ > 0 of the grid of
 * |stableUpTo − β|/β. Tolerance: max over the same cells of (bracket width)/β + ln((B + 1)/ε)/(2H_max) (the scan's
 * resolution plus the horizon bias of the scan's classifier: angle-stable-step.ts). `inconclusive` when a cell is undecided (below or above
 * the grid). Control: the same deviation at φ = 0 and the largest λ_v of the scan,
 * where (figure 6) the escape-stage bound binds below the optimum's.
 */
import type { Claim } from '../compare/claim.js';
import type { AngleStableCurve } from '../compare/angle-section.js';
import { fmtE } from './constants.js';
import type { ClaimDefinition } from './definition.js';
import { angleRuns, angleStudy } from './angle-scan.js';

interface Cell {
  dev: number;
  tol: number;
}

function cellOf(c: AngleStableCurve, j: number): Cell | null {
  const s = c.stableUpTo[j];
  const hi = c.bracketHi[j];
  const b = c.optimumBound[j];
  if (s === null || hi === null || b === null) return null;
  return { dev: Math.abs(s - b) / b, tol: (hi - s) / b + c.horizonBias };
}

export function stableStepClaim(curves: AngleStableCurve[]): Claim {
  let dev = 0;
  let tol = 0;
  const undecided: string[] = [];
  for (const c of curves) {
    c.phi.forEach((phi, j) => {
      if (phi === 0) return;
      const cell = cellOf(c, j);
      if (!cell) undecided.push(`λ_v = ${c.lambdaV}, φ = ${phi.toPrecision(4)}: ${c.reason[j] ?? c.status[j]}`);
      else {
        dev = Math.max(dev, cell.dev);
        tol = Math.max(tol, cell.tol);
      }
    });
  }
  const top = curves[curves.length - 1];
  const j0 = top.phi.indexOf(0);
  const ctl = j0 >= 0 ? cellOf(top, j0) : null;
  return {
    id: 'angle-gd-stable-step',
    kind: 'finding',
    statement: 'For φ > 0 GD’s largest stable step is the optimum’s linearized bound 2/μ_max(φ), which falls with φ as the signal takes on the spike’s variance.',
    quantity: `max over λ_v ∈ {${curves.map((c) => c.lambdaV).join(', ')}} and φ > 0 of |stableUpTo − 2/μ_max| / (2/μ_max) (${curves[0].rule})`,
    measured: dev,
    predicted: 0,
    tolerance: tol,
    test: '|measured − predicted| ≤ tolerance',
    toleranceRule: `max over the cells of bracket width/(2/μ_max) + the horizon bias ln((B + 1)/ε)/(2H_max) = ${fmtE(curves[0].horizonBias)} (angle-stable-step.ts)`,
    source: 'the step-size scan of `specgd thresholds` on the reduced GD maps (matrix-block coordinates) from W₀; μ_max from the compiled Jacobian at the optimum θθᵀ',
    verdict: undecided.length ? 'inconclusive' : dev <= tol ? 'pass' : 'fail',
    ...(undecided.length ? { reason: `undecided cells: ${undecided.join('; ')}` } : {}),
    control: ctl
      ? { case: `φ = 0 at λ_v = ${top.lambdaV} (the commuting-block model, where the escape-stage crisis binds)`, measured: ctl.dev, verdict: ctl.dev <= tol ? 'pass' : 'fail' }
      : { case: `φ = 0 at λ_v = ${top.lambdaV}: undecided`, measured: 0, verdict: 'inconclusive' },
  };
}

export const angleGdStableStep: ClaimDefinition = {
  id: 'angle-gd-stable-step',
  statement: 'For φ > 0 GD’s largest stable step is the optimum’s linearized bound 2/μ_max(φ).',
  falsifiedBy: 'a measured largest stable step further from 2/μ_max than the bracket width plus the horizon bias at some φ > 0.',
  runs: angleRuns,
  measure(runs, p) {
    const s = angleStudy(runs, p);
    return s && s.stable.length ? [stableStepClaim(s.stable)] : [];
  },
};
