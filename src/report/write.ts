/**
 * Build the whole report from a results bundle and write it to a folder:
 *   index.html, report.md, figures/<id>.png, data/<id>.csv + data/<id>.json (the plotted points of every figure),
 *   data/results.json (the bundle itself: every figure can be rebuilt from it), claims.json.
 * Everything is produced in memory first and written only when all of it succeeded (a failure leaves no partial
 * report). No timestamps: the same bundle gives byte-identical files.
 */
import { join } from 'node:path';
import { assertFiniteDeep } from '../core/trajectory.js';
import { toJson, writeFileAtomic } from '../core/output.js';
import type { ResultsBundle } from '../compare/bundle.js';
import { buildFigures, figureCsv } from './figures.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { createMathRenderer } from './math.js';
import { renderFigurePng } from './render-png.js';

export interface ReportFiles {
  /** Relative path → content. */
  files: Map<string, string | Uint8Array>;
  /** KaTeX rendering problems (a bug in the LaTeX producer). */
  warnings: string[];
}

/** claims.json: the list of { id, statement, measured, tolerance, verdict } (+ the details of each claim). */
export function claimsJson(bundle: ResultsBundle): string {
  return toJson(bundle.claims);
}

/** Produce every report file in memory. `onFigure` is called after each PNG (progress). */
export function buildReport(bundle: ResultsBundle, onFigure?: (done: number, total: number, id: string) => void): ReportFiles {
  assertFiniteDeep(bundle.claims, 'claims');
  assertFiniteDeep(bundle.comparisons, 'comparisons');
  const figures = buildFigures(bundle);
  const files = new Map<string, string | Uint8Array>();
  figures.forEach((f, i) => {
    assertFiniteDeep(f, f.id);
    files.set(`figures/${f.id}.png`, renderFigurePng(f));
    files.set(`data/${f.id}.csv`, figureCsv(f));
    files.set(`data/${f.id}.json`, toJson(f));
    onFigure?.(i + 1, figures.length, f.id);
  });
  const math = createMathRenderer();
  files.set('index.html', renderHtml({ bundle, figures, math }));
  files.set('report.md', renderMarkdown(bundle, figures));
  files.set('claims.json', claimsJson(bundle));
  files.set('data/results.json', toJson(bundle));
  return { files, warnings: math.warnings };
}

/** Write a built report under `outDir`. */
export function writeReportFiles(outDir: string, report: ReportFiles): string[] {
  const written: string[] = [];
  for (const [rel, content] of report.files) {
    writeFileAtomic(join(outDir, rel), content);
    written.push(rel);
  }
  return written;
}
