/** Figure 8: finite-sample (full-batch) runs at several n against the population theory, per algorithm. */
import { PALETTE, type PanelSpec } from '../figure-spec.js';
import type { FigureDefinition } from './definition.js';
import { find, groupAlgorithms, simPoints, theoryLine } from './series.js';

export const fig8FiniteSample: FigureDefinition = {
  id: 'fig8-finite-sample',
  groups: ['finiteSample'],
  sections: [],
  build(b) {
    const groups = b.groups.finiteSample;
    const panels: PanelSpec[] = [];
    for (const alg of groupAlgorithms(groups)) {
      for (const [sym, name] of [
        ['a_mag', 'signal |a|'],
        ['b_mag', 'spike |b|'],
      ] as const) {
        const pop = groups[0] ? find(groups[0].theory, alg.id) : undefined;
        panels.push({
          title: `${alg.label}: ${name}, finite samples vs population theory`,
          x: { label: 'step k', log: false },
          y: { label: `block magnitude ${name} = ‖W P‖_F/√r`, log: false },
          series: [
            ...theoryLine(pop, sym, 'population theory', '#000000'),
            ...groups.flatMap((g, i) => simPoints(find(g.simulation, alg.id), sym, `simulation ${g.label}`, PALETTE[i % PALETTE.length], 40)),
          ],
        });
      }
    }
    return {
      id: 'fig8-finite-sample',
      title: 'Finite samples: full-batch runs at several n against the population theory',
      caption: 'Full-batch GD and SpecGD on a fixed sample of n Gaussian inputs (ensemble mean ± SE over seeds) against the population theory (black line). Off the block manifold W can rotate, so the block magnitudes ‖W P_k‖_F/√r_k are shown (equal to |a_k| on the manifold).',
      panels,
    };
  },
};
