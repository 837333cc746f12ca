/**
 * A claim of model.md §6 as measured by the tool: the measured value, what the analysis predicts (itself computed
 * by the tool, from the derivation or the theory runs — never typed in), the tolerance and how it was derived,
 * and the verdict. `claims.json` holds { id, statement, measured, tolerance, verdict } plus these details.
 */
export interface Claim {
  id: string;
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
  verdict: 'pass' | 'fail';
  /** 'check': a consequence of the derivation; 'finding': a measured property the tool reports (absent: check). */
  kind?: 'check' | 'finding';
  /** The negative control: the same measurement on a case where the statement is false (its verdict must be fail). */
  control?: { case: string; measured: number; verdict: 'pass' | 'fail' };
}

/** Verdict of a two-sided check |measured − predicted| ≤ tolerance. */
export function twoSided(measured: number, predicted: number, tolerance: number): 'pass' | 'fail' {
  return Math.abs(measured - predicted) <= tolerance ? 'pass' : 'fail';
}

/** Verdict of a one-sided check measured ≤ bound. */
export function atMost(measured: number, bound: number): 'pass' | 'fail' {
  return measured <= bound ? 'pass' : 'fail';
}
