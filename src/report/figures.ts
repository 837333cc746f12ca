/**
 * The figure set of the report, built from a `ResultsBundle` by code (never edited by hand). Each figure is one
 * file under figures/ (the registry `FIGURES`, in report order):
 *  1 coefficients a, b, c vs step per algorithm, several λ_v (theory lines, simulation mean ± SE)
 *  2 alignment: b/a and the cosine |⟨θ, u₁⟩| vs step
 *  3 loss (log scale)
 *  4 escape step vs λ_v per algorithm
 *  5 bulk coefficient on log–log axes (GD's slow late decay vs SpecGD's linear contraction)
 *  6 stability: largest stable η̃ vs λ_v, and the (λ_v, η̃) phase diagram
 *  7 power-law covariance
 *  8 finite-sample runs at several n against the population theory, with the corrected theory's band per n
 *  9–12 the optimizer family, the basis, the non-orthogonal spike
 * 13 the finite-sample correction: n·(mean deviation) per n against the predicted coefficient
 */
import { PARAMETER_COLUMNS } from '../config/parameters.js';
import { csvCell, csvMeta } from '../core/csv.js';
import type { ResultsBundle } from '../compare/bundle.js';
import type { FigureSpec } from './figure-spec.js';
import { FIGURES, type FigureDefinition } from './figures/index.js';

export { FIGURES, type FigureDefinition } from './figures/index.js';

/** Can the figure be drawn from this bundle (are the sections it reads present)? */
export function figureAvailable(fig: FigureDefinition, bundle: ResultsBundle): boolean {
  const groups = bundle.groups as Record<string, unknown[] | undefined>;
  return fig.sections.every((s) => bundle[s] !== undefined && bundle[s] !== null) && fig.groups.every((g) => (groups[g]?.length ?? 0) > 0);
}

/** Build the figures (default: the whole registry) that the bundle has the data for, in registry order. */
export function buildFigures(bundle: ResultsBundle, figures: readonly FigureDefinition[] = FIGURES): FigureSpec[] {
  return figures.filter((f) => figureAvailable(f, bundle)).map((f) => f.build(bundle));
}

/**
 * The data behind a figure as a tidy CSV: one row per plotted point (figure panel, series, role, the run's parameter
 * columns — algorithm, its step size and settings, λ_v, d, n, ... from config/parameters.ts, empty for a derived
 * series — then x, y and the simulation band lo, hi). Numbers are written as core/csv.ts writes them.
 */
export function figureCsv(fig: FigureSpec): string {
  const header = ['panel', 'series', 'role', ...PARAMETER_COLUMNS.map((c) => c.name), 'x', 'y', 'lo', 'hi'];
  const rows = [header.join(',')];
  const empty = PARAMETER_COLUMNS.map(() => null);
  for (const p of fig.panels) {
    for (const s of p.series) {
      const params = s.params ?? empty;
      s.x.forEach((x, i) => rows.push([p.title, s.label, s.role, ...params, x, s.y[i], s.lo ? s.lo[i] : null, s.hi ? s.hi[i] : null].map((c) => csvCell(c)).join(',')));
    }
  }
  return `${rows.join('\n')}\n`;
}

/** The `.meta.json` sidecar of a figure CSV: its columns and the provenance of the report. */
export function figureCsvMeta(fig: FigureSpec, csv: string, provenance: unknown): string {
  const columns = [
    { name: 'panel', description: 'panel title of the figure' },
    { name: 'series', description: 'series label in the panel' },
    { name: 'role', description: 'theory (reduced map / flow), simulation (ensemble mean, band ± SE) or a derived curve' },
    ...PARAMETER_COLUMNS,
    { name: 'x', description: 'the panel\'s x value (see the figure caption)' },
    { name: 'y', description: 'the panel\'s y value' },
    { name: 'lo', description: 'lower edge of the simulation band (mean − SE), empty otherwise' },
    { name: 'hi', description: 'upper edge of the simulation band (mean + SE), empty otherwise' },
  ];
  return csvMeta(columns, csv.trimEnd().split('\n').length - 1, provenance, `figure ${fig.id}: ${fig.title}`);
}
