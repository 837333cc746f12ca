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
 *  8 finite-sample runs at several n against the population theory
 */
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

/** The data behind a figure as CSV: one row per plotted point (figure, panel, series, role, x, y, lo, hi). */
export function figureCsv(fig: FigureSpec): string {
  const rows = ['panel,series,role,x,y,lo,hi'];
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  for (const p of fig.panels) {
    for (const s of p.series) {
      s.x.forEach((x, i) => rows.push([q(p.title), q(s.label), s.role, x, s.y[i], s.lo ? s.lo[i] : '', s.hi ? s.hi[i] : ''].join(',')));
    }
  }
  return `${rows.join('\n')}\n`;
}
