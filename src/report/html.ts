/**
 * The self-contained HTML report: chart.js (UMD) and the KaTeX CSS with its fonts inlined, equations rendered
 * server-side with KaTeX, every chart drawn in the browser from the same JSON chart configs the PNGs are drawn
 * from (figure-spec.ts). Nothing is loaded from the network.
 */
import type { ResultsBundle } from '../compare/bundle.js';
import type { Claim } from '../compare/claim.js';
import { spreadText, type Comparison } from '../compare/compare.js';
import { chartConfig, LEGEND_FILTER_SOURCE, PANEL_HEIGHT, PANEL_WIDTH, type FigureSpec } from './figure-spec.js';
import { chartJsUmd, katexCssInlined, type MathRenderer } from './math.js';
import { derivationEquations, fmt, settingEquations, type SectionPart } from './text.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON safe to embed inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function claimsTable(claims: Claim[]): string {
  const rows = claims
    .map(
      (c) => `<tr class="${c.verdict}"><td><code>${escapeHtml(c.id)}</code></td><td>${c.kind}</td><td>${escapeHtml(c.statement)}<div class="small">${escapeHtml(c.quantity)}; source: ${escapeHtml(c.source)}${c.reason ? `; inconclusive: ${escapeHtml(c.reason)}` : ''}</div></td><td class="num">${fmt(c.measured)}</td><td class="num">${c.predicted === null ? '—' : fmt(c.predicted)}</td><td class="num">${fmt(c.tolerance)}<div class="small">${escapeHtml(c.test)}; ${escapeHtml(c.toleranceRule)}</div></td><td class="verdict">${c.verdict}</td><td>${c.control.verdict}<div class="small">${escapeHtml(c.control.case)}: measured ${fmt(c.control.measured)}</div></td></tr>`,
    )
    .join('\n');
  return `<p class="small">Each claim carries a negative control: the same measurement on a case where the statement is false, which must fail. Kind: finding (a statement of the analysis) or check (an identity of the implementation).</p><table class="claims"><thead><tr><th>id</th><th>kind</th><th>statement</th><th>measured</th><th>predicted</th><th>tolerance</th><th>verdict</th><th>control</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function comparisonsTable(comparisons: Comparison[]): string {
  const rows = comparisons
    .flatMap((c) =>
      c.series.map(
        (s, i) =>
          `<tr class="${s.verdict === 'pass' ? 'pass' : s.verdict === 'fail' ? 'fail' : s.verdict === 'inconclusive' ? 'inconclusive' : 'na'}">${i === 0 ? `<td rowspan="${c.series.length}">${escapeHtml(c.label)}<div class="small">${c.reference ? `reference: ${c.reference} theory; ` : ''}${escapeHtml(c.timeMap)}; window: ${escapeHtml(c.window.rule)}; ${escapeHtml(c.tolerance.rule)}</div></td>` : ''}<td><code>${escapeHtml(s.series)}</code></td><td class="num">${s.points}</td><td class="num">${fmt(s.maxAbs)}</td><td class="num">${fmt(s.rms)}</td><td class="num">${s.verdict === 'n/a' ? '—' : fmt(s.tolerance)}</td><td class="small">${escapeHtml(spreadText(s, fmt))}</td><td class="verdict">${s.verdict}</td></tr>`,
      ),
    )
    .join('\n');
  return `<table class="comparisons"><thead><tr><th>comparison</th><th>series</th><th>points</th><th>max |δ|</th><th>RMS δ</th><th>tolerance</th><th>spread</th><th>verdict</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1320px;padding:0 1rem;color:#111;line-height:1.45}
h1{font-size:1.7rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.88rem;width:100%}td,th{border:1px solid #ccc;padding:.3rem .45rem;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.pass td.verdict{color:#096b2b;font-weight:600}tr.fail td.verdict{color:#b00020;font-weight:700}tr.inconclusive td.verdict{color:#8a5a00;font-weight:600}tr.na td.verdict{color:#666}
.small{font-size:.78rem;color:#555;white-space:normal}
.figure{margin:1.5rem 0}.panels{display:grid;grid-template-columns:repeat(auto-fill,${PANEL_WIDTH}px);gap:4px}
canvas.chart{border:1px solid #eee;background:#fff}
.eq{overflow-x:auto;margin:.4rem 0}.caption{color:#333;font-size:.9rem}
pre{background:#f7f7f7;padding:.6rem;overflow-x:auto;font-size:.78rem}
`;

export interface HtmlInput {
  bundle: ResultsBundle;
  figures: FigureSpec[];
  math: MathRenderer;
  /** File name of the offline explorer page written beside index.html, or null. */
  explorer?: string | null;
}

/** The complete HTML document. */
export function renderHtml({ bundle, figures, math, explorer = null }: HtmlInput): string {
  const passed = bundle.claims.filter((c) => c.verdict === 'pass').length;
  const figHtml = figures
    .map((f, fi) => {
      const canvases = f.panels.map((_, pi) => `<canvas class="chart" id="chart-${fi}-${pi}" width="${PANEL_WIDTH}" height="${PANEL_HEIGHT}"></canvas>`).join('');
      return `<section class="figure" id="${f.id}"><h3>Figure ${fi + 1}. ${escapeHtml(f.title)}</h3><p class="caption">${escapeHtml(f.caption)} Data: <code>data/${f.id}.csv</code>, <code>data/${f.id}.json</code>; PNG: <code>figures/${f.id}.png</code>.</p><div class="panels">${canvases}</div></section>`;
    })
    .join('\n');
  const configs = figures.map((f) => f.panels.map((p) => chartConfig(p)));
  const setting = settingEquations().map((e) => `<p>${escapeHtml(e.text)}</p><div class="eq">${math.render(e.latex, true)}</div>`).join('\n');
  const deriv = derivationEquations(bundle.derivation);
  /** Text with `$…$` inline math (table cells, paragraphs of the derivation document); `**x**` as bold. */
  const richText = (t: string): string =>
    t
      .split(/(\$[^$]*\$)/)
      .map((seg, k) => (k % 2 === 1 ? math.render(seg.slice(1, -1), false) : escapeHtml(seg).replace(/\*\*(.*?)\*\*/g, '<strong>$1</strong>')))
      .join('');
  const partHtml = (part: SectionPart): string =>
    part.kind === 'eq'
      ? `<div class="eq">${part.label ? `<span class="small">${richText(part.label)}</span> ` : ''}${math.render(part.latex, true)}</div>`
      : part.kind === 'text'
        ? `<p>${richText(part.text)}</p>`
        : `<table><tr>${part.head.map((h) => `<th>${richText(h)}</th>`).join('')}</tr>${part.rows.map((r) => `<tr>${r.map((c) => `<td>${richText(c)}</td>`).join('')}</tr>`).join('')}</table>`;
  const derivHtml = deriv.sections.length
    ? deriv.sections.map((s) => `<h3>${escapeHtml(s.title)}</h3>${s.parts.map(partHtml).join('')}`).join('\n')
    : `<p>${escapeHtml(deriv.note)}</p>`;
  const prov = bundle.provenance;
  const script = `
const figs = ${scriptJson(configs)};
const legendFilter = ${LEGEND_FILTER_SOURCE};
const background = { id: 'specgd-background', beforeDraw(chart) { const c = chart.ctx; c.save(); c.globalCompositeOperation = 'destination-over'; c.fillStyle = '#ffffff'; c.fillRect(0, 0, chart.width, chart.height); c.restore(); } };
window.specgdCharts = [];
figs.forEach((panels, fi) => panels.forEach((cfg, pi) => {
  cfg.options.plugins.legend.labels.filter = legendFilter;
  const canvas = document.getElementById('chart-' + fi + '-' + pi);
  window.specgdCharts.push(new Chart(canvas, Object.assign({}, cfg, { plugins: [background] })));
}));
window.specgdChartsReady = true;
`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>specgd report: GD vs SpecGD on anisotropic phase retrieval</title>
<style>${katexCssInlined()}</style><style>${CSS}</style></head>
<body>
<h1>GD vs spectral GD on anisotropic phase retrieval — theory vs simulation</h1>
<p>Generated by <code>specgd ${escapeHtml(prov.command)}</code>, version ${escapeHtml(prov.version)}${prov.gitCommit ? `, commit <code>${escapeHtml(prov.gitCommit)}</code>${prov.gitDirty ? " with uncommitted changes" : ""}` : ''}; seeds ${escapeHtml(JSON.stringify(prov.seeds ?? []))}. Claims: <strong>${passed} of ${bundle.claims.length} pass</strong>.</p>
<nav><a href="#claims">Claims</a> · <a href="#setting">Setting</a> · <a href="#derivation">Derivation</a> · <a href="#figures">Figures</a> · <a href="#comparisons">Theory vs simulation</a> · <a href="#provenance">Provenance</a>${explorer ? ` · <a href="${escapeHtml(explorer)}">Explore the reduced dynamics (offline page)</a>` : ''}</nav>
<h2 id="claims">Claims of the analysis, measured</h2>
<p>Each statement is measured by the tool from its own runs; the prediction is computed from the derivation or the theory, the tolerance is derived as stated.</p>
${claimsTable(bundle.claims)}
<h2 id="setting">Setting</h2>
${setting}
<h2 id="derivation">Derivation (generated by the symbolic engine)</h2>
${derivHtml}
<h2 id="figures">Figures</h2>
${figHtml}
<h2 id="comparisons">Theory vs simulation</h2>
<p>Deviation δ = simulation − theory over each comparison's window (max and RMS), with the tolerance rule it was judged by.</p>
${comparisonsTable(bundle.comparisons)}
<h2 id="provenance">Provenance</h2>
<details><summary>plan, seeds, version, commit</summary><pre>${escapeHtml(JSON.stringify({ provenance: prov, plan: bundle.plan }, null, 2))}</pre></details>
<script>${chartJsUmd().replace(/<\/script/gi, '<\\/script')}</script>
<script>${script}</script>
</body></html>
`;
}
