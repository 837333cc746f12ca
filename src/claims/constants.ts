/** Constants shared by the claims' tolerance rules. */

/** Unit roundoff of IEEE doubles, 2⁻⁵³. */
export const UNIT_ROUNDOFF = 2 ** -53;
/**
 * Standard-error multiplier for fitted slopes: ≈ 99.7% two-sided only for a normal estimate with many residual
 * degrees of freedom. With the few points of the stability and cycle fits (N − 2 = 3–4 d.o.f.) the Student-t
 * quantile at that level is ≈ 6–9, and for deterministic curves the residual SE measures lack of fit, not noise:
 * there 3·SE is a heuristic, not a derived tolerance.
 */
export const FIT_Z = 3;
/** The end of a constant-step run taken as its end cycle: the last quarter of the records. */
export const END_CYCLE_FRACTION = 0.25;

/** A number in a tolerance rule's text. */
export function fmtE(x: number): string {
  return x.toPrecision(12);
}
