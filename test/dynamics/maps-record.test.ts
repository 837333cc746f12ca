/**
 * iterateMap's record buffer: every event the loop can record off the grid must fit. A scripted 2-block system
 * (signal, spike) drives the SpecGD map through every off-grid record at a distinct step — escape, spike saturation,
 * both sign switches, loss-below, the last finite state of a diverged run, and the peak — the worst case
 * record.length + n + 5 records.
 */
import { describe, expect, it } from 'vitest';
import { iterateMap } from '../../src/dynamics/maps.js';
import type { StatContext } from '../../src/dynamics/statistics.js';
import type { CompiledSystem } from '../../src/symbolic/compiled.js';

/**
 * Scripted block gradients per step k, indexed by call count; the SpecGD map (registry) moves a ← a − η·sgn(g), η = 1,
 * and the loss is scripted as a function of the state.
 */
const DIRS: [number, number][] = [
  [-1, 0], // k=0: a 0.5 → 1.5
  [-1, 0], // k=1: a → 2.5 (escape at step 2: |a| ≥ 2)
  [-1, 0], // k=2: a → 3.5
  [-1, 0.1], // k=3: b 1.5 → 0.5 (spike saturation at step 3; b's first direction +)
  [1, 0], // k=4: a reverses (sign-switch:a at step 4)
  [1, 0], // k=5
  [0, -1], // k=6: b reverses (sign-switch:b at step 6): b → 1.5
  [0, 1], // k=7: b → 0.5; loss-below at step 7 (the peak of b/a is its initial value 3, step 0)
  [0, Number.NaN], // k=8: a non-finite step: diverged; the last finite state (step 8) is recorded
];

function scripted(): CompiledSystem {
  let gradCalls = 0;
  return {
    n: 2,
    symbols: ['a', 'b'],
    ranks: Float64Array.of(1, 1),
    student: 'matrix',
    // Scripted by the step: the map evaluates L(a_k) before the k-th gradient, so it is 0 from step 7 on.
    loss: () => (gradCalls >= 7 ? 0 : 1),
    grad: (_a, out) => {
      const d = DIRS[Math.min(gradCalls++, DIRS.length - 1)];
      out[0] = d[0];
      out[1] = d[1];
    },
    gradJacobian: () => {
      throw new Error('not used');
    },
      };
}

const ctx: StatContext = { n: 2, signal: 0, spike: 1, student: 'matrix', ranks: Float64Array.of(1, 1), tieRelTol: 1e-12 };

describe('iterateMap record capacity', () => {
  it('keeps every off-grid event record (worst case record.length + n + 5) with finite values', () => {
    const run = iterateMap(scripted(), ctx, Float64Array.of(0.5, 1.5), { algorithm: { name: 'specgd', eta: 1, polar: 'svd', nsSteps: 5 }, steps: 100, record: Int32Array.of(0), escapeLevel: 2, lossLevel: 0.5, divergenceBound: 20 });
    expect(run.status).toBe('diverged');
    const names = run.events.map((e) => `${e.name}@${e.step}`).sort();
    expect(names).toEqual(['escape@2', 'loss-below@7', 'peak-misalignment@0', 'sign-switch:a@4', 'sign-switch:b@6', 'spike-saturation@3'].sort());
    expect(run.step).toEqual([0, 2, 3, 4, 6, 7, 8]);
    for (const [name, values] of Object.entries(run.series)) {
      expect(values, name).toHaveLength(run.step.length);
      for (const v of values) expect(Number.isFinite(v), `${name}: ${v}`).toBe(true);
    }
    expect(run.series.b).toEqual([1.5, 1.5, 1.5, 0.5, 0.5, 1.5, 0.5]);
  });
});
