/**
 * Misalignment ratio (model.md §5, core/blocks.ts): spiked model b/a (signed); other models max_{k≠s}|a_k|/|a_s|;
 * 0 when a_s = 0. One id on both sides: `ratio`. Matrix-block coordinates (issue 13): ‖Wθ⊥‖/‖Wθ‖ (spiked) or
 * max(‖MΠ⊥‖₂, max_k|c_k|)/‖Wθ‖ (core/matrix-block.ts `matrixBlockMisalignment`; invariant under W → OW, |b/a| at
 * φ = 0), from the coordinates on both sides.
 */
import { blockMisalignmentRatio } from '../core/blocks.js';
import { matrixBlockMisalignment } from '../core/matrix-block.js';
import type { Statistic } from './types.js';

export const statistic: Statistic = {
  id: 'ratio',
  order: 3,
  title: 'misalignment ratio',
  axis: { label: 'misalignment (b/a or max_{k≠s}|a_k|/|a_s|)', scale: 'log' },
  compared: true,
  inTheory: true,
  names: () => ['ratio'],
  full(view, m, out, offset) {
    out[offset] = m.matrixBlock ? matrixBlockMisalignment(view.signed, m.matrixBlock, view.signed.length, m.spike >= 0) : blockMisalignmentRatio(view.signed, m.signal, m.spike);
  },
  reduced(a, m, out, offset) {
    out[offset] = m.matrixBlock ? matrixBlockMisalignment(a, m.matrixBlock, a.length, m.spike >= 0) : blockMisalignmentRatio(a, m.signal, m.spike, a.length);
  },
};
