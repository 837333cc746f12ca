/**
 * The step-size scan of a reduced map (issue 10, Build 1): classify the run from a fixed start a₀ for every η̃ of a
 * stated grid, refine near the edges, and read off
 *
 *  - `stableUpTo`: the largest scanned η̃ such that every scanned η̃' ≤ η̃ converges to the optimum; its resolution
 *    is the gap to the next scanned η̃ (the first that does not converge to the optimum);
 *  - `divergesFrom`: the smallest scanned η̃ that diverges; `alwaysDivergesFrom`: the smallest scanned η̃ from which
 *    every scanned η̃ diverges;
 *  - the fraction of the coarse grid points strictly inside (stableUpTo, divergesFrom) — and inside the mixed
 *    region (stableUpTo, alwaysDivergesFrom) — that converge to the optimum;
 *  - the edges: consecutive scanned η̃ whose classes differ, with the class on each side.
 *
 * Grid: geometric, η̃_j = η̃_lo (1 + ρ)^j from η̃_lo = (smallest analytic bound)/`lowFactor` up to
 * `highFactor` × (largest analytic bound). Refinement: (1) every pair of neighbouring scanned points with different
 * classes is bisected (geometric midpoints, both halves kept while their ends differ) until its relative width is
 * ≤ `resolution`; (2) below the first η̃_f that does not converge to the optimum, the `denseCells` coarse cells
 * are scanned at relative spacing `resolution`; if that finds a lower non-converging η̃, it becomes η̃_f and the
 * dense scan repeats below it. Each run's horizon is H = max(minSteps, ⌈maxTime/η̃⌉) steps (a time horizon
 * t = η̃k), the classifier stops earlier when it decides.
 */
import { classifyRun, classLabel, convergenceRadii, describeRules, setConvergenceRadius, type ClassifierFixedPoint, type ClassifierRules, type LongTimeClass, type MapJacobian, type MapStep, type OptimumSet } from './classify.js';

export interface ScanRules {
  /** ρ: ratio − 1 of the coarse geometric grid. */
  gridRatio: number;
  lowFactor: number;
  highFactor: number;
  /** Relative resolution of the refinement. */
  resolution: number;
  denseCells: number;
  /** Time horizon t = η̃·k of each run. */
  maxTime: number;
  minSteps: number;
  /** Cap on the number of refinement runs (the output says when it was reached). */
  maxRefinementRuns: number;
}

export interface ScanInput {
  /** The map at step size η̃ (the algorithm's reduced map and its Jacobian). */
  mapAt: (eta: number) => { step: MapStep; jacobian: MapJacobian };
  a0: Float64Array;
  start: string;
  fixedPoints: readonly ClassifierFixedPoint[];
  /** A set of optima (classify.ts `OptimumSet`) when the optimum is not an isolated fixed point. */
  optimumSet?: OptimumSet;
  /** Classifier rules except the horizon (set per η̃ from the scan rules). */
  classifier: Omit<ClassifierRules, 'maxSteps'>;
  /** [smallest, largest] analytic bound: the grid's anchor. */
  anchor: [number, number];
  rules: ScanRules;
  /**
   * "full" (default): the whole grid, every edge refined. "to-first-edge": the grid only up to its first η̃ that does
   * not converge to the optimum, and only that edge refined (enough for stableUpTo; divergesFrom etc. are null).
   */
  extent?: 'full' | 'to-first-edge';
  /**
   * Largest total number of map steps the scan may take (the horizons of its classified runs added up, counted
   * before each run); past it the scan stops with `ScanBudgetExceeded`. Unlimited by default.
   */
  stepCap?: number;
}

/** The scan would take more map steps than its `stepCap`. */
export class ScanBudgetExceeded extends Error {
  constructor(readonly cap: number) {
    super(`the step-size scan needs more than ${cap} map steps`);
    this.name = 'ScanBudgetExceeded';
  }
}

export interface Edge {
  /** Scanned η̃ on each side (no scanned point between them). */
  lo: number;
  hi: number;
  below: string;
  above: string;
}

export interface FractionReport {
  interval: [number, number];
  /** Coarse grid points strictly inside the interval, and how many of them converge to the optimum. */
  coarsePointsInside: number;
  converging: number;
  /** converging / coarsePointsInside, null when no coarse point lies inside. */
  fraction: number | null;
  /** The same over every scanned point inside (refinement included: denser near the edges, so biased toward them). */
  scannedInside: number;
  scannedConverging: number;
}

export interface StepSizeScan {
  start: string;
  a0: number[];
  grid: { kind: 'geometric'; from: number; to: number; ratio: number; points: number; rule: string };
  refinement: { resolution: number; denseCells: number; runs: number; truncated: boolean; rule: string };
  horizon: { maxTime: number; minSteps: number; rule: string };
  classifier: { rules: string[]; settings: Omit<ClassifierRules, 'maxSteps'>; convergenceRadii: { fixedPoint: string; radius: number }[] };
  /** Every scanned η̃ (ascending) and its class label. */
  scanned: { eta: number[]; label: string[] };
  /** Number of scanned points per class label. */
  classCounts: Record<string, number>;
  /** Per class label, the full classification at its smallest scanned η̃ (period, amplitude, distance, …). */
  examples: Record<string, { eta: number; class: LongTimeClass }>;
  stableUpTo: number | null;
  /** [stableUpTo, first scanned η̃ not converging to the optimum]; its relative width is the resolution. */
  bracket: [number, number] | null;
  resolution: number | null;
  firstNonConverging: { eta: number; label: string } | null;
  divergesFrom: number | null;
  alwaysDivergesFrom: number | null;
  stableFraction: FractionReport | null;
  mixedRegion: FractionReport | null;
  edges: Edge[];
  note: string | null;
}

/** Run the scan (see the module comment). */
export function stabilityScan(input: ScanInput): StepSizeScan {
  const { rules } = input;
  const radii = convergenceRadii(input.fixedPoints, input.classifier.convergenceTol);
  const optimumLabel = input.optimumSet?.label ?? input.fixedPoints.find((f) => f.optimum)?.label;
  const converges = (c: LongTimeClass) => c.kind === 'converges' && c.optimum;
  const results = new Map<number, LongTimeClass>();
  let charged = 0;
  const classify = (eta: number): LongTimeClass => {
    let c = results.get(eta);
    if (!c) {
      const { step, jacobian } = input.mapAt(eta);
      const maxSteps = Math.max(rules.minSteps, Math.ceil(rules.maxTime / eta));
      // the classifier may double its horizon up to 3 times: charge the longest
      charged += 8 * maxSteps;
      if (input.stepCap !== undefined && charged > input.stepCap) throw new ScanBudgetExceeded(input.stepCap);
      c = classifyRun({ step, jacobian, a0: input.a0, fixedPoints: input.fixedPoints, optimumSet: input.optimumSet, rules: { ...input.classifier, maxSteps }, radii });
      results.set(eta, c);
    }
    return c;
  };

  // Coarse grid.
  const from = input.anchor[0] / rules.lowFactor;
  const to = input.anchor[1] * rules.highFactor;
  const q = 1 + rules.gridRatio;
  const grid: number[] = [];
  for (let j = 0; ; j++) {
    const x = from * q ** j;
    grid.push(x);
    if (x >= to) break;
  }
  const extent = input.extent ?? 'full';
  let gridEnd = grid.length;
  for (let j = 0; j < grid.length; j++) {
    const c = classify(grid[j]);
    if (extent === 'to-first-edge' && !converges(c)) {
      gridEnd = j + 1;
      break;
    }
  }
  grid.length = gridEnd;

  // (1) Bisection of neighbours with different classes.
  let runs = 0;
  let truncated = false;
  const stack: [number, number][] = [];
  for (let i = 0; i + 1 < grid.length; i++) if (classLabel(classify(grid[i])) !== classLabel(classify(grid[i + 1]))) stack.push([grid[i], grid[i + 1]]);
  stack.reverse();
  while (stack.length > 0) {
    const [lo, hi] = stack.pop()!;
    if ((hi - lo) / hi <= rules.resolution) continue;
    if (runs >= rules.maxRefinementRuns) {
      truncated = true;
      break;
    }
    const mid = Math.sqrt(lo * hi);
    runs++;
    const lm = classLabel(classify(mid));
    if (extent === 'to-first-edge') {
      // Only the lower edge of the optimum's class.
      stack.push(converges(classify(mid)) ? [mid, hi] : [lo, mid]);
      continue;
    }
    if (lm !== classLabel(classify(hi))) stack.push([mid, hi]);
    if (lm !== classLabel(classify(lo))) stack.push([lo, mid]);
  }

  const sorted = () => [...results.keys()].sort((x, y) => x - y);
  const firstNonConv = (): number | null => {
    for (const x of sorted()) if (!converges(results.get(x)!)) return x;
    return null;
  };

  // (2) Dense scan below the first non-converging η̃.
  const span = rules.denseCells * Math.log(q);
  const step = Math.log(1 + rules.resolution);
  let xf = firstNonConv();
  while (xf !== null && !truncated) {
    const J = Math.ceil(span / step);
    let lower: number | null = null;
    for (let j = 1; j <= J; j++) {
      const x = xf * (1 + rules.resolution) ** -j;
      if (x < from) break;
      if (runs >= rules.maxRefinementRuns) {
        truncated = true;
        break;
      }
      if (!results.has(x)) runs++;
      if (!converges(classify(x))) lower = x;
    }
    if (lower === null) break;
    xf = firstNonConv();
  }

  const etas = sorted();
  const labels = etas.map((x) => classLabel(results.get(x)!));
  const classCounts: Record<string, number> = {};
  const examples: StepSizeScan['examples'] = {};
  etas.forEach((x, i) => {
    classCounts[labels[i]] = (classCounts[labels[i]] ?? 0) + 1;
    if (!examples[labels[i]]) examples[labels[i]] = { eta: x, class: results.get(x)! };
  });
  const edges: Edge[] = [];
  for (let i = 0; i + 1 < etas.length; i++) if (labels[i] !== labels[i + 1]) edges.push({ lo: etas[i], hi: etas[i + 1], below: labels[i], above: labels[i + 1] });

  xf = firstNonConv();
  const iF = xf === null ? etas.length : etas.indexOf(xf);
  const stableUpTo = iF > 0 ? etas[iF - 1] : null;
  const bracket: [number, number] | null = stableUpTo !== null && xf !== null ? [stableUpTo, xf] : null;
  const full = extent === 'full';
  const divIdx = etas.findIndex((x) => results.get(x)!.kind === 'diverges');
  const divergesFrom = full && divIdx >= 0 ? etas[divIdx] : null;
  let alwaysIdx = etas.length;
  while (alwaysIdx > 0 && results.get(etas[alwaysIdx - 1])!.kind === 'diverges') alwaysIdx--;
  const alwaysDivergesFrom = full && alwaysIdx < etas.length ? etas[alwaysIdx] : null;
  const fraction = (hi: number | null): FractionReport | null => {
    if (stableUpTo === null || hi === null) return null;
    const inside = grid.filter((x) => x > stableUpTo && x < hi);
    const conv = inside.filter((x) => converges(results.get(x)!)).length;
    const all = etas.filter((x) => x > stableUpTo && x < hi);
    return { interval: [stableUpTo, hi], coarsePointsInside: inside.length, converging: conv, fraction: inside.length ? conv / inside.length : null, scannedInside: all.length, scannedConverging: all.filter((x) => converges(results.get(x)!)).length };
  };
  let note: string | null = null;
  if (stableUpTo === null) note = `the smallest scanned η̃ (${from}) does not converge to the optimum: no stable step size on this grid`;
  else if (xf === null) note = `every scanned η̃ converged to the optimum: the bound lies above the grid's end ${grid[grid.length - 1]}`;
  if (!full) note = `${note ? note + '; ' : ''}scanned only up to the first η̃ not converging to the optimum (divergesFrom and the fractions not measured)`;
  if (!optimumLabel) note = `${note ? note + '; ' : ''}no optimum among the listed fixed points`;

  return {
    start: input.start,
    a0: Array.from(input.a0),
    grid: {
      kind: 'geometric',
      from,
      to: grid[grid.length - 1],
      ratio: q,
      points: grid.length,
      rule: `η̃_j = ${from.toPrecision(6)} · ${q}^j, from (smallest analytic bound)/${rules.lowFactor} to ≥ ${rules.highFactor} × (largest analytic bound)${full ? '' : ', stopped at the first η̃ not converging to the optimum'}`,
    },
    refinement: {
      resolution: rules.resolution,
      denseCells: rules.denseCells,
      runs,
      truncated,
      rule: `(1) neighbours with different classes bisected (geometric midpoint) to relative width ≤ ${rules.resolution}; (2) the ${rules.denseCells} coarse cells below the first η̃ not converging to the optimum scanned at relative spacing ${rules.resolution}, repeated below any lower one found${truncated ? `; STOPPED at the budget of ${rules.maxRefinementRuns} refinement runs` : ''}`,
    },
    horizon: { maxTime: rules.maxTime, minSteps: rules.minSteps, rule: `H = max(${rules.minSteps}, ⌈${rules.maxTime}/η̃⌉) steps per run (time t = η̃k ≤ ${rules.maxTime}); a run stops as soon as the classifier decides` },
    classifier: { rules: describeRules(input.classifier, `max(${rules.minSteps}, ⌈${rules.maxTime}/η̃⌉) steps`, input.optimumSet?.label), settings: input.classifier, convergenceRadii: [...input.fixedPoints.map((f, i) => ({ fixedPoint: f.label, radius: radii[i] })), ...(input.optimumSet ? [{ fixedPoint: input.optimumSet.label, radius: setConvergenceRadius(input.optimumSet, input.fixedPoints, input.classifier.convergenceTol) }] : [])] },
    scanned: { eta: etas, label: labels },
    classCounts,
    examples,
    stableUpTo,
    bracket,
    resolution: bracket ? (bracket[1] - bracket[0]) / bracket[1] : null,
    firstNonConverging: xf !== null ? { eta: xf, label: classLabel(results.get(xf)!) } : null,
    divergesFrom,
    alwaysDivergesFrom,
    stableFraction: fraction(divergesFrom),
    mixedRegion: fraction(alwaysDivergesFrom),
    edges,
    note,
  };
}

