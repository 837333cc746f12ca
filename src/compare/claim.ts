/**
 * A claim of model.md §6 as measured by the tool: the measured value, what the analysis predicts (itself computed
 * by the tool, from the derivation or the theory runs — never typed in), the tolerance and how it was derived,
 * the verdict, and a negative control: the same measurement on a case where the statement is false, which must
 * give `fail` (a claim whose control passes cannot fail and says nothing). `claims.json` holds
 * { id, kind, statement, measured, tolerance, verdict, control } plus these details.
 */

/** `inconclusive`: the run cannot decide at the stated power (the reason is in `reason`). */
export type ClaimVerdict = 'pass' | 'fail' | 'inconclusive';

/** `finding`: a statement of the analysis; `check`: an identity of the implementation (e.g. of the sign map). */
export type ClaimKind = 'finding' | 'check';

/** The negative control: the same measurement and test on a case where the statement is false. */
export interface ClaimControl {
  /** The case (perturbed model, wrong prediction, sub-threshold λ_v, shuffled labels, …). */
  case: string;
  measured: number;
  verdict: ClaimVerdict;
}

export interface Claim {
  id: string;
  kind: ClaimKind;
  statement: string;
  /** What `measured` is (units, definition). */
  quantity: string;
  measured: number;
  /** The prediction `measured` is tested against (null for one-sided checks stated in `test`). */
  predicted: number | null;
  tolerance: number;
  /** The test, e.g. "|measured − predicted| ≤ tolerance" or "measured ≤ tolerance". */
  test: string;
  /** How the tolerance was derived. */
  toleranceRule: string;
  /** Which runs the measurement comes from. */
  source: string;
  verdict: ClaimVerdict;
  /** Why the verdict is `inconclusive` (absent otherwise). */
  reason?: string;
  control: ClaimControl;
}

/** Verdict of a two-sided check |measured − predicted| ≤ tolerance. */
export function twoSided(measured: number, predicted: number, tolerance: number): 'pass' | 'fail' {
  return Math.abs(measured - predicted) <= tolerance ? 'pass' : 'fail';
}

/** Verdict of a one-sided check measured ≤ bound. */
export function atMost(measured: number, bound: number): 'pass' | 'fail' {
  return measured <= bound ? 'pass' : 'fail';
}

/** The verdicts a claims.json entry may carry. */
export const VERDICTS: readonly ClaimVerdict[] = ['pass', 'fail', 'inconclusive'];
