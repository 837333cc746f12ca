/**
 * Analytic step-size bounds of the GD map a ← a − η̃ g(a) (model.md §4, §6), derived by the engine from the
 * compiled system and the exact polynomials of the derivation — none is typed in.
 *
 *  - **The optimum's linearized bound** 2/μ_max, μ_max the largest eigenvalue of J = ∂g/∂a at a* (via
 *    `sys.gradJacobian`; J = R⁻¹H is similar to a symmetric matrix, so the μ are real). At η̃ = 2/μ_max the map's
 *    multiplier 1 − η̃μ_max crosses −1: a period-doubling onset, beyond which a* repels and the run settles on a
 *    cycle around it (not a divergence).
 *  - **Block-restricted maps.** With every coefficient but a_k at 0, the block gradient is g_k(x e_k) =: p_k(x),
 *    and x ← F(x) = x − η̃ p_k(x) is a 1-D map (an invariant line: a zero coefficient stays zero). The engine reads
 *    p_k from the exact polynomial g_k; in this model family it is an odd cubic p_k(x) = −κ₁x + κ₃x³ with
 *    κ₁ = −∂g_k/∂a_k(0) the block's growth rate at a = 0 (it grows by 1 + η̃κ₁ per step). For such a map, with
 *    h = η̃κ₁ and x = √(κ₁/κ₃)·u, F is conjugate to u ↦ (1 + h)u − hu³:
 *      · its nonzero fixed points u = ±1 have multiplier 1 − 2h: period doubling at h = 1 (η̃ = 1/κ₁);
 *      · [−U, U] with U² = (2 + h)/h is the largest invariant interval (F(U) = −U); it contains the critical value
 *        F(u_c) = (2/3)(1 + h)√((1 + h)/(3h)) iff 4(1 + h)³ ≤ 27(2 + h) ⇔ (h − 2)(2h + 5)² ≤ 0 ⇔ h ≤ 2.
 *        For h ≤ 2 every orbit from (−U, U) stays bounded; for h > 2 the critical orbit escapes and almost every
 *        orbit goes to infinity (boundary crisis). So the restricted map diverges from small x iff η̃ > 2/κ₁.
 *    The crisis η̃ is also found numerically on the compiled restricted map, without the closed form: the largest η̃
 *    with max_{[0,U]} F ≤ U (U the first x > 0 with F(x) ≤ −x), by bisection; the two must agree.
 *  - **The escape-stage bound**: the smallest crisis η̃ over the non-signal blocks that grow from a = 0 (κ₁ > 0).
 *    While the signal and the bulk are ≪ 1, the fastest-growing block (the spike when λ_v > σ²) evolves by its
 *    restricted map and saturates; above this η̃ it leaves every bounded set before the signal has grown.
 *  - **The optimum's divergence onset**: the crisis η̃ of the signal-restricted map (its nonzero fixed point is a*).
 */
import type { CompiledSystem } from '../../symbolic/compiled.js';
import type { Derivation } from '../../symbolic/derive.js';
import { Poly, Rational } from '../../symbolic/poly.js';
import { symmetricEigenvalues } from '../../symbolic/dense.js';

/** An expression of the model's symbols: plain infix (mathjs/sympy) and LaTeX. */
export interface BoundExpr {
  infix: string;
  latex: string;
}

export interface RestrictedMapBound {
  block: string;
  /** κ₁ = −∂g_k/∂a_k(0) (compiled system). */
  growthRate: number;
  /** κ₁ as an expression of the model's symbols (derivation), or null. */
  growthRateExpr: BoundExpr | null;
  /** p_k(x) = −κ₁x + κ₃x³ exactly (from the polynomial), else null and the reason in `note`. */
  oddCubic: { kappa1: number; kappa3: number } | null;
  /** x* > 0 with p_k(x*) = 0 (numeric root), null when κ₁ ≤ 0. */
  fixedPoint: number | null;
  /** η̃ = 2/p_k'(x*): the fixed point's period-doubling onset (numeric). */
  periodDoubling: number | null;
  /** Crisis η̃ found numerically on the restricted compiled map (see the module comment). */
  crisis: number | null;
  /** 2/κ₁ for an odd cubic: value and expression. */
  crisisClosedForm: { value: number; expr: BoundExpr | null } | null;
  note: string | null;
}

export interface AnalyticBounds {
  optimum: {
    /** 2/μ_max at a*. */
    value: number | null;
    expr: BoundExpr | null;
    /** Eigenvalues μ of J(a*) (ascending). */
    eigenvalues: number[];
    rule: string;
  };
  escape: { value: number; block: string; expr: BoundExpr | null; rule: string } | null;
  optimumDivergence: { value: number; expr: BoundExpr | null; rule: string } | null;
  restricted: RestrictedMapBound[];
  /** min(optimum, escape): the predicted stableUpTo, and which bound gives it. */
  predictedStableUpTo: { value: number; binds: 'optimum' | 'escape-stage' } | null;
  /** min(escape, optimumDivergence): the predicted smallest diverging η̃. */
  predictedDivergesFrom: number | null;
}

/** Real eigenvalues (ascending) of J = ∂g/∂a at `a`, via the symmetrization R^{1/2} J R^{−1/2}. */
export function jacobianEigenvalues(sys: CompiledSystem, a: Float64Array, work = new Float64Array(sys.n * sys.n)): number[] {
  const n = sys.n;
  sys.gradJacobian(a, work);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const sij = Math.sqrt(sys.ranks[i] / sys.ranks[j]) * work[i * n + j];
      const sji = Math.sqrt(sys.ranks[j] / sys.ranks[i]) * work[j * n + i];
      S[i * n + j] = 0.5 * (sij + sji);
    }
  }
  return symmetricEigenvalues(S, n).sort((x, y) => x - y);
}

/** 2/μ_max when μ_max > 0, else null (no step size makes the point attracting). */
export function linearBound(eigs: number[]): number | null {
  const m = Math.max(...eigs);
  return m > 0 ? 2 / m : null;
}

/** num/den as an expression: den = c·P with P primitive, so num/den = (num/c)/P, printed as p/(q·P). */
export function ratioExpr(num: Rational, den: Poly): BoundExpr {
  const c = den.content();
  const prim = den.scale(c.inv());
  const r = num.div(c);
  const p = r.num;
  const q = r.den;
  const single = prim.size === 1;
  const pInf = single ? prim.toInfix() : `(${prim.toInfix()})`;
  const pTex = prim.toLatex();
  const isOne = prim.asConstant()?.isOne() ?? false;
  if (isOne) return { infix: r.toString(), latex: r.toLatex() };
  return {
    infix: q === 1n ? `${p}/(${pInf})` : `${p}/(${q}*${pInf})`,
    latex: `\\frac{${p}}{${q === 1n ? '' : `${q}\\,`}${single ? pTex : `(${pTex})`}}`,
  };
}

/** g_k on the line a = x e_k (compiled system). */
function restrictedGrad(sys: CompiledSystem, k: number): { p: (x: number) => number; dp: (x: number) => number } {
  const a = new Float64Array(sys.n);
  const g = new Float64Array(sys.n);
  const J = new Float64Array(sys.n * sys.n);
  return {
    p: (x) => {
      a[k] = x;
      sys.grad(a, g);
      return g[k];
    },
    dp: (x) => {
      a[k] = x;
      sys.gradJacobian(a, J);
      return J[k * sys.n + k];
    },
  };
}

/** Bisection of a sign change of f on [lo, hi] (f(lo), f(hi) of opposite signs) to machine resolution. */
function bisect(f: (x: number) => boolean, lo: number, hi: number): [number, number] {
  // f(lo) true, f(hi) false.
  for (let i = 0; i < 200 && hi - lo > 4 * Number.EPSILON * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid)) lo = mid;
    else hi = mid;
  }
  return [lo, hi];
}

/** max of F on [0, U]: 201 samples, then golden-section refinement (60 steps) around the best sample. */
function maxOn(F: (x: number) => number, U: number): number {
  const N = 200;
  let bi = 0;
  let bv = -Infinity;
  for (let i = 0; i <= N; i++) {
    const v = F((U * i) / N);
    if (v > bv) {
      bv = v;
      bi = i;
    }
  }
  let lo = (U * Math.max(0, bi - 1)) / N;
  let hi = (U * Math.min(N, bi + 1)) / N;
  const gr = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60; i++) {
    const x1 = hi - gr * (hi - lo);
    const x2 = lo + gr * (hi - lo);
    if (F(x1) >= F(x2)) hi = x2;
    else lo = x1;
  }
  return Math.max(bv, F(0.5 * (lo + hi)));
}

/**
 * Crisis η̃ of the restricted map x ↦ x − η̃ p(x) (p odd, p(x) < 0 near 0⁺): the largest η̃ whose invariant
 * interval [−U, U] (U = first x > 0 with F(x) ≤ −x) contains max_{[0,U]} F; null if none is found.
 */
function restrictedCrisis(p: (x: number) => number, kappa1: number): number | null {
  const bounded = (eta: number): boolean => {
    const F = (x: number) => x - eta * p(x);
    // U: first x > 0 with F(x) ≤ −x, i.e. η̃ p(x) ≥ 2x.
    let x = 1e-12;
    while (!(eta * p(x) >= 2 * x)) {
      x *= 2;
      if (x > 1e150) return true; // no escape boundary: every orbit stays bounded
    }
    const [, U] = bisect((y) => !(eta * p(y) >= 2 * y), x / 2, x);
    return maxOn(F, U) <= U;
  };
  let lo = 1e-6 / kappa1;
  if (!bounded(lo)) return null;
  let hi = 2 * lo;
  while (bounded(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > 1e12 / kappa1) return null;
  }
  const [l] = bisect(bounded, lo, hi);
  return l;
}

/** Per-block restricted-map bounds (see the module comment). */
export function restrictedMapBounds(sys: CompiledSystem, derivation: Derivation | null, env: Record<string, number> | null): RestrictedMapBound[] {
  const n = sys.n;
  const J0 = new Float64Array(n * n);
  sys.gradJacobian(new Float64Array(n), J0);
  return sys.symbols.map((block, k) => {
    const growthRate = -J0[k * n + k];
    const { p, dp } = restrictedGrad(sys, k);
    let oddCubic: RestrictedMapBound['oddCubic'] = null;
    let growthRateExpr: BoundExpr | null = null;
    let crisisExpr: BoundExpr | null = null;
    let note: string | null = null;
    if (derivation) {
      const v = derivation.stateVars[k];
      const zero = Object.fromEntries(derivation.stateVars.filter((w) => w !== v).map((w) => [w, Rational.ZERO]));
      const h = derivation.gradients[k].subs(zero).divideByPower(v);
      if (!h) note = `g_${block} on its line is not divisible by ${block}`;
      else {
        const coll = h.collect([v]);
        const keys = [...coll.values()].map((e) => (e.mono.vars.length === 0 ? 0 : e.mono.exps[0]));
        const c0 = coll.get('')?.coef ?? Poly.ZERO;
        const c2 = [...coll.values()].find((e) => e.mono.vars.length === 1 && e.mono.exps[0] === 2)?.coef ?? Poly.ZERO;
        if (keys.every((e) => e === 0 || e === 2) && !c2.isZero() && env) {
          const kappa1 = c0.neg();
          oddCubic = { kappa1: kappa1.evaluate(env), kappa3: c2.evaluate(env) };
          growthRateExpr = { infix: kappa1.toInfix(), latex: kappa1.toLatex() };
          if (!kappa1.isZero()) crisisExpr = ratioExpr(Rational.of(2), kappa1);
        } else note = `g_${block} on its line is not an odd cubic −κ₁${block} + κ₃${block}³ (the crisis is still found numerically)`;
      }
    }
    let fixedPoint: number | null = null;
    let periodDoubling: number | null = null;
    let crisis: number | null = null;
    if (growthRate > 0) {
      // Smallest x > 0 with p(x) = 0 (p < 0 just above 0 since p'(0) = −κ₁ < 0).
      let x = 1e-12;
      while (p(x) < 0 && x < 1e150) x *= 2;
      if (p(x) >= 0) {
        const [, r] = bisect((y) => p(y) < 0, x / 2, x);
        fixedPoint = r;
        const slope = dp(r);
        periodDoubling = slope > 0 ? 2 / slope : null;
      }
      crisis = restrictedCrisis(p, growthRate);
    } else note = note ?? `${block} does not grow from a = 0 (κ₁ = ${growthRate} ≤ 0): no restricted-map bound`;
    const crisisClosedForm = oddCubic && oddCubic.kappa1 > 0 ? { value: 2 / oddCubic.kappa1, expr: crisisExpr } : null;
    return { block, growthRate, growthRateExpr, oddCubic, fixedPoint, periodDoubling, crisis, crisisClosedForm, note };
  });
}

/** The optimum's linearized bound, with its expression when J(a*) is diagonal in the derivation. */
function optimumBound(sys: CompiledSystem, aStar: Float64Array, derivation: Derivation | null, env: Record<string, number> | null): AnalyticBounds['optimum'] {
  const eigenvalues = jacobianEigenvalues(sys, aStar);
  const value = linearBound(eigenvalues);
  let expr: BoundExpr | null = null;
  if (derivation && env && value !== null) {
    const at = Object.fromEntries(derivation.stateVars.map((v, k) => [v, Rational.fromNumber(aStar[k])]));
    const Jp = derivation.gradJacobian.map((row) => row.map((q) => q.subs(at)));
    const diagonal = Jp.every((row, i) => row.every((q, j) => i === j || q.isZero()));
    if (diagonal) {
      let best = -1;
      let bv = -Infinity;
      Jp.forEach((row, k) => {
        const v = row[k].evaluate(env);
        if (v > bv) {
          bv = v;
          best = k;
        }
      });
      if (best >= 0) expr = ratioExpr(Rational.of(2), Jp[best][best]);
    }
  }
  return {
    value,
    expr,
    eigenvalues,
    rule: '2/μ_max, μ_max the largest eigenvalue of J = ∂g/∂a at the optimum a* (sys.gradJacobian): at this η̃ the GD-map multiplier 1 − η̃μ_max reaches −1 (period-doubling onset; beyond it a* repels and the run cycles around it)',
  };
}

/** All analytic bounds of the GD map for this system (see the module comment). */
export function analyticBounds(sys: CompiledSystem, signal: number, aStar: Float64Array, derivation: Derivation | null, env: Record<string, number> | null): AnalyticBounds {
  const optimum = optimumBound(sys, aStar, derivation, env);
  const restricted = restrictedMapBounds(sys, derivation, env);
  let escape: AnalyticBounds['escape'] = null;
  restricted.forEach((r, k) => {
    if (k === signal || r.crisis === null) return;
    if (!escape || r.crisis < escape.value) {
      escape = {
        value: r.crisis,
        block: r.block,
        expr: r.crisisClosedForm?.expr ?? null,
        rule: `smallest crisis η̃ over the non-signal blocks that grow from a = 0: here the ${r.block}-restricted map x ← x − η̃ g_${r.block}(x e_${r.block}) (the other coefficients ≪ 1 during the escape), whose invariant interval [−U, U] stops containing its critical value at η̃ = 2/κ₁ (κ₁ = ${r.growthRate}); found numerically on the compiled map`,
      };
    }
  });
  const sig = restricted[signal];
  const optimumDivergence = sig.crisis !== null ? { value: sig.crisis, expr: sig.crisisClosedForm?.expr ?? null, rule: `crisis η̃ of the signal-restricted map (its nonzero fixed point is the optimum): beyond it the cycles around a* are no longer bounded` } : null;
  const esc = escape as AnalyticBounds['escape'];
  let predictedStableUpTo: AnalyticBounds['predictedStableUpTo'] = null;
  if (optimum.value !== null || esc) {
    const o = optimum.value ?? Infinity;
    const e = esc?.value ?? Infinity;
    predictedStableUpTo = e < o ? { value: e, binds: 'escape-stage' } : { value: o, binds: 'optimum' };
  }
  const divCandidates = [esc?.value, optimumDivergence?.value].filter((x): x is number => x !== undefined);
  return { optimum, escape: esc, optimumDivergence, restricted, predictedStableUpTo, predictedDivergesFrom: divCandidates.length ? Math.min(...divCandidates) : null };
}
