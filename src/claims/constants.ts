/** Constants and derived rules shared by the claims' tolerances. */
import type { LineFit } from '../compare/measure.js';
import { studentTwoSidedQuantile, studentTwoSidedTail } from '../core/special.js';

/** Unit roundoff of IEEE doubles, 2⁻⁵³. */
export const UNIT_ROUNDOFF = 2 ** -53;
/**
 * False-alarm level of every fitted-slope test: a correct prediction fails with probability FALSE_ALARM when the
 * fit's residuals are independent normal errors (two-sided).
 */
export const FALSE_ALARM = 0.01;
/** Required power against the stated alternative before a fit test may pass (else `inconclusive`). */
export const POWER = 0.9;
/** The end of a constant-step run taken as its end cycle: the last quarter of the records. */
export const END_CYCLE_FRACTION = 0.25;

/** A number in a tolerance rule's text. */
export function fmtE(x: number): string {
  return x.toPrecision(12);
}

/**
 * Tolerance of a fitted slope: t_{1−FALSE_ALARM/2, N−2} × its residual-based standard error (Student-t quantile with
 * the fit's N − 2 degrees of freedom), plus any extra deterministic term.
 */
export function slopeTolerance(fit: LineFit, extra = 0): { tolerance: number; t: number; dof: number; rule: string } {
  const dof = fit.points - 2;
  if (dof < 1) throw new Error(`slopeTolerance: a line fit of ${fit.points} points has no residual degrees of freedom`);
  const t = studentTwoSidedQuantile(FALSE_ALARM, dof);
  return { tolerance: t * fit.slopeSe + extra, t, dof, rule: `t_{1−${FALSE_ALARM}/2, ${dof}} = ${t.toFixed(3)} × SE ${fit.slopeSe.toExponential(3)} of the fitted slope (residual-based, ${fit.points} points, ${dof} d.o.f.; false-alarm level ${FALSE_ALARM})` };
}

/**
 * Power of the two-sided slope test |β̂ − β₀| ≤ t·SE against the alternative β₁: with δ = |β₁ − β₀|/SE, the
 * probability a t_ν-distributed error shifted by δ falls outside ±t, P(T > t − δ) + P(T < −t − δ) (a shifted-t
 * approximation of the noncentral t).
 */
export function slopePower(fit: LineFit, predicted: number, alternative: number): number {
  const dof = fit.points - 2;
  const t = studentTwoSidedQuantile(FALSE_ALARM, dof);
  if (!(fit.slopeSe > 0)) return 1;
  const delta = Math.abs(alternative - predicted) / fit.slopeSe;
  const upper = (x: number) => (x >= 0 ? studentTwoSidedTail(x, dof) / 2 : 1 - studentTwoSidedTail(-x, dof) / 2);
  return upper(t - delta) + (1 - upper(-t - delta));
}
