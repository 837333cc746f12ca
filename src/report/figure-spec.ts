/**
 * Figure specifications: plain JSON (no functions), built from the results bundle by `figures.ts`, rendered to
 * PNG by `render-png.ts` and in the browser by the HTML report — the same spec on both sides, so the PNG, the
 * HTML chart and the CSV/JSON data behind a figure cannot drift.
 */

export type SeriesRole = 'theory' | 'simulation' | 'marker';

export interface FigureSeries {
  label: string;
  role: SeriesRole;
  color: string;
  x: number[];
  y: number[];
  /** Simulation band (mean ± SE): lower and upper edges, same length as x. */
  lo?: number[];
  hi?: number[];
  dashed?: boolean;
  /** Draw lo..hi as a vertical error bar at each point (for isolated points) instead of a band. */
  errorBars?: boolean;
  /**
   * The run behind the series, as the tidy parameter columns (config/parameters.ts `PARAMETER_COLUMNS`: algorithm,
   * its step size and settings, λ_v, d, n, ...), so that figure CSVs carry them as columns. Absent for derived series.
   */
  params?: (string | number | null)[];
}

export interface AxisSpec {
  label: string;
  log: boolean;
  min?: number;
  max?: number;
}

export interface PanelSpec {
  title: string;
  x: AxisSpec;
  y: AxisSpec;
  series: FigureSeries[];
  /** 'line' (default) or 'scatter' (points only, e.g. phase diagrams). */
  kind?: 'line' | 'scatter';
}

export interface FigureSpec {
  /** File stem: figures/<id>.png, data/<id>.csv, data/<id>.json. */
  id: string;
  title: string;
  caption: string;
  panels: PanelSpec[];
}

/** Panel size in CSS pixels (devicePixelRatio 1). */
export const PANEL_WIDTH = 640;
export const PANEL_HEIGHT = 440;
export const TITLE_HEIGHT = 36;

/** A colour-blind-safe palette (Okabe–Ito) for series indexed by parameter value. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

/** Translucent version of a #rrggbb colour for simulation bands. */
export function withAlpha(hex: string, alpha: number): string {
  const r = parseInt(hex.slice(1, 3), 16);
  const g = parseInt(hex.slice(3, 5), 16);
  const b = parseInt(hex.slice(5, 7), 16);
  return `rgba(${r},${g},${b},${alpha})`;
}

/**
 * Chart.js configuration of one panel, as pure data (JSON-serializable). Bands are two datasets: the lower edge
 * (no line, marked `bandEdge` so the legend skips it) and the upper edge filled down to it (`fill: '-1'`).
 * Theory: solid (or dashed) lines without points; simulation: markers over a translucent band.
 */
export function chartConfig(panel: PanelSpec): Record<string, unknown> {
  const datasets: Record<string, unknown>[] = [];
  const keep = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && (!panel.x.log || x > 0) && (!panel.y.log || y > 0);
  const pts = (xs: number[], ys: number[]) => xs.map((x, i) => ({ x, y: ys[i] })).filter((p) => keep(p.x, p.y));
  for (const s of panel.series) {
    if (s.lo && s.hi && s.errorBars) {
      const { lo, hi } = s;
      s.x.forEach((x, i) => datasets.push({ label: `${s.label} (±SE ${i})`, bandEdge: true, data: pts([x, x], [lo[i], hi[i]]), showLine: true, borderWidth: 1.5, pointRadius: 0, fill: false, borderColor: s.color, backgroundColor: s.color }));
    } else if (s.lo && s.hi) {
      datasets.push({ label: `${s.label} (−SE)`, bandEdge: true, data: pts(s.x, s.lo), borderWidth: 0, pointRadius: 0, fill: false, borderColor: 'rgba(0,0,0,0)', backgroundColor: 'rgba(0,0,0,0)' });
      datasets.push({ label: `${s.label} (±SE)`, bandEdge: true, data: pts(s.x, s.hi), borderWidth: 0, pointRadius: 0, fill: '-1', borderColor: 'rgba(0,0,0,0)', backgroundColor: withAlpha(s.color, 0.25) });
    }
    const isLine = s.role === 'theory';
    datasets.push({
      label: s.label,
      data: pts(s.x, s.y),
      borderColor: s.color,
      backgroundColor: s.role === 'theory' ? s.color : withAlpha(s.color, 0.85),
      borderWidth: isLine ? 2 : 1,
      borderDash: s.dashed ? [6, 4] : [],
      showLine: isLine,
      pointRadius: isLine ? 0 : s.role === 'marker' ? 4 : 2.5,
      pointStyle: isLine ? 'line' : s.role === 'marker' ? 'rectRot' : 'circle',
      fill: false,
    });
  }
  const axis = (a: { label: string; log: boolean; min?: number; max?: number }) => ({
    type: a.log ? 'logarithmic' : 'linear',
    title: { display: true, text: a.label, font: { size: 13 } },
    ...(a.min !== undefined ? { min: a.min } : {}),
    ...(a.max !== undefined ? { max: a.max } : {}),
  });
  return {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      responsive: false,
      devicePixelRatio: 1,
      parsing: false,
      normalized: true,
      scales: { x: axis(panel.x), y: axis(panel.y) },
      plugins: {
        title: { display: true, text: panel.title, font: { size: 14 } },
        legend: { display: true, position: 'top', labels: { usePointStyle: true, pointStyleWidth: 14, boxHeight: 5, font: { size: 11 } } },
      },
    },
  };
}

/** Legend filter shared by the PNG and the browser: band edges are not legend entries. */
export const LEGEND_FILTER_SOURCE = '(item, data) => !data.datasets[item.datasetIndex].bandEdge';
