/**
 * Block magnitudes |a|_k = ‖W P_k‖_F / √r_k (model.md §5), defined for every student width; on the block manifold
 * |a|_k = |a_k| (matrix: ‖a_k P_k‖_F = |a_k|√r_k; vector: ‖P_k w‖ = |a_k|‖P_k𝟙‖ = |a_k|√r_k). Series `<symbol>_mag`.
 */
import type { Statistic } from './types.js';

export const statistic: Statistic = {
  id: 'magnitude',
  order: 1,
  title: 'block magnitudes',
  axis: { label: '‖W P_k‖_F / √r_k', scale: 'log' },
  compared: false,
  gram: true,
  inTheory: false,
  names: (m) => m.symbols.map((s) => `${s}_mag`),
  full(view, _m, out, offset) {
    out.set(view.magnitude, offset);
  },
  reduced(a, _c, out, offset) {
    for (let k = 0; k < a.length; k++) out[offset + k] = Math.abs(a[k]);
  },
};
