/**
 * The HTML report in headless Chromium (Debian's chromium at /usr/bin/chromium, driven by playwright-core): every
 * chart is drawn (its canvas has non-background pixels), no KaTeX error is shown, and nothing is requested from
 * the network (the page is self-contained). A missing chromium FAILS this test with the install command.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { buildReport, writeReportFiles } from '../../src/report/write.js';
import { buildFigures } from '../../src/report/figures.js';
import { syntheticBundle } from '../helpers/synthetic.js';

const CHROMIUM = process.env.SPECGD_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('HTML report in headless Chromium', () => {
  let dir = '';
  let profile = '';
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) return; // the test below fails with the install instructions
    dir = mkdtempSync(join(tmpdir(), 'specgd-browser-'));
    profile = mkdtempSync(join(tmpdir(), 'specgd-chromium-profile-'));
    writeReportFiles(dir, buildReport(syntheticBundle()));
    // A fresh user-data-dir per run (launchPersistentContext is how playwright takes one); playwright adds --headless.
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  });

  afterAll(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('draws every chart, shows no KaTeX error and loads nothing from the network', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`chromium not found at ${CHROMIUM}: install Debian's chromium with \`apt-get update && apt-get install -y chromium\` (.ci/run does this), or set SPECGD_CHROMIUM to a Chromium binary`);
    }
    const page = await context!.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    await page.waitForFunction(() => (globalThis as unknown as { specgdChartsReady?: boolean }).specgdChartsReady === true, undefined, { timeout: 20_000 });
    expect(errors).toEqual([]);

    const expectedCharts = buildFigures(syntheticBundle()).reduce((n, f) => n + f.panels.length, 0);
    // For each canvas: the number of pixels that differ from the white background (read back from the canvas).
    const inked = await page.$$eval('canvas.chart', (canvases) =>
      canvases.map((c) => {
        type CanvasLike = { id: string; width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
        const canvas = c as unknown as CanvasLike;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250) n++;
        return { id: canvas.id, inked: n, total: canvas.width * canvas.height };
      }),
    );
    expect(inked).toHaveLength(expectedCharts);
    for (const c of inked) expect(c.inked, `canvas ${c.id} is blank`).toBeGreaterThan(0);

    // Every chart holds plotted points (not only axes).
    const points = await page.evaluate(() =>
      (globalThis as unknown as { specgdCharts: { data: { datasets: { data: unknown[] }[] } }[] }).specgdCharts.map((ch) => ch.data.datasets.reduce((n, ds) => n + ds.data.length, 0)),
    );
    expect(points).toHaveLength(expectedCharts);
    for (const n of points) expect(n).toBeGreaterThan(0);

    expect(await page.locator('.katex').count()).toBeGreaterThan(0);
    expect(await page.locator('.katex-error').count()).toBe(0);
    const external = requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'));
    expect(external).toEqual([]);
    await page.close();
  });
});
