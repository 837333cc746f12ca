/**
 * Figure 12 (issue 13): the (λ_v, φ) phase diagram of where the spike helps and where it hurts GD — GD's escape
 * step at (λ_v, φ) against the isotropic reference λ_v = 1 at the same φ (claims/angle-scan.ts `PHASE_RULE`) —
 * and the escape steps behind it. Reads the bundle's `angle` section (computed by figure 11).
 */
import type { AnglePhaseCell, AngleSection } from '../../compare/angle-section.js';
import { PALETTE, type FigureSeries } from '../figure-spec.js';
import { angleRuns } from '../../claims/angle-scan.js';
import type { FigureDefinition } from './definition.js';
import { angleParams } from './fig11-angle.js';

const CELLS: { cell: AnglePhaseCell; label: string; color: string }[] = [
  { cell: 'helps', label: 'helps (escapes earlier)', color: PALETTE[2] },
  { cell: 'hurts', label: 'hurts (escapes later or not within the budget)', color: PALETTE[1] },
  { cell: 'neutral', label: 'neutral (same escape step)', color: PALETTE[5] },
  { cell: 'diverged', label: 'GD diverges at this η̃', color: '#000000' },
  { cell: 'undecided', label: 'undecided (reference does not escape)', color: PALETTE[4] },
];

export function anglePhaseFigure(s: AngleSection) {
  const ph = s.phase;
  const gd = ph.config.algorithms.find((a) => a.name === 'gd');
  const params = angleParams(ph.config, gd, 'gd', true);
  const cells: FigureSeries[] = CELLS.map((c) => {
    const pts: [number, number][] = [];
    ph.lambdaV.forEach((l, i) => ph.phi.forEach((f, j) => ph.cell[i][j] === c.cell && pts.push([l, f])));
    return { label: c.label, role: 'marker' as const, color: c.color, params, x: pts.map((q) => q[0]), y: pts.map((q) => q[1]) };
  }).filter((x) => x.x.length > 0);
  const e = s.edge;
  const ke = e.phi.map((f, i) => (f === null ? -1 : i)).filter((i) => i >= 0);
  cells.push({ label: `predicted loss of convergence: 2/μ_max = η̃ = ${e.etaTilde}`, role: 'theory', color: '#000000', dashed: true, params, x: ke.map((i) => e.lambdaV[i]), y: ke.map((i) => e.phi[i] as number) });
  const sim = s.simulation;
  const simGd = sim.runs.gd ?? [];
  const ks = simGd.map((r, i) => (r.escapeStep === null ? -1 : i)).filter((i) => i >= 0);
  const lines: FigureSeries[] = ph.phi.map((f, j) => {
    const keep = ph.lambdaV.map((_, i) => (ph.escapeStep[i][j] === null || ph.cell[i][j] === 'diverged' ? -1 : i)).filter((i) => i >= 0);
    return { label: `φ = ${f.toPrecision(3)}`, role: 'theory' as const, color: PALETTE[j % PALETTE.length], dashed: j >= PALETTE.length, params, x: keep.map((i) => ph.lambdaV[i]), y: keep.map((i) => ph.escapeStep[i][j] as number) };
  });
  lines.push({ label: `simulation GD, φ = ${sim.phi.toPrecision(3)}`, role: 'simulation', color: '#000000', params, x: ks.map((i) => sim.lambdaV[i]), y: ks.map((i) => simGd[i].escapeStep as number) });
  return {
    id: 'fig12-angle-phase',
    title: 'Where the spike helps and where it hurts GD: the (λ_v, φ) phase diagram',
    caption: `Left: ${ph.rule}. GD at η̃ = ${gd?.eta}, d = ${s.d}, budget ${ph.steps} steps, reduced maps. Right: GD’s escape step vs λ_v per φ (cells that diverge or do not escape within the budget are left out; λ_v = 1 is the reference); points: full-dimensional population simulation at φ = ${sim.phi.toPrecision(3)}. Dashed line (left): ${e.rule}.`,
    panels: [
      { title: 'phase diagram (GD)', kind: 'scatter' as const, x: { label: 'spike variance λ_v (log scale)', log: true }, y: { label: 'signal–spike angle φ (rad)', log: false }, series: cells },
      { title: 'GD escape step vs λ_v', x: { label: 'spike variance λ_v (log scale)', log: true }, y: { label: 'escape step (log scale)', log: true }, series: lines },
    ],
  };
}

export const fig12AnglePhase: FigureDefinition = {
  id: 'fig12-angle-phase',
  groups: [],
  sections: ['angle'],
  // the runs behind the `angle` section (computed once, by figure 11's collect)
  runs: angleRuns,
  build: (b) => anglePhaseFigure(b.angle!),
};
