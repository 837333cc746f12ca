/**
 * `specgd report --in RESULTS --out DIR`: rebuild the whole report (figures, HTML, Markdown, CSV/JSON, claims.json)
 * from a results bundle (the data/results.json that `specgd reproduce` writes), by code.
 */
import type { Command } from 'commander';
import { readJsonFile } from '../../config/config.js';
import { ConfigError } from '../../core/errors.js';
import { RESULTS_FORMAT, type ResultsBundle, type RunGroup } from '../../compare/bundle.js';
import { buildReport, type ReportFiles } from '../../report/write.js';
import { checkOutDir } from '../args.js';
import { writeReportFolder } from '../output.js';
import { DEFAULT_REPORT_DIR } from './reproduce.js';

export interface ReportCliOptions {
  in?: string;
  out?: string;
  force?: boolean;
}

/** Read and validate a results bundle (format tag and the sections the report needs). */
export function loadResults(file: string): ResultsBundle {
  const raw = readJsonFile('--in', file, 'a path to an existing results JSON (data/results.json written by `specgd reproduce`)');
  const b = raw as Partial<ResultsBundle>;
  if (!b || typeof b !== 'object' || b.format !== RESULTS_FORMAT) {
    throw new ConfigError('--in', file, `a results bundle with "format": "${RESULTS_FORMAT}" (data/results.json of \`specgd reproduce\`)`);
  }
  for (const key of ['provenance', 'groups', 'comparisons', 'claims'] as const) {
    if (!(key in b)) throw new ConfigError('--in', file, `a results bundle with a "${key}" section`);
  }
  // Shapes of the sections (a hand-edited bundle must be bad input, not a crash while drawing).
  const isObject = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);
  const bad = (section: string, what: string): never => {
    throw new ConfigError('--in', file, `a results bundle whose "${section}" is ${what} (data/results.json of \`specgd reproduce\`)`);
  };
  for (const key of ['provenance', 'groups'] as const) if (!isObject(b[key])) bad(key, 'an object');
  // The figures' own sections: absent when the plan had no figure computing them (those figures are then skipped).
  for (const key of ['escape', 'stability', 'phase'] as const) if (key in b && !isObject(b[key])) bad(key, 'an object');
  for (const key of ['spiked', 'bulk', 'powerlaw', 'finiteSample'] as const) {
    const groups = (b.groups as unknown as Record<string, unknown>)[key];
    if (!Array.isArray(groups) || groups.some((g) => !isObject(g) || !Array.isArray((g as RunGroup).theory) || !Array.isArray((g as RunGroup).simulation))) {
      bad(`groups.${key}`, 'a list of run groups with "theory" and "simulation" lists');
    }
  }
  if (!Array.isArray(b.comparisons) || b.comparisons.some((c) => !isObject(c))) bad('comparisons', 'a list of comparisons');
  const claimOk = (c: unknown): boolean => {
    const x = c as Record<string, unknown>;
    return isObject(c) && typeof x.id === 'string' && typeof x.statement === 'string' && typeof x.measured === 'number' && typeof x.tolerance === 'number' && (x.verdict === 'pass' || x.verdict === 'fail' || x.verdict === 'inconclusive');
  };
  if (!Array.isArray(b.claims) || !b.claims.every(claimOk)) bad('claims', 'a list of { id, statement, measured, tolerance, verdict (pass, fail or inconclusive) }');
  return b as ResultsBundle;
}

/** Build the report from a loaded bundle; a bundle that passed the shape checks but cannot be drawn is bad input. */
export function buildReportFromInput(file: string, bundle: ResultsBundle): ReportFiles {
  try {
    return buildReport(bundle);
  } catch (e) {
    if (e instanceof TypeError) throw new ConfigError('--in', file, `a results bundle as written by \`specgd reproduce\` (drawing the report from it failed: ${e.message})`);
    throw e;
  }
}

export function register(program: Command): void {
  program
    .command('report')
    .description('rebuild the report (figures, HTML, Markdown, data, claims.json) from a results JSON')
    .option('--in <file>', 'results bundle (data/results.json of `specgd reproduce`)')
    .option('--out <dir>', `output folder (default ./${DEFAULT_REPORT_DIR})`)
    .option('--force', 'replace an existing output folder wholly (without it, a folder holding files is refused)')
    .action(async (opts: ReportCliOptions) => {
      if (opts.in === undefined) throw new ConfigError('--in', undefined, 'a results JSON file (data/results.json of `specgd reproduce`)');
      const out = checkOutDir('--out', opts.out ?? DEFAULT_REPORT_DIR, opts.force === true);
      const bundle = loadResults(opts.in);
      const report = buildReportFromInput(opts.in, bundle);
      for (const w of report.warnings) process.stderr.write(`specgd: warning: ${w}\n`);
      await writeReportFolder(out, report.files);
      process.stdout.write(`report: ${out}/index.html (${report.files.size} files)\n`);
    });
}
