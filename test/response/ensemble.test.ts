/**
 * The corrected theory against seeded finite-sample ensembles of the real simulation (sim/), with the compare rule's
 * derived tolerance (compare/tolerance.ts: ensemble mean within c·se + the predicted next-order term, c the
 * Bonferroni Student-t quantile): small d, where many seeds are cheap and the expansion is valid over the run.
 * Negative control: the same ensemble against the population theory fails (the predicted shift is many SE wide).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { runTheory } from '../../src/dynamics/theory.js';
import { runSimulation } from '../../src/sim/simulate.js';
import { compareTrajectories } from '../../src/compare/compare.js';

/** Full batch (the source ensemble predicts the statistics of WᵀW) and online (the 1/B expansion, signed ones too). */
const SERIES = { 'full-batch': ['a_mag', 'b_mag', 'c_mag', 'loss'], online: ['a', 'b', 'c', 'a_mag', 'b_mag', 'c_mag', 'loss'] };

function ensembleCheck(data: unknown, algorithm: unknown, steps: number, seeds: number) {
  const config = parseConfig({
    model: { d: 6, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 4, bulkVariance: 1 }, student: { kind: 'matrix' }, init: { kind: 'scaled-identity', alpha: 0.2 } },
    algorithms: [algorithm],
    steps,
    data,
    seeds: Array.from({ length: seeds }, (_, i) => i + 1),
    record: 'all',
  });
  const theory = runTheory(config, { corrected: true });
  const pop = theory.find((t) => t.kind === 'theory')!;
  const cor = theory.find((t) => t.kind === 'theory-corrected')!;
  const [sim] = runSimulation(config, { workers: 1 });
  const eta = (algorithm as { eta: number }).eta;
  const window: [number, number] = [1, steps];
  const series = SERIES[(data as { mode: 'full-batch' | 'online' }).mode];
  return {
    corrected: compareTrajectories(cor, sim, { eta, config, series, window }),
    population: compareTrajectories(pop, sim, { eta, config, series, window }),
  };
}

describe('corrected theory vs seeded finite-sample ensembles (d = 6, λ_v = 4)', () => {
  it('GD, full batch n = 500, 256 seeds: passes against the corrected theory, fails against the population theory', () => {
    const { corrected, population } = ensembleCheck({ mode: 'full-batch', n: 500 }, { name: 'gd', eta: 0.05 }, 30, 256);
    expect(corrected.tolerance.kind).toBe('finite-sample');
    expect(corrected.reference).toBe('corrected');
    expect(corrected.verdict, JSON.stringify(corrected.series.map((s) => [s.series, s.worstRatio]))).toBe('pass');
    expect(population.verdict).toBe("fail");
  }, 120_000);
  it('GD, online B = 100, 256 seeds: the same', () => {
    const { corrected, population } = ensembleCheck({ mode: 'online', batch: 100 }, { name: 'gd', eta: 0.05 }, 30, 256);
    expect(corrected.verdict, JSON.stringify(corrected.series.map((s) => [s.series, s.worstRatio]))).toBe('pass');
    expect(population.verdict).toBe("fail");
  }, 120_000);
});
