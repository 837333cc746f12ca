/**
 * The non-orthogonal spike study (issue 13, item 4), computed once per plan (`runs.shared`) and read by the angle
 * claims and figures 11–12. The spiked model with θ = cos φ·u + sin φ·v at the reproduction's λ_θ = σ² = 1, α,
 * η̃ (GD) and η (SpecGD), reduced maps only (they equal the full-dimensional population runs to 1e-12:
 * test/algorithms/matrix-block-exactness.test.ts).
 *
 * Measured quantities (each from the registries: the escape event and the `ratio` and `alignment` statistics):
 *  - escape step k_esc: the first step of the run's `escape` event (the signal coefficient the angle derivation
 *    defines — dynamics/statistics.ts `signalValue` — reaching events.escapeLevel); null when not within the budget;
 *  - peak misalignment: max_{0 ≤ k ≤ k_esc} |ratio(W_k)| over the escaping stage, ratio the registry's misalignment
 *    statistic (b/a at φ = 0); null without escape;
 *  - lowest alignment: min_{0 ≤ k ≤ k_esc} |⟨θ, u₁(W_kᵀW_k)⟩| over the same stage;
 *  - GD's largest stable step: angle-stable-step.ts;
 *  - phase diagram: GD's escape step at (λ_v, φ) against the isotropic reference λ_v = 1 (Σ = I) at the same φ and
 *    η̃: `helps` when it escapes strictly earlier, `hurts` when strictly later or not within the budget while the
 *    reference escapes, `neutral` at the same step, `diverged` when GD diverges within the budget, `undecided`
 *    when the reference does not escape within the budget (no comparison is possible).
 */
import type { AngleCurve, AngleEdge, AnglePhase, AnglePhaseCell, AngleRunSummary, AngleSection, AngleSimulation, AngleStableCurve } from '../compare/angle-section.js';
import { crossingStep } from '../compare/measure.js';
import { seriesMean } from '../compare/series.js';
import { jacobianEigenvalues, linearBound } from '../dynamics/stability/bounds.js';
import { optimumPoint } from './angle-stable-step.js';
import { algorithmsOf } from '../compare/algorithm-list.js';
import { parseConfig, type ExperimentConfig } from '../config/config.js';
import { DEFAULTS } from '../config/defaults.js';
import type { Trajectory } from '../core/trajectory.js';
import { algorithmOf, type AlgorithmConfig } from '../algorithms/index.js';
import { summarizeMap } from '../dynamics/maps.js';
import { alignment, misalignmentRatio, statContext } from '../dynamics/statistics.js';
import { initialBlockCoefficients } from '../model/spec.js';
import type { Run } from './runs.js';
import type { AngleParams } from './angle-params.js';
import { largestStableStep, type StableStepRules } from './angle-stable-step.js';
import { geometric, spikedConfig, type ReproduceParams } from './params.js';
import type { RunRequest, RunSet } from './runs.js';

/**
 * A population config of the study: the plan's spiked config at (λ_v, φ). φ = 0 leaves `signalSpikeAngle` absent,
 * so the φ = 0 runs are commuting-block runs like the rest of the report's.
 */
export function angleConfig(p: ReproduceParams, a: AngleParams, o: { lambdaV: number; phi: number; algorithms?: unknown[]; steps?: number; record?: unknown }): ExperimentConfig {
  const base = spikedConfig(p, { lambdaV: o.lambdaV, d: a.d, steps: o.steps ?? a.steps, ...(o.algorithms ? { algorithms: o.algorithms } : {}), ...(o.record !== undefined ? { record: o.record } : {}) });
  return o.phi === 0 ? base : withAngle(base, o.phi);
}

/** The config with covariance.signalSpikeAngle = φ (spiked). */
export function withAngle(config: ExperimentConfig, phi: number): ExperimentConfig {
  const raw = JSON.parse(JSON.stringify(config)) as { model: { covariance: Record<string, unknown> } };
  raw.model.covariance.signalSpikeAngle = phi;
  return parseConfig(raw);
}

/** The curve runs (GD and SpecGD; their reduced maps are iterated step by step: stageSummary). */
export const curveConfig = (p: ReproduceParams, a: AngleParams, lambdaV: number, phi: number): ExperimentConfig => angleConfig(p, a, { lambdaV, phi });
/** The phase-diagram runs: GD alone. */
export const phaseConfig = (p: ReproduceParams, a: AngleParams, lambdaV: number, phi: number): ExperimentConfig => angleConfig(p, a, { lambdaV, phi, algorithms: [{ name: 'gd', eta: p.etaGd }] });
/** The stable-step models (GD alone; only the compiled system and W₀ are read). */
export const stableConfig = (p: ReproduceParams, a: AngleParams, lambdaV: number, phi: number): ExperimentConfig => angleConfig(p, a, { lambdaV, phi, algorithms: [{ name: 'gd', eta: p.etaGd }], steps: a.steps });

/** Every run the study reads (declared by the claims and the figures that use it). */
export function angleRuns(p: ReproduceParams): RunRequest[] {
  const a = p.angle;
  if (!a) return [];
  const out: RunRequest[] = [];
  for (const lambdaV of a.lambdaV) for (const phi of a.phi) out.push({ config: curveConfig(p, a, lambdaV, phi), purpose: `angle curves at λ_v = ${lambdaV}, φ = ${phi}` });
  for (const lambdaV of geometric(a.phase.lambdaV)) for (const phi of a.phase.phi) out.push({ config: phaseConfig(p, a, lambdaV, phi), purpose: `angle phase diagram at λ_v = ${lambdaV}, φ = ${phi}` });
  for (const lambdaV of a.stable.lambdaV) for (const phi of a.phi) out.push({ config: stableConfig(p, a, lambdaV, phi), purpose: `GD largest stable step at λ_v = ${lambdaV}, φ = ${phi}` });
  return out;
}

/**
 * A run summarized over its escaping stage (module comment), from the reduced map of `alg` on the run's compiled
 * system, every step (no recording):
 * the run's status, divergence and escape step from dynamics/maps.ts `summarizeMap` (the sweeps' and the escape
 * event's definition), then the iterates 0..k_esc again for the stage maxima of |ratio| and minima of the alignment
 * (dynamics/statistics.ts, the functions behind the registry statistics).
 */
export function stageSummary(run: Run, alg: AlgorithmConfig): AngleRunSummary {
  const spec = run.spec();
  const sys = run.system();
  const ctx = statContext(sys, spec, DEFAULTS.signTieRelTol);
  const a0 = initialBlockCoefficients(spec);
  if (!a0) throw new Error('angle study: needs a scaled-identity initialization');
  const sum = summarizeMap(sys, ctx, a0, alg, run.config.steps, run.config.events.escapeLevel, DEFAULTS.divergenceBound);
  const k = sum.escapeStep;
  if (k === null) return { status: sum.status, escapeStep: null, peakMisalignment: null, peakStep: null, minAlignment: null };
  const stepper = algorithmOf(alg).reduced(alg, sys);
  let x = Float64Array.from(a0);
  let next = new Float64Array(sys.n);
  const g = new Float64Array(sys.n);
  const dir = new Float64Array(sys.n);
  let peak = -Infinity;
  let peakStep = 0;
  let minAlignment = Infinity;
  for (let i = 0; ; i++) {
    const r = Math.abs(misalignmentRatio(x, ctx));
    if (r > peak) {
      peak = r;
      peakStep = i;
    }
    minAlignment = Math.min(minAlignment, alignment(x, ctx));
    if (i === k) break;
    sys.grad(x, g);
    stepper.step(x, g, next, dir);
    [x, next] = [next, x];
  }
  return { status: sum.status, escapeStep: k, peakMisalignment: peak, peakStep, minAlignment };
}

/** The simulation's summary over its escaping stage: escape on the `signal` series (‖Wθ‖; `a` at φ = 0). */
export function simulationStage(t: Trajectory, level: number): AngleRunSummary {
  const name = t.series.signal !== undefined ? 'signal' : 'a';
  const sig = seriesMean(t, name).map(Math.abs);
  const k = crossingStep(t.step, sig, level);
  if (k === null) return { status: t.status, escapeStep: null, peakMisalignment: null, peakStep: null, minAlignment: null };
  const ratio = seriesMean(t, 'ratio');
  const al = seriesMean(t, 'alignment');
  let peak = -Infinity;
  let peakStep = 0;
  let minAlignment = Infinity;
  for (let i = 0; i < t.step.length && t.step[i] <= k; i++) {
    if (Math.abs(ratio[i]) > peak) {
      peak = Math.abs(ratio[i]);
      peakStep = t.step[i];
    }
    minAlignment = Math.min(minAlignment, al[i]);
  }
  return { status: t.status, escapeStep: k, peakMisalignment: peak, peakStep, minAlignment };
}

/** φ of the simulation check: the curves' grid point nearest π/4. */
export function simPhi(a: AngleParams): number {
  return a.phi.reduce((best, f) => (Math.abs(f - Math.PI / 4) < Math.abs(best - Math.PI / 4) ? f : best), a.phi[0]);
}

/**
 * Full-dimensional population runs at φ ≈ π/4 (`simPhi`) for each curve λ_v > 1, every step recorded, for
 * ⌈1.25 × the largest reduced-map escape step⌉ steps (adaptive: `runs.probe`); summarized like the reduced maps.
 */
function simulationCheck(runs: RunSet, p: ReproduceParams, a: AngleParams): AngleSimulation {
  const lambdaV = a.lambdaV.filter((l) => l > 1);
  const SIM_PHI = simPhi(a);
  const out: Record<string, AngleRunSummary[]> = {};
  const steps: number[] = [];
  for (const l of lambdaV) {
    const reduced = runs.run(curveConfig(p, a, l, SIM_PHI));
    const esc = algorithmsOf(reduced.config).map((alg) => stageSummary(reduced, alg.config).escapeStep ?? a.steps);
    const n = Math.min(a.steps, Math.ceil(1.25 * Math.max(...esc)));
    steps.push(n);
    const sim = runs.probe(angleConfig(p, a, { lambdaV: l, phi: SIM_PHI, steps: n, record: 'all' })).simulation();
    for (const alg of algorithmsOf(reduced.config)) {
      const t = sim.find((x) => x.algorithm === alg.id);
      if (!t) throw new Error(`angle study: no ${alg.id} simulation`);
      (out[alg.id] ??= []).push(simulationStage(t, p.escapeLevel));
    }
  }
  return { phi: SIM_PHI, lambdaV, steps, runs: out };
}

const EDGE_ITERATIONS = 10;
/** Relative slack of the monotonicity check (rounding of μ_max: a flat 2/μ_max at λ_v = 1 is not an increase). */
const MONOTONE_REL_TOL = 1e-9;
export const EDGE_RULE = `predicted loss of convergence: φ* where the optimum's bound 2/μ_max(λ_v, φ) falls to the plan's η̃ (above it the optimum repels GD: it cycles or diverges) (${EDGE_ITERATIONS} bisections in φ on [0, π/2]; 2/μ_max must decrease along the phase diagram's φ grid, else none)`;

/** The predicted divergence edge φ*(λ_v) of GD at η̃ (AngleEdge). */
function divergenceEdge(runs: RunSet, p: ReproduceParams, a: AngleParams, lambdaV: number[]): AngleEdge {
  const eta = p.etaGd;
  const bound = (l: number, phi: number): number => {
    const r = runs.probe(angleConfig(p, a, { lambdaV: l, phi, algorithms: [{ name: 'gd', eta }], steps: 1 }));
    const sys = r.system();
    return linearBound(jacobianEigenvalues(sys, optimumPoint(sys, r.spec()))) ?? Infinity;
  };
  const phis: (number | null)[] = [];
  const reasons: (string | null)[] = [];
  for (const l of lambdaV) {
    const grid = a.phase.phi.map((f) => bound(l, f));
    const end = bound(l, Math.PI / 2);
    if (end > eta && grid.every((b) => b > eta)) {
      phis.push(null);
      reasons.push(`2/μ_max ≥ ${Math.min(end, ...grid).toPrecision(4)} > η̃ on the φ grid and at π/2: no edge`);
    } else if (grid.some((b, j) => j > 0 && b > grid[j - 1] * (1 + MONOTONE_REL_TOL))) {
      phis.push(null);
      reasons.push('2/μ_max is not decreasing in φ on the grid');
    } else if (grid[0] <= eta) {
      phis.push(0);
      reasons.push(null);
    } else {
      let lo = 0;
      let hi = Math.PI / 2;
      for (let i = 0; i < EDGE_ITERATIONS; i++) {
        const mid = (lo + hi) / 2;
        if (bound(l, mid) > eta) lo = mid;
        else hi = mid;
      }
      phis.push((lo + hi) / 2);
      reasons.push(null);
    }
  }
  return { etaTilde: eta, lambdaV, phi: phis, reason: reasons, rule: EDGE_RULE };
}

/** Classify one phase-diagram cell against the reference (module comment). */
export function phaseCell(escape: number | null, diverged: boolean, reference: number | null): { cell: AnglePhaseCell; reason: string | null } {
  if (diverged) return { cell: 'diverged', reason: 'GD diverges within the step budget at this η̃' };
  if (reference === null) return { cell: 'undecided', reason: 'the isotropic reference does not escape within the step budget' };
  if (escape === null) return { cell: 'hurts', reason: `no escape within the budget (reference: step ${reference})` };
  if (escape < reference) return { cell: 'helps', reason: null };
  if (escape > reference) return { cell: 'hurts', reason: null };
  return { cell: 'neutral', reason: null };
}

export const PHASE_RULE =
  "GD's escape step at (λ_v, φ) vs the isotropic reference λ_v = 1 (Σ = I) at the same φ, η̃ and budget: helps = strictly earlier; hurts = strictly later, or no escape within the budget while the reference escapes; neutral = the same step; diverged = GD diverges within the budget; undecided = the reference does not escape within the budget";

/** The phase diagram from escape steps and statuses (rows: λ_v ascending from the reference λ_v = 1). */
export function phaseDiagram(lambdaV: number[], phi: number[], escape: (number | null)[][], diverged: boolean[][], steps: number, config: ExperimentConfig): AnglePhase {
  const r = lambdaV.indexOf(1);
  if (r < 0) throw new Error(`angle phase diagram: the λ_v grid (${lambdaV.join(', ')}) lacks the isotropic reference λ_v = 1`);
  const reference = phi.map((_, j) => (diverged[r][j] ? null : escape[r][j]));
  const cells = lambdaV.map((_, i) => phi.map((_, j) => phaseCell(escape[i][j], diverged[i][j], reference[j])));
  return { lambdaV, phi, config, escapeStep: escape, reference, cell: cells.map((row) => row.map((c) => c.cell)), reason: cells.map((row) => row.map((c) => c.reason)), steps, rule: PHASE_RULE };
}

const STABLE_RULE =
  "stableUpTo: the step-size scan of `specgd thresholds` from W₀ = αI (dynamics/stability.ts): the largest scanned η̃ below which every scanned η̃ converges to the optimum (φ > 0: the optimum set WᵀW = θθᵀ, by the classifier's rules), bracketed by the first scanned η̃ that does not (cycle, bounded, diverges or undecided); undecided when the smallest scanned η̃ is not stable or every one is";

export function angleStudy(runs: RunSet, p: ReproduceParams): AngleSection | null {
  const a = p.angle;
  if (!a) return null;
  return runs.shared('angle-study', () => {
    const curves: AngleCurve[] = a.lambdaV.map((lambdaV) => {
      const out: Record<string, AngleRunSummary[]> = {};
      for (const phi of a.phi) {
        const config = curveConfig(p, a, lambdaV, phi);
        const run = runs.run(config);
        for (const alg of algorithmsOf(config)) (out[alg.id] ??= []).push(stageSummary(run, alg.config));
      }
      return { lambdaV, phi: [...a.phi], config: curveConfig(p, a, lambdaV, 0), runs: out };
    });
    const rules: StableStepRules = { resolution: a.stable.resolution };
    const stable: AngleStableCurve[] = a.stable.lambdaV.map((lambdaV) => {
      const res = a.phi.map((phi) => {
        const run = runs.run(stableConfig(p, a, lambdaV, phi));
        return largestStableStep(run.system(), run.spec(), rules);
      });
      return {
        lambdaV,
        phi: [...a.phi],
        config: stableConfig(p, a, lambdaV, 0),
        status: res.map((r) => r.status),
        stableUpTo: res.map((r) => r.stableUpTo),
        bracketHi: res.map((r) => r.bracket?.[1] ?? null),
        optimumBound: res.map((r) => r.optimumBound),
        horizonBias: res[0]?.horizonBias ?? 0,
        reason: res.map((r) => r.reason ?? null),
        rule: STABLE_RULE,
      };
    });
    const L = geometric(a.phase.lambdaV);
    const esc: (number | null)[][] = [];
    const div: boolean[][] = [];
    for (const lambdaV of L) {
      const e: (number | null)[] = [];
      const dv: boolean[] = [];
      for (const phi of a.phase.phi) {
        const config = phaseConfig(p, a, lambdaV, phi);
        const run = runs.run(config);
        const spec = run.spec();
        const sys = run.system();
        const sum = summarizeMap(sys, statContext(sys, spec, DEFAULTS.signTieRelTol), initialBlockCoefficients(spec)!, config.algorithms[0], config.steps, config.events.escapeLevel, DEFAULTS.divergenceBound);
        e.push(sum.escapeStep);
        dv.push(sum.status === 'diverged');
      }
      esc.push(e);
      div.push(dv);
    }
    const phase = phaseDiagram(L, [...a.phase.phi], esc, div, a.steps, phaseConfig(p, a, 1, 0));
    const simulation = simulationCheck(runs, p, a);
    const edge = divergenceEdge(runs, p, a, L);
    return {
      simulation,
      edge,
      level: p.escapeLevel,
      d: a.d,
      steps: a.steps,
      curves,
      stable,
      phase,
      definitions: {
        escapeStep: 'first step of the escape event: the signal coefficient of the reduced map’s escape event (dynamics/statistics.ts signalValue) reaches events.escapeLevel',
        peakMisalignment: 'max over steps 0..escape step of |ratio|, the registry misalignment statistic (b/a at φ = 0)',
        minAlignment: 'min over steps 0..escape step of the alignment |⟨θ, u₁⟩|',
        stableUpTo: STABLE_RULE,
        phase: PHASE_RULE,
      },
    };
  });
}
