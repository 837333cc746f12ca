/**
 * A figure of the report as a registry entry: the run groups it draws, the runs its own data section is computed
 * from, and the figure built from the results. One file per figure under src/report/figures/; `FIGURES` (index.ts)
 * lists them in report order. `build` reads only the results bundle, so `specgd report --in results.json`
 * rebuilds every figure without running anything.
 */
import type { ResultsBundle } from '../../compare/bundle.js';
import type { ReproduceParams } from '../../claims/params.js';
import type { RunRequest, RunSet } from '../../claims/runs.js';
import type { FigureSpec } from '../figure-spec.js';

/** The bundle sections a figure may compute (stored in data/results.json). */
export type FigureSection = 'escape' | 'stability' | 'phase' | 'angle' | 'finiteCorrection';

export interface FigureDefinition {
  /** File stem: figures/<id>.png, data/<id>.csv, data/<id>.json. */
  id: string;
  /** The run groups of the bundle it draws (experiments of the plan, by group). */
  groups: string[];
  /** The sections of the bundle it reads, computed by `collect` (its own or another figure's). */
  sections: FigureSection[];
  /** Runs `collect` reads, beyond the groups. */
  runs?(params: ReproduceParams): RunRequest[];
  /** Compute this figure's sections from the run set. */
  collect?(runs: RunSet, params: ReproduceParams): Promise<Partial<Pick<ResultsBundle, FigureSection>>>;
  /** The figure, from the results. */
  build(bundle: ResultsBundle): FigureSpec;
}
