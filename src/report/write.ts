/**
 * Build the whole report from a results bundle and write it to a folder:
 *   index.html, report.md, figures/<id>.png, data/<id>.csv + data/<id>.json (the plotted points of every figure),
 *   data/results.json (the bundle itself: every figure can be rebuilt from it), claims.json.
 * Everything is produced in memory first and written only when all of it succeeded (a failure leaves no partial
 * report). No timestamps: the same bundle gives byte-identical files.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { assertFiniteDeep } from '../core/trajectory.js';
import { toJson } from '../core/output.js';
import type { ResultsBundle } from '../compare/bundle.js';
import { buildFigures, figureCsv, figureCsvMeta } from './figures.js';
import { renderHtml } from './html.js';
import { EXPLORER_FILE, explorerPage } from './explore/page.js';
import { renderMarkdown } from './markdown.js';
import { createMathRenderer } from './math.js';
import { renderFigurePng } from './render-png.js';

export interface ReportFiles {
  /** Relative path → content. */
  files: Map<string, string | Uint8Array>;
  /** KaTeX rendering problems (a bug in the LaTeX producer). */
  warnings: string[];
}

/** claims.json: { provenance, claims: [{ id, kind, statement, measured, tolerance, verdict, control } + details] }. */
export function claimsJson(bundle: ResultsBundle): string {
  return toJson({ provenance: bundle.provenance, claims: bundle.claims });
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
    const csv = figureCsv(f);
    files.set(`data/${f.id}.csv`, csv);
    files.set(`data/${f.id}.meta.json`, figureCsvMeta(f, csv, bundle.provenance));
    files.set(`data/${f.id}.json`, toJson({ ...f, provenance: bundle.provenance }));
    onFigure?.(i + 1, figures.length, f.id);
  });
  // The offline explorer of the reduced dynamics, for the model of the spiked figure runs (its largest λ_v).
  const explorerConfig = bundle.groups.spiked?.at(-1)?.config;
  const explorer = explorerConfig && explorerConfig.model.covariance.kind === 'spiked' && explorerConfig.model.init.kind === 'scaled-identity' ? EXPLORER_FILE : null;
  if (explorer && explorerConfig) files.set(explorer, explorerPage(explorerConfig).html);
  const math = createMathRenderer();
  files.set('index.html', renderHtml({ bundle, figures, math, explorer }));
  files.set('report.md', renderMarkdown(bundle, figures, explorer));
  files.set('claims.json', claimsJson(bundle));
  files.set('data/results.json', toJson(bundle));
  return { files, warnings: math.warnings };
}

/**
 * Write a built report under `outDir`, all or nothing: every file goes first into a staging folder next to
 * `outDir` (same file system); only when all of them are written is the staging folder renamed to `outDir` (or,
 * when `outDir` already exists, its files are renamed into it one by one). A failure while writing removes the
 * staging folder and leaves `outDir` as it was, so a failed run never leaves a half-written report.
 */
export function writeReportFiles(outDir: string, report: ReportFiles): string[] {
  const target = resolve(outDir);
  mkdirSync(dirname(target), { recursive: true });
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const written: string[] = [];
  try {
    for (const [rel, content] of report.files) {
      const file = join(staging, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      written.push(rel);
    }
    if (!existsSync(target)) renameSync(staging, target);
    else {
      for (const rel of written) {
        const file = join(target, rel);
        mkdirSync(dirname(file), { recursive: true });
        renameSync(join(staging, rel), file);
      }
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return written;
}
