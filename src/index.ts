/**
 * The public typed API of specgd, by concept (re-exports only; internals such as the polynomial type, the
 * linear-algebra kernels and the recording helpers are not part of it):
 *  - experiments: configs and presets, the model spec, `Experiment` (one config's stages, each computed once),
 *    `runPlan` and the reproduce plan;
 *  - the registries: algorithms, statistics, covariance families, claims;
 *  - theory: the symbolic derivation, the reduced maps and flows, stability, sweeps;
 *  - simulation: full-dimensional runs;
 *  - compare: theory vs simulation;
 *  - report: building and writing the report files.
 */

// Errors and the shared result types.
export { ConfigError, RunFailure } from './core/errors.js';
export type { Provenance, Trajectory, TrajectoryEvent, TrajectoryStatus } from './core/trajectory.js';

// Experiments.
export { parseConfig, loadConfigFile, presetConfig, type ExperimentConfig, type AlgorithmConfig, type CovarianceConfig, type InitConfig, type StudentConfig, type DataConfig } from './config/config.js';
export { DEFAULTS } from './config/defaults.js';
export { PRESETS, presetNames } from './config/presets.js';
export { buildModelSpec, type Block, type ModelSpec } from './model/spec.js';
export { Experiment, RunStore, runId, runPlan, reproducePlan, runReproduce, type Plan, type PlanResult, type PlannedComparison, type PlannedExperiment } from './pipeline/index.js';

// Registries.
export { ALGORITHMS, algorithmById, algorithmLabel, algorithmOf, type Algorithm, type FullStepper, type ReducedStepper, type ReducedSystem } from './algorithms/index.js';
export { STATISTICS, type Statistic, type FullView } from './statistics/index.js';
export { COVARIANCE_FAMILIES, covarianceFamily, type CovarianceFamily } from './model/covariance/index.js';
export { CLAIMS, type ClaimDefinition } from './claims/index.js';
export type { Claim } from './compare/claim.js';

// Theory.
export { derive, type Derivation } from './symbolic/derive.js';
export { systemFor } from './symbolic/compile.js';
export type { CompiledSystem } from './symbolic/compiled.js';
export { runTheory, type TheoryOptions } from './dynamics/theory.js';
export { stabilityReport, type StabilityReport } from './dynamics/stability.js';
export { runSweep, type SweepResult, type SweepSpec } from './dynamics/sweep.js';
// θ over several eigen-directions (issue 13): the matrix-block reduction (runTheory / runSimulation / runSweep use it).
export { deriveMatrixBlock, matrixBlockSystemFor, type MatrixBlockDerivation } from './symbolic/matrix-block-derive.js';
export { renderMatrixBlockDerivation } from './report/matrix-block-doc.js';
export { withMatrixBlock, type MatrixBlockCoordinates } from './model/spec.js';

// Simulation.
export { runSimulation, runSimulationSeeds, type SimulateOptions, type SeedRun } from './sim/simulate.js';

// Compare.
export { compareTrajectories, type Comparison, type CompareOptions } from './compare/compare.js';
export type { ResultsBundle } from './compare/bundle.js';

// Report.
export { buildReport, writeReportFiles, claimsJson, type ReportFiles } from './report/write.js';
