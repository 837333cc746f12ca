/**
 * Closed form of the misalignment peak under gradient flow, in the early-stage two-block limit.
 *
 * Setting (model.md §4, matrix student, spiked model): gradient flow ȧ_k = −g_k with
 * g_k = 4κ · a_k (λ_k T + 2 λ_k² e_k) (κ = ¼ gives model.md's formula). Drop the bulk (c ≡ 0, "bulk negligible")
 * and write p = λ_θ(a² − 1), q = λ_v b², T = p + q. Then
 *
 *   d ln a/dt = −4κ λ_θ (3p + q),   d ln b/dt = −4κ λ_v (p + 3q),
 *   d ln(b/a)/dt = 4κ [ −λ_v (p + 3q) + λ_θ (3p + q) ],
 *
 * which vanishes on the line q(3λ_v − λ_θ) = p(3λ_θ − λ_v).
 *
 * No closed form for the full two-block flow: with p free, (a², b²) obey a planar quadratic (Lotka–Volterra type)
 * system u̇ = −8κλ_θ u(3λ_θ(u − 1) + λ_v w), ẇ = −8κλ_v w(λ_θ(u − 1) + 3λ_v w) (u = a², w = b²), whose orbits are not
 * elementary in general; we do not claim one. The closed form below is EXACT for the early-stage limit system, in
 * which the signal is still small, a² ≪ 1, so p ≡ −λ_θ (the only approximation, error O(a²)):
 *
 *   LIMIT SYSTEM:  ȧ = 4κ λ_θ a (3λ_θ − λ_v b²),   ḃ = 4κ λ_v b (λ_θ − 3λ_v b²),   a(0) = b(0) = α.
 *
 * There q = λ_v b² is logistic, q̇ = r q (1 − q/K) with r = 8κ λ_θ λ_v, K = λ_θ/3, q₀ = λ_v α²:
 *   q(t) = K / (1 + ((K − q₀)/q₀) e^{−rt}),
 * and ρ = ln(b/a) has ρ̇ = 4κ [λ_θ(λ_v − 3λ_θ) + (λ_θ − 3λ_v) q], which changes sign from + to − exactly once,
 * where q = q* = λ_θ(λ_v − 3λ_θ)/(3λ_v − λ_θ), provided λ_v > 3λ_θ and q₀ < q* (then q₀ < q* < K). Hence
 *   t* = (1/r) ln[ q*(K − q₀) / (q₀(K − q*)) ],
 * and, with ∫₀ᵗ q = K t − (K/r) ln(q(t)/q₀) (from q̇/q = r(1 − q/K)),
 *   ρ* = ln(b/a)(t*) = ((3λ_v − λ_θ)/(6λ_v)) ln(q* / q₀) − (32κ/3) λ_θ² t*,   peak of b/a = e^{ρ*}.
 * (For κ = ¼ the last coefficient is 8λ_θ²/3.) Otherwise (λ_v ≤ 3λ_θ or q₀ ≥ q*) ρ̇(0) ≤ 0 and ρ̇ stays ≤ 0 after:
 * the supremum of b/a is its initial value 1 at t = 0 (`interior: false`).
 *
 * Verified with sympy (scratch: q(t) solves the logistic ODE; q(t*) = q*; ∫q as above) and against scipy's
 * solve_ivp event on the limit system (agreement ~1e-12); the test suite checks it against the odex event.
 */

export interface MisalignmentPeakParams {
  lambdaTheta: number;
  lambdaV: number;
  /** Initial scale: a(0) = b(0) = α. */
  alpha: number;
  /** κ in L = κ E[(f − y)²]; default ¼ (model.md). */
  lossScale?: number;
}

export interface MisalignmentPeak {
  /** Time of the peak of b/a (0 when there is no interior peak). */
  t: number;
  /** Peak value of b/a (= e^{ρ*}). */
  value: number;
  /** ρ* = ln(b/a) at the peak. */
  logValue: number;
  /** q* = λ_v b² at the peak (0 when there is no interior peak). */
  qStar: number;
  /** True when the peak is an interior maximum (λ_v > 3λ_θ and q₀ < q*). */
  interior: boolean;
  /** The derivation as KaTeX-renderable display lines. */
  latex: string[];
}

/** Time derivative of (a, b) for the early-stage two-block limit system above (the system the closed form is exact for). */
export function earlyTwoBlockLimitRhs(params: MisalignmentPeakParams): (a: number, b: number, out: Float64Array) => void {
  const { lambdaTheta: lt, lambdaV: lv } = params;
  const k4 = 4 * (params.lossScale ?? 0.25);
  return (a, b, out) => {
    const q = lv * b * b;
    out[0] = k4 * lt * a * (3 * lt - q);
    out[1] = k4 * lv * b * (lt - 3 * q);
  };
}

/** t*, ρ* and b/a at the peak (see the module comment for the derivation). */
export function misalignmentPeakClosedForm(params: MisalignmentPeakParams): MisalignmentPeak {
  const { lambdaTheta: lt, lambdaV: lv, alpha } = params;
  const kappa = params.lossScale ?? 0.25;
  for (const [name, v] of [['lambdaTheta', lt], ['lambdaV', lv], ['alpha', alpha], ['lossScale', kappa]] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`misalignmentPeakClosedForm: ${name} must be a finite number > 0, got ${v}`);
  }
  const r = 8 * kappa * lt * lv;
  const K = lt / 3;
  const q0 = lv * alpha * alpha;
  const qStar = (lt * (lv - 3 * lt)) / (3 * lv - lt);
  const latex = [
    String.raw`p = \lambda_\theta (a^2 - 1),\quad q = \lambda_v b^2,\quad c \equiv 0`,
    String.raw`\frac{d}{dt}\ln\frac{b}{a} = 4\kappa\left[-\lambda_v (p + 3q) + \lambda_\theta (3p + q)\right] = 0 \iff q\,(3\lambda_v - \lambda_\theta) = p\,(3\lambda_\theta - \lambda_v)`,
    String.raw`\text{early stage } (a^2 \ll 1,\ p \equiv -\lambda_\theta):\quad \dot q = r\,q\left(1 - \frac{q}{K}\right),\quad r = 8\kappa\lambda_\theta\lambda_v,\ K = \frac{\lambda_\theta}{3},\ q_0 = \lambda_v \alpha^2`,
    String.raw`q(t) = \frac{K}{1 + \frac{K - q_0}{q_0} e^{-r t}},\qquad q^\ast = \frac{\lambda_\theta(\lambda_v - 3\lambda_\theta)}{3\lambda_v - \lambda_\theta}\quad(\lambda_v > 3\lambda_\theta,\ q_0 < q^\ast)`,
    String.raw`t^\ast = \frac{1}{r}\ln\frac{q^\ast (K - q_0)}{q_0 (K - q^\ast)}`,
    String.raw`\ln\frac{b}{a}\Big|_{t^\ast} = \frac{3\lambda_v - \lambda_\theta}{6\lambda_v}\ln\frac{q^\ast}{q_0} - \frac{32\kappa}{3}\lambda_\theta^2\, t^\ast`,
  ];
  if (!(lv > 3 * lt) || !(q0 < qStar)) {
    return { t: 0, value: 1, logValue: 0, qStar: 0, interior: false, latex: [...latex, String.raw`\text{otherwise } \tfrac{d}{dt}\ln\tfrac{b}{a} \le 0 \text{ for all } t \ge 0:\ \sup_t b/a = 1 \text{ at } t = 0`] };
  }
  const t = Math.log((qStar * (K - q0)) / (q0 * (K - qStar))) / r;
  const logValue = ((3 * lv - lt) / (6 * lv)) * Math.log(qStar / q0) - ((32 * kappa) / 3) * lt * lt * t;
  return { t, value: Math.exp(logValue), logValue, qStar, interior: true, latex };
}
