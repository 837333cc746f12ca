/**
 * Render a `FigureSpec` to PNG with chart.js on @napi-rs/canvas (stack.md: background filled in a `beforeDraw`
 * plugin or the PNG is transparent; animation off, responsive off, devicePixelRatio 1). Panels are laid out two
 * per row under the figure title.
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type Plugin } from 'chart.js';
import { chartConfig, LEGEND_FILTER_SOURCE, PANEL_HEIGHT, PANEL_WIDTH, TITLE_HEIGHT, type FigureSpec } from './figure-spec.js';

Chart.register(...registerables);

/** White background, drawn before anything else. */
export const backgroundPlugin: Plugin = {
  id: 'specgd-background',
  beforeDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

// eslint-disable-next-line no-new-func
const legendFilter = new Function(`return ${LEGEND_FILTER_SOURCE}`)() as (item: unknown, data: unknown) => boolean;

/** Number of panel columns for a figure with `panels` panels. */
export function columnsFor(panels: number): number {
  return panels === 1 ? 1 : 2;
}

/** Render one figure (all its panels) to a PNG buffer. */
export function renderFigurePng(fig: FigureSpec): Buffer {
  const cols = columnsFor(fig.panels.length);
  const rows = Math.ceil(fig.panels.length / cols);
  const out = createCanvas(cols * PANEL_WIDTH, rows * PANEL_HEIGHT + TITLE_HEIGHT);
  const octx = out.getContext('2d');
  octx.fillStyle = '#ffffff';
  octx.fillRect(0, 0, out.width, out.height);
  octx.fillStyle = '#111111';
  octx.font = 'bold 18px sans-serif';
  octx.textAlign = 'center';
  octx.textBaseline = 'middle';
  octx.fillText(fig.title, out.width / 2, TITLE_HEIGHT / 2);
  fig.panels.forEach((panel, i) => {
    const canvas = createCanvas(PANEL_WIDTH, PANEL_HEIGHT);
    const cfg = chartConfig(panel) as unknown as ChartConfiguration;
    const opts = cfg.options as { plugins: { legend: { labels: Record<string, unknown> } } };
    opts.plugins.legend.labels.filter = legendFilter;
    const chart = new Chart(canvas as unknown as ConstructorParameters<typeof Chart>[0], { ...cfg, plugins: [backgroundPlugin] });
    chart.draw();
    (octx as SKRSContext2D).drawImage(canvas, (i % cols) * PANEL_WIDTH, Math.floor(i / cols) * PANEL_HEIGHT + TITLE_HEIGHT);
    chart.destroy();
  });
  return out.toBuffer('image/png');
}
