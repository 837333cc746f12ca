/**
 * `specgd derive [--preset NAME | --config FILE] [--format md|json|tex] [--out FILE]`: derive the reduced population
 * dynamics of the model symbolically (symbolic/derive.ts), run the checks, and print the derivation document
 * (stdout, or FILE written atomically only after everything succeeded). Bad input → one-line ConfigError, exit 2,
 * nothing written; a failed check is a bug → exit 1, nothing written.
 */
import type { Command } from 'commander';
import { basename } from 'node:path';
import { resolveConfigOption, type ExperimentConfig } from '../../config/config.js';
import { checkBudget, derivationTerms } from '../../config/budget.js';
import { CheckFailure } from '../../core/errors.js';
import { toJson } from '../../core/output.js';
import { provenance } from '../../core/provenance.js';
import { assertFiniteDeep, type Provenance } from '../../core/trajectory.js';
import { buildModelSpec, type ModelSpec } from '../../model/spec.js';
import { matrixBlockJson, renderMatrixBlockDerivation } from '../../report/matrix-block-doc.js';
import { deriveMatrixBlock } from '../../symbolic/matrix-block-derive.js';
import { derivationJson, renderDerivation, type DerivationFormat } from '../../report/derivation-doc.js';
import { derive } from '../../symbolic/derive.js';
import { checkOutFile, configOptions, parseFormat } from '../args.js';
import { writeOrPrint } from '../output.js';

export interface DeriveCliOptions {
  preset?: string;
  config?: string;
  format: string;
  out?: string;
}

/** Derive once and render in each requested format (throws ConfigError on bad input, CheckFailure on a failed check). */
export function deriveDocuments<F extends DerivationFormat>(opts: Omit<DeriveCliOptions, 'format'>, formats: readonly F[]): Record<F, string> {
  return renderDocuments(resolveConfigOption({ preset: opts.preset, config: opts.config }), opts, formats);
}

function renderDocuments<F extends DerivationFormat>(config: ExperimentConfig, opts: Omit<DeriveCliOptions, 'format'>, formats: readonly F[]): Record<F, string> {
  checkBudget(derivationTerms(config));
  const spec = buildModelSpec(config);
  // θ over several eigen-directions (issue 13): the matrix-block derivation and its document.
  if (spec.coordinates) return renderMatrixBlockDocuments(spec, opts.config !== undefined ? basename(opts.config) : opts.preset, formats);
  const der = derive(spec);
  const failed = der.checks.filter((c) => !c.passed);
  if (failed.length) {
    throw new CheckFailure(`derivation check failed: ${failed.map((c) => `${c.id} (error ${c.error} > tolerance ${c.tolerance})`).join('; ')}`);
  }
  const alpha = spec.init.kind === 'scaled-identity' ? spec.init.alpha : null;
  const name = opts.config !== undefined ? basename(opts.config) : (opts.preset ?? 'spiked');
  assertFiniteDeep(derivationJson(der, { alpha }), 'derivation');
  const out = {} as Record<F, string>;
  for (const f of formats) out[f] = renderDerivation(der, f, { alpha, name });
  return out;
}

function renderMatrixBlockDocuments<F extends DerivationFormat>(spec: ModelSpec, name: string | undefined, formats: readonly F[]): Record<F, string> {
  const der = deriveMatrixBlock(spec);
  const failed = der.checks.filter((c) => !c.passed);
  if (failed.length) throw new CheckFailure(`derivation check failed: ${failed.map((c) => `${c.id} (error ${c.error} > tolerance ${c.tolerance})`).join('; ')}`);
  assertFiniteDeep(matrixBlockJson(der), 'derivation');
  const out = {} as Record<F, string>;
  for (const f of formats) out[f] = renderMatrixBlockDerivation(der, f, { name });
  return out;
}

/**
 * Stamp a rendered derivation with provenance (config, seeds, version, git commit): a "provenance" key (json), a
 * final section (md), comment lines before \end{document} (tex). Only the CLI output carries it: the committed
 * derivations/ (deriveDocuments) stay independent of the commit they are committed in.
 */
export function withProvenance(text: string, format: DerivationFormat, prov: Provenance): string {
  if (format === 'json') return toJson({ ...(JSON.parse(text) as Record<string, unknown>), provenance: prov });
  if (format === 'md') return `${text.replace(/\n*$/, '')}\n\n## Provenance\n\n\`\`\`json\n${JSON.stringify(prov, null, 2)}\n\`\`\`\n`;
  const comment = JSON.stringify(prov, null, 2).split('\n').map((l) => `% ${l}`).join('\n');
  return text.replace(/\\end\{document\}\s*$/, `% provenance:\n${comment}\n\\end{document}\n`);
}

/** Produce the derivation document text for the CLI options (with provenance). */
export function deriveDocument(opts: DeriveCliOptions): string {
  checkOutFile('--out', opts.out);
  const format = parseFormat<DerivationFormat>('--format', opts.format, ['md', 'json', 'tex']);
  const config = resolveConfigOption({ preset: opts.preset, config: opts.config });
  const text = renderDocuments(config, opts, [format])[format];
  return withProvenance(text, format, provenance('derive', config, { seeds: [...config.seeds] }));
}

export function register(program: Command): void {
  configOptions(program.command('derive'))
    .description('derive the reduced GD / SpecGD dynamics symbolically, with checks, and print the derivation document')
    .option('--format <format>', 'md, json or tex', 'md')
    .option('--out <file>', 'write to FILE instead of stdout')
    .action(async (opts: DeriveCliOptions) => {
      const text = deriveDocument(opts);
      await writeOrPrint(opts.out, text);
    });
}
