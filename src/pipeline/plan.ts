/**
 * A plan: experiments to run and report (run groups + theory-vs-simulation comparisons), claims to measure and
 * figures to draw, all reading one run store keyed by run id. `runPlan` computes every run once, whoever needs
 * it, and assembles the results bundle that report/ turns into files. `reproduce` is one such plan
 * (pipeline/reproduce.ts); any list of experiments can be run and reported the same way.
 */
import type { ExperimentConfig } from '../config/config.js';
import { DEFAULTS } from '../config/defaults.js';
import { provenance } from '../core/provenance.js';
import type { Trajectory } from '../core/trajectory.js';
import type { FlowKind } from '../dynamics/flows.js';
import { algorithmsOf } from '../compare/algorithm-list.js';
import { RESULTS_FORMAT, thinTrajectory, type ResultsBundle, type RunGroup } from '../compare/bundle.js';
import type { Claim } from '../compare/claim.js';
import { compareTrajectories, type Comparison } from '../compare/compare.js';
import type { ClaimDefinition } from '../claims/definition.js';
import { reproduceParams, type ReproduceParams } from '../claims/params.js';
import { trajectoryOf } from '../claims/runs.js';
import { derivationBlocks, derivationJson } from '../report/derivation-doc.js';
import type { FigureDefinition, FigureSection } from '../report/figures/definition.js';
import { runId } from './run-id.js';
import { RunStore } from './runs.js';

/** One theory-vs-simulation comparison of an experiment. */
export interface PlannedComparison {
  /** Theory trajectory (an algorithm id, or a flow: "gradient-flow", "sign-flow"). */
  theory: string;
  /** Flows the theory run must include (for a flow comparison). */
  flows?: FlowKind[];
  /** Simulated algorithm id. */
  simulation: string;
  label: string;
  /** Series compared (default: block coefficients, loss, ratio). */
  series?: string[];
  /** Symbol of the signal coefficient (default "a"). */
  signalSymbol?: string;
  /**
   * Finite-sample runs: "corrected" compares against the simulated config's `theory-corrected` trajectory
   * (population theory + predicted finite-sample shift, dynamics/response/corrected.ts); default: the theory run's
   * trajectory (the population theory of `theoryConfig`). The comparison records its reference either way. An
   * algorithm without a response model (dynamics/response/: GD and SpecGD have one) has no corrected trajectory: its
   * corrected comparison is left out (its population comparison stands).
   */
  reference?: 'corrected';
}

/** An experiment of the plan, reported as a run group of the bundle. */
export interface PlannedExperiment {
  /** Group id in the bundle ("spiked-lambda-10"). */
  id: string;
  /** Bundle group it is reported in ("spiked", "bulk", ... or a plan's own). */
  group: string;
  label: string;
  /** The parameters that vary across the group's experiments. */
  params: Record<string, number>;
  /** The simulated config. */
  config: ExperimentConfig;
  /** Config of the theory it is compared with (default: `config`; e.g. the population model of a finite-sample run). */
  theoryConfig?: ExperimentConfig;
  /** 'trajectory' (default): the simulator's trajectories; 'ensemble': the ensemble of the per-seed runs. */
  simulation?: 'trajectory' | 'ensemble';
  /** Comparisons (default: every algorithm's simulation vs its reduced map). */
  comparisons?: PlannedComparison[];
  /** Progress stage name (default: the group). */
  stage?: string;
}

export interface Plan {
  /** Sizes and grids the claims and figures read (recorded as `plan` in the bundle). Default: the full reproduction's. */
  params?: ReproduceParams;
  experiments: PlannedExperiment[];
  claims: readonly ClaimDefinition[];
  figures: readonly FigureDefinition[];
  /** The experiment whose derivation the report shows (with the initialization scale α of its documents). */
  derivation?: { config: ExperimentConfig; alpha: number } | null;
  /** Command recorded in provenance (default "reproduce"). */
  command?: string;
}

export type Progress = (stage: string, done: number, total: number) => void;

export interface PlanResult {
  bundle: ResultsBundle;
  /** Every run the plan computed, by run id. */
  runs: RunStore;
  /** Run ids of each planned experiment (simulation and theory). */
  experimentRuns: Map<string, { simulation: string; theory: string }>;
}

/** The default comparisons of an experiment: each algorithm's simulation vs its reduced map. */
export function defaultComparisons(e: Pick<PlannedExperiment, 'config' | 'label'>): PlannedComparison[] {
  return algorithmsOf(e.config).map((a) => ({ theory: a.id, simulation: a.id, label: `${a.label}, ${e.label}: simulation vs reduced map` }));
}

/**
 * `thinTrajectory` of a corrected trajectory: its per-step `sd` and the correction's per-step coefficients and
 * population values are thinned to the same kept steps as its series.
 */
function thinCorrected(t: Trajectory, maxPoints: number): Trajectory {
  const thinned = thinTrajectory(t, maxPoints);
  if (thinned === t) return t;
  const index = new Map(t.step.map((k, i) => [k, i]));
  const idx = thinned.step.map((k) => index.get(k)!);
  const pickAll = (r: Record<string, number[]> | undefined) => (r ? Object.fromEntries(Object.entries(r).map(([k, v]) => [k, idx.map((i) => v[i])])) : r);
  const c = t.correction as { coefficients?: Record<string, number[]>; population?: Record<string, number[]> } | undefined;
  return {
    ...thinned,
    ...(t.sd ? { sd: pickAll(t.sd) } : {}),
    ...(c ? { correction: { ...c, ...(c.coefficients ? { coefficients: pickAll(c.coefficients) } : {}), ...(c.population ? { population: pickAll(c.population) } : {}) } } : {}),
  };
}

const STANDARD_GROUPS = ['spiked', 'bulk', 'powerlaw', 'finiteSample'] as const;

/** Run a plan: experiments (groups + comparisons), then claims, then the figures' own data, then the bundle. */
export async function runPlan(plan: Plan, opts: { onProgress?: Progress } = {}): Promise<PlanResult> {
  const onProgress: Progress = opts.onProgress ?? (() => {});
  const params = plan.params ?? reproduceParams(false);
  const command = plan.command ?? 'reproduce';
  const runs = new RunStore(command);
  const collecting = plan.figures.filter((f) => f.collect);
  const total = (plan.derivation ? 1 : 0) + plan.experiments.length + plan.claims.length + collecting.length + 1;
  let done = 0;
  const stage = (name: string) => onProgress(name, done++, total);

  let derivation: unknown = null;
  if (plan.derivation) {
    stage('derive');
    const der = runs.run(plan.derivation.config).derivation();
    const alpha = plan.derivation.alpha;
    derivation = { ...derivationJson(der, { alpha }), document: derivationBlocks(der, { alpha }) };
  }

  const groups: Record<string, RunGroup[]> = Object.fromEntries(STANDARD_GROUPS.map((g) => [g, [] as RunGroup[]]));
  const comparisons: Comparison[] = [];
  const experimentRuns = new Map<string, { simulation: string; theory: string }>();
  const thin = (t: Parameters<typeof thinTrajectory>[0]) => thinTrajectory(t, params.maxPoints);
  for (const e of plan.experiments) {
    stage(`${e.stage ?? e.group}: ${e.label}`);
    const simRun = runs.run(e.config);
    const thRun = runs.run(e.theoryConfig ?? e.config);
    experimentRuns.set(e.id, { simulation: simRun.id, theory: thRun.id });
    const sim = e.simulation === 'ensemble' ? simRun.ensemble() : simRun.simulation();
    for (const c of e.comparisons ?? defaultComparisons(e)) {
      const th = c.reference === 'corrected' ? simRun.correctedTheory().find((t) => t.algorithm === c.theory) : trajectoryOf(thRun.theory(c.flows ? { flows: c.flows } : {}), c.theory);
      if (!th) continue;
      const alg = algorithmsOf(e.config).find((a) => a.id === c.simulation);
      if (!alg) throw new Error(`experiment ${e.id}: no algorithm ${c.simulation} in its config`);
      comparisons.push(
        compareTrajectories(th, trajectoryOf(sim, c.simulation), {
          eta: alg.eta,
          config: e.config,
          ...(c.series ? { series: c.series } : {}),
          ...(c.signalSymbol ? { signalSymbol: c.signalSymbol } : {}),
          label: c.label,
        }),
      );
    }
    // a group whose comparisons read the corrected theory carries it beside the population theory (figure 8's band)
    const corrected = (e.comparisons ?? []).some((c) => c.reference === 'corrected') ? simRun.correctedTheory() : [];
    (groups[e.group] ??= []).push({ id: e.id, label: e.label, params: e.params, config: e.config, theory: [...thRun.theory().map(thin), ...corrected.map((t) => thinCorrected(t, params.maxPoints))], simulation: sim.map(thin) });
  }

  const claims: Claim[] = [];
  for (const def of plan.claims) {
    stage(`claim ${def.id}`);
    claims.push(...(await def.measure(runs.view(`claim ${def.id}`, def.runs(params)), params)));
  }

  const sections: Partial<Pick<ResultsBundle, FigureSection>> = {};
  for (const fig of collecting) {
    stage(`figure data ${fig.id}`);
    Object.assign(sections, await fig.collect!(runs.view(`figure ${fig.id}`, fig.runs?.(params) ?? []), params));
  }

  stage('bundle');
  const seeds = [...new Set(plan.experiments.flatMap((e) => [...e.config.seeds, ...(e.theoryConfig?.seeds ?? [])]))].sort((x, y) => x - y);
  const bundle: ResultsBundle = {
    format: RESULTS_FORMAT,
    provenance: provenance(command, { plan: params }, { seeds, settings: { signTieRelTol: DEFAULTS.signTieRelTol } }),
    plan: params as unknown as Record<string, unknown>,
    derivation,
    groups: groups as ResultsBundle['groups'],
    ...sections,
    comparisons,
    claims,
  };
  onProgress('done', total, total);
  return { bundle, runs, experimentRuns };
}

export { runId };
