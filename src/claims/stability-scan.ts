/**
 * The GD stability scan over λ_v (the one place the claims and figures call `stabilityReport`): per λ_v, the
 * step-size scan of dynamics/stability.ts from W₀ and from a* + δ (stableUpTo, its bracket, divergesFrom), the
 * analytic bounds beside them (the optimum's linearized bound 2/μ_max and the escape-stage bound) and which one the
 * measured stableUpTo follows. Called with the scan's default settings — no override — so every value equals what
 * `specgd thresholds` reports for the same config. Shared by the two stability claims and figure 6 (computed once
 * per run set).
 */
import type { StabilityScan } from '../compare/bundle.js';
import { stabilityReport } from '../dynamics/stability.js';
import { spikedConfig, type ReproduceParams } from './params.js';
import type { RunRequest, RunSet } from './runs.js';

export interface ScanEntry {
  lambdaV: number;
  /** stableUpTo from W₀ and its bracket [stableUpTo, first scanned η̃ not converging to the optimum]. */
  stableUpTo: number;
  bracket: [number, number];
  divergesFrom: number | null;
  /** The same scan from a* + δ. */
  nearOptimum: { stableUpTo: number; bracket: [number, number] } | null;
  /** Analytic bounds: the optimum's 2/μ_max and the escape-stage bound (null if none), the smaller one binds. */
  optimumBound: number | null;
  escapeBound: number | null;
  binds: 'optimum' | 'escape-stage' | null;
  predictedStableUpTo: number | null;
  follows: 'optimum' | 'escape-stage' | 'neither';
  followsRule: string;
}

export interface StabilityScans {
  entries: ScanEntry[];
  /** The bundle's stability section (figure 6). */
  section: StabilityScan;
}

/** The configs of the scan, one per λ_v. */
export function stabilityRuns(p: ReproduceParams): RunRequest[] {
  return p.stability.lambdaV.map((lambdaV) => ({ config: spikedConfig(p, { lambdaV, d: p.d, steps: p.stability.steps }), purpose: `stability scan at λ_v = ${lambdaV}` }));
}

export function stabilityScans(runs: RunSet, p: ReproduceParams): StabilityScans {
  return runs.shared('stability-scan', () => {
    const entries: ScanEntry[] = [];
    const requests = stabilityRuns(p);
    p.stability.lambdaV.forEach((lambdaV, i) => {
      const rep = stabilityReport(runs.run(requests[i].config).config);
      const s = rep.scan;
      if (s.stableUpTo === null || !s.bracket) return;
      const n = rep.scanNearOptimum;
      entries.push({
        lambdaV,
        stableUpTo: s.stableUpTo,
        bracket: s.bracket,
        divergesFrom: s.divergesFrom,
        nearOptimum: n.stableUpTo !== null && n.bracket ? { stableUpTo: n.stableUpTo, bracket: n.bracket } : null,
        optimumBound: rep.analytic.optimum.value,
        escapeBound: rep.analytic.escape?.value ?? null,
        binds: rep.analytic.predictedStableUpTo?.binds ?? null,
        predictedStableUpTo: rep.analytic.predictedStableUpTo?.value ?? null,
        follows: rep.follows.bound,
        followsRule: rep.follows.rule,
      });
    });
    const section: StabilityScan = {
      lambdaV: entries.map((e) => e.lambdaV),
      linearized: entries.map((e) => e.predictedStableUpTo ?? NaN),
      linearizedAtOptimum: entries.map((e) => e.optimumBound),
      escapeStage: entries.map((e) => e.escapeBound),
      measured: entries.map((e) => e.stableUpTo),
      resolution: entries.map((e) => e.bracket[1] - e.bracket[0]),
    };
    return { entries, section };
  });
}
