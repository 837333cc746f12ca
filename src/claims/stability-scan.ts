/**
 * The GD stability scan over λ_v (the one place the claims and figures call `stabilityReport`): per λ_v, the
 * largest stable η̃ measured by bisection from W₀ and near the optimum, and the linearized bounds along the
 * trajectory and at the optimum. Shared by the two stability claims and figure 6 (computed once per run set).
 */
import type { StabilityScan } from '../compare/bundle.js';
import { stabilityReport } from '../dynamics/stability.js';
import { spikedConfig, type ReproduceParams } from './params.js';
import type { RunRequest, RunSet } from './runs.js';

export interface StabilityScans {
  /** From W₀: measured bound vs the linearized bound along the trajectory (and at the optimum). */
  fromInit: StabilityScan & { linearizedAtOptimum: (number | null)[] };
  /** Near the optimum: measured bound vs 2/μ_max at the optimum. */
  nearOptimum: { lambdaV: number[]; linearized: number[]; measured: number[]; resolution: number[] };
}

/** The configs of the scan, one per λ_v. */
export function stabilityRuns(p: ReproduceParams): RunRequest[] {
  return p.stability.lambdaV.map((lambdaV) => ({ config: spikedConfig(p, { lambdaV, d: p.d, steps: p.stability.steps }), purpose: `stability scan at λ_v = ${lambdaV}` }));
}

export function stabilityScans(runs: RunSet, p: ReproduceParams): StabilityScans {
  return runs.shared('stability-scan', () => {
    const stab = { lambdaV: [] as number[], linearized: [] as number[], linearizedAtOptimum: [] as (number | null)[], measured: [] as number[], resolution: [] as number[] };
    const nearOpt = { lambdaV: [] as number[], linearized: [] as number[], measured: [] as number[], resolution: [] as number[] };
    const requests = stabilityRuns(p);
    p.stability.lambdaV.forEach((lambdaV, i) => {
      const cfg = runs.run(requests[i].config).config;
      const rep = stabilityReport(cfg, { steps: p.stability.steps, resolution: p.stability.resolution });
      const m = rep.measured.fromInit;
      const along = rep.linearized.alongTrajectory?.bound ?? null;
      if (m && along !== null) {
        stab.lambdaV.push(lambdaV);
        stab.measured.push(m.eta);
        stab.linearized.push(along);
        stab.linearizedAtOptimum.push(rep.linearized.atOptimum);
        stab.resolution.push(m.bracket[1] - m.bracket[0]);
      }
      const n = rep.measured.nearOptimum;
      if (n && rep.linearized.atOptimum !== null) {
        nearOpt.lambdaV.push(lambdaV);
        nearOpt.measured.push(n.eta);
        nearOpt.linearized.push(rep.linearized.atOptimum);
        nearOpt.resolution.push(n.bracket[1] - n.bracket[0]);
      }
    });
    return { fromInit: stab, nearOptimum: nearOpt };
  });
}
