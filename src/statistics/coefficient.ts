/**
 * Signed block coefficients a_k (model.md §5): tr(P_k W)/r_k for the matrix student, (1/r_k) Σ_{j∈k} q_jᵀw for the
 * vector student; on the block manifold they are the reduced coordinates themselves. Series named by the block
 * symbols (a, b, c or a_1..a_d).
 */
import type { Statistic } from './types.js';

export const statistic: Statistic = {
  id: 'coefficient',
  order: 0,
  title: 'block coefficients',
  axis: { label: 'block coefficient a_k', scale: 'linear' },
  compared: true,
  inTheory: true,
  names: (m) => [...m.symbols],
  full(view, _m, out, offset) {
    out.set(view.signed, offset);
  },
  reduced(a, _c, out, offset) {
    out.set(a, offset);
  },
};
