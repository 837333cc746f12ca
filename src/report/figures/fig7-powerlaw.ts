/** Figure 7: power-law covariance, every direction's coefficient a_j vs step per algorithm. */
import { algorithmsOf } from '../../compare/algorithm-list.js';
import { PALETTE, type PanelSpec } from '../figure-spec.js';
import type { FigureDefinition } from './definition.js';
import { find, simPoints, theoryLine } from './series.js';

export const fig7Powerlaw: FigureDefinition = {
  id: 'fig7-powerlaw',
  groups: ['powerlaw'],
  sections: [],
  build(b) {
    const g = b.groups.powerlaw[0];
    const panels: PanelSpec[] = [];
    if (g) {
      for (const alg of algorithmsOf(g.config)) {
        const th = find(g.theory, alg.id);
        const sm = find(g.simulation, alg.id);
        const symbols = Object.keys((th ?? sm)?.series ?? {}).filter((k) => /^a_\d+$/.test(k));
        panels.push({
          title: `${alg.label}: power-law covariance, coefficients a_j`,
          x: { label: 'step k', log: false },
          y: { label: 'a_j', log: false },
          series: symbols.flatMap((sym, i) => [
            ...theoryLine(th, sym, `theory ${sym}`, PALETTE[i % PALETTE.length]),
            ...simPoints(sm, sym, `simulation ${sym}`, PALETTE[i % PALETTE.length], 25),
          ]),
        });
      }
    }
    const sig = g ? `a_${(g.config.model.covariance as { signalIndex?: number }).signalIndex}` : 'a_s';
    return {
      id: 'fig7-powerlaw',
      title: `Power-law covariance λ_j = j^(−α): every direction's coefficient (signal ${sig})`,
      caption: `Diagonal covariance with power-law spectrum, the signal on direction ${sig}; the higher-variance directions before it play the spike's role. ${g ? g.label : ''}`,
      panels,
    };
  },
};
