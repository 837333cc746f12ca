import { describe, expect, it } from 'vitest';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { buildFigures, figureCsv, FIGURES } from '../../src/report/figures.js';
import { renderFigurePng, columnsFor } from '../../src/report/render-png.js';
import { buildReport } from '../../src/report/write.js';
import { createMathRenderer } from '../../src/report/math.js';
import { PANEL_HEIGHT, PANEL_WIDTH, TITLE_HEIGHT } from '../../src/report/figure-spec.js';
import { syntheticBundle } from '../helpers/synthetic.js';

describe('figures', () => {
  const bundle = syntheticBundle();
  const figs = buildFigures(bundle);

  it('every figure of the registry, in order, each panel titled, with labelled axes, theory lines and simulation data', () => {
    expect(figs.map((f) => f.id)).toEqual(FIGURES.map((f) => f.id));
    expect(new Set(figs.map((f) => f.id)).size).toBe(FIGURES.length);
    for (const f of figs) {
      expect(f.title.length).toBeGreaterThan(0);
      expect(f.panels.length).toBeGreaterThan(0);
      for (const p of f.panels) {
        expect(p.title.length).toBeGreaterThan(0);
        expect(p.x.label.length).toBeGreaterThan(0);
        expect(p.y.label.length).toBeGreaterThan(0);
        expect(p.series.some((s) => s.role === 'theory')).toBe(true);
        expect(p.series.some((s) => s.role !== 'theory')).toBe(true);
        for (const s of p.series) expect(s.x.length).toBe(s.y.length);
      }
    }
    // Ensembles with se > 0 get mean ± SE bands.
    const fig1 = figs[0];
    const band = fig1.panels[0].series.find((s) => s.role === 'simulation')!;
    expect(band.lo && band.hi).toBeTruthy();
    band.y.forEach((y, i) => expect(band.lo![i]).toBeLessThanOrEqual(y));
  });

  it('a bundle without a figure section (a plan without that figure) skips the figures that read it, and only those', () => {
    const partial = syntheticBundle();
    delete partial.phase;
    const ids = buildFigures(partial).map((f) => f.id);
    const readsPhase = FIGURES.filter((f) => f.sections.includes('phase')).map((f) => f.id);
    expect(readsPhase.length).toBeGreaterThan(0);
    expect(ids).toEqual(FIGURES.map((f) => f.id).filter((id) => !readsPhase.includes(id)));
  });

  it('figures iterate the algorithms of the runs: a third algorithm in the configs and trajectories gets its own panels', () => {
    const b = syntheticBundle();
    const muon = { name: 'specgd' as const, eta: 0.002, polar: 'newton-schulz' as const, nsSteps: 5 };
    for (const g of b.groups.spiked) {
      g.config = { ...g.config, algorithms: [...g.config.algorithms, muon] };
      const copy = (t: (typeof g.theory)[number]) => ({ ...t, algorithm: 'specgd-ns5' });
      g.theory = [...g.theory, copy(g.theory.find((t) => t.algorithm === 'specgd')!)];
      g.simulation = [...g.simulation, copy(g.simulation.find((t) => t.algorithm === 'specgd')!)];
    }
    const before = buildFigures(syntheticBundle()).find((f) => f.id === 'fig1-coefficients')!;
    const after = buildFigures(b).find((f) => f.id === 'fig1-coefficients')!;
    expect(after.panels.length).toBe((before.panels.length / 2) * 3);
    expect(after.panels.some((p) => p.title.startsWith('Muon (NS5)'))).toBe(true);
  });

  it('CSV behind a figure: one row per plotted point', () => {
    for (const f of figs) {
      const rows = figureCsv(f).trim().split('\n').length - 1;
      expect(rows).toBe(f.panels.reduce((n, p) => n + p.series.reduce((m, s) => m + s.x.length, 0), 0));
    }
  });

  it('PNG: right size, opaque background, and ink in every panel', async () => {
    const fig = figs[5];
    const png = renderFigurePng(fig);
    const img = await loadImage(png);
    const cols = columnsFor(fig.panels.length);
    expect(img.width).toBe(cols * PANEL_WIDTH);
    expect(img.height).toBe(Math.ceil(fig.panels.length / cols) * PANEL_HEIGHT + TITLE_HEIGHT);
    const c = createCanvas(img.width, img.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height).data;
    let transparent = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] < 255) transparent++;
    expect(transparent).toBe(0);
    fig.panels.forEach((_, i) => {
      const x0 = (i % cols) * PANEL_WIDTH;
      const y0 = TITLE_HEIGHT + Math.floor(i / cols) * PANEL_HEIGHT;
      const d = ctx.getImageData(x0, y0, PANEL_WIDTH, PANEL_HEIGHT).data;
      let ink = 0;
      for (let j = 0; j < d.length; j += 4) if (d[j] < 200 || d[j + 1] < 200 || d[j + 2] < 200) ink++;
      expect(ink).toBeGreaterThan(1000);
    });
  });
});

describe('report files', () => {
  it('self-contained HTML with every claim, KaTeX rendered server-side, and byte-identical rebuilds', () => {
    const bundle = syntheticBundle();
    const a = buildReport(bundle);
    const b = buildReport(syntheticBundle());
    expect(a.warnings).toEqual([]);
    expect([...a.files.keys()].sort()).toEqual([...b.files.keys()].sort());
    for (const [k, v] of a.files) expect(Buffer.compare(Buffer.from(v), Buffer.from(b.files.get(k)!)), k).toBe(0);
    const html = a.files.get('index.html') as string;
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/url\((?!data:)/);
    expect(html).toContain('class="katex"');
    expect(html).not.toContain('katex-error');
    for (const c of bundle.claims) expect(html).toContain(c.id);
    const md = a.files.get('report.md') as string;
    for (const f of buildFigures(bundle)) {
      expect(md).toContain(`](figures/${f.id}.png)`);
      expect(a.files.has(`figures/${f.id}.png`)).toBe(true);
      expect(a.files.has(`data/${f.id}.csv`)).toBe(true);
      expect(a.files.has(`data/${f.id}.json`)).toBe(true);
    }
    const parsed = JSON.parse(a.files.get('claims.json') as string) as { provenance: { version: string }; claims: { id: string; statement: string; measured: number; tolerance: number; verdict: string }[] };
    expect(parsed.provenance).toEqual(bundle.provenance);
    const claims = parsed.claims;
    expect(claims.map((c) => c.verdict)).toEqual(['pass', 'fail']);
    for (const c of claims) for (const k of ['id', 'statement', 'measured', 'tolerance', 'verdict']) expect(c).toHaveProperty(k);
  });

  it('a LaTeX string KaTeX cannot parse is recorded as a warning and shown as a KaTeX error', () => {
    const m = createMathRenderer();
    const out = m.render('\\frac{a}{', true);
    expect(m.warnings).toHaveLength(1);
    expect(out).toContain('katex-error');
  });

  it('the report refuses NaN in claims (never written as data)', () => {
    const bundle = syntheticBundle();
    bundle.claims[0].measured = Number.NaN;
    expect(() => buildReport(bundle)).toThrow(/non-finite/);
  });
});
