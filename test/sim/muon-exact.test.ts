/**
 * Muon's Newton–Schulz variant on the block manifold: the quintic X ← aX + bX³ + cX⁵ on G/‖G‖_F with
 * G = Σ_k g_k P_k stays in the projector algebra, so the full-dimensional run from W₀ = αI follows the reduced
 * per-block map of dynamics/maps.ts (x_k ← a x_k + b x_k³ + c x_k⁵ from x_k = g_k/√(Σ_j r_j g_j²)).
 *
 * Unlike GD and exact SpecGD, this map is itself sensitive: with 5 iterations the quintic's gain on small block
 * values amplifies any perturbation (measured: a 1e-14 relative change of α grows to ~1e-3 within ~100 steps of
 * the escape). Agreement to rounding is therefore only meaningful while the map has not amplified rounding: the
 * test measures that window from the reduced map itself (changing η to η(1 + 4u), a rounding-size change of
 * every update, must move the series by less than 1e-13 of their scale) and requires the simulation to match the theory to 1e-12 inside it.
 * Error measure as in exact.test.ts: max_t |sim − theory| / max_t |theory| per block coefficient.
 */
import { describe, expect, it } from 'vitest';
import { measureExactness, SYMS } from '../algorithms/exactness.js';

describe('Muon (Newton–Schulz) on the block manifold', () => {
  it.each([
    [1, 250],
    [5, 30],
  ])('full-dimensional population run = reduced NS map to 1e-12 while the map has not amplified rounding (nsSteps = %i, window ≥ %i steps)', (nsSteps, minWindow) => {
    // The window and the error measure are the shared ones (test/algorithms/exactness.ts): steps before a 4u change
    // of η moves the reduced series by more than 1e-13 of their scale.
    const m = measureExactness({ name: 'specgd', eta: 0.005, polar: 'newton-schulz', nsSteps }, { d: 20, steps: 300 });
    expect(m.label).toBe(`specgd-ns${nsSteps}`);
    expect(m.window).toBeGreaterThanOrEqual(minWindow);
    for (const s of SYMS) expect(m.err[s], `${s} over ${m.window} steps`).toBeLessThanOrEqual(1e-12);
  });
});
