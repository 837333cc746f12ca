/**
 * Iterating the reduced maps (model.md §4) on the block coefficients a = (a_k): a_{k+1} = step(a_k, g(a_k)) with
 * the step of the config's algorithm from the registry (src/algorithms/, each file's `reduced`, with its own
 * optimizer state); time t = η·k with the algorithm's step size (η̃ for gradient methods).
 * The step loop is allocation-free (preallocated Float64Arrays); recorded statistics go into preallocated columns.
 *
 * Events (first occurrence unless stated):
 *  - escape: first step with |a_s| ≥ escapeLevel;
 *  - peak-misalignment: the step of the maximum over the whole run of the misalignment ratio (b/a for the spiked
 *    model, `statistics.ts`), value = that maximum;
 *  - spike-saturation (spiked): the first local maximum of |b|, i.e. the step k with |b_{k+1}| < |b_k| for the first
 *    time, value |b_k|;
 *  - sign-switch:<symbol> (algorithms with `signSwitchEvents`, e.g. SpecGD): the first step whose update direction s_k is opposite to the block's first
 *    non-zero direction, value a_k at that step;
 *  - loss-below: first step with L < lossLevel (when a lossLevel is configured).
 * Divergence: some |a_k| > divergenceBound or not finite after a step: the run stops, status "diverged", and the
 * record ends at the last finite state.
 */
import type { CompiledSystem } from '../symbolic/compiled.js';
import type { TrajectoryEvent } from '../core/trajectory.js';
import { algorithmOf, type AlgorithmConfig } from '../algorithms/index.js';
import { blockMisalignmentRatio } from '../core/blocks.js';
import { misalignmentRatio, reducedStatContext, signalValue, type StatContext } from './statistics.js';
import { evaluateReduced, theoryLayout } from '../statistics/index.js';

export interface MapRunOptions {
  /** The resolved algorithm config (its registry file supplies the reduced step). */
  algorithm: AlgorithmConfig;
  steps: number;
  /** Sorted steps to record (0..steps); may be empty (sweeps). */
  record: Int32Array;
  escapeLevel: number;
  lossLevel?: number;
  divergenceBound: number;
}

export interface MapRun {
  status: 'ok' | 'diverged';
  /** First step whose state is not finite or beyond the bound (diverged runs). */
  divergedAt: number | null;
  /** Last finite step reached. */
  lastStep: number;
  final: Float64Array;
  finalLoss: number;
  step: number[];
  t: number[];
  series: Record<string, number[]>;
  events: TrajectoryEvent[];
  /** Summary used by sweeps: escape step (or null), peak ratio and its step. */
  escapeStep: number | null;
  peakRatio: number;
  peakStep: number;
}

/** Iterate a reduced map from a0 (see the module comment). */
export function iterateMap(sys: CompiledSystem, ctx: StatContext, a0: Float64Array, opts: MapRunOptions): MapRun {
  const n = sys.n;
  const { steps, record, escapeLevel, lossLevel, divergenceBound } = opts;
  const def = algorithmOf(opts.algorithm);
  const eta = opts.algorithm.eta;
  const stepper = def.reduced(opts.algorithm, sys);
  const signEvents = def.signSwitchEvents;
  const spike = ctx.spike;
  const a = Float64Array.from(a0);
  const aNext = new Float64Array(n);
  const g = new Float64Array(n);
  const dir = new Float64Array(n);
  const prev = new Float64Array(n);
  const peakState = new Float64Array(n);
  const firstSign = new Float64Array(n);
  const switched = new Uint8Array(n);

  // Record columns: the grid plus the off-grid records, at most n + 5: escape, loss-below and the n first sign
  // switches (one record per step with an event), spike saturation, the last finite state, and the peak state.
  const cap = record.length + n + 5;
  const recStep = new Float64Array(cap);
  // Recorded series: the theory layout of the statistics registry (src/statistics/).
  const statCtx = reducedStatContext(sys, ctx);
  const layout = theoryLayout(statCtx);
  const row = new Float64Array(layout.names.length);
  const cols = layout.names.map(() => new Float64Array(cap));
  let nRec = 0;
  const push = (k: number, state: Float64Array) => {
    recStep[nRec] = k;
    evaluateReduced(layout, state, statCtx, row);
    for (let c = 0; c < row.length; c++) cols[c][nRec] = row[c];
    nRec++;
  };

  const events: TrajectoryEvent[] = [];
  let ri = 0;
  let escapeStep: number | null = null;
  let lossStep: number | null = null;
  let saturationStep: number | null = null;
  let peakRatio = -Infinity;
  let peakStep = 0;
  let prevAbsB = spike >= 0 ? Math.abs(a[spike]) : 0;
  let divergedAt: number | null = null;
  let lastStep = 0;
  let loss = 0;
  let lastRecorded = -1;

  for (let k = 0; ; k++) {
    loss = sys.loss(a);
    lastStep = k;
    // Spike saturation: first k−1 with |b_k| < |b_{k−1}| (state k−1 is in `prev`).
    if (spike >= 0 && saturationStep === null && k > 0) {
      const absB = Math.abs(a[spike]);
      if (absB < prevAbsB) {
        saturationStep = k - 1;
        events.push({ name: 'spike-saturation', step: k - 1, t: eta * (k - 1), value: prevAbsB });
        if (lastRecorded !== k - 1) push(k - 1, prev);
      }
      prevAbsB = absB;
    }
    let recordedNow = false;
    if (ri < record.length && record[ri] === k) {
      push(k, a);
      recordedNow = true;
      lastRecorded = k;
      ri++;
    }
    let eventNow = false;
    if (escapeStep === null && Math.abs(signalValue(a, ctx)) >= escapeLevel) {
      escapeStep = k;
      events.push({ name: 'escape', step: k, t: eta * k, value: Math.abs(signalValue(a, ctx)) });
      eventNow = true;
    }
    if (lossLevel !== undefined && lossStep === null && loss < lossLevel) {
      lossStep = k;
      events.push({ name: 'loss-below', step: k, t: eta * k, value: loss });
      eventNow = true;
    }
    const ratio = misalignmentRatio(a, ctx);
    if (ratio > peakRatio) {
      peakRatio = ratio;
      peakStep = k;
      for (let j = 0; j < n; j++) peakState[j] = a[j];
    }
    if (k === steps) break;
    sys.grad(a, g);
    stepper.step(a, g, aNext, dir);
    if (signEvents) {
      for (let j = 0; j < n; j++) {
        const sj = Math.sign(dir[j]);
        if (sj !== 0) {
          if (firstSign[j] === 0) firstSign[j] = sj;
          else if (!switched[j] && sj === -firstSign[j]) {
            switched[j] = 1;
            events.push({ name: `sign-switch:${sys.symbols[j]}`, step: k, t: eta * k, value: a[j] });
            eventNow = true;
          }
        }
      }
    }
    if (eventNow && !recordedNow) {
      push(k, a);
      lastRecorded = k;
    }
    let bad = false;
    for (let j = 0; j < n; j++) {
      const v = aNext[j];
      if (!(Math.abs(v) <= divergenceBound)) bad = true;
    }
    if (bad) {
      divergedAt = k + 1;
      break;
    }
    for (let j = 0; j < n; j++) {
      prev[j] = a[j];
      a[j] = aNext[j];
    }
  }
  // The last finite state is always recorded; the peak state too.
  if (lastRecorded !== lastStep) {
    push(lastStep, a);
    lastRecorded = lastStep;
  }
  if (peakRatio > -Infinity) {
    events.push({ name: 'peak-misalignment', step: peakStep, t: eta * peakStep, value: peakRatio });
    push(peakStep, peakState);
  }
  // Sort records by step and drop duplicates (events already on the grid).
  const order = Array.from({ length: nRec }, (_, i) => i).sort((x, y) => recStep[x] - recStep[y] || x - y);
  const keep: number[] = [];
  for (const i of order) if (keep.length === 0 || recStep[keep[keep.length - 1]] !== recStep[i]) keep.push(i);
  const series: Record<string, number[]> = {};
  layout.names.forEach((name, c) => (series[name] = keep.map((i) => cols[c][i])));
  events.sort((x, y) => (x.step ?? 0) - (y.step ?? 0) || x.name.localeCompare(y.name));
  return {
    status: divergedAt === null ? 'ok' : 'diverged',
    divergedAt,
    lastStep,
    final: a,
    finalLoss: loss,
    step: keep.map((i) => recStep[i]),
    t: keep.map((i) => eta * recStep[i]),
    series,
    events,
    escapeStep,
    peakRatio,
    peakStep,
  };
}

export interface MapSummary {
  status: 'ok' | 'diverged';
  divergedAt: number | null;
  escapeStep: number | null;
  peakRatio: number;
  peakStep: number;
  /** Loss at the last finite state. */
  finalLoss: number;
  final: Float64Array;
}

/**
 * The lean kernel of sweeps and stability scans: the same reduced step (registry), divergence rule, escape and
 * peak-misalignment definitions as `iterateMap` (a test checks they agree exactly), without recording or the other
 * events. Allocation-free loop.
 */
export function summarizeMap(sys: CompiledSystem, ctx: StatContext, a0: Float64Array, algorithm: AlgorithmConfig, steps: number, escapeLevel: number, divergenceBound: number): MapSummary {
  const n = sys.n;
  const s = ctx.signal;
  const spike = ctx.spike;
  const a = Float64Array.from(a0);
  const g = new Float64Array(n);
  const aNext = new Float64Array(n);
  const dir = new Float64Array(n);
  const stepper = algorithmOf(algorithm).reduced(algorithm, sys);
  let escapeStep = -1;
  let peakRatio = -Infinity;
  let peakStep = 0;
  let divergedAt = -1;
  let k = 0;
  for (; ; k++) {
    if (escapeStep < 0 && Math.abs(ctx.matrixBlock ? signalValue(a, ctx) : a[s]) >= escapeLevel) escapeStep = k;
    const ratio = ctx.matrixBlock ? misalignmentRatio(a, ctx) : blockMisalignmentRatio(a, s, spike, n);
    if (ratio > peakRatio) {
      peakRatio = ratio;
      peakStep = k;
    }
    if (k === steps) break;
    sys.grad(a, g);
    stepper.step(a, g, aNext, dir);
    let bad = false;
    for (let j = 0; j < n; j++) if (!(Math.abs(aNext[j]) <= divergenceBound)) bad = true;
    if (bad) {
      divergedAt = k + 1;
      break;
    }
    for (let j = 0; j < n; j++) a[j] = aNext[j];
  }
  return {
    status: divergedAt < 0 ? 'ok' : 'diverged',
    divergedAt: divergedAt < 0 ? null : divergedAt,
    escapeStep: escapeStep < 0 ? null : escapeStep,
    peakRatio,
    peakStep,
    finalLoss: sys.loss(a),
    final: a,
  };
}
