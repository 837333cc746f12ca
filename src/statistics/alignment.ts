/**
 * Alignment |⟨θ, u₁⟩| with u₁ the top eigenvector of WᵀW (model.md §5). When the top eigenvalue is tied (within
 * tieRelTol·λ_max, e.g. W = αI), u₁ is not unique and we report ‖Π_top θ‖, the norm of θ's projection on the top
 * eigenspace (the best alignment over it).
 *  - full: vector student WᵀW = wwᵀ, u₁ = w/‖w‖, alignment |θᵀw|/‖w‖ (0 when w = 0); matrix student √min(1, ‖Π_top θ‖²).
 *  - reduced, matrix student W = Σ_k a_k P_k: WᵀW = Σ_k a_k² P_k, eigenspaces range(P_k), θ spans range(P_s): 1 if
 *    a_s² is tied with the largest a_k², else 0. Vector student: |a_s| / √(Σ_k r_k a_k²) (0 when w = 0).
 *  - reduced, matrix-block coordinates (issue 13): WᵀW = MᵀM ⊕ c_k² P_k, √‖Π_top θ‖² from the K×K eigenproblem
 *    (core/matrix-block.ts `matrixBlockTopProjection2`), non-trivial from step 0.
 */
import { tiedWithTop } from '../core/blocks.js';
import { matrixBlockTopProjection2 } from '../core/matrix-block.js';
import type { Statistic } from './types.js';

export const statistic: Statistic = {
  id: 'alignment',
  order: 4,
  title: 'alignment',
  axis: { label: '|⟨θ, u₁⟩|', scale: 'linear' },
  compared: false,
  inTheory: true,
  names: () => ['alignment'],
  full(view, _m, out, offset) {
    if (view.m === 1) {
      let nw = 0;
      let tw = 0;
      for (let j = 0; j < view.d; j++) {
        nw += view.W[j] * view.W[j];
        tw += view.theta[j] * view.W[j];
      }
      out[offset] = nw > 0 ? Math.abs(tw) / Math.sqrt(nw) : 0;
      return;
    }
    out[offset] = Math.sqrt(Math.min(1, view.topProjection2()));
  },
  reduced(a, m, out, offset) {
    const s = m.signal;
    if (m.matrixBlock) {
      out[offset] = Math.sqrt(Math.min(1, matrixBlockTopProjection2(a, m.matrixBlock, a.length, m.tieRelTol)));
      return;
    }
    if (m.student === 'vector') {
      let norm2 = 0;
      for (let k = 0; k < a.length; k++) norm2 += m.ranks[k] * a[k] * a[k];
      out[offset] = norm2 > 0 ? Math.abs(a[s]) / Math.sqrt(norm2) : 0;
      return;
    }
    let max = 0;
    for (let k = 0; k < a.length; k++) max = Math.max(max, a[k] * a[k]);
    out[offset] = tiedWithTop(a[s] * a[s], max, m.tieRelTol) ? 1 : 0;
  },
};
