/**
 * Continuous-time limits of the reduced maps (model.md §4), integrated with odex (`odex-flow.ts`):
 *  - gradient flow ȧ_k = −g_k(a) (time t = η̃·k for GD);
 *  - smoothed sign flow (time t = η·k for SpecGD): the sign flow ȧ_k = −sgn(g_k) has a discontinuous right-hand
 *    side (sliding modes), so we integrate a smooth regularization and report its distance to the discrete map:
 *      matrix student: ȧ_k = −tanh(g_k/ε)                    (→ −sgn(g_k) as ε → 0);
 *      vector student: ȧ_k = −g_k / √(Σ_j r_j g_j² + ε²)     (→ −g_k/‖g‖, normalized GD's flow).
 *
 * Events, located by bisection on the dense output (≤ 1e-13 relative in t):
 *  - escape: |a_s| − escapeLevel crosses 0 upwards;
 *  - peak-misalignment (spiked): φ = d ln(b/a)/dt = ḃ/b − ȧ/a crosses 0 downwards (the first local maximum of
 *    b/a); value b/a there;
 *  - spike-saturation (spiked): d|b|/dt = sgn(b)·ḃ crosses 0 downwards (first local maximum of |b|); value |b|;
 *  - sign-switch:<symbol> (sign flow): the velocity ȧ_k changes sign for the first time; value a_k;
 *  - loss-below: L − lossLevel crosses 0 downwards.
 */
import type { CompiledSystem } from '../symbolic/compiled.js';
import type { TrajectoryEvent } from '../core/trajectory.js';
import { DEFAULTS } from '../config/defaults.js';
import { ConfigError } from '../core/errors.js';
import { ALGORITHMS, type Algorithm } from '../algorithms/index.js';
import { integrateFlow, type FlowEvent, type FlowResult, type FlowRhs } from './odex-flow.js';
import { misalignmentRatio, reducedStatContext, type StatContext } from './statistics.js';
import { evaluateReduced, theoryLayout } from '../statistics/index.js';

/** Id of a flow of the registry (`Algorithm.flow.id`): "gradient-flow" (GD), "sign-flow" (SpecGD), ... */
export type FlowKind = string;

export interface FlowRunOptions {
  kind: FlowKind;
  /** Output times (sorted, starting at 0). */
  grid: Float64Array;
  /** Step index reported for each grid time (t = eta·step). */
  gridSteps: Int32Array;
  tEnd: number;
  escapeLevel: number;
  lossLevel?: number;
  /** ε of the smoothed sign flow. */
  epsilon?: number;
  relativeTolerance?: number;
  absoluteTolerance?: number;
  maxSteps?: number;
}

export interface FlowRun {
  status: 'ok' | 'diverged' | 'stalled';
  message: string;
  step: number[];
  t: number[];
  series: Record<string, number[]>;
  events: TrajectoryEvent[];
  /** State at each recorded time (rows of `step`). */
  states: Float64Array[];
  result: FlowResult;
}

/** The registry algorithm whose continuous-time limit is the flow `id` ("gradient-flow", "sign-flow"). */
export function flowOwner(id: FlowKind): Algorithm {
  const owner = ALGORITHMS.find((a) => a.flow?.id === id);
  if (!owner) throw new ConfigError('flow', id, `one of ${ALGORITHMS.flatMap((a) => (a.flow ? [a.flow.id] : [])).join(', ')}`);
  return owner;
}

/** Right-hand side of the flow `kind`: the owning algorithm's `flow.rhs` (allocation-free closure). */
export function flowRhs(sys: CompiledSystem, kind: FlowKind, epsilon: number): FlowRhs {
  return flowOwner(kind).flow!.rhs(sys, epsilon);
}

/** Integrate a flow from a0 on a time grid, with events (see the module comment). */
export function integrateReducedFlow(sys: CompiledSystem, ctx: StatContext, a0: Float64Array, opts: FlowRunOptions): FlowRun {
  const n = sys.n;
  const epsilon = opts.epsilon ?? 1e-3;
  const rhs = flowRhs(sys, opts.kind, epsilon);
  const v = new Float64Array(n);
  const velocity = (t: number, y: Float64Array) => rhs(t, y, v);
  const s = ctx.signal;
  const b = ctx.spike;
  const events: FlowEvent[] = [{ name: 'escape', fn: (_t, y) => Math.abs(y[s]) - opts.escapeLevel, direction: 1 }];
  if (b >= 0) {
    events.push({
      name: 'peak-misalignment',
      fn: (t, y) => {
        velocity(t, y);
        return v[b] / y[b] - v[s] / y[s];
      },
      direction: -1,
    });
    events.push({
      name: 'spike-saturation',
      fn: (t, y) => {
        velocity(t, y);
        return Math.sign(y[b]) * v[b];
      },
      direction: -1,
    });
  }
  if (flowOwner(opts.kind).flow!.smoothed) {
    for (let k = 0; k < n; k++) {
      events.push({
        name: `sign-switch:${sys.symbols[k]}`,
        fn: (t, y) => {
          velocity(t, y);
          // Oriented so that the first crossing of 0 downwards is the first reversal from the initial direction.
          return v[k] * initialDir[k];
        },
        direction: -1,
      });
    }
  }
  const initialDir = new Float64Array(n);
  rhs(0, Float64Array.from(a0), initialDir);
  for (let k = 0; k < n; k++) initialDir[k] = Math.sign(initialDir[k]);
  const lossLevel = opts.lossLevel;
  if (lossLevel !== undefined) events.push({ name: 'loss-below', fn: (_t, y) => sys.loss(y) - lossLevel, direction: -1 });

  // The absolute tolerance is relative to the initial scale max_k |a_k(0)| (when < 1): from a tiny initialization
  // (α = 1e-8) a fixed absolute tolerance would be loose relative to the state itself.
  let scale = 0;
  for (let k = 0; k < n; k++) scale = Math.max(scale, Math.abs(a0[k]));
  const result = integrateFlow(rhs, a0, 0, opts.tEnd, {
    grid: opts.grid,
    events,
    relativeTolerance: opts.relativeTolerance ?? DEFAULTS.flowRelTol,
    absoluteTolerance: (opts.absoluteTolerance ?? DEFAULTS.flowAbsTol) * (scale > 0 ? Math.min(1, scale) : 1),
    maxSteps: opts.maxSteps,
  });
  const states = result.gridValues;
  const m = states.length;
  // Series: the theory layout of the statistics registry (src/statistics/), as for the maps.
  const statCtx = reducedStatContext(sys, ctx);
  const layout = theoryLayout(statCtx);
  const row = new Float64Array(layout.names.length);
  const cols = layout.names.map(() => new Array<number>(m));
  states.forEach((y, i) => {
    evaluateReduced(layout, y, statCtx, row);
    for (let c = 0; c < row.length; c++) cols[c][i] = row[c];
  });
  const series: Record<string, number[]> = {};
  layout.names.forEach((name, c) => (series[name] = cols[c]));
  const valueOf = (name: string, y: Float64Array): number => {
    if (name === 'escape') return Math.abs(y[s]);
    if (name === 'peak-misalignment') return misalignmentRatio(y, ctx);
    if (name === 'spike-saturation') return Math.abs(y[b]);
    if (name === 'loss-below') return sys.loss(y);
    const k = sys.symbols.indexOf(name.slice('sign-switch:'.length));
    return y[k];
  };
  const evs: TrajectoryEvent[] = result.events
    .map((e) => ({ name: e.name, step: null, t: e.t, value: valueOf(e.name, e.y) }))
    .sort((x, y) => x.t - y.t || x.name.localeCompare(y.name));
  return {
    status: result.status,
    message: result.message,
    step: Array.from(opts.gridSteps.subarray(0, m)),
    t: Array.from(opts.grid.subarray(0, m)),
    series,
    events: evs,
    states,
    result,
  };
}
