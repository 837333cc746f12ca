/**
 * Check (issue 13): the full-dimensional population runs reproduce the reduced maps' escaping stage off φ = 0. At the
 * simulation check's φ (≈ π/4, claims/angle-scan.ts `simPhi`) and every curve λ_v > 1, GD and SpecGD: measured
 * max |k_sim − k_reduced| of the escape steps (steps); tolerance 1 step (the two agree to 1e-12, which moves a
 * crossing by at most one step when the signal is within 1e-12 of the level there). Control: the simulation's
 * escape steps against the reduced maps at φ = 0 (the commuting-block model).
 */
import type { Claim } from '../compare/claim.js';
import type { AngleSection } from '../compare/angle-section.js';
import type { ClaimDefinition } from './definition.js';
import { angleRuns, angleStudy } from './angle-scan.js';

export function simulationClaim(s: AngleSection): Claim {
  const sim = s.simulation;
  const j = s.curves[0].phi.indexOf(sim.phi);
  const j0 = s.curves[0].phi.indexOf(0);
  let dev = 0;
  let ctl = 0;
  let missing = 0;
  sim.lambdaV.forEach((l, i) => {
    const curve = s.curves.find((c) => c.lambdaV === l)!;
    for (const [alg, rs] of Object.entries(sim.runs)) {
      const k = rs[i].escapeStep;
      const th = curve.runs[alg]?.[j]?.escapeStep ?? null;
      const th0 = curve.runs[alg]?.[j0]?.escapeStep ?? null;
      if (k === null || th === null || th0 === null) missing++;
      else {
        dev = Math.max(dev, Math.abs(k - th));
        ctl = Math.max(ctl, Math.abs(k - th0));
      }
    }
  });
  return {
    id: 'angle-simulation',
    kind: 'check',
    statement: `Off φ = 0 the full-dimensional population runs escape at the reduced maps’ step (φ = ${sim.phi.toPrecision(4)}, GD and SpecGD).`,
    quantity: `max over λ_v ∈ {${sim.lambdaV.join(', ')}} and the algorithms of |escape step (simulation, d = ${s.d}) − escape step (reduced map)|`,
    measured: dev,
    predicted: 0,
    tolerance: 1,
    test: '|measured − predicted| ≤ tolerance',
    toleranceRule: 'one step: the runs agree to 1e-12, which can move a crossing by one step',
    source: 'full-dimensional population simulation (every step recorded) vs the reduced maps of the angle study',
    verdict: missing ? 'inconclusive' : dev <= 1 ? 'pass' : 'fail',
    ...(missing ? { reason: `${missing} runs do not escape within their budget` } : {}),
    control: { case: 'the simulation’s escape steps against the reduced maps at φ = 0', measured: ctl, verdict: ctl <= 1 ? 'pass' : 'fail' },
  };
}

export const angleSimulation: ClaimDefinition = {
  id: 'angle-simulation',
  statement: 'Off φ = 0 the full-dimensional population runs escape at the reduced maps’ step.',
  falsifiedBy: 'a simulation escape step more than one step from the reduced map’s at the same (λ_v, φ).',
  runs: angleRuns,
  measure(runs, p) {
    const s = angleStudy(runs, p);
    return s && s.simulation.lambdaV.length ? [simulationClaim(s)] : [];
  },
};
