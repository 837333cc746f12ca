/**
 * The statistics registry: every module of this folder that exports `statistic` (types.ts) is registered, in
 * ascending `order`. A new statistic is one file here; theory, simulation, compare and figures name series from it.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ReducedStatContext, Statistic, StatModel } from './types.js';

export type { FullView, ReducedStatContext, Statistic, StatModel } from './types.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const loaded: Statistic[] = [];
for (const f of readdirSync(here)
  .filter((f) => /\.(ts|js)$/.test(f) && !/\.d\.ts$/.test(f) && !/^(index|types)\./.test(f))
  .sort()) {
  const mod = (await import(pathToFileURL(here + f).href)) as { statistic?: Statistic };
  if (mod.statistic) loaded.push(mod.statistic);
}
loaded.sort((x, y) => x.order - y.order || x.id.localeCompare(y.id));

/** Every registered statistic, in `order`. */
export const STATISTICS: readonly Statistic[] = Object.freeze(loaded);

/** A series layout: the statistics that apply, each with its series names and offset in one value row. */
export interface SeriesLayout {
  readonly names: string[];
  readonly entries: { statistic: Statistic; offset: number; count: number }[];
}

function layout(model: StatModel, keep: (s: Statistic) => boolean): SeriesLayout {
  const names: string[] = [];
  const entries: SeriesLayout['entries'] = [];
  for (const s of STATISTICS) {
    if (!keep(s)) continue;
    const n = s.names(model);
    if (n.length === 0) continue;
    entries.push({ statistic: s, offset: names.length, count: n.length });
    names.push(...n);
  }
  return { names, entries };
}

/** Series recorded by full-dimensional runs (every statistic with a full evaluation defined for the model). */
export function simulationLayout(model: StatModel): SeriesLayout {
  return layout(model, (s) => s.full !== undefined);
}

/** Series recorded by the reduced theory. */
export function theoryLayout(model: StatModel): SeriesLayout {
  return layout(model, (s) => s.reduced !== undefined && s.inTheory);
}

/** Evaluate a reduced layout at a into `row` (length layout.names.length). */
export function evaluateReduced(l: SeriesLayout, a: Float64Array, ctx: ReducedStatContext, row: Float64Array): void {
  for (const e of l.entries) e.statistic.reduced!(a, ctx, row, e.offset);
}

/**
 * Series of the statistics of WᵀW (`Statistic.gram`) for the model: what finite-sample comparisons compare and the
 * corrected theory predicts (dynamics/response/).
 */
export function gramSeries(model: StatModel): string[] {
  return STATISTICS.filter((s) => s.gram === true).flatMap((s) => s.names(model));
}

/** Series compared by default between theory and simulation: the `compared` statistics' names for the model. */
export function comparedSeries(model: StatModel): string[] {
  return STATISTICS.filter((s) => s.compared).flatMap((s) => s.names(model));
}

/** The statistic that produces series `name` for this model, or undefined. */
export function statisticOfSeries(model: StatModel, name: string): Statistic | undefined {
  return STATISTICS.find((s) => s.names(model).includes(name));
}
