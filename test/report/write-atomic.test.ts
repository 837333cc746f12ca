/**
 * `writeReportFiles` is all or nothing: a failure while writing leaves no half-written report folder (and no
 * staging folder), and an existing folder keeps its previous content.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReportFiles, type ReportFiles } from '../../src/report/write.js';

const root = mkdtempSync(join(tmpdir(), 'specgd-write-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A report whose third file cannot be written: "data" is first written as a file, then used as a folder. */
function failingReport(): ReportFiles {
  return { files: new Map<string, string>([['index.html', '<p>new</p>'], ['data', 'x'], ['data/results.json', '{}']]), warnings: [] };
}

describe('writeReportFiles', () => {
  it('writes every file into a new folder', () => {
    const out = join(root, 'ok');
    const written = writeReportFiles(out, { files: new Map([['index.html', 'a'], ['figures/f.png', 'b']]), warnings: [] });
    expect(written).toEqual(['index.html', 'figures/f.png']);
    expect(readFileSync(join(out, 'figures', 'f.png'), 'utf8')).toBe('b');
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a failure midway leaves no output folder and no staging folder', () => {
    const out = join(root, 'fails');
    expect(() => writeReportFiles(out, failingReport())).toThrow();
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((f) => f.startsWith('fails'))).toEqual([]);
  });

  it('a failure midway leaves an existing folder as it was', () => {
    const out = join(root, 'existing');
    mkdirSync(out);
    writeFileSync(join(out, 'index.html'), '<p>old</p>');
    expect(() => writeReportFiles(out, failingReport())).toThrow();
    expect(readdirSync(out)).toEqual(['index.html']);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('<p>old</p>');
    expect(readdirSync(root).filter((f) => f.startsWith('existing.'))).toEqual([]);
  });

  it('into an existing folder: the report files replace the old ones', () => {
    const out = join(root, 'replace');
    mkdirSync(join(out, 'figures'), { recursive: true });
    writeFileSync(join(out, 'index.html'), 'old');
    writeReportFiles(out, { files: new Map([['index.html', 'new'], ['figures/f.png', 'png']]), warnings: [] });
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('new');
    expect(readFileSync(join(out, 'figures', 'f.png'), 'utf8')).toBe('png');
  });
});
