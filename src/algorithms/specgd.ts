/**
 * Spectral GD with the exact polar factor (model.md §3): W ← W − η polar(∇L(W)), polar(G) = U_r V_rᵀ from the
 * thin SVD G = U S Vᵀ truncated at the numerical rank (singular values ≤ signTieRelTol·s_max dropped); for the
 * vector student polar(g) = g/‖g‖ (normalized GD; g = 0 gives no move). Time t = ηk.
 *
 * Reduced map (model.md §4, derived in symbolic/derive.ts `deriveSpecgd`):
 *  - matrix student: polar(Σ_k g_k P_k) = Σ_k sgn(g_k) P_k, so a_k ← a_k − η sgn(g_k), with the tie rule
 *    |g_k| ≤ signTieRelTol · max_j |g_j| ⇒ sgn = 0 (the same tolerance as the SVD's numerical rank);
 *  - vector student: a_k ← a_k − η g_k / √(Σ_j r_j g_j²);
 *  - matrix-block coordinates (θ over several eigen-directions, issue 13): M ← M − η polar(G_S), c_k ← c_k − η sgn(g_k).
 * Flow: the sign flow ȧ_k = −sgn(g_k) has a discontinuous right-hand side (sliding modes); we integrate its
 * smoothing ȧ_k = −tanh(g_k/ε) (matrix) or ȧ_k = −g_k/√(Σ_j r_j g_j² + ε²) (vector) and report its distance to
 * the map.
 *
 * `{ name: "specgd", polar: "newton-schulz" }` is Muon (muon.ts): this file accepts only `polar: "svd"`.
 */
import { z } from 'zod';
import { posInt, positive } from '../core/fields.js';
import { SIGN_TIE_REL_TOL as TIE_REL_TOL } from '../core/tolerances.js';
import { matrixBlockPolar } from '../core/matrix-block.js';
import { ConfigError } from '../core/errors.js';
import type { Algorithm, AlgorithmConfig } from './types.js';

export interface SpecgdConfig extends AlgorithmConfig {
  name: 'specgd';
  eta: number;
  polar: 'svd' | 'newton-schulz';
  /** Newton–Schulz iterations, present only with `polar: "newton-schulz"` (the Muon variant, muon.ts). */
  nsSteps?: number;
}

/** Default Newton–Schulz iteration count (Jordan et al., Muon reference: 5). */
export const DEFAULT_NS_STEPS = 5;

export const algorithm: Algorithm<SpecgdConfig> = {
  id: 'specgd',
  title: 'SpecGD',
  order: 1,
  configName: 'specgd',
  /** SpecGD: W ← W − η polar(∇L(W)); polar = exact UVᵀ ("svd") or Muon's Newton–Schulz quintic. */
  schema: z.strictObject({
    name: z.literal('specgd'),
    eta: positive('step size η'),
    polar: z.enum(['svd', 'newton-schulz'], { error: '"svd" or "newton-schulz"' }).optional(),
    nsSteps: posInt('Newton–Schulz iterations').optional(),
  }),
  keys: ['name', 'eta', 'polar', 'nsSteps'],
  accepts: (c) => c.name === 'specgd' && c.polar !== 'newton-schulz',
  resolve: (p) => {
    const polar = (p.polar as 'svd' | 'newton-schulz' | undefined) ?? 'svd';
    // nsSteps belongs to the Newton–Schulz form only; with the exact polar factor it would be a dead setting.
    return polar === 'newton-schulz' ? { name: 'specgd', eta: p.eta as number, polar, nsSteps: (p.nsSteps as number | undefined) ?? DEFAULT_NS_STEPS } : { name: 'specgd', eta: p.eta as number, polar };
  },
  defaults: { name: 'specgd', eta: 0.002, polar: 'svd' },
  options: [
    { key: 'eta', meaning: 'step size η (t = ηk): W ← W − η polar(∇L)' },
    { key: 'polar', meaning: '`svd` (exact UVᵀ) or `newton-schulz` (the earlier Muon form: Keller quintic, no momentum, no ε; label `specgd-ns<k>`)' },
    { key: 'nsSteps', meaning: `Newton–Schulz iterations of \`polar: "newton-schulz"\` (default ${DEFAULT_NS_STEPS}; not a setting of the exact polar factor)` },
  ],
  label: () => 'specgd',
  // The exact polar factor: an SVD of the m×d gradient per step (≥ m·d·min(m, d) multiply-adds).
  stepCost: (_c, { m, d }) => ({ reducedPasses: 0, fullOps: m * d * Math.min(m, d), reason: 'an SVD per step' }),
  timeStep: 'eta',
  linearResponse: 'polar',
  latex: () => 'W \\leftarrow W - \\eta\\,\\operatorname{polar}(\\nabla L(W)),\\quad \\operatorname{polar}(U S V^\\top) = U V^\\top',
  describe: (c) => `SpecGD (exact polar factor), η = ${c.eta}`,
  full(config, { m, d, backend, tieRelTol }) {
    const eta = config.eta;
    const size = m * d;
    if (m === 1) {
      return {
        step(W, G) {
          // polar(g) = g/‖g‖ for a vector (never an SVD); g = 0 → no move
          let g2 = 0;
          for (let i = 0; i < d; i++) g2 += G[i] * G[i];
          if (g2 > 0) {
            const s = eta / Math.sqrt(g2);
            for (let i = 0; i < d; i++) W[i] -= s * G[i];
          }
          return null;
        },
      };
    }
    const ws = backend.svdWorkspace(m, d);
    const P = new Float64Array(size);
    const Gs = new Float64Array(size);
    return {
      step(W, G) {
        // polar(G) = polar(G/s) for s > 0: an SVD of entries near the float64 range limits (λ up to 1e100 gives
        // gradients ~1e194, whose squares overflow inside the SVD) runs on G/max|G_ij| instead. Other gradients are
        // passed as they are (bit-identical results).
        let gmax = 0;
        for (let i = 0; i < size; i++) gmax = Math.max(gmax, Math.abs(G[i]));
        let input = G;
        if (gmax > 1e100 || (gmax > 0 && gmax < 1e-100)) {
          for (let i = 0; i < size; i++) Gs[i] = G[i] / gmax;
          input = Gs;
        }
        const res = backend.thinSvdPolar(input, ws, tieRelTol, P);
        if (!res.converged) return 'the SVD of the gradient did not converge (non-finite gradient)';
        for (let i = 0; i < size; i++) W[i] -= eta * P[i];
        return null;
      },
    };
  },
  reducible: () => null,
  reduced(config, sys) {
    const { n, ranks } = sys;
    const eta = config.eta;
    // The tie tolerance is the same constant the full-dimensional SVD uses for its numerical rank.
    const tol = TIE_REL_TOL;
    const mb = sys.matrixBlock;
    if (mb) {
      // Matrix-block coordinates (issue 13): polar(∇L) = polar(G_S) ⊕ sgn(g_k), tie rule across both
      // (core/matrix-block.ts; the 2×2 polar factor in closed form, a small SVD for K > 2).
      return {
        step(a, g, aNext, dir) {
          matrixBlockPolar(g, mb, n, tol, dir);
          for (let k = 0; k < n; k++) aNext[k] = a[k] - eta * dir[k];
        },
      };
    }
    if (sys.student === 'matrix') {
      return {
        step(a, g, aNext, dir) {
          let mx = 0;
          for (let k = 0; k < n; k++) mx = Math.max(mx, Math.abs(g[k]));
          const cut = tol * mx;
          for (let k = 0; k < n; k++) {
            const s = Math.abs(g[k]) <= cut ? 0 : Math.sign(g[k]);
            dir[k] = s;
            aNext[k] = a[k] - eta * s;
          }
        },
      };
    }
    return {
      step(a, g, aNext, dir) {
        let s = 0;
        for (let k = 0; k < n; k++) s += ranks[k] * g[k] * g[k];
        const norm = Math.sqrt(s);
        for (let k = 0; k < n; k++) {
          dir[k] = norm === 0 ? 0 : g[k] / norm;
          aNext[k] = a[k] - eta * dir[k];
        }
      },
    };
  },
  reducedLatex: (_c, s) => s.map((x) => `${x} \\leftarrow ${x} - \\eta\\,\\operatorname{sgn}(g_{${x}})`).join(',\\quad '),
  flow: {
    id: 'sign-flow',
    title: 'smoothed sign flow',
    smoothed: true,
    rhs(sys, epsilon) {
      const g = new Float64Array(sys.n);
      if (sys.student === 'vector') {
        /** ȧ_k = −g_k / √(Σ_j r_j g_j² + ε²). */
        return (_t, y, out) => {
          sys.grad(y, g);
          let s = epsilon * epsilon;
          for (let k = 0; k < sys.n; k++) s += sys.ranks[k] * g[k] * g[k];
          const inv = 1 / Math.sqrt(s);
          for (let k = 0; k < sys.n; k++) out[k] = -g[k] * inv;
        };
      }
      /** ȧ_k = −tanh(g_k/ε). */
      if (sys.matrixBlock) throw new ConfigError('flows', 'sign-flow', 'the gradient flow only for a signal over several eigen-directions (the smoothed sign flow tanh(g_k/ε) is defined on block coefficients, not on the matrix block of issue 13); use the SpecGD map');
      return (_t, y, out) => {
        sys.grad(y, g);
        for (let k = 0; k < sys.n; k++) out[k] = -Math.tanh(g[k] / epsilon);
      };
    },
  },
  gradientMap: false,
  signSwitchEvents: true,
};
