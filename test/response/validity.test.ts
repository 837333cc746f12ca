/**
 * The spread cut of the finite-sample correction (dynamics/response/corrected.ts `relativeSpreadCut`): the range ends
 * where a compared statistic's predicted per-seed spread exceeds 1/√2 of its value — there the tolerance's next-order
 * term ρ²·|μ − s̄| would exceed half the first correction and stop being an estimate (issue 11). It fires at small n
 * (the signal column dominated by the spike-row leakage) and not at large n. It bounds the expansion, used for online
 * SGD and SpecGD; full-batch GD's corrected trajectory comes from the source ensemble and runs over the whole stage.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { correctedTheory, MAX_RELATIVE_SPREAD, relativeSpreadCut, responsesOf, finiteSampleSeries, validRange, type CorrectionInfo } from '../../src/dynamics/response/corrected.js';

const config = (n: number) =>
  parseConfig({
    model: { d: 40, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 }, student: { kind: 'matrix' }, init: { kind: 'scaled-identity', alpha: 0.001 } },
    algorithms: [{ name: 'gd', eta: 0.01 }],
    steps: 300,
    data: { mode: 'full-batch', n },
    seeds: [1, 2],
    record: 'all',
  });

describe('spread cut of the finite-sample correction', () => {
  it('ends the range where ρ = σ/|s| of a compared statistic first exceeds 1/√2 (small n), never at large n', () => {
    for (const [n, expectCut] of [[2000, true], [32000, false]] as const) {
      const [r] = responsesOf(config(n));
      const last = r.run.points.length - 1;
      const names = finiteSampleSeries(config(n));
      expect(names).toEqual(['a_mag', 'b_mag', 'c_mag', 'loss', 'ratio_mag']);
      const cut = relativeSpreadCut(r.predictions, names, n, last);
      expect(cut !== null, `n = ${n}`).toBe(expectCut);
      const rhoMax = (i: number) =>
        Math.max(...r.predictions.filter((p) => names.includes(p.name)).map((p) => { const at = p.atSize(n); return at.sd[i] / Math.max(Math.abs(p.population[i]), Math.abs(at.mean[i])); }));
      if (!cut) {
        for (let i = 0; i <= last; i++) expect(rhoMax(i)).toBeLessThanOrEqual(MAX_RELATIVE_SPREAD);
        continue;
      }
      // the step after the last valid one has ρ > 1/√2, none before it
      expect(rhoMax(cut.last + 1)).toBeGreaterThan(MAX_RELATIVE_SPREAD);
      for (let i = 0; i <= cut.last; i++) expect(rhoMax(i)).toBeLessThanOrEqual(MAX_RELATIVE_SPREAD);
      // full-batch GD no longer uses the expansion for its corrected trajectory: the source ensemble, whose diagonal
      // coordinates are not expanded, runs over the whole stage
      const [c] = correctedTheory(config(n), Array.from({ length: 301 }, (_, k) => k));
      const info = c.correction as unknown as CorrectionInfo;
      expect(info.method).toBe('source-ensemble');
      expect(info.validUntilStep).toBe(300);
      expect(validRange(r.run, r.blocks, r.signal, false, n).last).toBeLessThan(300);
    }
  });
});
