/**
 * `specgd theory [--preset NAME | --config FILE] [--flow] [--sign-flow] [--epsilon E] [--out FILE] [--csv FILE]`:
 * the reduced population dynamics (dynamics/theory.ts) as `{ "trajectories": [Trajectory, ...] }` — one per
 * algorithm of the config, plus the gradient flow / smoothed sign flow on request. JSON to stdout unless --out.
 * A diverged run is a result (status "diverged", message naming the stable bound), exit 0. Bad input: one-line
 * ConfigError, exit 2, nothing written. Files are written only after everything succeeded.
 */
import type { Command } from 'commander';
import { resolveConfigOption } from '../../config/config.js';
import { checkBudget, theoryFlowRequests, theoryTerms } from '../../config/budget.js';
import { DEFAULTS, defaultEta } from '../../config/defaults.js';
import { toJson } from '../../core/output.js';
import { assertFiniteDeep, type Trajectory } from '../../core/trajectory.js';
import { runTheory } from '../../dynamics/theory.js';
import type { FlowKind } from '../../dynamics/flows.js';
import { trajectoriesCsv, writeOutputs } from '../output.js';
import { metaPath } from '../../core/csv.js';
import { trajectoriesCsvMeta } from '../../report/tidy.js';
import { checkOutFiles, configOptions, parsePositiveNumber } from '../args.js';

export interface TheoryCliOptions {
  preset?: string;
  config?: string;
  flow?: boolean;
  signFlow?: boolean;
  epsilon?: string;
  out?: string;
  csv?: string;
}

/**
 * Compute the theory output (JSON text, and the CSV text when --csv asks for it: the long-format table holds one row
 * of every parameter column per recorded number, far larger than the JSON, so it is not built for nothing) for CLI
 * options; throws ConfigError on bad input.
 */
export function theoryOutputs(opts: TheoryCliOptions): { json: string; csv: string; trajectories: Trajectory[] } {
  checkOutFiles({ '--out': opts.out, '--csv': opts.csv });
  const epsilon = opts.epsilon !== undefined ? parsePositiveNumber('--epsilon', opts.epsilon) : undefined;
  const config = resolveConfigOption({ preset: opts.preset, config: opts.config });
  const flows: FlowKind[] = [];
  if (opts.flow) flows.push('gradient-flow');
  if (opts.signFlow) flows.push('sign-flow');
  checkBudget(theoryTerms(config, theoryFlowRequests(config, flows, epsilon), { csv: opts.csv }));
  const trajectories = runTheory(config, { flows, signFlowEpsilon: epsilon, command: 'theory', corrected: true });
  const out = { trajectories };
  assertFiniteDeep(out, 'theory');
  return { json: toJson(out), csv: opts.csv !== undefined ? trajectoriesCsv(trajectories) : '', trajectories };
}

export function register(program: Command): void {
  configOptions(program.command('theory'))
    .description('iterate the reduced GD / SpecGD maps (and flows) of a config: trajectories, events, statuses')
    .option('--flow', `add the gradient flow (odex; time t = η̃k with η̃ of the first GD algorithm, else the default ${defaultEta('gd')})`)
    .option('--sign-flow', `add the smoothed sign flow (t = ηk with η of the first SpecGD algorithm, else the default ${defaultEta('specgd')}) and its distance to the SpecGD map`)
    .option('--epsilon <e>', `ε of the smoothed sign flow (default ${DEFAULTS.signFlowEpsilon})`)
    .option('--out <file>', 'write the JSON to FILE instead of stdout')
    .option('--csv <file>', 'also write the series as long-format CSV')
    .action(async (opts: TheoryCliOptions) => {
      const { json, csv, trajectories } = theoryOutputs(opts);
      const meta = opts.csv !== undefined ? trajectoriesCsvMeta(trajectories, csv, 'specgd theory: reduced maps and flows') : '';
      await writeOutputs(
        [
          { path: opts.out, content: json },
          { path: opts.csv, content: csv },
          { path: opts.csv !== undefined ? metaPath(opts.csv) : undefined, content: meta },
        ],
        opts.out === undefined ? json : undefined,
      );
    });
}
