/**
 * `runTheory(config, opts)`: the reduced population dynamics of a config as `Trajectory`s — one per algorithm
 * (GD map, SpecGD map, Muon's reduced Newton–Schulz map), plus optionally the gradient flow (time t = η̃k with the
 * config's first GD step size) and the smoothed sign flow (t = ηk with the first SpecGD step size), which also
 * reports its distance to the SpecGD map: max over the common recorded steps of max_k |a_k^flow(ηk) − a_k^map(k)|.
 */
import { ConfigError } from '../core/errors.js';
import { provenance } from '../core/provenance.js';
import { lossIncreased, type Provenance, type Trajectory } from '../core/trajectory.js';
import type { ExperimentConfig } from '../config/config.js';
import { DEFAULTS } from '../config/defaults.js';
import { algorithmOf } from '../algorithms/index.js';
import type { CompiledSystem } from '../symbolic/compiled.js';
import { iterateMap } from './maps.js';
import { flowOwner, integrateReducedFlow, type FlowKind } from './flows.js';
import { recordSteps } from '../config/record.js';
import { theorySetup } from './setup.js';
import { divergenceMessage } from './stability.js';
import { correctedTheory } from './response/corrected.js';

export interface TheoryOptions {
  /** Continuous-time limits to add. */
  flows?: FlowKind[];
  /** ε of the smoothed sign flow (default DEFAULTS.signFlowEpsilon). */
  signFlowEpsilon?: number;
  /** Use this compiled system instead of `systemFor(spec)` (tests of limit systems). */
  system?: CompiledSystem;
  /** Command recorded in the provenance. */
  command?: string;
  /**
   * Finite-sample or online configs: add per GD/SpecGD algorithm the `theory-corrected` trajectory (population +
   * predicted leading-order finite-sample shift, with the predicted per-seed SD; dynamics/response/corrected.ts).
   */
  corrected?: boolean;
}

/** A reduced run (map or flow) as a theory `Trajectory`. */
function theoryTrajectory(algorithm: string, run: Pick<Trajectory, 'status' | 'step' | 't' | 'events'> & { series: Record<string, number[]> }, message: string, provenance: Provenance): Trajectory {
  return { kind: 'theory', algorithm, status: run.status, message, step: run.step, t: run.t, series: run.series, events: run.events, provenance };
}

/** Run every algorithm of the config (and the requested flows) on the reduced system. */
export function runTheory(config: ExperimentConfig, opts: TheoryOptions = {}): Trajectory[] {
  const { spec, sys, ctx, a0 } = theorySetup(config, opts.system);
  const record = recordSteps(config.steps, config.record);
  const prov = (settings: Record<string, unknown>) => provenance(opts.command ?? 'theory', config, { seeds: config.seeds, settings });
  const out: Trajectory[] = [];
  const mapRuns = new Map<string, ReturnType<typeof iterateMap>>();
  for (const alg of config.algorithms) {
    const def = algorithmOf(alg);
    const label = def.label(alg);
    const why = def.reducible({ student: spec.student.kind, basis: spec.basis, signalDirections: spec.coordinates?.K ?? 1 }) ?? def.configReducible?.(alg) ?? null;
    if (why !== null) throw new ConfigError('algorithms[].name', alg.name, `an algorithm that reduces to the block manifold for \`specgd theory\` (${label}: ${why}); use \`specgd simulate\``);
    const run = iterateMap(sys, ctx, a0, {
      algorithm: alg,
      steps: config.steps,
      record,
      escapeLevel: config.events.escapeLevel,
      lossLevel: config.events.lossLevel,
      divergenceBound: DEFAULTS.divergenceBound,
    });
    mapRuns.set(label, run);
    let message = run.status === 'diverged' ? divergenceMessage(sys, ctx, spec, a0, alg, run.divergedAt ?? 0) : `${config.steps} steps`;
    const grew = run.status === 'ok' ? lossIncreased(run.series.loss, def.timeStep === 'etaTilde' ? 'η̃' : 'η', alg.eta) : null;
    if (grew !== null) message = `${label}: ${grew}`;
    out.push(theoryTrajectory(label, { ...run, status: grew !== null ? 'loss-increased' : run.status }, message, prov({ map: def.id, eta: alg.eta, divergenceBound: DEFAULTS.divergenceBound, signTieRelTol: DEFAULTS.signTieRelTol })));
  }
  for (const flow of opts.flows ?? []) {
    const owner = flowOwner(flow);
    const alg = config.algorithms.find((a) => algorithmOf(a) === owner);
    const eta = alg?.eta ?? owner.defaults.eta;
    const grid = Float64Array.from(record, (k) => eta * k);
    const epsilon = opts.signFlowEpsilon ?? DEFAULTS.signFlowEpsilon;
    const run = integrateReducedFlow(sys, ctx, a0, {
      kind: flow,
      grid,
      gridSteps: record,
      tEnd: eta * config.steps,
      escapeLevel: config.events.escapeLevel,
      lossLevel: config.events.lossLevel,
      epsilon,
      relativeTolerance: DEFAULTS.flowRelTol,
      absoluteTolerance: DEFAULTS.flowAbsTol,
      maxSteps: 2_000_000,
    });
    const settings: Record<string, unknown> = { eta, relativeTolerance: DEFAULTS.flowRelTol, absoluteTolerance: DEFAULTS.flowAbsTol, odexSteps: run.result.nStep };
    let message = run.message;
    const etaSym = owner.timeStep === 'etaTilde' ? 'η̃' : 'η';
    if (!alg) message = `${message}; time t = ${etaSym}k with the default ${etaSym} = ${eta} (the config has no ${owner.id} algorithm)`;
    if (owner.flow!.smoothed) {
      settings.epsilon = epsilon;
      const mapConfig = alg ?? owner.defaults;
      const map = mapRuns.get(owner.label(mapConfig)) ?? iterateMap(sys, ctx, a0, { algorithm: { ...mapConfig, eta }, steps: config.steps, record, escapeLevel: config.events.escapeLevel, divergenceBound: DEFAULTS.divergenceBound });
      const byStep = new Map<number, number>();
      map.step.forEach((k, i) => byStep.set(k, i));
      let dist = 0;
      let at = 0;
      run.step.forEach((k, i) => {
        const j = byStep.get(k);
        if (j === undefined) return;
        for (const sym of sys.symbols) {
          const d = Math.abs(run.series[sym][i] - map.series[sym][j]);
          if (d > dist) {
            dist = d;
            at = k;
          }
        }
      });
      settings.distanceToSignMap = dist;
      settings.distanceToSignMapAtStep = at;
      message = `${message}; smoothed sign flow (ε = ${epsilon}): max_k |a_k^flow(ηk) − a_k^map(k)| = ${dist.toPrecision(4)} (at step ${at}, η = ${eta})`;
    }
    out.push(theoryTrajectory(flow, run, message, prov(settings)));
  }
  if (opts.corrected) out.push(...correctedTheory(config, record, opts.command ?? 'theory'));
  return out;
}
