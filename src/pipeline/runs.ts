/**
 * The run store of a plan: experiments keyed by run id (each computed once, whoever asks), values shared between
 * claims and figures, and restricted views that let a claim or figure read only the runs it declared.
 */
import type { ExperimentConfig } from '../config/config.js';
import type { RunRequest, RunSet } from '../claims/runs.js';
import { Experiment } from './experiment.js';
import { runId } from './run-id.js';

export class RunStore implements RunSet {
  /** Declared experiments by run id. */
  readonly experiments = new Map<string, Experiment>();
  /** Adaptive probes (bisection points) by run id. */
  readonly probes = new Map<string, Experiment>();
  private readonly sharedValues = new Map<string, unknown>();

  constructor(readonly command = 'experiment') {}

  run(config: ExperimentConfig): Experiment {
    const id = runId(config);
    let e = this.experiments.get(id);
    if (!e) {
      e = new Experiment(config, this.command);
      this.experiments.set(id, e);
    }
    return e;
  }

  probe(config: ExperimentConfig): Experiment {
    const id = runId(config);
    const declared = this.experiments.get(id);
    if (declared) return declared;
    let e = this.probes.get(id);
    if (!e) {
      e = new Experiment(config, this.command);
      this.probes.set(id, e);
    }
    return e;
  }

  shared<T>(key: string, compute: () => T): T {
    if (!this.sharedValues.has(key)) this.sharedValues.set(key, compute());
    return this.sharedValues.get(key) as T;
  }

  /** A view that serves only the declared runs (asking for another config is an error naming the owner). */
  view(owner: string, declared: RunRequest[]): RunSet {
    const allowed = new Set(declared.map((r) => runId(r.config)));
    return {
      run: (config) => {
        const id = runId(config);
        if (!allowed.has(id)) throw new Error(`${owner} reads run ${id} (d = ${config.model.d}, ${config.steps} steps) that it does not declare in runs()`);
        return this.run(config);
      },
      probe: (config) => this.probe(config),
      shared: (key, compute) => this.shared(key, compute),
    };
  }
}
