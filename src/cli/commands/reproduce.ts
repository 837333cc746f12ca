/**
 * `specgd reproduce [--out DIR] [--quick]`: derive → theory → simulate → compare → report for the whole figure
 * set (the reproduce plan of pipeline/reproduce.ts, then report/write.ts). Writes DIR/index.html, report.md, figures/*.png, data/ (CSV + JSON,
 * data/results.json = the whole results bundle) and claims.json. Progress on stderr; files are written only after
 * everything succeeded. Same version + plan → byte-identical files (no timestamps).
 */
import type { Command } from 'commander';
import { reproducePlan, runReproduce } from '../../pipeline/reproduce.js';
import { reproduceSummary } from '../../report/summary.js';
import { buildReport } from '../../report/write.js';
import { checkOutDir } from '../args.js';
import { stderrProgress } from '../progress.js';
import { writeReportFolder } from '../output.js';

export const DEFAULT_REPORT_DIR = 'specgd-report';

export interface ReproduceCliOptions {
  out?: string;
  quick?: boolean;
  force?: boolean;
}

export function register(program: Command): void {
  program
    .command('reproduce')
    .description('derive, integrate, simulate, compare and report the whole analysis (figures, claims, HTML + Markdown)')
    .option('--out <dir>', `output folder (default ./${DEFAULT_REPORT_DIR})`)
    .option('--quick', 'smaller sizes, same figures and claims (under a minute)')
    .option('--force', 'replace an existing output folder wholly (without it, a folder holding files is refused)')
    .action(async (opts: ReproduceCliOptions) => {
      const out = checkOutDir('--out', opts.out ?? DEFAULT_REPORT_DIR, opts.force === true);
      const progress = stderrProgress('reproduce');
      const bundle = await runReproduce(reproducePlan(opts.quick === true), { onProgress: progress });
      const report = buildReport(bundle, (i, n, id) => progress(`figure ${id}`, i, n));
      for (const w of report.warnings) process.stderr.write(`specgd: warning: ${w}\n`);
      await writeReportFolder(out, report.files);
      process.stdout.write(reproduceSummary(bundle, out, report.files.size));
    });
}
