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
import { ConfigError } from '../../core/errors.js';
import { toJson } from '../../core/output.js';
import { provenance } from '../../core/provenance.js';
import { assertFiniteDeep, type Provenance, type Trajectory } from '../../core/trajectory.js';
import { buildModelSpec } from '../../model/spec.js';
import { updateRule } from '../../model/algorithms.js';
import { runTheory } from '../../dynamics/theory.js';
import { runSimulation } from '../../sim/simulate.js';
import { compareTrajectories, DEFAULT_WINDOW_LEVEL, type Comparison } from '../../compare/compare.js';
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
}

function readTrajectories(option: string, file: string): Trajectory[] {
  const raw = readJsonFile(option, file, 'a path to an existing JSON file with { "trajectories": [...] }');
  const t = raw !== null && typeof raw === 'object' ? (raw as { trajectories?: unknown }).trajectories : undefined;
  if (!Array.isArray(t) || t.length === 0 || t.some((x) => x === null || typeof x !== 'object')) throw new ConfigError(option, file, 'a JSON object with a non-empty "trajectories" array (output of specgd theory / simulate)');
  return t as Trajectory[];
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
  let theory: Trajectory[];
  let sim: Trajectory[];
  if (opts.theory !== undefined || opts.simulation !== undefined) {
    if (opts.theory === undefined || opts.simulation === undefined) throw new ConfigError('--theory/--simulation', opts.theory ?? opts.simulation, 'both --theory FILE and --simulation FILE');
    theory = readTrajectories('--theory', opts.theory);
    sim = readTrajectories('--simulation', opts.simulation);
    config = parseConfig(unresolve(sim[0].provenance?.config), 'simulation provenance.config');
  } else {
    config = resolveConfigOption({ preset: opts.preset, config: opts.config });
    checkBudget([...theoryTerms(config), ...simulationTerms(config)]);
    theory = runTheory(config, { command: 'compare' });
    sim = runSimulation(config, { command: 'compare' });
  }
  const spec = buildModelSpec(config);
  const signalSymbol = spec.blocks[spec.signalBlock].symbol;
  const out: Comparison[] = [];
  for (const alg of config.algorithms) {
    const label = updateRule(alg).label;
    const th = theory.find((t) => t.algorithm === label);
    const sm = sim.find((t) => t.algorithm === label);
    if (!th || !sm) throw new ConfigError('--theory/--simulation', label, `trajectories for every algorithm of the config (missing ${label} on the ${th ? 'simulation' : 'theory'} side)`);
    const series = config.data.mode === 'population' ? undefined : [...spec.blocks.map((b) => `${b.symbol}_mag`), 'loss'];
    out.push(compareTrajectories(th, sm, { eta: alg.eta, config, signalSymbol, windowLevel: level, series, label: `${label}: simulation vs reduced map` }));
  }
  assertFiniteDeep(out, 'comparisons');
  return { comparisons: out, config, level };
}

/** Plain-text table of comparisons. */
export function comparisonTable(comps: Comparison[]): string {
  const lines: string[] = [];
  for (const c of comps) {
    lines.push(`${c.label} — ${c.verdict}`, `  window: ${c.window.rule}`, `  time map: ${c.timeMap}`, `  tolerance: ${c.tolerance.rule}`);
    lines.push(`  ${'series'.padEnd(10)} ${'points'.padStart(7)} ${'max|δ|'.padStart(12)} ${'RMS δ'.padStart(12)} ${'tolerance'.padStart(12)}  verdict`);
    for (const s of c.series) lines.push(`  ${s.series.padEnd(10)} ${String(s.points).padStart(7)} ${fmt(s.maxAbs).padStart(12)} ${fmt(s.rms).padStart(12)} ${fmt(s.tolerance).padStart(12)}  ${s.verdict}`);
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
    .action(async (opts: CompareCliOptions) => {
      const result = compareJson(opts);
      await writeOutputs([{ path: opts.out, content: toJson(result) }], comparisonTable(result.comparisons));
    });
}
