/**
 * The library boundary: the exported entry points that run work (src/index.ts re-exports these, not the stage
 * functions). Each checks the same resource budget as the CLI (config/budget.ts: SPECGD_MEMORY_LIMIT_MB,
 * SPECGD_TIME_LIMIT_S) before it allocates anything, so a program calling `runTheory(config)` gets the one-line
 * `ConfigError` naming the field that drives the cost, not an out-of-memory crash after minutes. The CLI commands
 * call the stage functions with the same checks of their own (their flags add terms: --seeds, --csv, ...).
 *
 * Every wrapper is `withBudget(stage, terms)`: the cost terms of its arguments, then the stage itself.
 */
import { checkBudget, derivationTermsForBlocks, simulationTerms, sweepTerms, theoryFlowRequests, theoryTerms, thresholdsTerms, type CostTerm } from './config/budget.js';
import { DEFAULTS } from './config/defaults.js';
import { runTheory as theoryStage } from './dynamics/theory.js';
import { runSweep as sweepStage } from './dynamics/sweep.js';
import { stabilityReport as stabilityStage, stabilityRuns } from './dynamics/stability.js';
import { runSimulation as simulationStage, runSimulationSeeds as seedsStage } from './sim/simulate.js';
import { derive as deriveStage } from './symbolic/derive.js';
import { systemFor as systemStage } from './symbolic/compile.js';
import { runPlan as planStage } from './pipeline/plan.js';
import { runReproduce as reproduceStage, reproducePlan } from './pipeline/reproduce.js';
import type { Plan } from './pipeline/plan.js';

/** `stage` preceded by `checkBudget(terms(...args))` (same signature). */
function withBudget<A extends unknown[], R>(stage: (...args: A) => R, terms: (...args: A) => CostTerm[]): (...args: A) => R {
  return (...args: A) => {
    checkBudget(terms(...args));
    return stage(...args);
  };
}

/** The budget of every experiment of a plan (its theory config and its simulated config), before any runs. */
function planTerms(plan: Plan): CostTerm[] {
  for (const e of plan.experiments) checkBudget([...theoryTerms(e.theoryConfig ?? e.config), ...simulationTerms(e.config)]);
  return [];
}

export const runTheory = withBudget(theoryStage, (config, opts = {}) => theoryTerms(config, theoryFlowRequests(config, opts.flows ?? [], opts.signFlowEpsilon)));
export const runSweep = withBudget(sweepStage, (spec) => sweepTerms(spec.lambdaV.length * spec.values.length, spec.steps, spec.algorithms.length, spec.grid === 'lambda-d' ? Math.max(...spec.values) : spec.base.model.d));
export const runSimulation = withBudget(simulationStage, (config) => simulationTerms(config));
export const runSimulationSeeds = withBudget(seedsStage, (config) => simulationTerms(config));
export const stabilityReport = withBudget(stabilityStage, (config, opts = {}) => thresholdsTerms(config, 1, opts.steps ?? Math.max(config.steps, DEFAULTS.stabilityMinSteps), opts.resolution ?? DEFAULTS.stabilityResolution, stabilityRuns(config)));
export const derive = withBudget(deriveStage, (spec) => derivationTermsForBlocks(spec.blocks.length, spec.d));
export const systemFor = withBudget(systemStage, (spec) => derivationTermsForBlocks(spec.blocks.length, spec.d));
export const runPlan = withBudget(planStage, planTerms);
export const runReproduce = withBudget(reproduceStage, (sizes) => planTerms(typeof sizes === 'object' && 'experiments' in sizes ? sizes : reproducePlan(sizes)));
