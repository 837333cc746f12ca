/**
 * `explorerPage(config)`: the offline explorer — one self-contained HTML file (chart.js inlined, no network
 * request, no eval: its Content-Security-Policy allows only the page's own two scripts, by hash, and blob: workers)
 * in which the reduced dynamics of a spiked model run live under sliders for λ_θ, λ_v, σ², d, α, η, η̃ and the
 * number of steps (client.ts, run.ts). The reduced loss and block gradients are JavaScript source emitted by
 * symbolic/codegen.ts from the derivation's κ-symbolic forms with the model parameters as named inputs; the update
 * rules and statistics are the registries' own files, bundled by bundle.ts.
 *
 * The report writer links to it with one call, `writeExplorerPage(dir, config)`, which writes `explore.html` into
 * the report folder and returns the file name to link to.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/output.js';
import { ConfigError } from '../../core/errors.js';
import { provenance } from '../../core/provenance.js';
import type { ExperimentConfig } from '../../config/config.js';
import { ALGORITHMS } from '../../algorithms/index.js';
import type { Algorithm, AlgorithmConfig, ReducedSystem } from '../../algorithms/types.js';
import { STATISTICS } from '../../statistics/index.js';
import { buildModelSpec } from '../../model/spec.js';
import { derive } from '../../symbolic/derive.js';
import { parametricFactorySource } from '../../symbolic/codegen.js';
import { chartJsUmd } from '../math.js';
import { explorerBundle } from './bundle.js';
import type { ExplorerModel } from './run.js';

/** The file name the report links to. */
export const EXPLORER_FILE = 'explore.html';

/** The spiked family's variance symbols, their config fields and slider labels (model/covariance/spiked.ts). */
const VARIANCES = [
  { param: 'lambda_theta', field: 'signalVariance', label: 'λ_θ', title: 'variance along the signal θ' },
  { param: 'lambda_v', field: 'spikeVariance', label: 'λ_v', title: 'variance along the spike v ⊥ θ' },
  { param: 'sigma2', field: 'bulkVariance', label: 'σ²', title: 'bulk variance (rank d − 2)' },
] as const;

export interface ExplorerPage {
  html: string;
  /** Sizes in bytes: the whole page, the inlined chart.js, the bundled page script. */
  bytes: { page: number; chartJs: number; bundle: number };
  /** The generated `makeSystem` source (also shown in the page). */
  systemSource: string;
}

/**
 * The settings of an algorithm the page exposes: the numeric keys of its defaults (besides name and η) that change
 * its reduced map — probed by running three steps of `reduced` on a fixed test system with the setting changed
 * (integers +1, other numbers halved). A setting that does not act on the reduced map (SpecGD's `nsSteps`, used
 * only with `polar: "newton-schulz"`) is not shown.
 */
export function reducedSettings(alg: Algorithm): { key: string; integer: boolean }[] {
  const out: { key: string; integer: boolean }[] = [];
  const n = 3;
  const sys: ReducedSystem = {
    n,
    ranks: Float64Array.of(1, 1, 5),
    student: 'matrix',
    grad: (a, g) => {
      for (let k = 0; k < n; k++) g[k] = a[k] * (a[k] * a[k] - 0.3 - 0.1 * k);
    },
    loss: () => 0,
  };
  const trace = (c: AlgorithmConfig): number[] => {
    const st = alg.reduced(c, sys);
    const a = Float64Array.of(0.2, 0.5, 0.9);
    const g = new Float64Array(n);
    const next = new Float64Array(n);
    const dir = new Float64Array(n);
    const xs: number[] = [];
    for (let i = 0; i < 3; i++) {
      sys.grad(a, g);
      st.step(a, g, next, dir);
      a.set(next);
      xs.push(...a);
    }
    return xs;
  };
  const base = trace(alg.defaults);
  for (const [key, value] of Object.entries(alg.defaults)) {
    if (key === 'name' || key === 'eta' || typeof value !== 'number') continue;
    const integer = Number.isInteger(value);
    const changed = trace({ ...alg.defaults, [key]: integer ? value + 1 : value / 2 });
    if (changed.some((x, i) => x !== base[i])) out.push({ key, integer });
  }
  return out;
}

function scriptHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

/** Text to put inside <script>…</script> as is: it must not close the element or open an HTML comment. */
function assertInlineable(what: string, source: string): string {
  if (/<\/script|<!--/i.test(source)) throw new Error(`explore: the ${what} contains "</script" or "<!--" and cannot be inlined`);
  return source;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Build the explorer page for a config (spiked covariance, W₀ = αI); bad configs are a ConfigError. */
export function explorerPage(config: ExperimentConfig): ExplorerPage {
  if (config.model.covariance.kind !== 'spiked') {
    throw new ConfigError('model.covariance.kind', config.model.covariance.kind, '"spiked" for `specgd explore` (its sliders are λ_θ, λ_v, σ² and d)');
  }
  if (config.model.init.kind !== 'scaled-identity') {
    throw new ConfigError('model.init.kind', config.model.init.kind, '"scaled-identity" for `specgd explore` (the reduced dynamics start from W₀ = αI)');
  }
  const spec = buildModelSpec(config);
  const derivation = derive(spec, { checks: false, fixedPoints: false });
  const params = derivation.params.map((p) => p.name);
  for (const v of VARIANCES) if (!params.includes(v.param)) throw new Error(`explore: the derivation has no parameter ${v.param}`);
  const systemSource = parametricFactorySource(
    'makeSystem',
    [
      { name: 'loss', kind: 'scalar', polys: [derivation.general.loss] },
      { name: 'grad', kind: 'vector', polys: derivation.general.gradients },
    ],
    derivation.stateVars,
    params,
    { ranks: derivation.blocks.map((b) => b.rank) },
  );
  const student = derivation.model.student;
  const model: ExplorerModel = { symbols: [...derivation.stateVars], signal: spec.signalBlock, spike: spec.spikeBlock, student, params };
  const bundle = assertInlineable('page script', explorerBundle({ systemSource, model }));
  const chartJs = assertInlineable('chart.js bundle', chartJsUmd());

  const algorithms = ALGORITHMS.filter((a) => a.reducible({ student, basis: spec.basis }) === null);
  const cov = config.model.covariance as unknown as Record<string, number>;
  const firstOf = (timeStep: 'eta' | 'etaTilde'): number =>
    config.algorithms.find((c) => algorithms.find((a) => a.accepts(c))?.timeStep === timeStep)?.eta ?? algorithms.find((a) => a.timeStep === timeStep)?.defaults.eta ?? 0.01;
  const initial: Record<string, number> = {
    lambda_theta: cov.signalVariance,
    lambda_v: cov.spikeVariance,
    sigma2: cov.bulkVariance,
    d: config.model.d,
    alpha: config.model.init.alpha,
    eta: firstOf('eta'),
    etaTilde: firstOf('etaTilde'),
    steps: config.steps,
  };
  const range = (key: string, lo: number, hi: number) => [Math.min(lo, initial[key]), Math.max(hi, initial[key])] as const;
  const control = (key: string, label: string, title: string, lohi: readonly [number, number], scale: 'log' | 'linear', integer = false) => ({ key, label, title, min: lohi[0], max: lohi[1], scale, integer });
  const controls = [
    ...VARIANCES.map((v) => control(v.param, v.label, v.title, range(v.param, 0.1, 100), 'log')),
    control('d', 'd', 'dimension (bulk rank d − 2)', range('d', 3, 10_000), 'log', true),
    control('alpha', 'α', 'initial scale, W₀ = αI', range('alpha', 1e-6, 0.5), 'log'),
    control('eta', 'η', 'step size of SpecGD / Muon (time t = ηk)', range('eta', 1e-5, 0.1), 'log'),
    control('etaTilde', 'η̃', 'step size of GD / heavy-ball (time t = η̃k)', range('etaTilde', 1e-5, 1), 'log'),
    control('steps', 'steps', 'number of steps of every run', range('steps', 10, 20_000), 'log', true),
  ];
  const settings: Record<string, Record<string, number>> = {};
  const specs = algorithms.map((a) => {
    const s = reducedSettings(a);
    const own = config.algorithms.find((c) => a.accepts(c));
    settings[a.id] = Object.fromEntries(s.map(({ key }) => [key, (own?.[key] as number | undefined) ?? (a.defaults[key] as number)]));
    return { id: a.id, title: a.title, timeStep: a.timeStep, defaults: a.defaults, settings: s };
  });
  const statModel = { symbols: model.symbols, ranks: Float64Array.from(spec.blocks.map((b) => b.rank)), signal: model.signal, spike: model.spike, student, tieRelTol: 0, dataMode: 'population' as const };
  const charts = STATISTICS.filter((s) => s.reduced && s.inTheory && s.names(statModel).length > 0).map((s) => ({ id: s.id, title: s.title, axis: s.axis.label, scale: s.axis.scale, names: s.names(statModel) }));
  const gd = algorithms.find((a) => a.id === 'gd');
  if (!gd) throw new Error('explore: the phase grid needs the registry\'s "gd" algorithm');
  // The base of "copy config": the resolved config, less what only resolution produces (record "auto" is the
  // default, not a value a config file may hold).
  const { record, ...rest } = config;
  const baseConfig = record === 'auto' ? rest : config;
  const data = {
    controls,
    initial,
    enabled: algorithms.filter((a) => config.algorithms.some((c) => a.accepts(c))).map((a) => a.id),
    settings,
    algorithms: specs,
    kappa: config.model.lossScale,
    escapeLevel: config.events.escapeLevel,
    config: baseConfig,
    covarianceFields: Object.fromEntries(VARIANCES.map((v) => [v.param, v.field])),
    grid: { lambdaV: [Math.min(0.5, initial.lambda_v), Math.max(50, initial.lambda_v)], etaTilde: [Math.min(1e-3, initial.etaTilde), Math.max(0.3, initial.etaTilde)], size: 40, algorithmId: gd.id },
    charts,
    provenance: provenance('explore', config),
  };
  // JSON in a non-executed <script type="application/json">: "<" escaped so no "</script" can appear.
  const dataJson = JSON.stringify(data).replace(/</g, '\\u003c');
  const csp = [
    "default-src 'none'",
    `script-src ${scriptHash(chartJs)} ${scriptHash(bundle)}`,
    'worker-src blob:',
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const prov = data.provenance;
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>specgd explorer: GD vs SpecGD on the spiked model</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1rem 2rem; color: #111; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.5rem; }
#controls .control { display: grid; grid-template-columns: 4rem 18rem 8rem; align-items: center; gap: .5rem; }
#controls input[type=number], #algorithms input[type=number], #grid-controls input { width: 7rem; }
.bad { outline: 2px solid #b91c1c; }
#charts { display: flex; flex-wrap: wrap; gap: 1rem; }
figure.chart { margin: 0; } figcaption { font-weight: 600; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
textarea { width: 100%; max-width: 48rem; height: 12rem; font: 12px monospace; }
pre { background: #f6f6f6; padding: .5rem; overflow: auto; max-height: 20rem; font-size: 12px; }
.error { color: #b91c1c; }
</style>
</head>
<body>
<h1>specgd explorer: reduced dynamics of GD and spectral GD on the spiked model (${student} student)</h1>
<p>Σ = λ_θ θθᵀ + λ_v vvᵀ + σ²(I − θθᵀ − vvᵀ), W₀ = αI; the block coefficients a (signal), b (spike), c (bulk)
follow the exact reduced maps derived by specgd. Everything runs in this page, offline. Solid vertical lines mark
the escape (|a| ≥ ${config.events.escapeLevel}), dashed ones the peak misalignment.</p>
<h2>Parameters</h2>
<div id="controls"></div>
<h2>Algorithms</h2>
<div id="algorithms"></div>
<div id="status"></div>
<div id="charts"></div>
<h2>Phase grid: GD's escape step over (λ_v, η̃)</h2>
<div id="grid-controls"></div>
<p id="grid-note"></p>
<canvas id="grid-canvas" width="480" height="420"></canvas>
<h2>Config for the CLI</h2>
<p><button id="copy-config" type="button">copy config</button> <span id="copy-note"></span></p>
<textarea id="config-json" readonly aria-label="ExperimentConfig JSON"></textarea>
<details><summary>The generated reduced system (symbolic/codegen.ts, from the derivation)</summary><pre>${escapeHtml(systemSource)}</pre></details>
<p><small>specgd ${escapeHtml(prov.version)}${prov.gitCommit ? `, commit ${escapeHtml(prov.gitCommit)}${prov.gitDirty ? ' (uncommitted changes)' : ''}` : ''}; page made by <code>specgd explore</code>. The page's provenance and config are in its data block.</small></p>
<script type="application/json" id="specgd-data">${dataJson}</script>
<script>${chartJs}</script>
<script id="specgd-bundle">${bundle}</script>
</body>
</html>
`;
  return { html, bytes: { page: Buffer.byteLength(html), chartJs: Buffer.byteLength(chartJs), bundle: Buffer.byteLength(bundle) }, systemSource };
}

/**
 * Write the explorer page for `config` into folder `dir` (atomically) and return its file name (`explore.html`),
 * for the report to link to. Throws a ConfigError for configs the explorer does not support (see `explorerPage`).
 */
export function writeExplorerPage(dir: string, config: ExperimentConfig): string {
  writeFileAtomic(join(dir, EXPLORER_FILE), explorerPage(config).html);
  return EXPLORER_FILE;
}
