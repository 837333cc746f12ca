/**
 * `specgd compare [--preset NAME | --config FILE] [--theory FILE --simulation FILE] [--window-level X] [--out FILE]`:
 * theory vs simulation for every algorithm of a config (compare/compare.ts): per series the max and RMS deviation
 * over the window (default: the escaping stage, until the signal coefficient reaches 0.9), the tolerance rule and
 * the verdict. Without --theory/--simulation it runs both stages itself; with them it reads the JSON outputs of
 * `specgd theory` and `specgd simulate` (the config is taken from the simulation's provenance). A table goes to
 * stdout; `--out` writes { comparisons, provenance } as JSON.
 */
import type { Command } from 'commander';
import { parseConfig, readJsonFile, resolveConfigOption, type ExperimentConfig } from '../../config/config.js';
import { checkBudget, simulationTerms, theoryTerms } from '../../config/budget.js';
import { CheckFailure, ConfigError } from '../../core/errors.js';
import { toJson } from '../../core/output.js';
import { provenance } from '../../core/provenance.js';
import { assertFiniteDeep, type Provenance, type Trajectory } from '../../core/trajectory.js';
import { finiteSampleSeries } from '../../dynamics/response/corrected.js';
import { algorithmLabel } from '../../algorithms/index.js';
import { runTheory } from '../../dynamics/theory.js';
import { runSimulation } from '../../sim/simulate.js';
import { compareTrajectories, DEFAULT_WINDOW_LEVEL, signalSymbolOf, spreadText, type Comparison } from '../../compare/compare.js';
import { seriesKeys, seriesView } from '../../compare/series.js';
import { fmt } from '../../report/text.js';
import { checkOutFile, configOptions } from '../args.js';
import { writeOutputs } from '../output.js';

export interface CompareCliOptions {
  preset?: string;
  config?: string;
  theory?: string;
  simulation?: string;
  windowLevel?: string;
  out?: string;
  /** exit 1 when a verdict fails */
  strict?: boolean;
}

const isFiniteArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * The shape problem of one trajectory read from a file (null when it is a well-formed `kind` trajectory): every
 * field the comparison reads, with series as number arrays (theory) or { mean, se } arrays (simulation) of the
 * length of `step`.
 */
function trajectoryProblem(x: unknown, kind: Trajectory['kind']): string | null {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return 'is not an object';
  const t = x as Record<string, unknown>;
  const kindOk = t.kind === kind || (kind === 'theory' && t.kind === 'theory-corrected');
  if (!kindOk) return `has kind ${JSON.stringify(t.kind)} (expected "${kind}"${kind === 'theory' ? ' or "theory-corrected"' : ''})`;
  if (typeof t.algorithm !== 'string') return 'has no "algorithm" name';
  if (typeof t.status !== 'string') return 'has no "status"';
  if (!isFiniteArray(t.step) || !isFiniteArray(t.t) || t.t.length !== t.step.length) return 'has no finite "step" and "t" arrays of one length';
  if (t.series === null || typeof t.series !== 'object' || Array.isArray(t.series)) return 'has no "series" object';
  const n = t.step.length;
  for (const [name, v] of Object.entries(t.series as Record<string, unknown>)) {
    const ok =
      kind === 'theory'
        ? isFiniteArray(v) && v.length === n
        : v !== null && typeof v === 'object' && isFiniteArray((v as { mean?: unknown }).mean) && isFiniteArray((v as { se?: unknown }).se) && (v as { mean: number[] }).mean.length === n && (v as { se: number[] }).se.length === n;
    if (!ok) return `has series "${name.slice(0, 40)}" that is not ${kind === 'theory' ? 'an array' : 'a { mean, se } pair of arrays'} of ${n} finite numbers`;
  }
  if (!Array.isArray(t.events)) return 'has no "events" array';
  if (t.provenance === null || typeof t.provenance !== 'object') return 'has no "provenance" (the config it was run with)';
  return null;
}

function readTrajectories(option: string, file: string, kind: Trajectory['kind']): Trajectory[] {
  const what = `output of specgd ${kind === 'theory' ? 'theory' : 'simulate'}`;
  const raw = readJsonFile(option, file, `a path to an existing JSON file with { "trajectories": [...] } (${what})`);
  const t = raw !== null && typeof raw === 'object' ? (raw as { trajectories?: unknown }).trajectories : undefined;
  if (!Array.isArray(t) || t.length === 0) throw new ConfigError(option, file, `a JSON object with a non-empty "trajectories" array (${what})`);
  t.forEach((x, i) => {
    const problem = trajectoryProblem(x, kind);
    if (problem) throw new ConfigError(option, file, `a JSON object whose "trajectories" are ${kind} trajectories (${what}); trajectories[${i}] ${problem}`);
  });
  return t as Trajectory[];
}

/** The first field where two resolved configs differ in what the theory depends on (model, algorithms, steps, record, events). */
function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (a === b) return null;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) {
    return `${path || '(config)'}: ${JSON.stringify(a)?.slice(0, 60)} vs ${JSON.stringify(b)?.slice(0, 60)}`;
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
    if (d) return d;
  }
  return null;
}

/**
 * A --theory/--simulation pair must describe the same experiment: the same model, algorithms, steps, recording
 * grid and event levels (data mode and seeds may differ: the theory is the population limit of any sample).
 */
function checkSamePair(theoryConfig: ExperimentConfig, simConfig: ExperimentConfig, opts: CompareCliOptions): void {
  const pick = (c: ExperimentConfig) => ({ model: { ...c.model, labelNoise: undefined }, algorithms: c.algorithms, steps: c.steps, record: c.record, events: c.events });
  const diff = firstDifference(pick(theoryConfig), pick(simConfig), '');
  if (diff) throw new ConfigError('--theory/--simulation', `${opts.theory} and ${opts.simulation}`, `a theory and a simulation of the same model and algorithms (their provenance configs differ at ${diff})`);
}

/**
 * A corrected theory is the theory of one data law: full batch at that n, or online at that batch size B, with that
 * label noise. Compared
 * with a simulation of another mode or size it would judge the wrong prediction (its shift scales as 1/n or 1/B, its
 * per-seed SD as 1/√n or 1/√B), so the pair is refused rather than compared.
 */
function checkCorrectedData(corrected: Trajectory, theoryConfig: ExperimentConfig, simConfig: ExperimentConfig, opts: CompareCliOptions): void {
  // the label noise enters the corrected theory through the sources' moments (the population theory does not see it)
  const noise = (c: ExperimentConfig) => JSON.stringify(c.model.labelNoise ?? null);
  if (noise(theoryConfig) !== noise(simConfig)) {
    throw new ConfigError('--theory', opts.theory, `a corrected theory of the simulation's label noise (model.labelNoise ${noise(simConfig)}); this file's is ${noise(theoryConfig)}: re-run \`specgd theory\` on the simulation's config`);
  }
  const c = corrected.correction as { mode?: unknown; size?: unknown } | undefined;
  const data = simConfig.data;
  const simSize = data.mode === 'full-batch' ? data.n : data.mode === 'online' ? data.batch : null;
  if (c?.mode === data.mode && c?.size === simSize) return;
  const what = (mode: unknown, size: unknown) => (mode === 'full-batch' ? `full batch with n = ${size}` : mode === 'online' ? `online with B = ${size}` : `${String(mode)} data`);
  throw new ConfigError(
    '--theory',
    opts.theory,
    `a theory of the simulation's data (${what(data.mode, simSize)}); this file's ${corrected.algorithm} corrected theory is for ${what(c?.mode, c?.size)}: re-run \`specgd theory\` on the simulation's config`,
  );
}

/** A resolved config (as stored in provenance) back to the file form: `record: "auto"` is the default, not a value. */
function unresolve(config: unknown): unknown {
  if (!config || typeof config !== 'object') return config;
  const c = { ...(config as Record<string, unknown>) };
  if (c.record === 'auto') delete c.record;
  return c;
}

function parseLevel(v: string | undefined): number {
  if (v === undefined) return DEFAULT_WINDOW_LEVEL;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x <= 0 || x > 1) throw new ConfigError('--window-level', v, 'a number in (0, 1] (level of the signal coefficient that ends the escaping stage)');
  return x;
}

/** Run (or read) theory and simulation for the options and compare them per algorithm. */
export function compareOutputs(opts: CompareCliOptions): Comparison[] {
  return compareRun(opts).comparisons;
}

/** The `--out` JSON: { comparisons, provenance } (config, seeds, version, git commit, settings). */
export function compareJson(opts: CompareCliOptions): { comparisons: Comparison[]; provenance: Provenance } {
  const { comparisons, config, level } = compareRun(opts);
  const prov = provenance('compare', config, {
    seeds: [...config.seeds],
    settings: { windowLevel: level, theory: opts.theory ?? null, simulation: opts.simulation ?? null },
  });
  return { comparisons, provenance: prov };
}

function compareRun(opts: CompareCliOptions): { comparisons: Comparison[]; config: ExperimentConfig; level: number } {
  checkOutFile('--out', opts.out);
  const level = parseLevel(opts.windowLevel);
  let config: ExperimentConfig;
  let theoryConfig: ExperimentConfig;
  let theory: Trajectory[];
  let sim: Trajectory[];
  if (opts.theory !== undefined || opts.simulation !== undefined) {
    if (opts.theory === undefined || opts.simulation === undefined) throw new ConfigError('--theory/--simulation', opts.theory ?? opts.simulation, 'both --theory FILE and --simulation FILE');
    theory = readTrajectories('--theory', opts.theory, 'theory');
    sim = readTrajectories('--simulation', opts.simulation, 'simulation');
    config = parseConfig(unresolve(sim[0].provenance?.config), 'simulation provenance.config');
    theoryConfig = parseConfig(unresolve(theory[0].provenance?.config), 'theory provenance.config');
    checkSamePair(theoryConfig, config, opts);
  } else {
    config = resolveConfigOption({ preset: opts.preset, config: opts.config });
    theoryConfig = config;
    checkBudget([...theoryTerms(config), ...simulationTerms(config)]);
    theory = runTheory(config, { command: 'compare', corrected: true });
    sim = runSimulation(config, { command: 'compare' });
  }
  const signalSymbol = signalSymbolOf(config);
  const out: Comparison[] = [];
  // finite samples: the statistics of WᵀW (dynamics/response/corrected.ts `finiteSampleSeries`)
  const series = config.data.mode === 'population' ? undefined : finiteSampleSeries(config);
  for (const alg of config.algorithms) {
    const label = algorithmLabel(alg);
    const th = theory.find((t) => t.algorithm === label && t.kind === 'theory');
    const sm = sim.find((t) => t.algorithm === label);
    if (!th || !sm) throw new ConfigError('--theory/--simulation', label, `trajectories for every algorithm of the config (missing ${label} on the ${th ? 'simulation' : 'theory'} side)`);
    // a simulation file from a version that did not record a compared series (e.g. ratio_mag) cannot be compared on it
    for (const name of series ?? []) {
      if (seriesView(sm, name) === null) throw new ConfigError('--simulation', opts.simulation ?? label, `a simulation recording series "${name}" (this file's ${label} trajectory has ${seriesKeys(sm).join(', ')}; re-run \`specgd simulate\` with this version)`);
    }
    // finite-sample: first against the corrected theory (population + predicted finite-sample shift), then the
    // population-only comparison as the second table
    const corrected = theory.find((t) => t.kind === 'theory-corrected' && t.algorithm === label);
    if (corrected) checkCorrectedData(corrected, theoryConfig, config, opts);
    if (corrected) out.push(compareTrajectories(corrected, sm, { eta: alg.eta, config, signalSymbol, windowLevel: level, series, label: `${label}: simulation vs corrected theory` }));
    out.push(compareTrajectories(th, sm, { eta: alg.eta, config, signalSymbol, windowLevel: level, series, label: `${label}: simulation vs reduced map${config.data.mode === 'population' ? '' : ' (population)'}` }));
  }
  assertFiniteDeep(out, 'comparisons');
  return { comparisons: out, config, level };
}

/**
 * Plain-text table of comparisons. Per series: max|δ| and RMS δ over the window, then the WORST point — the
 * largest ratio |δ_k|/tol_k, the step k where it occurs, |δ| and the tolerance at that same step — and the verdict,
 * which is "pass" iff that ratio is ≤ 1 (a series without a tolerance rule shows "—" and n/a) and, against a corrected
 * theory with resampled critical values, its spread test passes (the seeds' SD over the predicted one at its worst
 * step, and the factor it must lie within).
 */
export function comparisonTable(comps: Comparison[]): string {
  const lines: string[] = [];
  for (const c of comps) {
    lines.push(`${c.label} — ${c.verdict}`, `  window: ${c.window.rule}`, `  time map: ${c.timeMap}`, `  tolerance: ${c.tolerance.rule}`);
    // the spread test's column, for comparisons that have one (a resampled rule)
    const spreadCol = c.series.some((s) => s.spread !== undefined);
    lines.push(
      `  ${'series'.padEnd(10)} ${'points'.padStart(7)} ${'max|δ|'.padStart(11)} ${'RMS δ'.padStart(11)} ${'worst |δ|/tol'.padStart(13)} ${'at step'.padStart(8)} ${'|δ| there'.padStart(11)} ${'tol there'.padStart(11)}  verdict${spreadCol ? '  spread (resampled rule)' : ''}`,
    );
    for (const s of c.series) {
      const ratio = s.worstRatio === null ? '—' : fmt(s.worstRatio);
      const tol = s.worstRatio === null ? '—' : fmt(s.tolerance);
      lines.push(
        `  ${s.series.padEnd(10)} ${String(s.points).padStart(7)} ${fmt(s.maxAbs).padStart(11)} ${fmt(s.rms).padStart(11)} ${ratio.padStart(13)} ${String(s.worstStep).padStart(8)} ${fmt(s.deviationAtWorst).padStart(11)} ${tol.padStart(11)}  ${spreadCol ? `${s.verdict.padEnd(7)}  ${spreadText(s, fmt)}` : s.verdict}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  configOptions(program.command('compare'))
    .description('theory vs simulation per algorithm: max/RMS deviation over the escaping stage, tolerance rule, verdict')
    .option('--theory <file>', 'read theory trajectories (output of specgd theory) instead of running them')
    .option('--simulation <file>', 'read simulation trajectories (output of specgd simulate) instead of running them')
    .option('--window-level <x>', `signal level that ends the escaping-stage window (default ${DEFAULT_WINDOW_LEVEL})`)
    .option('--out <file>', 'write { comparisons, provenance } as JSON')
    .option('--strict', 'exit with code 1 when a comparison fails (the outputs are still written)')
    .action(async (opts: CompareCliOptions) => {
      const result = compareJson(opts);
      await writeOutputs([{ path: opts.out, content: toJson(result) }], comparisonTable(result.comparisons));
      const failed = result.comparisons.filter((c) => c.verdict === 'fail');
      if (opts.strict === true && failed.length) throw new CheckFailure(`compare --strict: ${failed.length} of ${result.comparisons.length} comparison(s) failed (${failed.map((c) => c.label).join('; ')})`);
    });
}
