/** Figure 5: the bulk coefficient |c| on log–log axes per algorithm (GD's slow late decay vs SpecGD's linear contraction). */
import { algorithmsOf } from '../../compare/algorithm-list.js';
import { PALETTE, type FigureSeries } from '../figure-spec.js';
import type { FigureDefinition } from './definition.js';
import { find, simPoints, theoryLine } from './series.js';

export const fig5Bulk: FigureDefinition = {
  id: 'fig5-bulk',
  groups: ['bulk'],
  sections: [],
  build(b) {
    const series: FigureSeries[] = [];
    b.groups.bulk.forEach((g) => {
      algorithmsOf(g.config).forEach((alg, i) => {
        const name = `${alg.label} (${alg.timeSymbol === 'etaTilde' ? 'η̃' : 'η'} = ${alg.eta})`;
        series.push(...theoryLine(find(g.theory, alg.id), 'c', `theory ${name}, ${g.label}`, PALETTE[i], true));
        series.push(...simPoints(find(g.simulation, alg.id), 'c', `simulation ${name}`, PALETTE[i], 50, true, true));
      });
    });
    return {
      id: 'fig5-bulk',
      title: 'Bulk coefficient |c| on log–log axes',
      caption:
        "The bulk coefficient: GD's late phase decays as a power law (a straight line on log–log axes); SpecGD's bulk slides along the manifold g_b = g_c = 0 while the signal rises at η per step (bulk energy (d − 2)σ²c² + λ_v b² ≈ κλ_θ(1 − a²), κ → 1 as d → ∞), not a linear contraction, and freezes at (d − 2)c² = O(η) once the signal reaches 1, after about (1 − α)/η steps (see the claims specgd-bulk-manifold, specgd-bulk-steps and specgd-end-state). The two algorithms run with their own step sizes (legend).",
      panels: [{ title: '|c| vs step', x: { label: 'step k (log scale)', log: true }, y: { label: '|c| (log scale)', log: true }, series }],
    };
  },
};
