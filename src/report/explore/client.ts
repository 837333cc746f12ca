/// <reference lib="dom" />
/**
 * The explorer page's user interface (bundled by bundle.ts, run by the page; in the page's Web Worker only the
 * phase-grid handler runs). Controls for λ_θ, λ_v, σ², d, α, η, η̃ and the number of steps, one checkbox per
 * registered algorithm that reduces to the block manifold (with its settings), charts of the theory-layout series
 * (a, b, c; loss; b/a; alignment) with the escape and peak-misalignment events marked, a (λ_v × η̃) phase grid of GD
 * computed in a Web Worker, the state in the URL hash, and "copy config" (the `ExperimentConfig` for the CLI).
 * Everything numerical is run.ts; the test reads `window.specgdExplorer`.
 */
import type { AlgorithmConfig } from '../../algorithms/types.js';
import { gridRow, reducedSystem, runAlgorithm, type ExplorerRun, type ExplorerRuntime, type GridRequest } from './run.js';

/** A numeric control (page data, page.ts `ControlSpec`). */
interface ControlSpec {
  key: string;
  label: string;
  title: string;
  min: number;
  max: number;
  scale: 'log' | 'linear';
  integer: boolean;
}

interface AlgorithmSpec {
  id: string;
  title: string;
  timeStep: 'eta' | 'etaTilde';
  defaults: AlgorithmConfig;
  settings: { key: string; integer: boolean }[];
}

/** The page data block (page.ts `ExplorerData`). */
interface ExplorerData {
  controls: ControlSpec[];
  initial: Record<string, number>;
  enabled: string[];
  settings: Record<string, Record<string, number>>;
  algorithms: AlgorithmSpec[];
  kappa: number;
  escapeLevel: number;
  /** The resolved config the page was made from: the base of "copy config". */
  config: Record<string, unknown>;
  covarianceFields: Record<string, string>;
  grid: { lambdaV: [number, number]; etaTilde: [number, number]; size: number; algorithmId: string };
  charts: { id: string; title: string; axis: string; scale: 'linear' | 'log'; names: string[] }[];
  provenance: unknown;
}

interface State {
  values: Record<string, number>;
  enabled: Set<string>;
  settings: Record<string, Record<string, number>>;
  grid: { lvLo: number; lvHi: number; etLo: number; etHi: number; size: number };
}

interface GridResult {
  done: boolean;
  lambdaV: number[];
  etaTilde: number[];
  escape: number[][];
  diverged: number[][];
  ms: number;
}

interface ChartLike {
  data: { datasets: unknown[] };
  options: { plugins: Record<string, unknown> };
  update(mode?: string): void;
}
declare const Chart: new (canvas: HTMLCanvasElement, config: unknown) => ChartLike;

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const DASHES: number[][] = [[], [6, 3], [2, 2], [10, 3, 2, 3]];
const SLIDER_POSITIONS = 1000;

/** Entry point of the bundle: the page's UI in a document, the grid handler in a worker. */
export function start(rt: ExplorerRuntime): void {
  if (typeof document === 'undefined') {
    workerMain(rt);
    return;
  }
  const boot = () => new Explorer(rt).init();
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
}

function workerMain(rt: ExplorerRuntime): void {
  const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };
  scope.onmessage = (e: MessageEvent) => {
    const msg = e.data as { type: string; id: number; req: GridRequest };
    if (msg.type !== 'grid') return;
    const t0 = performance.now();
    for (let i = 0; i < msg.req.lambdaV.length; i++) {
      const r = gridRow(rt, msg.req, i);
      scope.postMessage({ type: 'row', id: msg.id, row: i, escape: Array.from(r.escape), diverged: Array.from(r.diverged) });
    }
    scope.postMessage({ type: 'done', id: msg.id, ms: performance.now() - t0 });
  };
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Points drawn per series at most 2 per bucket: about one bucket per pixel column of a chart. */
const ENVELOPE_BUCKETS = 500;

/**
 * The drawn points of a series recorded at steps 0..n−1: all of them when n ≤ 2·buckets, else, per bucket of
 * consecutive steps, its minimum and its maximum (in step order) — the envelope a pixel column shows, so oscillations
 * (SpecGD's end cycle) stay visible. Only drawing uses this; the series themselves are kept whole.
 */
function envelope(ys: Float64Array, buckets: number): { x: number; y: number }[] {
  const n = ys.length;
  if (n <= 2 * buckets) return Array.from(ys, (y, k) => ({ x: k, y }));
  const pts: { x: number; y: number }[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let iMin = lo;
    let iMax = lo;
    for (let k = lo + 1; k < hi; k++) {
      if (ys[k] < ys[iMin]) iMin = k;
      if (ys[k] > ys[iMax]) iMax = k;
    }
    const first = Math.min(iMin, iMax);
    const second = Math.max(iMin, iMax);
    pts.push({ x: first, y: ys[first] });
    if (second !== first) pts.push({ x: second, y: ys[second] });
  }
  if (pts[pts.length - 1].x !== n - 1) pts.push({ x: n - 1, y: ys[n - 1] });
  return pts;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(6).replace(/\.?0+(e|$)/, '$1');
}

class Explorer {
  private readonly data: ExplorerData;
  private readonly state: State;
  private readonly algs: AlgorithmSpec[];
  private runs: ExplorerRun[] = [];
  private charts: { spec: ExplorerData['charts'][number]; chart: ChartLike }[] = [];
  private scheduled = false;
  private runCount = 0;
  private readonly timings: { iterateMs: number[]; drawMs: number[] } = { iterateMs: [], drawMs: [] };
  private grid: GridResult | null = null;
  private worker: Worker | null = null;
  private gridId = 0;

  constructor(private readonly rt: ExplorerRuntime) {
    this.data = JSON.parse(document.getElementById('specgd-data')!.textContent!) as ExplorerData;
    this.algs = this.data.algorithms;
    this.state = {
      values: { ...this.data.initial },
      enabled: new Set(this.data.enabled),
      settings: JSON.parse(JSON.stringify(this.data.settings)) as State['settings'],
      grid: { lvLo: this.data.grid.lambdaV[0], lvHi: this.data.grid.lambdaV[1], etLo: this.data.grid.etaTilde[0], etHi: this.data.grid.etaTilde[1], size: this.data.grid.size },
    };
    this.readHash();
  }

  init(): void {
    this.buildControls();
    this.buildAlgorithms();
    this.buildCharts();
    this.buildGridControls();
    document.getElementById('copy-config')!.addEventListener('click', () => this.copyConfig());
    (window as unknown as { specgdExplorer: unknown }).specgdExplorer = this.api();
    this.recompute();
    this.startGrid();
  }

  /** What the browser test reads and drives. */
  private api() {
    return {
      ready: true,
      state: () => ({ values: { ...this.state.values }, enabled: [...this.state.enabled], settings: JSON.parse(JSON.stringify(this.state.settings)) as State['settings'] }),
      runCount: () => this.runCount,
      runs: () => this.runs.map((r) => ({ ...r, series: Object.fromEntries(Object.entries(r.series).map(([k, v]) => [k, Array.from(v)])) })),
      config: () => this.configJson(),
      grid: () => this.grid,
      timings: () => this.timings,
      /** Re-run with the current state and return the time to iterate (ms) — for measurements. */
      iterateOnce: () => {
        const t0 = performance.now();
        this.iterate();
        return performance.now() - t0;
      },
    };
  }

  // ----- state <-> URL hash -----

  private readHash(): void {
    const h = location.hash.replace(/^#/, '');
    if (!h) return;
    const q = new URLSearchParams(h);
    for (const c of this.data.controls) {
      const v = q.get(c.key);
      if (v !== null && this.valid(c, Number(v))) this.state.values[c.key] = Number(v);
    }
    const algs = q.get('algs');
    if (algs !== null) this.state.enabled = new Set(algs.split(',').filter((id) => this.algs.some((a) => a.id === id)));
    for (const a of this.algs) {
      for (const s of a.settings) {
        const v = q.get(`${a.id}.${s.key}`);
        if (v !== null && Number.isFinite(Number(v))) this.state.settings[a.id][s.key] = Number(v);
      }
    }
    for (const [k, key] of [['lvLo', 'grid.lvLo'], ['lvHi', 'grid.lvHi'], ['etLo', 'grid.etLo'], ['etHi', 'grid.etHi'], ['size', 'grid.size']] as const) {
      const v = Number(q.get(key));
      if (q.get(key) !== null && Number.isFinite(v) && v > 0) this.state.grid[k] = v;
    }
  }

  private writeHash(): void {
    const q = new URLSearchParams();
    for (const c of this.data.controls) q.set(c.key, String(this.state.values[c.key]));
    q.set('algs', [...this.state.enabled].join(','));
    for (const a of this.algs) for (const s of a.settings) q.set(`${a.id}.${s.key}`, String(this.state.settings[a.id][s.key]));
    const g = this.state.grid;
    q.set('grid.lvLo', String(g.lvLo));
    q.set('grid.lvHi', String(g.lvHi));
    q.set('grid.etLo', String(g.etLo));
    q.set('grid.etHi', String(g.etHi));
    q.set('grid.size', String(g.size));
    history.replaceState(null, '', `#${q.toString()}`);
  }

  // ----- controls -----

  private valid(c: ControlSpec, v: number): boolean {
    return Number.isFinite(v) && v >= c.min && v <= c.max && (!c.integer || Number.isInteger(v));
  }

  private toPosition(c: ControlSpec, v: number): number {
    const f = c.scale === 'log' ? Math.log(v / c.min) / Math.log(c.max / c.min) : (v - c.min) / (c.max - c.min);
    return Math.round(Math.min(1, Math.max(0, f)) * SLIDER_POSITIONS);
  }

  private fromPosition(c: ControlSpec, pos: number): number {
    const f = pos / SLIDER_POSITIONS;
    const v = c.scale === 'log' ? c.min * (c.max / c.min) ** f : c.min + (c.max - c.min) * f;
    return c.integer ? Math.round(v) : Number(v.toPrecision(4));
  }

  private buildControls(): void {
    const box = document.getElementById('controls')!;
    for (const c of this.data.controls) {
      const row = el('div', { class: 'control' });
      const label = el('label', { for: `num-${c.key}`, title: c.title }, c.label);
      const range = el('input', { type: 'range', id: `range-${c.key}`, min: '0', max: String(SLIDER_POSITIONS), step: '1', 'aria-label': `${c.label} slider` });
      const number = el('input', { type: 'number', id: `num-${c.key}`, min: String(c.min), max: String(c.max), step: c.integer ? '1' : 'any' });
      const v = this.state.values[c.key];
      range.value = String(this.toPosition(c, v));
      number.value = String(v);
      range.addEventListener('input', () => {
        const x = this.fromPosition(c, Number(range.value));
        this.state.values[c.key] = x;
        number.value = String(x);
        number.classList.remove('bad');
        this.schedule();
      });
      number.addEventListener('input', () => {
        const x = Number(number.value);
        if (number.value.trim() === '' || !this.valid(c, x)) {
          number.classList.add('bad');
          number.title = `${c.label}: ${c.integer ? 'an integer' : 'a number'} in [${c.min}, ${c.max}]`;
          return;
        }
        number.classList.remove('bad');
        number.title = '';
        this.state.values[c.key] = x;
        range.value = String(this.toPosition(c, x));
        this.schedule();
      });
      row.append(label, range, number);
      box.append(row);
    }
  }

  private buildAlgorithms(): void {
    const box = document.getElementById('algorithms')!;
    this.algs.forEach((a, i) => {
      const row = el('div', { class: 'algorithm' });
      const cb = el('input', { type: 'checkbox', id: `alg-${a.id}` });
      cb.checked = this.state.enabled.has(a.id);
      cb.addEventListener('change', () => {
        if (cb.checked) this.state.enabled.add(a.id);
        else this.state.enabled.delete(a.id);
        this.schedule();
      });
      const label = el('label', { for: `alg-${a.id}` }, `${a.title} (${a.timeStep === 'eta' ? 'η' : 'η̃'})`);
      label.style.color = PALETTE[i % PALETTE.length];
      row.append(cb, label);
      for (const s of a.settings) {
        const inp = el('input', { type: 'number', id: `set-${a.id}-${s.key}`, step: s.integer ? '1' : 'any', 'aria-label': `${a.title} ${s.key}` });
        inp.value = String(this.state.settings[a.id][s.key]);
        inp.addEventListener('input', () => {
          const x = Number(inp.value);
          if (inp.value.trim() === '' || !Number.isFinite(x) || (s.integer && !Number.isInteger(x))) {
            inp.classList.add('bad');
            return;
          }
          inp.classList.remove('bad');
          this.state.settings[a.id][s.key] = x;
          this.schedule();
        });
        row.append(el('span', { class: 'setting' }, ` ${s.key} `), inp);
      }
      box.append(row);
    });
  }

  private buildCharts(): void {
    const box = document.getElementById('charts')!;
    const markers = {
      id: 'specgdEvents',
      afterDatasetsDraw: (chart: { ctx: CanvasRenderingContext2D; chartArea: { top: number; bottom: number; left: number; right: number }; scales: { x: { getPixelForValue(v: number): number } } }) => {
        const { ctx, chartArea, scales } = chart;
        ctx.save();
        for (const run of this.runs) {
          ctx.strokeStyle = this.colour(run.algorithmId);
          for (const e of run.events) {
            const x = scales.x.getPixelForValue(e.step);
            if (x < chartArea.left || x > chartArea.right) continue;
            ctx.setLineDash(e.name === 'escape' ? [] : [4, 4]);
            ctx.lineWidth = 1;
            ctx.beginPath();
            ctx.moveTo(x, chartArea.top);
            ctx.lineTo(x, chartArea.bottom);
            ctx.stroke();
          }
        }
        ctx.restore();
      },
    };
    for (const spec of this.data.charts) {
      const fig = el('figure', { class: 'chart' });
      const canvas = el('canvas', { id: `chart-${spec.id}`, width: '560', height: '300' });
      fig.append(el('figcaption', {}, spec.title), canvas);
      box.append(fig);
      const chart = new Chart(canvas, {
        type: 'line',
        data: { datasets: [] },
        options: {
          animation: false,
          responsive: false,
          parsing: false,
          normalized: true,
          spanGaps: true,
          elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
          scales: { x: { type: 'linear', title: { display: true, text: 'step k' } }, y: { type: spec.scale === 'log' ? 'logarithmic' : 'linear', title: { display: true, text: spec.axis } } },
          plugins: { legend: { labels: { boxWidth: 12 } } },
        },
        plugins: [markers],
      });
      this.charts.push({ spec, chart });
    }
  }

  private colour(id: string): string {
    return PALETTE[Math.max(0, this.algs.findIndex((a) => a.id === id)) % PALETTE.length];
  }

  // ----- runs -----

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.recompute();
    });
  }

  /** The model parameters of `makeSystem` from the state. */
  private systemParams(): Record<string, number> {
    const v = this.state.values;
    return { lambda_theta: v.lambda_theta, lambda_v: v.lambda_v, sigma2: v.sigma2, d: v.d, kappa: this.data.kappa };
  }

  /** The resolved config of an enabled algorithm: its registry defaults, the page's step size and settings. */
  private algorithmConfig(a: AlgorithmSpec): AlgorithmConfig {
    const eta = a.timeStep === 'eta' ? this.state.values.eta : this.state.values.etaTilde;
    return { ...a.defaults, ...this.state.settings[a.id], eta };
  }

  private iterate(): void {
    const { sys, stat } = reducedSystem(this.rt, this.systemParams());
    // W₀ = αI: every block coefficient starts at α (model/spec.ts `initialBlockCoefficients`).
    const a0 = new Float64Array(sys.n).fill(this.state.values.alpha);
    const steps = this.state.values.steps;
    this.runs = this.algs.filter((a) => this.state.enabled.has(a.id)).map((a) => runAlgorithm(this.rt, sys, stat, this.algorithmConfig(a), a0, steps, this.data.escapeLevel));
  }

  private recompute(): void {
    const t0 = performance.now();
    let error: string | null = null;
    try {
      this.iterate();
    } catch (e) {
      error = (e as Error).message;
      this.runs = [];
    }
    const t1 = performance.now();
    this.draw();
    const t2 = performance.now();
    this.timings.iterateMs.push(t1 - t0);
    this.timings.drawMs.push(t2 - t1);
    this.showStatus(error);
    this.writeHash();
    (document.getElementById('config-json') as HTMLTextAreaElement).value = this.configJson();
    this.runCount++;
  }

  private draw(): void {
    for (const { spec, chart } of this.charts) {
      const datasets: unknown[] = [];
      for (const run of this.runs) {
        spec.names.forEach((name, j) => {
          const ys = run.series[name];
          if (!ys) return;
          const pts = envelope(ys, ENVELOPE_BUCKETS);
          datasets.push({ label: spec.names.length > 1 ? `${run.label}: ${name}` : run.label, data: pts, borderColor: this.colour(run.algorithmId), backgroundColor: this.colour(run.algorithmId), borderDash: DASHES[j % DASHES.length] });
        });
      }
      chart.data.datasets = datasets;
      chart.update('none');
    }
  }

  private showStatus(error: string | null): void {
    const box = document.getElementById('status')!;
    box.replaceChildren();
    if (error) {
      box.append(el('p', { class: 'error' }, error));
      return;
    }
    const table = el('table');
    const head = el('tr');
    for (const h of ['algorithm', 'status', 'escape (|a_s| ≥ ' + this.data.escapeLevel + ')', 'peak misalignment (step: value)', 'final loss']) head.append(el('th', {}, h));
    table.append(head);
    for (const r of this.runs) {
      const tr = el('tr');
      const esc = r.events.find((e) => e.name === 'escape');
      const peak = r.events.find((e) => e.name === 'peak-misalignment');
      const loss = r.series.loss;
      tr.append(
        el('td', { style: `color:${this.colour(r.algorithmId)}` }, r.label),
        el('td', {}, r.status === 'ok' ? `ok (${r.lastStep} steps)` : `diverged at step ${r.divergedAt}`),
        el('td', {}, esc ? String(esc.step) : '—'),
        el('td', {}, peak ? `${peak.step}: ${fmt(peak.value)}` : '—'),
        el('td', {}, loss ? fmt(loss[loss.length - 1]) : '—'),
      );
      table.append(tr);
    }
    box.append(table);
  }

  // ----- copy config -----

  /** The `ExperimentConfig` of the page's state: the page's config with the model, algorithms and steps replaced. */
  private configJson(): string {
    const v = this.state.values;
    const base = JSON.parse(JSON.stringify(this.data.config)) as { model: Record<string, unknown>; [k: string]: unknown };
    const cov = { ...(base.model.covariance as Record<string, unknown>) };
    for (const [param, field] of Object.entries(this.data.covarianceFields)) cov[field] = v[param];
    const student = base.model.student as { kind: string };
    base.model = { ...base.model, d: v.d, covariance: cov, student: student.kind === 'matrix' ? { kind: 'matrix' } : student, init: { kind: 'scaled-identity', alpha: v.alpha } };
    base.algorithms = this.algs.filter((a) => this.state.enabled.has(a.id)).map((a) => this.algorithmConfig(a));
    base.steps = v.steps;
    return JSON.stringify(base, null, 2);
  }

  private copyConfig(): void {
    const area = document.getElementById('config-json') as HTMLTextAreaElement;
    area.value = this.configJson();
    const note = document.getElementById('copy-note')!;
    area.select();
    const clip = navigator.clipboard;
    if (clip) {
      clip.writeText(area.value).then(
        () => (note.textContent = 'copied to the clipboard: save it as config.json and run `npx specgd theory --config config.json`'),
        () => (note.textContent = 'selected: press Ctrl+C to copy'),
      );
    } else note.textContent = 'selected: press Ctrl+C to copy';
  }

  // ----- phase grid -----

  private buildGridControls(): void {
    const box = document.getElementById('grid-controls')!;
    const g = this.state.grid;
    const field = (key: keyof State['grid'], label: string) => {
      const inp = el('input', { type: 'number', id: `grid-${key}`, step: 'any', min: '0' });
      inp.value = String(g[key]);
      inp.addEventListener('change', () => {
        const x = Number(inp.value);
        if (!Number.isFinite(x) || x <= 0 || (key === 'size' && !Number.isInteger(x))) {
          inp.classList.add('bad');
          return;
        }
        inp.classList.remove('bad');
        g[key] = x;
        this.writeHash();
      });
      box.append(el('span', {}, ` ${label} `), inp);
    };
    field('lvLo', 'λ_v from');
    field('lvHi', 'to');
    field('etLo', 'η̃ from');
    field('etHi', 'to');
    field('size', 'points per axis');
    const btn = el('button', { id: 'grid-run', type: 'button' }, 'compute grid');
    btn.addEventListener('click', () => this.startGrid());
    box.append(' ', btn);
  }

  private geom(lo: number, hi: number, n: number): number[] {
    return n === 1 ? [lo] : Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (i / (n - 1)));
  }

  private startGrid(): void {
    const g = this.state.grid;
    const source = document.getElementById('specgd-bundle')!.textContent!;
    if (this.worker) this.worker.terminate();
    this.worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    const id = ++this.gridId;
    const { lambda_v: _varied, ...params } = this.systemParams();
    const req: GridRequest = {
      params,
      lambdaV: this.geom(g.lvLo, g.lvHi, g.size),
      etaTilde: this.geom(g.etLo, g.etHi, g.size),
      alpha: this.state.values.alpha,
      steps: this.state.values.steps,
      escapeLevel: this.data.escapeLevel,
      algorithmId: this.data.grid.algorithmId,
    };
    const result: GridResult = { done: false, lambdaV: req.lambdaV, etaTilde: req.etaTilde, escape: [], diverged: [], ms: 0 };
    this.grid = result;
    const note = document.getElementById('grid-note')!;
    note.textContent = `computing ${g.size} × ${g.size} runs of ${req.steps} steps in a Web Worker…`;
    const t0 = performance.now();
    this.worker.onmessage = (e: MessageEvent) => {
      const m = e.data as { type: string; id: number; row: number; escape: number[]; diverged: number[]; ms: number };
      if (m.id !== id) return;
      if (m.type === 'row') {
        result.escape[m.row] = m.escape;
        result.diverged[m.row] = m.diverged;
        this.drawGrid(result, req);
      } else if (m.type === 'done') {
        result.ms = performance.now() - t0;
        result.done = true;
        note.textContent = `${g.size} × ${g.size} GD runs (${req.steps} steps each) in ${Math.round(result.ms)} ms. Colour: escape step (dark = early); red: diverged; grey: no escape within ${req.steps} steps. The cross marks the current (λ_v, η̃).`;
      }
    };
    this.worker.onerror = (e) => (note.textContent = `grid failed: ${e.message}`);
    this.worker.postMessage({ type: 'grid', id, req });
  }

  private drawGrid(r: GridResult, req: GridRequest): void {
    const canvas = document.getElementById('grid-canvas') as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const pad = 48;
    const w = canvas.width - pad - 8;
    const h = canvas.height - pad - 8;
    const nx = req.lambdaV.length;
    const ny = req.etaTilde.length;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const cw = w / nx;
    const ch = h / ny;
    const logMax = Math.log(req.steps + 1);
    for (let i = 0; i < nx; i++) {
      const esc = r.escape[i];
      if (!esc) continue;
      for (let j = 0; j < ny; j++) {
        let colour: string;
        if (r.diverged[i][j] >= 0) colour = '#b91c1c';
        else if (esc[j] < 0) colour = '#d4d4d4';
        else colour = `hsl(220, 70%, ${Math.round(15 + 70 * (Math.log(esc[j] + 1) / logMax))}%)`;
        ctx.fillStyle = colour;
        ctx.fillRect(pad + i * cw, 8 + (ny - 1 - j) * ch, Math.ceil(cw), Math.ceil(ch));
      }
    }
    ctx.fillStyle = '#000';
    ctx.font = '11px sans-serif';
    ctx.fillText(`λ_v: ${fmt(req.lambdaV[0])} … ${fmt(req.lambdaV[nx - 1])} (log)`, pad, canvas.height - 20);
    ctx.save();
    ctx.translate(14, 8 + h);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(`η̃: ${fmt(req.etaTilde[0])} … ${fmt(req.etaTilde[ny - 1])} (log)`, 0, 0);
    ctx.restore();
    const lv = this.state.values.lambda_v;
    const et = this.state.values.etaTilde;
    const fx = Math.log(lv / req.lambdaV[0]) / Math.log(req.lambdaV[nx - 1] / req.lambdaV[0]);
    const fy = Math.log(et / req.etaTilde[0]) / Math.log(req.etaTilde[ny - 1] / req.etaTilde[0]);
    if (fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1) {
      const x = pad + fx * w;
      const y = 8 + (1 - fy) * h;
      ctx.strokeStyle = '#f59e0b';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(x - 6, y);
      ctx.lineTo(x + 6, y);
      ctx.moveTo(x, y - 6);
      ctx.lineTo(x, y + 6);
      ctx.stroke();
    }
  }
}
