/**
 * The `theory-corrected` contract (issue 11): one per GD/SpecGD algorithm of a finite-sample or online config, its
 * population values equal to the derived reduced map's (the response's own population recursion is checked against
 * the engine's), series = predicted means, `sd` beside them, `correction` with order, size and validity; none for
 * population configs.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { assertFiniteDeep } from '../../src/core/trajectory.js';
import { runTheory } from '../../src/dynamics/theory.js';
import type { CorrectionInfo } from '../../src/dynamics/response/corrected.js';

const config = (data: unknown) =>
  parseConfig({
    model: { d: 12, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 }, student: { kind: 'matrix' }, init: { kind: 'scaled-identity', alpha: 0.01 }, labelNoise: 0.3 },
    algorithms: [{ name: 'gd', eta: 0.01 }, { name: 'specgd', eta: 0.002 }],
    steps: 200,
    data,
    seeds: [1, 2],
  });

describe('theory-corrected trajectories', () => {
  it('full batch: per algorithm, predicted means with SDs; population part equal to the reduced map', () => {
    const out = runTheory(config({ mode: 'full-batch', n: 4000 }), { corrected: true });
    const pop = out.filter((t) => t.kind === 'theory');
    const cor = out.filter((t) => t.kind === 'theory-corrected');
    expect(cor.map((t) => t.algorithm)).toEqual(['gd', 'specgd']);
    assertFiniteDeep(cor);
    for (const c of cor) {
      const info = c.correction as unknown as CorrectionInfo;
      expect(info.order).toBe('1/n');
      expect(info.size).toBe(4000);
      expect(['ok', 'sign-switch', 'expansion-breakdown']).toContain(info.validity);
      const p = pop.find((t) => t.algorithm === c.algorithm)!;
      const ps = p.series as Record<string, number[]>;
      // GD, full batch: the source ensemble, the statistics of WᵀW only (the signed ones are listed as omitted);
      // SpecGD: the 1/n expansion, every series, mean = population + coefficient/n
      if (info.method === 'source-ensemble') {
        expect(c.algorithm).toBe('gd');
        expect(Object.keys(c.series).sort()).toEqual(['a_mag', 'b_mag', 'c_mag', 'loss', 'ratio_mag']);
        expect(info.omitted!.series.sort()).toEqual(['a', 'b', 'c', 'ratio']);
        expect(info.draws).toBeGreaterThan(100);
        continue;
      }
      expect(info.method).toBe('expansion');
      for (const name of ['a', 'b', 'c', 'loss', 'ratio']) {
        expect(c.sd![name].length).toBe(c.step.length);
        c.step.forEach((k, i) => {
          const j = p.step.indexOf(k);
          // the response's population recursion reproduces the engine's reduced map (rounding only)
          expect(Math.abs(info.population[name][i] - ps[name][j])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ps[name][j])));
          expect((c.series as Record<string, number[]>)[name][i]).toBeCloseTo(info.population[name][i] + info.coefficients[name][i] / 4000, 12);
        });
      }
      expect(Math.max(...c.step)).toBeLessThanOrEqual(info.validUntilStep);
    }
    // GD's correction is not zero; SpecGD from αI has none before its first (sampling-resolved) sign switch
    const gd = cor[0].correction as unknown as CorrectionInfo;
    expect(Math.max(...gd.coefficients.a.map(Math.abs))).toBeGreaterThan(0);
    const sg = cor[1].correction as unknown as CorrectionInfo;
    expect(sg.validity).toBe('sign-switch');
    // it states its own range (compare reads it: the comparison over it is the claim)
    expect(sg.statedRange?.rule).toMatch(/first sign switch/);
    expect(gd.statedRange).toBeUndefined();
    expect(Math.max(...sg.coefficients.a.map(Math.abs))).toBe(0);
  });
  it('online: order 1/B; population data: no corrected trajectory', () => {
    const on = runTheory(config({ mode: 'online', batch: 512 }), { corrected: true }).filter((t) => t.kind === 'theory-corrected');
    expect((on[0].correction as unknown as CorrectionInfo).order).toBe('1/B');
    expect(runTheory(config({ mode: 'population' }), { corrected: true }).some((t) => t.kind === 'theory-corrected')).toBe(false);
  });
});
