/**
 * Magnitude misalignment ratio (issue 11), the misalignment ratio of the block magnitudes |a|_k = ‖W P_k‖_F/√r_k:
 * spiked model |b|/|a| = ‖W v‖/‖W θ‖; other models max_{k≠s}|a|_k/|a|_s; 0 when |a|_s = 0 (core/blocks.ts
 * `blockMisalignmentRatio` applied to the magnitudes). Series `ratio_mag`.
 *
 * Unlike the signed ratio b/a it is a function of WᵀW only, so it is invariant under the left rotation W → QW the
 * loss does not see: it is the misalignment a finite-sample theory of the statistics of WᵀW predicts (the
 * Gaussian-source ensemble of dynamics/response/source-ensemble.ts). On the block manifold it equals |b/a|
 * (spiked) or the ratio itself, so a theory trajectory derives it from `ratio` (compare/series.ts, like `a_mag`
 * from `a`). Not defined for matrix-block coordinates (issue 13), whose `ratio` is already rotation-invariant.
 */
import { blockMisalignmentRatio } from '../core/blocks.js';
import type { Statistic } from './types.js';

export const statistic: Statistic = {
  id: 'magnitude-ratio',
  order: 3.5,
  title: 'misalignment ratio of the block magnitudes',
  axis: { label: '‖Wv‖/‖Wθ‖ (or max_{k≠s}|a|_k/|a|_s)', scale: 'log' },
  compared: false,
  gram: true,
  inTheory: false,
  names: (m) => (m.matrixBlock || m.symbols.length < 2 ? [] : ['ratio_mag']),
  full(view, m, out, offset) {
    out[offset] = blockMisalignmentRatio(view.magnitude, m.signal, m.spike);
  },
  reduced(a, m, out, offset) {
    out[offset] = Math.abs(blockMisalignmentRatio(a, m.signal, m.spike, a.length));
  },
};
