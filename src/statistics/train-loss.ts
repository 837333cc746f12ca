/** The training loss L_n(W) = (κ/n) Σ_i (f_W(x_i) − y_i)² on the current sample (finite-sample modes only). */
import type { Statistic } from './types.js';

export const statistic: Statistic = {
  id: 'train-loss',
  order: 6,
  title: 'training loss',
  axis: { label: 'L_n(W)', scale: 'log' },
  compared: false,
  inTheory: false,
  names: (m) => (m.dataMode === 'population' ? [] : ['train_loss']),
  full(view, _m, out, offset) {
    out[offset] = view.trainLoss;
  },
};
