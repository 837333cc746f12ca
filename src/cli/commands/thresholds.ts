/**
 * `specgd thresholds [--preset NAME | --config FILE] [--lambda-v LIST] [--steps N] [--resolution R] [--out FILE]`:
 * the stability report (dynamics/stability.ts) of the config — fixed points and Jacobian eigenvalues, the largest
 * stable η̃ linearized AND measured side by side, the early-stage anisotropy threshold, SpecGD's end cycle — for the
 * config's λ_v or for each λ_v of --lambda-v (spiked models). JSON to stdout unless --out.
 */
import type { Command } from 'commander';
import { resolveConfigOption, type ExperimentConfig } from '../../config/config.js';
import { checkBudget, thresholdsTerms } from '../../config/budget.js';
import { MAX_STEPS, VARIANCE_MAX, VARIANCE_MIN } from '../../config/schema.js';
import { DEFAULTS } from '../../config/defaults.js';
import { ConfigError } from '../../core/errors.js';
import { toJson } from '../../core/output.js';
import { provenance } from '../../core/provenance.js';
import { assertFiniteDeep } from '../../core/trajectory.js';
import { stabilityReport } from '../../dynamics/stability.js';
import { checkOutFile, configOptions, parseNumberList, parsePositiveInt, parsePositiveNumber } from '../args.js';
import { writeOrPrint } from '../output.js';

export interface ThresholdsCliOptions {
  preset?: string;
  config?: string;
  lambdaV?: string;
  steps?: string;
  resolution?: string;
  out?: string;
}

export function thresholdsOutput(opts: ThresholdsCliOptions): string {
  checkOutFile('--out', opts.out);
  const lambdas = opts.lambdaV !== undefined ? parseNumberList('--lambda-v', opts.lambdaV, { min: VARIANCE_MIN, max: VARIANCE_MAX, why: 'the supported variance range' }) : undefined;
  const steps = opts.steps !== undefined ? parsePositiveInt('--steps', opts.steps, MAX_STEPS, 'steps are int32 indices') : undefined;
  const resolution = opts.resolution !== undefined ? parsePositiveNumber('--resolution', opts.resolution) : undefined;
  // A bisection bracket [lo, hi] of doubles cannot be narrower than one ulp: relative width ≥ Number.EPSILON.
  if (resolution !== undefined && (resolution >= 1 || resolution < Number.EPSILON)) throw new ConfigError('--resolution', opts.resolution, `a relative resolution in [${Number.EPSILON}, 1) (float64 cannot resolve finer than its machine epsilon)`);
  const config = resolveConfigOption({ preset: opts.preset, config: opts.config });
  if (lambdas && config.model.covariance.kind !== 'spiked') throw new ConfigError('--lambda-v', opts.lambdaV, 'only with a spiked covariance (the config has kind "' + config.model.covariance.kind + '")');
  checkBudget(thresholdsTerms(config, lambdas?.length ?? 1, steps ?? Math.max(config.steps, DEFAULTS.stabilityMinSteps), resolution ?? DEFAULTS.stabilityResolution));
  const configs: ExperimentConfig[] = lambdas
    ? lambdas.map((lv) => ({ ...config, model: { ...config.model, covariance: { ...config.model.covariance, spikeVariance: lv } as ExperimentConfig['model']['covariance'] } }))
    : [config];
  const reports = configs.map((c) => ({
    lambdaV: c.model.covariance.kind === 'spiked' ? c.model.covariance.spikeVariance : null,
    report: stabilityReport(c, { steps, resolution }),
  }));
  const out = { reports, provenance: provenance('thresholds', config, { settings: { steps: steps ?? null, resolution: resolution ?? null, lambdaV: lambdas ?? null } }) };
  assertFiniteDeep(out, 'thresholds');
  return toJson(out);
}

export function register(program: Command): void {
  configOptions(program.command('thresholds'))
    .description('stability: fixed points, Jacobian eigenvalues, largest stable η̃ (linearized vs measured), anisotropy threshold, SpecGD cycle')
    .option('--lambda-v <list>', 'comma-separated spike variances to report (spiked models), e.g. 1,10,50')
    .option('--steps <n>', `steps per run of the measured scan (default max(config steps, ${DEFAULTS.stabilityMinSteps}))`)
    .option('--resolution <r>', `relative resolution of the bisection (default ${DEFAULTS.stabilityResolution})`)
    .option('--out <file>', 'write the JSON to FILE instead of stdout')
    .action(async (opts: ThresholdsCliOptions) => {
      const json = thresholdsOutput(opts);
      await writeOrPrint(opts.out, json);
    });
}
