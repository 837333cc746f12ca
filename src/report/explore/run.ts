/**
 * The explorer's numerical core, bundled into the page (bundle.ts) and run in the browser and its Web Worker; no DOM,
 * no Node API. It only wires together code from elsewhere:
 *  - the reduced loss and block gradients come from `makeSystem(params)`, the source `parametricFactorySource`
 *    (symbolic/codegen.ts) emits from the derivation's κ-symbolic forms (`derivation.general`), with
 *    λ_θ, λ_v, σ², d, κ as named inputs (no code is generated in the browser);
 *  - the update rules are the registry's own `reduced(config, sys)` steppers (src/algorithms/);
 *  - the recorded series are the statistics registry's `reduced` evaluations (src/statistics/), in the theory
 *    layout (statistics with `reduced` and `inTheory`, ascending `order`: the layout `theoryLayout` builds).
 * The step loop and the two events follow dynamics/maps.ts (`iterateMap`, `summarizeMap`):
 *  - a_{k+1} = step(a_k, g(a_k)); diverged when some |a_k| exceeds the divergence bound or is not finite after a
 *    step (the run stops at the last finite state);
 *  - escape: the first step with |a_s| ≥ escapeLevel;
 *  - peak-misalignment: the step of the maximum over the run of the misalignment ratio (the `ratio` statistic),
 *    value = that maximum (first maximum on ties).
 * The browser test checks every series and event against `runTheory` for the same parameters.
 */
import type { Algorithm, AlgorithmConfig, ReducedSystem } from '../../algorithms/types.js';
import type { ReducedStatContext, Statistic } from '../../statistics/types.js';

/** The generated system (codegen.ts `parametricFactorySource` with groups `loss`, `grad` and constant `ranks`). */
export interface GeneratedSystem {
  loss(x: Float64Array): number;
  grad(x: Float64Array, out: Float64Array): void;
  ranks: number[];
}

/** Everything the page's bundle holds (bundle.ts builds it from the package's own files). */
export interface ExplorerRuntime {
  /** Registry entries, as the files export them (sorted here by `order`, then id, like algorithms/index.ts). */
  algorithms: Algorithm[];
  statistics: Statistic[];
  makeSystem(p: Record<string, number>): GeneratedSystem;
  model: ExplorerModel;
  tolerances: { signTieRelTol: number; divergenceBound: number };
}

export interface ExplorerModel {
  /** Block coefficient symbols (a, b, c). */
  symbols: string[];
  signal: number;
  spike: number;
  student: 'matrix' | 'vector';
  /** Parameter names of `makeSystem` (lambda_theta, lambda_v, sigma2, d, kappa). */
  params: string[];
}

/** One run of a reduced map, recorded at every step 0..lastStep. */
export interface ExplorerRun {
  algorithmId: string;
  label: string;
  config: AlgorithmConfig;
  status: 'ok' | 'diverged';
  divergedAt: number | null;
  lastStep: number;
  /** Series name → values at steps 0..lastStep (theory layout names: a, b, c, loss, ratio, alignment). */
  series: Record<string, Float64Array>;
  events: { name: 'escape' | 'peak-misalignment'; step: number; value: number }[];
}

export function sortedRegistry<T extends { order: number; id: string }>(xs: readonly T[]): T[] {
  return [...xs].sort((x, y) => x.order - y.order || x.id.localeCompare(y.id));
}

/** The generated system as the registry's `ReducedSystem`, plus its statistics context. */
export function reducedSystem(rt: ExplorerRuntime, params: Record<string, number>): { sys: ReducedSystem; stat: ReducedStatContext } {
  const gen = rt.makeSystem(params);
  const ranks = Float64Array.from(gen.ranks);
  const sys: ReducedSystem = { n: ranks.length, ranks, student: rt.model.student, grad: (a, out) => gen.grad(a, out), loss: (a) => gen.loss(a) };
  const stat: ReducedStatContext = {
    symbols: rt.model.symbols,
    ranks,
    signal: rt.model.signal,
    spike: rt.model.spike,
    student: rt.model.student,
    tieRelTol: rt.tolerances.signTieRelTol,
    dataMode: 'population',
    loss: (a) => gen.loss(a),
  };
  return { sys, stat };
}

/** The theory layout of the statistics registry: names and (statistic, offset) entries. */
export function theoryLayout(rt: ExplorerRuntime, stat: ReducedStatContext): { names: string[]; entries: { statistic: Statistic; offset: number }[] } {
  const names: string[] = [];
  const entries: { statistic: Statistic; offset: number }[] = [];
  for (const s of sortedRegistry(rt.statistics)) {
    if (!s.reduced || !s.inTheory) continue;
    const n = s.names(stat);
    if (n.length === 0) continue;
    entries.push({ statistic: s, offset: names.length });
    names.push(...n);
  }
  return { names, entries };
}

/** The registry entry handling a resolved config (the first, in registry order, that accepts it). */
export function algorithmFor(rt: ExplorerRuntime, config: AlgorithmConfig): Algorithm {
  const alg = sortedRegistry(rt.algorithms).find((a) => a.accepts(config));
  if (!alg) throw new Error(`no registered algorithm accepts ${JSON.stringify(config)}`);
  return alg;
}

/** Iterate one algorithm's reduced map from a0 for `steps` steps, recording every step (module comment). */
export function runAlgorithm(rt: ExplorerRuntime, sys: ReducedSystem, stat: ReducedStatContext, config: AlgorithmConfig, a0: Float64Array, steps: number, escapeLevel: number): ExplorerRun {
  const alg = algorithmFor(rt, config);
  const stepper = alg.reduced(config, sys);
  const layout = theoryLayout(rt, stat);
  const n = sys.n;
  const s = rt.model.signal;
  const bound = rt.tolerances.divergenceBound;
  const ratioOffset = layout.names.indexOf('ratio');
  const cols = layout.names.map(() => new Float64Array(steps + 1));
  const row = new Float64Array(layout.names.length);
  const a = Float64Array.from(a0);
  const aNext = new Float64Array(n);
  const g = new Float64Array(n);
  const dir = new Float64Array(n);
  let escape: { step: number; value: number } | null = null;
  let peak = { step: 0, value: -Infinity };
  let divergedAt: number | null = null;
  let k = 0;
  for (; ; k++) {
    for (const e of layout.entries) e.statistic.reduced!(a, stat, row, e.offset);
    for (let c = 0; c < row.length; c++) cols[c][k] = row[c];
    if (escape === null && Math.abs(a[s]) >= escapeLevel) escape = { step: k, value: Math.abs(a[s]) };
    if (ratioOffset >= 0 && row[ratioOffset] > peak.value) peak = { step: k, value: row[ratioOffset] };
    if (k === steps) break;
    sys.grad(a, g);
    stepper.step(a, g, aNext, dir);
    let bad = false;
    for (let j = 0; j < n; j++) if (!(Math.abs(aNext[j]) <= bound)) bad = true;
    if (bad) {
      divergedAt = k + 1;
      break;
    }
    for (let j = 0; j < n; j++) a[j] = aNext[j];
  }
  const series: Record<string, Float64Array> = {};
  layout.names.forEach((name, c) => (series[name] = cols[c].subarray(0, k + 1)));
  const events: ExplorerRun['events'] = [];
  if (escape) events.push({ name: 'escape', ...escape });
  if (peak.value > -Infinity) events.push({ name: 'peak-misalignment', ...peak });
  return { algorithmId: alg.id, label: alg.label(config), config, status: divergedAt === null ? 'ok' : 'diverged', divergedAt, lastStep: k, series, events };
}

/** One cell of the phase grid: escape step (or −1: no escape within `steps`) and divergence step (or −1). */
export function gridCell(sys: ReducedSystem, stepper: { step(a: Float64Array, g: Float64Array, aNext: Float64Array, dir: Float64Array): void }, a0: Float64Array, steps: number, escapeLevel: number, signal: number, bound: number, work: { a: Float64Array; aNext: Float64Array; g: Float64Array; dir: Float64Array }): { escape: number; diverged: number } {
  const { a, aNext, g, dir } = work;
  const n = sys.n;
  a.set(a0);
  for (let k = 0; ; k++) {
    if (Math.abs(a[signal]) >= escapeLevel) return { escape: k, diverged: -1 };
    if (k === steps) return { escape: -1, diverged: -1 };
    sys.grad(a, g);
    stepper.step(a, g, aNext, dir);
    for (let j = 0; j < n; j++) if (!(Math.abs(aNext[j]) <= bound)) return { escape: -1, diverged: k + 1 };
    a.set(aNext);
  }
}

export interface GridRequest {
  /** Parameters of `makeSystem` except lambda_v (varied along the rows). */
  params: Record<string, number>;
  lambdaV: number[];
  etaTilde: number[];
  alpha: number;
  steps: number;
  escapeLevel: number;
  /** Registry id of the algorithm whose step size is varied (GD: "gd"). */
  algorithmId: string;
}

/** One row of the grid (fixed λ_v, every η̃): escape and divergence steps per column. */
export function gridRow(rt: ExplorerRuntime, req: GridRequest, row: number): { escape: Int32Array; diverged: Int32Array } {
  const { sys } = reducedSystem(rt, { ...req.params, lambda_v: req.lambdaV[row] });
  const alg = sortedRegistry(rt.algorithms).find((a) => a.id === req.algorithmId);
  if (!alg) throw new Error(`no registered algorithm ${req.algorithmId}`);
  const n = sys.n;
  const a0 = new Float64Array(n).fill(req.alpha);
  const work = { a: new Float64Array(n), aNext: new Float64Array(n), g: new Float64Array(n), dir: new Float64Array(n) };
  const escape = new Int32Array(req.etaTilde.length);
  const diverged = new Int32Array(req.etaTilde.length);
  req.etaTilde.forEach((eta, j) => {
    const stepper = alg.reduced({ ...alg.defaults, eta }, sys);
    const r = gridCell(sys, stepper, a0, req.steps, req.escapeLevel, rt.model.signal, rt.tolerances.divergenceBound, work);
    escape[j] = r.escape;
    diverged[j] = r.diverged;
  });
  return { escape, diverged };
}
