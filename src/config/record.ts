/**
 * Which steps a run records. `auto`: every step when steps ≤ recordAllMaxSteps (10⁴), otherwise the `log` grid;
 * `all`: every step; `log`: every step up to a dense early window of `denseEarly` steps, then ~`logPoints`
 * log-spaced steps up to `steps`; a number N: N points, log-spaced from step 1 (plus step 0 and the last step).
 * Event steps are added by the runner, so events are always in the record. One grid for theory (dynamics/) and
 * simulation (sim/), so both record the same steps.
 */
import { DEFAULTS } from './defaults.js';

export type RecordMode = 'auto' | 'all' | 'log' | number;

/** Sorted unique steps in [0, steps]. Always contains 0 and `steps`. */
export function recordSteps(steps: number, mode: RecordMode, denseEarly: number = DEFAULTS.recordDenseEarly, logPoints: number = DEFAULTS.recordLogPoints): Int32Array {
  const all = mode === 'all' || (mode === 'auto' && steps <= DEFAULTS.recordAllMaxSteps);
  if (all) return Int32Array.from({ length: steps + 1 }, (_, k) => k);
  const set = new Set<number>([0, steps]);
  if (typeof mode === 'number') {
    // N ≥ steps + 1 points: every step (no loop over more points than there are steps).
    if (mode >= steps + 1) return Int32Array.from({ length: steps + 1 }, (_, k) => k);
    const m = Math.max(1, mode - 1);
    for (let i = 0; i < m; i++) set.add(Math.min(steps, Math.round(steps ** (m === 1 ? 1 : i / (m - 1)))));
  } else {
    const early = Math.min(denseEarly, steps);
    for (let k = 0; k <= early; k++) set.add(k);
    if (steps > early) for (let i = 0; i <= logPoints; i++) set.add(Math.min(steps, Math.round(early * (steps / early) ** (i / logPoints))));
  }
  return Int32Array.from([...set].sort((x, y) => x - y));
}
