/**
 * Signal norm ‖Wθ‖ = √(θᵀWᵀWθ) (issue 13), defined for models whose signal touches several eigen-directions (the
 * matrix-block coordinates; elsewhere it is |a_s| and the `coefficient` series already carries it, so it produces
 * no series there). Invariant under W → OW like the student f_W = xᵀWᵀWx: escape and the comparison window use it
 * on these models. Full: ‖Wθ‖ from W and θ; reduced: ‖Mt‖ (core/matrix-block.ts `signalNorm`).
 */
import { signalNorm } from '../core/matrix-block.js';
import type { Statistic } from './types.js';

export const statistic: Statistic = {
  id: 'signal',
  order: 6,
  title: 'signal norm',
  axis: { label: '‖Wθ‖', scale: 'log' },
  compared: true,
  inTheory: true,
  names: (m) => (m.matrixBlock ? ['signal'] : []),
  full(view, _m, out, offset) {
    const { m, d, W, theta } = view;
    let s = 0;
    for (let i = 0; i < m; i++) {
      let r = 0;
      for (let j = 0; j < d; j++) r += W[i * d + j] * theta[j];
      s += r * r;
    }
    out[offset] = Math.sqrt(s);
  },
  reduced(a, c, out, offset) {
    out[offset] = signalNorm(a, c.matrixBlock!);
  },
};
