/**
 * Overlap θᵀWᵀWθ / ‖WᵀW‖_F (model.md §5; 0 when W = 0). On the manifold: matrix a_s² / √(Σ_k r_k a_k⁴); vector
 * (WᵀW = wwᵀ) a_s² / Σ_k r_k a_k². Matrix-block coordinates (issue 13): ‖Mt‖² / √(‖MᵀM‖_F² + Σ_k r_k c_k⁴).
 */
import { matrixBlockOverlap } from '../core/matrix-block.js';
import type { Statistic } from './types.js';

export const statistic: Statistic = {
  id: 'overlap',
  order: 5,
  title: 'overlap',
  axis: { label: 'θᵀWᵀWθ / ‖WᵀW‖_F', scale: 'linear' },
  compared: false,
  inTheory: false,
  names: () => ['overlap'],
  full(view, _m, out, offset) {
    const M = view.gram();
    const { d, theta } = view;
    let fro2 = 0;
    let tMt = 0;
    for (let i = 0; i < d; i++) {
      const r = i * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = M[r + j];
        fro2 += v * v;
        s += v * theta[j];
      }
      tMt += theta[i] * s;
    }
    const fro = Math.sqrt(fro2);
    out[offset] = fro > 0 ? tMt / fro : 0;
  },
  reduced(a, m, out, offset) {
    if (m.matrixBlock) {
      out[offset] = matrixBlockOverlap(a, m.matrixBlock, m.ranks, a.length);
      return;
    }
    let den = 0;
    for (let k = 0; k < a.length; k++) den += m.student === 'matrix' ? m.ranks[k] * a[k] ** 4 : m.ranks[k] * a[k] * a[k];
    const as2 = a[m.signal] * a[m.signal];
    out[offset] = den > 0 ? as2 / (m.student === 'matrix' ? Math.sqrt(den) : den) : 0;
  },
};
