/**
 * The ONE time map between theory and simulation (architecture.md, compare/).
 *
 *  - map ↔ map (the reduced GD / SpecGD map against the full-dimensional run of the same algorithm):
 *    simulation step k ↔ theory step k, exactly; points the theory did not record are not compared
 *    (a map cannot be interpolated between steps).
 *  - flow ↔ map: simulation step k ↔ flow time t = η̃·k (gradient flow, the limit of GD with step η̃) or
 *    t = η·k (sign flow, the limit of SpecGD with step η); the flow value is linearly interpolated between its
 *    recorded times (flows are recorded densely; the interpolation error is part of what is reported).
 */
import type { Trajectory } from '../core/trajectory.js';

/** Continuous time of step k of a map run with step size eta: t = eta·k. */
export function timeOfStep(eta: number, step: number): number {
  return eta * step;
}

/** True for continuous-time theory trajectories (gradient flow, sign flow). */
export function isFlow(traj: Trajectory): boolean {
  return traj.kind === 'theory' && /flow/.test(traj.algorithm);
}

/** One aligned pair: simulation record `simIndex`; theory value = (1 − w)·θ[theoryIndex] + w·θ[theoryIndex + 1]. */
export interface AlignedPoint {
  simIndex: number;
  step: number;
  t: number;
  theoryIndex: number;
  weight: number;
}

/**
 * Align every simulation record with the theory (see the module comment for the rule). `eta` is the step size
 * of the simulated algorithm (η̃ for GD, η for SpecGD); it only matters when the theory is a flow.
 * Records outside the theory's range are dropped.
 */
export function alignTheoryToSim(theory: Trajectory, sim: Trajectory, eta: number): AlignedPoint[] {
  const out: AlignedPoint[] = [];
  if (!isFlow(theory)) {
    const byStep = new Map<number, number>();
    theory.step.forEach((s, i) => byStep.set(s, i));
    sim.step.forEach((s, j) => {
      const i = byStep.get(s);
      if (i !== undefined) out.push({ simIndex: j, step: s, t: timeOfStep(eta, s), theoryIndex: i, weight: 0 });
    });
    return out;
  }
  const tt = theory.t;
  let i = 0;
  sim.step.forEach((s, j) => {
    const t = timeOfStep(eta, s);
    if (tt.length === 0 || t < tt[0] || t > tt[tt.length - 1]) return;
    while (i + 1 < tt.length && tt[i + 1] < t) i++;
    if (i + 1 >= tt.length || tt[i] === t) {
      out.push({ simIndex: j, step: s, t, theoryIndex: i, weight: 0 });
      return;
    }
    const w = (t - tt[i]) / (tt[i + 1] - tt[i]);
    out.push({ simIndex: j, step: s, t, theoryIndex: i, weight: w });
  });
  return out;
}

/** The theory value of an aligned point. */
export function theoryValueAt(values: number[], p: AlignedPoint): number {
  return p.weight === 0 ? values[p.theoryIndex] : (1 - p.weight) * values[p.theoryIndex] + p.weight * values[p.theoryIndex + 1];
}
