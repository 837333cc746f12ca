/** The pipeline stage: experiments (memoized stages), plans and the reproduce plan. */
export { Experiment } from './experiment.js';
export { RunStore } from './runs.js';
export { canonicalJson, runId } from './run-id.js';
export { runPlan, defaultComparisons, type Plan, type PlanResult, type PlannedComparison, type PlannedExperiment, type Progress } from './plan.js';
export { reproduceExperiments, reproducePlan, runReproduce } from './reproduce.js';
