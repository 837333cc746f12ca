import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import { recordSteps } from '../../src/config/record.js';

describe('recording grid (shared by theory and simulation)', () => {
  it('records every step up to recordAllMaxSteps, then a dense-early / log-spaced grid ending at the last step', () => {
    expect(Array.from(recordSteps(10, 'auto'))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const big = DEFAULTS.recordAllMaxSteps * 5;
    const g = Array.from(recordSteps(big, 'auto'));
    expect(g[0]).toBe(0);
    expect(g[g.length - 1]).toBe(big);
    expect(g.length).toBeLessThan(big / 10);
    for (let i = 1; i < g.length; i++) expect(g[i]).toBeGreaterThan(g[i - 1]);
    const early = DEFAULTS.recordDenseEarly;
    expect(g.slice(0, early + 1)).toEqual(Array.from({ length: early + 1 }, (_, i) => i));
    const n50 = recordSteps(1000, 50);
    expect(n50.length).toBeLessThanOrEqual(51);
    expect(n50[n50.length - 1]).toBe(1000);
    expect(recordSteps(20, 'log')).toEqual(recordSteps(20, 'all'));
  });
});
