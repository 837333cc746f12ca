/** Figure 3: population loss vs step (log scale), per algorithm, at several λ_v. */
import { PALETTE } from '../figure-spec.js';
import type { FigureDefinition } from './definition.js';
import { find, groupAlgorithms, simPoints, theoryLine } from './series.js';

export const fig3Loss: FigureDefinition = {
  id: 'fig3-loss',
  groups: ['spiked'],
  sections: [],
  build(b) {
    const groups = b.groups.spiked;
    return {
      id: 'fig3-loss',
      title: 'Population loss L vs step (log scale)',
      caption: 'Population loss L(W) = ¼E[(f_W(x) − y)²] for GD and SpecGD; lines theory, markers simulation (mean ± SE).',
      panels: groupAlgorithms(groups).map((alg) => ({
        title: `${alg.label}: loss`,
        x: { label: 'step k', log: false },
        y: { label: 'loss L (log scale)', log: true },
        series: groups.flatMap((g, i) => [
          ...theoryLine(find(g.theory, alg.id), 'loss', `theory ${g.label}`, PALETTE[i % PALETTE.length]),
          ...simPoints(find(g.simulation, alg.id), 'loss', `simulation ${g.label}`, PALETTE[i % PALETTE.length], 40),
        ]),
      })),
    };
  },
};
