/** The exact population loss L(W) = κ[tr(DΣ)² + 2 tr((DΣ)²)] (model.md §2); reduced: the derived L(a). */
import type { Statistic } from './types.js';

export const statistic: Statistic = {
  id: 'loss',
  order: 2,
  title: 'population loss',
  axis: { label: 'L(W)', scale: 'log' },
  compared: true,
  gram: true,
  inTheory: true,
  names: () => ['loss'],
  full(view, _m, out, offset) {
    out[offset] = view.populationLoss();
  },
  reduced(a, c, out, offset) {
    out[offset] = c.loss(a);
  },
};
