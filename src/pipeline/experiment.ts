/**
 * An experiment: one config and its stages, config → spec → derivation → compiled system → theory → simulation,
 * each computed on first use and kept (memoized by what is computed: a derivation per option set, a theory per
 * flow list). Everything that reads runs (claims, figures, comparisons, run groups) goes through it, so a run that
 * several of them need is computed once.
 */
import type { ExperimentConfig } from '../config/config.js';
import { provenance } from '../core/provenance.js';
import type { Trajectory } from '../core/trajectory.js';
import type { FlowKind } from '../dynamics/flows.js';
import { runTheory } from '../dynamics/theory.js';
import { correctedTheory } from '../dynamics/response/corrected.js';
import { recordSteps } from '../config/record.js';

import { buildModelSpec, type ModelSpec } from '../model/spec.js';
import { ensembleTrajectory, runSimulation, runSimulationSeeds, type SeedRun } from '../sim/simulate.js';
import { systemFor } from '../symbolic/compile.js';
import type { CompiledSystem } from '../symbolic/compiled.js';
import { derive, type Derivation, type DeriveOptions } from '../symbolic/derive.js';
import type { Run } from '../claims/runs.js';
import { canonicalJson, runId } from './run-id.js';

export class Experiment implements Run {
  readonly id: string;
  private readonly memo = new Map<string, unknown>();
  /** Stage computations actually performed (key → count), for tests and the plan listing. */
  readonly computed = new Map<string, number>();

  constructor(
    readonly config: ExperimentConfig,
    /** Command recorded in the provenance of the trajectories. */
    readonly command = 'experiment',
  ) {
    this.id = runId(config);
  }

  private once<T>(key: string, compute: () => T): T {
    if (!this.memo.has(key)) {
      this.memo.set(key, compute());
      this.computed.set(key, (this.computed.get(key) ?? 0) + 1);
    }
    return this.memo.get(key) as T;
  }

  spec(): ModelSpec {
    return this.once('spec', () => buildModelSpec(this.config));
  }

  derivation(opts: DeriveOptions = {}): Derivation {
    return this.once(`derivation:${canonicalJson(opts)}`, () => derive(this.spec(), opts));
  }

  system(): CompiledSystem {
    return this.once('system', () => systemFor(this.spec()));
  }

  theory(opts: { flows?: FlowKind[] } = {}): Trajectory[] {
    const flows = opts.flows ?? [];
    return this.once(`theory:${canonicalJson(flows)}`, () => runTheory(this.config, flows.length ? { command: this.command, flows } : { command: this.command }));
  }

  /**
   * The `theory-corrected` trajectories of a finite-sample or online config (population theory + predicted
   * leading-order 1/n or 1/B shift, dynamics/response/corrected.ts), at the config's recorded steps; [] otherwise.
   */
  correctedTheory(): Trajectory[] {
    return this.once('theory-corrected', () => correctedTheory(this.config, recordSteps(this.config.steps, this.config.record), this.command));
  }

  simulation(): Trajectory[] {
    return this.once('simulation', () => runSimulation(this.config, { command: this.command }));
  }

  seeds(): SeedRun[][] {
    return this.once('seeds', () => runSimulationSeeds(this.config));
  }

  ensemble(): Trajectory[] {
    return this.once('ensemble', () => {
      const prov = provenance(this.command, this.config, { seeds: [...this.config.seeds] });
      const perSeed = this.seeds();
      return this.config.algorithms.map((alg, ai) => ensembleTrajectory(this.config, this.spec(), alg, perSeed[ai], prov));
    });
  }
}
