/** Figure 2: the spike-to-signal ratio b/a and the cosine |⟨θ, u₁⟩| vs step, per algorithm, at several λ_v. */
import { PALETTE, type PanelSpec } from '../figure-spec.js';
import type { FigureDefinition } from './definition.js';
import { find, groupAlgorithms, simPoints, theoryLine } from './series.js';

export const fig2Alignment: FigureDefinition = {
  id: 'fig2-alignment',
  groups: ['spiked'],
  sections: [],
  build(b) {
    const groups = b.groups.spiked;
    const panels: PanelSpec[] = [];
    for (const [series, what, log] of [
      ['ratio', 'misalignment b/a', true],
      ['alignment', 'alignment |⟨θ, u₁⟩|', false],
    ] as const) {
      for (const alg of groupAlgorithms(groups)) {
        panels.push({
          title: `${alg.label}: ${what}`,
          x: { label: 'step k', log: false },
          y: { label: log ? `${what} (log scale)` : what, log },
          series: groups.flatMap((g, i) => [
            ...theoryLine(find(g.theory, alg.id), series, `theory ${g.label}`, PALETTE[i % PALETTE.length], log),
            ...simPoints(find(g.simulation, alg.id), series, `simulation ${g.label}`, PALETTE[i % PALETTE.length], 40, false, log),
          ]),
        });
      }
    }
    return {
      id: 'fig2-alignment',
      title: 'Alignment: spike-to-signal ratio b/a and cosine |⟨θ, u₁⟩| vs step',
      caption:
        'Top: the ratio b/a (log scale); GD amplifies the spike when λ_v exceeds the anisotropy threshold, SpecGD moves all blocks by the same η. Bottom: cosine between θ and the top eigenvector u₁ of WᵀW.',
      panels: panels.filter((p) => p.series.length > 0),
    };
  },
};
