/** Figure 1: block coefficients a, b, c vs step for each algorithm at several λ_v (theory lines, simulation mean ± SE). */
import type { RunGroup } from '../../compare/bundle.js';
import { PALETTE, type PanelSpec } from '../figure-spec.js';
import type { FigureDefinition } from './definition.js';
import { find, groupAlgorithms, simPoints, theoryLine } from './series.js';

/** One panel per algorithm: `symbol` vs step for every group. */
export function coefficientPanels(groups: RunGroup[], symbol: string, name: string, logY: boolean): PanelSpec[] {
  return groupAlgorithms(groups).map((alg) => ({
    title: `${alg.label}: ${name} ${symbol}`,
    x: { label: 'step k', log: false },
    y: { label: logY ? `|${symbol}| (log scale)` : symbol, log: logY },
    series: groups.flatMap((g, i) => [
      ...theoryLine(find(g.theory, alg.id), symbol, `theory ${g.label}`, PALETTE[i % PALETTE.length], logY),
      ...simPoints(find(g.simulation, alg.id), symbol, `simulation ${g.label}`, PALETTE[i % PALETTE.length], 40, false, logY),
    ]),
  }));
}

export const fig1Coefficients: FigureDefinition = {
  id: 'fig1-coefficients',
  groups: ['spiked'],
  sections: [],
  build(b) {
    const g = b.groups.spiked;
    return {
      id: 'fig1-coefficients',
      title: 'Block coefficients a (signal), b (spike), c (bulk) vs step',
      caption:
        'Signal a, spike b and bulk c coefficients of W under GD (left) and SpecGD (right) at several spike variances λ_v. Lines: reduced theory (the derived maps); markers with shaded bands: full-dimensional simulation, ensemble mean ± standard error.',
      panels: [...coefficientPanels(g, 'a', 'signal', false), ...coefficientPanels(g, 'b', 'spike', false), ...coefficientPanels(g, 'c', 'bulk', false)],
    };
  },
};
