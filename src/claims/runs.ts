/**
 * The run set a claim or a figure measures from: experiments addressed by their config, each computing its stages
 * once (spec → derivation → compiled system → theory → simulation) and keeping them. The pipeline
 * (pipeline/experiment.ts) implements it; claims and figures see only this contract, so they sit below the
 * pipeline. A claim or figure gets a view restricted to the runs it declared (`runs(params)`): asking for any
 * other experiment is an error, so the declaration is the truth about what it reads. Adaptive probes (bisection over
 * a parameter, whose points are not known in advance) go through `probe`, which is memoized too but not declared.
 */
import type { ExperimentConfig } from '../config/config.js';
import type { Trajectory } from '../core/trajectory.js';
import type { FlowKind } from '../dynamics/flows.js';
import type { ModelSpec } from '../model/spec.js';
import type { SeedRun } from '../sim/simulate.js';
import type { CompiledSystem } from '../symbolic/compiled.js';
import type { Derivation, DeriveOptions } from '../symbolic/derive.js';

/** One experiment: a config and everything computed from it, each stage computed once. */
export interface Run {
  /** Stable id: a hash of the canonical JSON of the config. */
  readonly id: string;
  readonly config: ExperimentConfig;
  spec(): ModelSpec;
  derivation(opts?: DeriveOptions): Derivation;
  /** The compiled reduced system (loss, gradients, Jacobian of the derived model). */
  system(): CompiledSystem;
  /** The reduced maps of the config's algorithms, plus the requested continuous-time limits. */
  theory(opts?: { flows?: FlowKind[] }): Trajectory[];
  /** Full-dimensional runs, one trajectory per algorithm (seed-ensemble mean ± SE), with the simulator's provenance. */
  simulation(): Trajectory[];
  /** The per-seed runs behind an ensemble: seeds()[algorithm][seed]. */
  seeds(): SeedRun[][];
  /** The ensemble of `seeds()` per algorithm (provenance: config and seeds only). */
  ensemble(): Trajectory[];
}

/** The runs of a plan, addressed by config (declared) or as adaptive probes. */
export interface RunSet {
  /** A declared experiment. */
  run(config: ExperimentConfig): Run;
  /** An adaptive probe (bisection point): memoized, not declared. */
  probe(config: ExperimentConfig): Run;
  /** A value computed from runs and shared between claims and figures (e.g. a stability scan), computed once per key. */
  shared<T>(key: string, compute: () => T): T;
}

/** What a claim or figure declares it reads. */
export interface RunRequest {
  config: ExperimentConfig;
  /** Why (shown in errors and the plan listing). */
  purpose?: string;
}

/** The trajectory of one algorithm id in a run's output. */
export function trajectoryOf(ts: Trajectory[], algorithm: string): Trajectory {
  const t = ts.find((x) => x.algorithm === algorithm);
  if (!t) throw new Error(`no ${algorithm} trajectory (have ${ts.map((x) => x.algorithm).join(', ')})`);
  return t;
}
