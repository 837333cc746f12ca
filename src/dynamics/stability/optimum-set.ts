/**
 * The optimum set of the matrix-block coordinates (issue 13) and GD's linearized bound on it.
 *
 * The set. L depends on W only through D = WᵀW − θθᵀ, and L = 0 iff D = 0 (Σ ≻ 0), so the optima are
 * {W : WᵀW = θθᵀ} = {rθᵀ : ‖r‖ = 1}; in the algebra M_K ⊕ ℝ^m, r ∈ S: M = r tᵀ, every scalar 0 — a circle for K = 2.
 * The Frobenius-nearest optimum to x is r = Mt/‖Mt‖ (‖M − rtᵀ‖² = ‖M‖² − 2rᵀMt + 1 is smallest there; r = t when
 * Mt = 0), scalars 0 (`projectOnOptimumSet`).
 *
 * Normal Hessian. At W* = rθᵀ write W = W* + Δ. Then D = D' + O(Δ²) with D' = ΔᵀW* + W*ᵀΔ = wθᵀ + θwᵀ, w = Δᵀr, and
 * L = κ[tr(DΣ)² + 2tr((DΣ)²)] (model.md §2) gives, with tr(D'Σ) = 2wᵀΣθ and tr((D'Σ)²) = 2(θᵀΣw)² + 2(θᵀΣθ)(wᵀΣw),
 *     L(W* + Δ) = 4κ[2(wᵀΣθ)² + (θᵀΣθ) wᵀΣw] + O(‖Δ‖³) = ½ wᵀ H_S w + O(‖Δ‖³),  H_S = 8κ[2Σθθᵀ Σ + (θᵀΣθ) Σ] on S.
 * The Hessian is 0 on every Δ with Δᵀr = 0 (the tangent sθᵀ, s ⊥ r, the other directions s wᵀ with s ⊥ r, and
 * the scalars) and equals H_S on Δ = r wᵀ (‖Δ‖_F = ‖w‖, coordinates of rank 1). H_S does not depend on r: the
 * normal spectrum is the same at every point of the set (the symmetry W ↦ OW, O orthogonal on S, maps r θᵀ to
 * (Or)θᵀ and leaves L unchanged). The GD map x ← x − η̃ g(x) has multipliers 1 − η̃μ (μ the eigenvalues of J = ∂g/∂x,
 * similar to the Hessian in the rank metric): 1 on the null directions and 1 − η̃μ on the normal ones, so the set
 * attracts linearly iff η̃ < 2/μ_max, μ_max the largest non-zero eigenvalue of J at any optimum = the largest
 * eigenvalue of H_S in the units of the compiled gradient (`optimumSetBound` measures both and their agreement).
 * On a run whose off-diagonal entries are exactly 0 (φ = 0 from αI: an invariant subspace) the directions r wᵀ with
 * w ⊥ θ are never occupied, and the bound relevant to the run is the commuting model's.
 */
import type { MatrixBlockLayout } from '../../core/matrix-block.js';
import type { CompiledSystem } from '../../symbolic/compiled.js';
import { jacobianEigenvalues } from './bounds.js';
import type { OptimumSet } from './classify.js';

/** The nearest optimum r tᵀ ⊕ 0 to x (module comment), into out. */
export function projectOnOptimumSet(x: ArrayLike<number>, L: MatrixBlockLayout, out: Float64Array): void {
  const { K, weights: t } = L;
  const r = new Float64Array(K);
  let n2 = 0;
  for (let i = 0; i < K; i++) {
    let s = 0;
    for (let j = 0; j < K; j++) s += x[i * K + j] * t[j];
    r[i] = s;
    n2 += s * s;
  }
  const nr = Math.sqrt(n2);
  for (let i = 0; i < K; i++) r[i] = nr > 0 ? r[i] / nr : t[i];
  out.fill(0);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) out[i * K + j] = r[i] * t[j];
}

/** The classifier's optimum set of a matrix-block system. */
export function optimumSetOf(sys: CompiledSystem & { matrixBlock: MatrixBlockLayout }): OptimumSet {
  const L = sys.matrixBlock;
  return { label: 'the optimum set WᵀW = θθᵀ', project: (a, out) => projectOnOptimumSet(a, L, out) };
}

/** The optimum r_ψ θᵀ, r_ψ = cos ψ·t + sin ψ·t⊥ (K = 2; for K > 2 the rotation in the plane of e_1 and t). */
export function optimumAt(sys: CompiledSystem & { matrixBlock: MatrixBlockLayout }, psi: number): Float64Array {
  const { K, weights: t } = sys.matrixBlock;
  // t⊥: unit vector of S orthogonal to t (Gram–Schmidt on the first basis vector not parallel to t)
  const e = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    e.fill(0);
    e[k] = 1;
    const c = t[k];
    for (let i = 0; i < K; i++) e[i] -= c * t[i];
    const ne = Math.hypot(...e);
    if (ne > 1e-8) {
      for (let i = 0; i < K; i++) e[i] /= ne;
      break;
    }
  }
  const x = new Float64Array(sys.n);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) x[i * K + j] = (Math.cos(psi) * t[i] + Math.sin(psi) * e[i]) * t[j];
  return x;
}

export interface OptimumSetBound {
  /** 2/μ_max over the non-zero eigenvalues of J at the optimum θθᵀ (null when none is positive). */
  value: number | null;
  /** Eigenvalues of J at θθᵀ (ascending) and which of them are the null directions (|μ| ≤ zeroTol·max|μ|). */
  eigenvalues: number[];
  zeroCount: number;
  /** Eigenvalues of H_S = 8κ[2Σθθᵀ Σ + (θᵀΣθ)Σ] on S from the closed form (ascending), given Σ on S and κ. */
  closedForm: number[] | null;
  /** max over ψ of max_i |μ_i(r_ψ θᵀ) − μ_i(θθᵀ)| / max|μ|: the same spectrum along the set (module comment). */
  alongSet: { psi: number[]; maxRelativeDeviation: number };
  rule: string;
}

const ZERO_TOL = 1e-9;

/** The optimum set's linearized bound (module comment); `sigmaS` = Σ's variances on e_1..e_K, κ the loss scale. */
export function optimumSetBound(sys: CompiledSystem & { matrixBlock: MatrixBlockLayout }, sigmaS: number[] | null, kappa: number | null): OptimumSetBound {
  const star = optimumAt(sys, 0);
  const eigenvalues = jacobianEigenvalues(sys, star);
  const scale = Math.max(...eigenvalues.map(Math.abs));
  const nonzero = eigenvalues.filter((m) => Math.abs(m) > ZERO_TOL * scale);
  const muMax = nonzero.length ? Math.max(...nonzero) : 0;
  const psi = [Math.PI / 7, Math.PI / 3, (2 * Math.PI) / 3, Math.PI, (3 * Math.PI) / 2];
  let dev = 0;
  for (const p of psi) {
    const e = jacobianEigenvalues(sys, optimumAt(sys, p));
    e.forEach((m, i) => (dev = Math.max(dev, Math.abs(m - eigenvalues[i]) / scale)));
  }
  let closedForm: number[] | null = null;
  if (sigmaS && kappa !== null) {
    const { K, weights: t } = sys.matrixBlock;
    const tSt = t.reduce((s, ti, i) => s + sigmaS[i] * ti * ti, 0);
    // H_S = 8κ[2 (Σt)(Σt)ᵀ + (tᵀΣt) Σ], symmetric K×K; its eigenvalues by the characteristic polynomial for K = 2
    const H = Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => 8 * kappa * (2 * sigmaS[i] * t[i] * sigmaS[j] * t[j] + (i === j ? tSt * sigmaS[i] : 0))));
    if (K === 2) {
      const tr = H[0][0] + H[1][1];
      const det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
      const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
      closedForm = [tr / 2 - disc, tr / 2 + disc];
    }
  }
  return {
    value: muMax > 0 ? 2 / muMax : null,
    eigenvalues,
    zeroCount: eigenvalues.length - nonzero.length,
    closedForm,
    alongSet: { psi, maxRelativeDeviation: dev },
    rule: `2/μ_max, μ_max the largest non-zero eigenvalue (|μ| > ${ZERO_TOL}·max|μ|) of J = ∂g/∂x at the optimum θθᵀ (sys.gradJacobian): the normal Hessian of the optimum set {rθᵀ, ‖r‖ = 1}, whose eigenvalues are those of H_S = 8κ[2Σθθᵀ Σ + (θᵀΣθ)Σ] on S at every point of the set; at this η̃ the GD multiplier 1 − η̃μ_max reaches −1 (period-doubling onset normal to the set)`,
  };
}
