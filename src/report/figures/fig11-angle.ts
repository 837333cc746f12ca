/**
 * Figure 11 (issue 13): the non-orthogonal spike θ = cos φ·u + sin φ·v. Against φ at several λ_v, GD vs SpecGD:
 * the escape step, the peak misalignment over the escaping stage and GD's largest stable step beside the optimum's
 * linearized bound 2/μ_max (definitions in claims/angle-scan.ts and angle-stable-step.ts). Computes the bundle's
 * `angle` section (shared with the angle claims and figure 12).
 */
import type { AngleSection } from '../../compare/angle-section.js';
import { algorithmsOf } from '../../compare/algorithm-list.js';
import { PARAMETER_COLUMNS, runParameters } from '../../config/parameters.js';
import type { AlgorithmConfig, ExperimentConfig } from '../../config/config.js';
import { angleRuns, angleStudy } from '../../claims/angle-scan.js';
import { PALETTE, type FigureSeries } from '../figure-spec.js';
import type { FigureDefinition } from './definition.js';

type Cell = string | number | null;

/** The tidy parameter cells of a series (φ is the x value; `dropLambda` blanks λ_v where it varies along x). */
export function angleParams(config: ExperimentConfig, alg?: AlgorithmConfig, variant?: string, dropLambda = false): Cell[] {
  const cells = runParameters(config, alg, variant).map((c) => (c === undefined ? null : typeof c === 'boolean' ? String(c) : c)) as Cell[];
  if (dropLambda) cells[PARAMETER_COLUMNS.findIndex((c) => c.name === 'lambda_v')] = null;
  return cells;
}

/** Points (x_j, y_j) of a series with y_j defined. */
function defined(x: number[], y: (number | null)[]): { x: number[]; y: number[] } {
  const keep = y.map((v, j) => (v === null || !Number.isFinite(v) ? -1 : j)).filter((j) => j >= 0);
  return { x: keep.map((j) => x[j]), y: keep.map((j) => y[j] as number) };
}

export function angleCurvesFigure(s: AngleSection) {
  const escape: FigureSeries[] = [];
  const peak: FigureSeries[] = [];
  s.curves.forEach((c, i) => {
    for (const alg of algorithmsOf(c.config)) {
      const r = c.runs[alg.id] ?? [];
      const dashed = alg.config.name !== 'gd';
      const base = { role: 'theory' as const, color: PALETTE[i % PALETTE.length], dashed, params: angleParams(c.config, alg.config, alg.id) };
      escape.push({ label: `${alg.label}, λ_v = ${c.lambdaV}`, ...base, ...defined(c.phi, r.map((x) => x.escapeStep)) });
      peak.push({ label: `${alg.label}, λ_v = ${c.lambdaV}`, ...base, ...defined(c.phi, r.map((x) => x.peakMisalignment)) });
    }
  });
  // full-dimensional population runs at one φ: markers on the reduced-map curves
  const sim = s.simulation;
  sim.lambdaV.forEach((l) => {
    const i = s.curves.findIndex((c) => c.lambdaV === l);
    const c = s.curves[i];
    const k = sim.lambdaV.indexOf(l);
    for (const alg of algorithmsOf(c.config)) {
      const r = sim.runs[alg.id]?.[k];
      if (!r) continue;
      const base = { role: 'simulation' as const, color: PALETTE[i % PALETTE.length], params: angleParams(c.config, alg.config, alg.id) };
      const label = `simulation ${alg.label}, λ_v = ${l}`;
      escape.push({ label, ...base, ...defined([sim.phi], [r.escapeStep]) });
      peak.push({ label, ...base, ...defined([sim.phi], [r.peakMisalignment]) });
    }
  });
  const stable: FigureSeries[] = [];
  s.stable.forEach((c, i) => {
    const color = PALETTE[i % PALETTE.length];
    const gd = c.config.algorithms.find((a) => a.name === 'gd');
    const params = angleParams(c.config, gd, 'gd');
    stable.push({ label: `GD stableUpTo, λ_v = ${c.lambdaV}`, role: 'marker', color, params, ...defined(c.phi, c.stableUpTo) });
    stable.push({ label: `2/μ_max at the optimum, λ_v = ${c.lambdaV}`, role: 'theory', color, dashed: true, params, ...defined(c.phi, c.optimumBound) });
  });
  return {
    id: 'fig11-angle',
    title: 'Non-orthogonal spike θ = cos φ·u + sin φ·v: escape, misalignment and GD’s stable step vs φ',
    caption:
      `Reduced maps (= full-dimensional population runs to 1e-12), d = ${s.d}, budget ${s.steps} steps. Left: escape step (${s.definitions.escapeStep}; level ${s.level}); a missing point did not escape within the budget; where η̃ exceeds GD’s largest stable step (right) GD escapes and then cycles or diverges, and its escape step is still drawn. ` +
      `Middle: peak misalignment, ${s.definitions.peakMisalignment}. Right: GD’s largest stable step η̃ (markers; ${s.definitions.stableUpTo}) beside the optimum’s linearized bound 2/μ_max (dashed). ` +
      `Points at φ = ${sim.phi.toPrecision(4)}: full-dimensional population simulation (d = ${s.d}). ` +
      'SpecGD (dashed in the left panels) moves W by spectral norm η per step, so within H steps ‖W‖ ≤ α + Hη: it cannot reach the divergence bound and has no largest stable step to draw. Solid: GD; colour: λ_v.',
    panels: [
      { title: 'escape step vs φ', x: { label: 'signal–spike angle φ (rad)', log: false }, y: { label: 'escape step', log: false }, series: escape },
      { title: 'peak misalignment vs φ', x: { label: 'signal–spike angle φ (rad)', log: false }, y: { label: 'max |ratio| up to the escape (log scale)', log: true }, series: peak },
      { title: 'GD largest stable η̃ vs φ', x: { label: 'signal–spike angle φ (rad)', log: false }, y: { label: 'largest stable η̃ (log scale)', log: true }, series: stable },
    ],
  };
}

export const fig11Angle: FigureDefinition = {
  id: 'fig11-angle',
  groups: [],
  sections: ['angle'],
  runs: angleRuns,
  async collect(runs, p) {
    const angle = angleStudy(runs, p);
    return angle ? { angle } : {};
  },
  build: (b) => angleCurvesFigure(b.angle!),
};
