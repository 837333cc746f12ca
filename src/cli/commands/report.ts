/**
 * `specgd report --in RESULTS --out DIR`: rebuild the whole report (figures, HTML, Markdown, CSV/JSON, claims.json)
 * from a results bundle (the data/results.json that `specgd reproduce` writes), by code.
 */
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '../../core/errors.js';
import { RESULTS_FORMAT, type ResultsBundle } from '../../compare/bundle.js';
import { buildReport, writeReportFiles } from '../../report/write.js';
import { checkOutDir, DEFAULT_REPORT_DIR } from './reproduce.js';

export interface ReportCliOptions {
  in?: string;
  out?: string;
}

/** Read and validate a results bundle (format tag and the sections the report needs). */
export function loadResults(file: string): ResultsBundle {
  if (!existsSync(file)) throw new ConfigError('--in', file, 'a path to an existing results JSON (data/results.json written by `specgd reproduce`)');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError('--in', file, `a file holding valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const b = raw as Partial<ResultsBundle>;
  if (!b || typeof b !== 'object' || b.format !== RESULTS_FORMAT) {
    throw new ConfigError('--in', file, `a results bundle with "format": "${RESULTS_FORMAT}" (data/results.json of \`specgd reproduce\`)`);
  }
  for (const key of ['provenance', 'groups', 'escape', 'stability', 'phase', 'comparisons', 'claims'] as const) {
    if (!(key in b)) throw new ConfigError('--in', file, `a results bundle with a "${key}" section`);
  }
  return b as ResultsBundle;
}

export function register(program: Command): void {
  program
    .command('report')
    .description('rebuild the report (figures, HTML, Markdown, data, claims.json) from a results JSON')
    .option('--in <file>', 'results bundle (data/results.json of `specgd reproduce`)')
    .option('--out <dir>', `output folder (default ./${DEFAULT_REPORT_DIR})`)
    .action((opts: ReportCliOptions) => {
      if (opts.in === undefined) throw new ConfigError('--in', undefined, 'a results JSON file (data/results.json of `specgd reproduce`)');
      const bundle = loadResults(opts.in);
      const out = checkOutDir('--out', opts.out ?? DEFAULT_REPORT_DIR);
      const report = buildReport(bundle);
      for (const w of report.warnings) process.stderr.write(`specgd: warning: ${w}\n`);
      writeReportFiles(out, report);
      process.stdout.write(`report: ${out}/index.html (${report.files.size} files)\n`);
    });
}
