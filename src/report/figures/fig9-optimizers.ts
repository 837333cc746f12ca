/**
 * Figure 9: the optimizer family side by side on the spiked model — every registered algorithm at its registry
 * defaults (group `optimizers`: GD, SpecGD, Muon, heavy-ball GD, Adam, signGD, ...), one panel per quantity
 * (a, |b|, |c|, alignment, loss), one colour per algorithm; lines the reduced maps (every second algorithm dashed, so
 * coinciding curves stay visible), markers the simulation.
 */
import { PALETTE, type PanelSpec } from '../figure-spec.js';
import type { FigureDefinition } from './definition.js';
import { find, groupAlgorithms, simPoints, theoryLine } from './series.js';

/** The quantities drawn: series, axis label, log axis (|·| on log axes). */
const QUANTITIES = [
  ['a', 'signal coefficient a', false],
  ['b', 'spike coefficient |b| (log scale)', true],
  ['c', 'bulk coefficient |c| (log scale)', true],
  ['alignment', 'alignment |⟨θ, u₁⟩|', false],
  ['loss', 'loss L (log scale)', true],
] as const;

export const fig9Optimizers: FigureDefinition = {
  id: 'fig9-optimizers',
  groups: ['optimizers'],
  sections: [],
  build(b) {
    const groups = b.groups.optimizers ?? [];
    const algs = groupAlgorithms(groups);
    const g = groups[0];
    const panels: PanelSpec[] = g
      ? QUANTITIES.map(([series, what, log]) => ({
          title: `${what.replace(' (log scale)', '')}, ${g.label}`,
          x: { label: 'step k', log: false },
          y: { label: what, log },
          series: algs.flatMap((alg, i) => [
            ...theoryLine(find(g.theory, alg.id), series, `${alg.label} (reduced map)`, PALETTE[i % PALETTE.length], log, i % 2 === 1),
            ...simPoints(find(g.simulation, alg.id), series, `${alg.label} (simulation)`, PALETTE[i % PALETTE.length], 30, false, log),
          ]),
        }))
      : [];
    return {
      id: 'fig9-optimizers',
      title: 'The optimizer family on the spiked model: a, |b|, |c|, alignment and loss vs step',
      caption:
        'Every registered algorithm at its registry defaults (each its own step size) from the same W₀ = αI, canonical basis; lines the reduced block maps, markers the full-dimensional simulation. GD (and heavy-ball GD) amplify the spike b before the signal escapes; the normalized and coordinate-wise methods move every block at a rate set by η. In the canonical basis W stays diagonal, so signGD (sign of each entry) coincides with SpecGD (the polar factor) and its dashed line lies on SpecGD\'s; every second reduced-map line is dashed.',
      panels: panels.filter((p) => p.series.length > 0),
    };
  },
};
