/**
 * The explorer page (`specgd explore`) in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core),
 * opened from file://. The test moves sliders (λ_v, η̃, d, steps), enables Muon, reads the page's series from
 * `window.specgdExplorer` and checks them against `runTheory` for the config the page's "copy config" gives
 * (which `parseConfig` must accept): max_k |page − theory| / max_k |theory| ≤ 1e-12 per series over the whole run
 * for GD and SpecGD; for Muon over the window where its map has not amplified rounding (measured as in
 * test/sim/muon-exact.test.ts: the steps before a run with η(1 + 4u) moves the series by more than 1e-13 of their
 * scale). It also checks the events, that the phase grid finishes (100 × 100, cells checked against runTheory),
 * that the URL hash restores the state, that the CSP blocks eval, and that no request leaves the page.
 * It prints the page size and the measured timings. A missing chromium FAILS this test with the install command.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { main } from '../../src/cli/main.js';
import { parseConfig, type ExperimentConfig } from '../../src/config/config.js';
import { runTheory } from '../../src/dynamics/theory.js';
import type { Trajectory } from '../../src/core/trajectory.js';

const CHROMIUM = process.env.SPECGD_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const U = 2 ** -53;

interface PageRun {
  algorithmId: string;
  label: string;
  status: string;
  lastStep: number;
  series: Record<string, number[]>;
  events: { name: string; step: number; value: number }[];
}
interface Api {
  ready: boolean;
  runCount(): number;
  runs(): PageRun[];
  config(): string;
  state(): { values: Record<string, number>; enabled: string[] };
  grid(): { done: boolean; lambdaV: number[]; etaTilde: number[]; escape: number[][]; diverged: number[][]; ms: number } | null;
  timings(): { iterateMs: number[]; drawMs: number[] };
  iterateOnce(): number;
}
type Win = { specgdExplorer: Api; __cspViolations: string[] };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** max_k |x_k − y_k| / max_k |y_k| over the first `n` entries (absolute when y ≡ 0). */
function relErr(x: number[], y: number[], n: number): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    err = Math.max(err, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return scale > 0 ? err / scale : err;
}

/** Change an input and wait until the page has re-run (its run counter moved). */
async function setInput(page: Page, selector: string, value: string): Promise<void> {
  const before = await page.evaluate(() => (globalThis as unknown as Win).specgdExplorer.runCount());
  await page.locator(selector).fill(value);
  await page.waitForFunction((n) => (globalThis as unknown as Win).specgdExplorer.runCount() > n, before);
}

describe('explorer page in headless Chromium', () => {
  let dir = '';
  let profile = '';
  let file = '';
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) return; // the test below fails with the install instructions
    dir = mkdtempSync(join(tmpdir(), 'specgd-explore-'));
    profile = mkdtempSync(join(tmpdir(), 'specgd-chromium-profile-'));
    file = join(dir, 'explore.html');
    expect(await main(['explore', '--preset', 'spiked', '--out', file])).toBe(0);
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('follows runTheory under slider moves, runs the phase grid, copies a valid config, and requests nothing', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`chromium not found at ${CHROMIUM}: install Debian's chromium with \`apt-get update && apt-get install -y chromium\` (.ci/run does this), or set SPECGD_CHROMIUM to a Chromium binary`);
    }
    const html = readFileSync(file, 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(/script-src 'sha256-/);
    expect(csp).not.toMatch(/unsafe-eval/);
    const url = pathToFileURL(file).href;

    const page = await context!.newPage();
    const requests: string[] = [];
    // Every request is observed and, unless it is the page itself, refused.
    const refused: string[] = [];
    await page.route('**/*', (route) => {
      if (route.request().url().split('#')[0] === url) return route.continue();
      refused.push(route.request().url());
      return route.abort();
    });
    page.on('request', (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.addInitScript(() => {
      const w = globalThis as unknown as Win & { addEventListener(t: string, f: (e: { violatedDirective: string }) => void): void };
      w.__cspViolations = [];
      w.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(e.violatedDirective));
    });
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as unknown as Win).specgdExplorer?.ready === true && (globalThis as unknown as Win).specgdExplorer.runCount() >= 1, undefined, { timeout: 30_000 });

    // Move sliders and inputs: λ_v by its slider, η̃ and d by their number fields, steps, and enable Muon.
    await setInput(page, '#range-lambda_v', '700');
    await setInput(page, '#num-etaTilde', '0.012');
    await setInput(page, '#num-d', '60');
    await setInput(page, '#num-steps', '3000');
    const before = await page.evaluate(() => (globalThis as unknown as Win).specgdExplorer.runCount());
    await page.locator('#alg-muon').check();
    await page.waitForFunction((n) => (globalThis as unknown as Win).specgdExplorer.runCount() > n, before);
    const state = await page.evaluate(() => (globalThis as unknown as Win).specgdExplorer.state());
    expect(state.enabled).toEqual(['gd', 'specgd', 'muon']);
    // The slider set λ_v away from the preset's 10 (its 700th of 1000 log-spaced positions).
    expect(state.values.lambda_v).not.toBe(10);

    // "copy config": the JSON in the page's text area is an ExperimentConfig the CLI accepts.
    await page.locator('#copy-config').click();
    const copied = await page.locator('#config-json').inputValue();
    const config: ExperimentConfig = parseConfig(JSON.parse(copied));
    expect(config.model.covariance).toMatchObject({ kind: 'spiked', spikeVariance: state.values.lambda_v });
    expect(config.model.d).toBe(60);
    expect(config.algorithms.map((a) => a.eta)).toEqual([0.012, state.values.eta, state.values.eta]);

    const runs = await page.evaluate(() => (globalThis as unknown as Win).specgdExplorer.runs());
    const theory = runTheory(config);
    expect(runs.map((r) => r.label)).toEqual(theory.map((t) => t.algorithm));
    const perturbed = runTheory({ ...config, algorithms: config.algorithms.map((a) => ({ ...a, eta: a.eta * (1 + 4 * U) })) });
    const report: string[] = [];
    runs.forEach((run, i) => {
      const th: Trajectory = theory[i];
      const ts = th.series as Record<string, number[]>;
      expect(run.status).toBe(th.status);
      // runTheory records every step here (steps ≤ 10⁴): index i is step i.
      expect(th.step).toEqual(Array.from({ length: run.lastStep + 1 }, (_, k) => k));
      let window = th.step.length;
      if (run.algorithmId === 'muon') {
        const ps = perturbed[i].series as Record<string, number[]>;
        const syms = ['a', 'b', 'c'];
        const scale = Object.fromEntries(syms.map((s) => [s, Math.max(...ts[s].map(Math.abs))]));
        window = 0;
        while (window < th.step.length && syms.every((s) => Math.abs(ps[s][window] - ts[s][window]) <= 1e-13 * scale[s])) window++;
        expect(window).toBeGreaterThanOrEqual(30); // the minimum muon-exact.test.ts requires for 5 iterations
      }
      for (const [name, values] of Object.entries(ts)) {
        const err = relErr(run.series[name], values, window);
        report.push(`${run.label} ${name}: ${err.toExponential(2)} over ${window} steps`);
        expect(err, `${run.label} ${name}`).toBeLessThanOrEqual(1e-12);
      }
      if (run.algorithmId === 'muon') {
        // Informational: the page and runTheory share every operation, so even past the window they agree here.
        for (const [name, values] of Object.entries(ts)) report.push(`muon ${name} (whole run, not asserted): ${relErr(run.series[name], values, th.step.length).toExponential(2)} over ${th.step.length} steps`);
      } else {
        for (const ev of ['escape', 'peak-misalignment']) {
          const want = th.events.find((e) => e.name === ev);
          const got = run.events.find((e) => e.name === ev);
          expect(got && [got.step, got.value], `${run.label} ${ev}`).toEqual(want && [want.step, want.value]);
        }
      }
    });

    // A diverging GD step size: the page stops where runTheory stops, with the same last finite states.
    await setInput(page, '#num-etaTilde', '0.6');
    await page.locator('#copy-config').click();
    const divConfig = parseConfig(JSON.parse(await page.locator('#config-json').inputValue()));
    const [gdTheory] = runTheory(divConfig);
    const [gdPage] = await page.evaluate(() => (globalThis as unknown as Win).specgdExplorer.runs());
    expect(gdTheory.status).toBe('diverged');
    expect(gdPage.status).toBe('diverged');
    expect(gdPage.lastStep).toBe(gdTheory.step[gdTheory.step.length - 1]);
    for (const [name, values] of Object.entries(gdTheory.series as Record<string, number[]>)) expect(relErr(gdPage.series[name], values, values.length), `diverged gd ${name}`).toBeLessThanOrEqual(1e-12);
    await setInput(page, '#num-etaTilde', '0.012');

    // Timings: iterating 3000 steps of GD + SpecGD + Muon, and the redraw per slider move.
    const iterate: number[] = [];
    for (let i = 0; i < 7; i++) iterate.push(await page.evaluate(() => (globalThis as unknown as Win).specgdExplorer.iterateOnce()));
    for (const pos of ['600', '650', '720', '680', '710']) await setInput(page, '#range-lambda_v', pos);
    const timings = await page.evaluate(() => (globalThis as unknown as Win).specgdExplorer.timings());
    const moves = timings.drawMs.slice(-5).map((d, i) => d + timings.iterateMs.slice(-5)[i]);

    // Phase grid: 100 × 100 GD runs in the Web Worker; it finishes, every cell is filled, and cells match runTheory.
    await page.locator('#grid-size').fill('100');
    await page.locator('#grid-size').dispatchEvent('change');
    await page.locator('#grid-run').click();
    await page.waitForFunction(() => (globalThis as unknown as Win).specgdExplorer.grid()?.done === true && (globalThis as unknown as Win).specgdExplorer.grid()!.lambdaV.length === 100, undefined, { timeout: 120_000 });
    const grid = (await page.evaluate(() => (globalThis as unknown as Win).specgdExplorer.grid()))!;
    expect(grid.escape).toHaveLength(100);
    for (const row of grid.escape) expect(row).toHaveLength(100);
    let diverged = 0;
    let escaped = 0;
    for (let i = 0; i < 100; i++) for (let j = 0; j < 100; j++) (grid.diverged[i][j] >= 0 ? diverged++ : grid.escape[i][j] >= 0 && escaped++);
    expect(diverged).toBeGreaterThan(0); // the grid reaches GD's unstable step sizes …
    expect(escaped).toBeGreaterThan(0); // … and its escaping ones
    for (const [i, j] of [[0, 0], [50, 40], [99, 99], [20, 90], [80, 60]]) {
      const cell = parseConfig({ ...JSON.parse(copied), algorithms: [{ name: 'gd', eta: grid.etaTilde[j] }], model: { ...JSON.parse(copied).model, covariance: { ...JSON.parse(copied).model.covariance, spikeVariance: grid.lambdaV[i] } } });
      const [t] = runTheory(cell);
      const esc = t.events.find((e) => e.name === 'escape');
      expect([grid.escape[i][j], grid.diverged[i][j]], `cell (${i}, ${j})`).toEqual(t.status === 'diverged' ? [-1, t.step[t.step.length - 1] + 1] : [esc ? esc.step : -1, -1]);
    }

    // The URL hash carries the state: a fresh page from it shows the same parameters.
    const hashed = page.url();
    expect(hashed).toContain('#');
    const again = await context!.newPage();
    again.on('request', (r) => requests.push(r.url()));
    await again.goto(hashed);
    await again.waitForFunction(() => (globalThis as unknown as Win).specgdExplorer?.ready === true && (globalThis as unknown as Win).specgdExplorer.runCount() >= 1);
    const restored = await again.evaluate(() => (globalThis as unknown as Win).specgdExplorer.state());
    const current = await page.evaluate(() => (globalThis as unknown as Win).specgdExplorer.state());
    expect(restored.values).toEqual(current.values);
    expect(restored.enabled).toEqual(current.enabled);
    await again.close();

    expect(errors).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as Win).__cspViolations)).toEqual([]);
    // The policy is enforced (negative control for "no eval in the page"): eval in a page task is refused. (Inside
    // page.evaluate itself DevTools lifts the eval block, hence the timer.) So is an inline script the page lacks.
    expect(
      await page.evaluate(
        () =>
          new Promise<string>((resolve) =>
            setTimeout(() => {
              try {
                resolve(String((0, eval)('1 + 1')));
              } catch {
                resolve('blocked');
              }
            }, 0),
          ),
      ),
    ).toBe('blocked');
    const injected = await page.evaluate(
      () =>
        new Promise<unknown>((resolve) => {
          const doc = (globalThis as unknown as { document: { createElement(t: string): { textContent: string }; body: { append(x: unknown): void } } }).document;
          const s = doc.createElement('script');
          s.textContent = 'globalThis.__injected = true;';
          doc.body.append(s);
          setTimeout(() => resolve((globalThis as unknown as { __injected?: boolean }).__injected ?? false), 50);
        }),
    );
    expect(injected).toBe(false);
    expect(await page.evaluate(() => (globalThis as unknown as Win).__cspViolations)).toEqual(['script-src', 'script-src-elem']);
    // Nothing but the page itself was requested, apart from the in-page blob: URLs of the grid's Workers (file:// pages
    // have the opaque origin "null").
    expect(refused).toEqual([]);
    expect(requests.filter((u) => u.split('#')[0] !== url && !u.startsWith('blob:null/'))).toEqual([]);

    console.log(
      [
        `explorer page: ${html.length} bytes`,
        `iterate 3000 steps GD+SpecGD+Muon: median ${median(iterate).toFixed(2)} ms (of ${iterate.map((x) => x.toFixed(1)).join(', ')})`,
        `slider move (iterate + redraw): median ${median(moves).toFixed(1)} ms (redraw alone ${median(timings.drawMs.slice(-5)).toFixed(1)} ms)`,
        `100 × 100 GD grid (${config.steps} steps per cell): ${grid.ms.toFixed(0)} ms`,
        `requests: ${requests.length} (${[...new Set(requests.map((u) => u.split(':')[0]))].join(', ')})`,
        ...report,
      ].join('\n'),
    );
    await page.close();
  }, 300_000);
});
