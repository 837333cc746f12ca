/**
 * The recording grid: which steps of a run are recorded (step 0 = initialization, step k = after k updates).
 * The rule is the theory side's (src/dynamics/record.ts, which sim/ may not import: stages only import to their
 * left), reproduced here so theory and simulation record the same steps:
 *  - "auto": every step when steps ≤ DEFAULTS.recordAllMaxSteps (10⁴), otherwise "log";
 *  - "all": every step;
 *  - "log": every step up to a dense early window of `denseEarly` steps, then ~`logPoints` log-spaced steps;
 *  - a number N: N points, log-spaced from step 1 (plus step 0 and the last step).
 * Always contains 0 and `steps`.
 */
import { DEFAULTS } from '../config/defaults.js';

export type RecordMode = 'auto' | 'all' | 'log' | number;

export function recordSteps(steps: number, mode: RecordMode, denseEarly = 1000, logPoints = 1000): number[] {
  const all = mode === 'all' || (mode === 'auto' && steps <= DEFAULTS.recordAllMaxSteps);
  if (all) return Array.from({ length: steps + 1 }, (_, k) => k);
  const set = new Set<number>([0, steps]);
  if (typeof mode === 'number') {
    const m = Math.max(1, mode - 1);
    for (let i = 0; i < m; i++) set.add(Math.min(steps, Math.round(steps ** (m === 1 ? 1 : i / (m - 1)))));
  } else {
    const early = Math.min(denseEarly, steps);
    for (let k = 0; k <= early; k++) set.add(k);
    if (steps > early) for (let i = 0; i <= logPoints; i++) set.add(Math.min(steps, Math.round(early * (steps / early) ** (i / logPoints))));
  }
  return [...set].sort((x, y) => x - y);
}
