/**
 * Compare two report folders (`specgd reproduce --out A`, `--out B`) file by file, ignoring only provenance:
 * the git commit, the dirty flag, the package version, the command and timing fields of every provenance record
 * (JSON objects with `"tool": "specgd"`), and their renderings in report.md / index.html ("version V, commit C
 * with uncommitted changes" and the provenance JSON block). Everything else — PNGs, CSVs, data JSON, claims —
 * must be byte-identical (JSON: identical after removing those fields, with key order kept).
 *
 *   npx tsx scripts/compare-reports.ts /tmp/baseline-quick ./specgd-report
 *   npx tsx scripts/compare-reports.ts --unordered A B    (JSON key order ignored: a diagnostic only)
 *   npx tsx scripts/compare-reports.ts --digest DIR      (digests of DIR, for test/fixtures/reproduce/)
 *
 * Prints one line per differing file (with the first differences) and a summary; exit 1 when anything differs.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Provenance fields that identify the checkout or the invocation, not the results. */
export const PROVENANCE_FIELDS = ['gitCommit', 'gitDirty', 'version', 'command', 'createdAt', 'elapsed', 'timing', 'durationMs'] as const;

export interface FileDifference {
  file: string;
  kind: 'missing' | 'extra' | 'differs';
  details: string[];
}

export interface FolderComparison {
  files: number;
  /** Byte-identical files. */
  identical: number;
  /** Files equal once provenance is removed. */
  equalApartFromProvenance: number;
  differences: FileDifference[];
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** A JSON value with the provenance fields of every provenance record removed (key order kept). */
export function stripProvenance(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripProvenance);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const isProvenance = o.tool === 'specgd';
    return Object.fromEntries(Object.entries(o).filter(([k]) => !(isProvenance && (PROVENANCE_FIELDS as readonly string[]).includes(k))).map(([k, v]) => [k, stripProvenance(v)]));
  }
  return value;
}

/** report.md / index.html with the renderings of provenance replaced by placeholders. */
export function normalizeProvenanceText(text: string): string {
  const q = '(?:"|&quot;)';
  let t = text
    // "version V, commit C with uncommitted changes" (or no commit outside git): the whole clause is provenance.
    .replace(/version [0-9A-Za-z.+-]+(, commit (`|<code>)[0-9a-f]{7,40}(`|<\/code>)( with uncommitted changes)?)?;/g, 'version <provenance>;');
  for (const f of PROVENANCE_FIELDS) {
    t = t.replace(new RegExp(`${q}${f}${q}: (?:${q}(?:(?!${q}).)*${q}|true|false|null|-?[0-9.e+-]+),?\\n?`, 'g'), '');
  }
  return t;
}

function firstJsonDifferences(a: unknown, b: unknown, path: string, out: string[], max: number): void {
  if (out.length >= max) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: length ${a.length} vs ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) firstJsonDifferences(a[i], b[i], `${path}[${i}]`, out, max);
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.join(',') !== kb.join(',')) out.push(`${path}: keys [${ka.join(', ')}] vs [${kb.join(', ')}]`);
    for (const k of ka) if (k in (b as object)) firstJsonDifferences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out, max);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path}: ${JSON.stringify(a)?.slice(0, 120)} vs ${JSON.stringify(b)?.slice(0, 120)}`);
}

function firstLineDifferences(a: string, b: string, max: number): string[] {
  const la = a.split('\n');
  const lb = b.split('\n');
  const out: string[] = [];
  if (la.length !== lb.length) out.push(`${la.length} vs ${lb.length} lines`);
  for (let i = 0; i < Math.max(la.length, lb.length) && out.length < max; i++) {
    if (la[i] !== lb[i]) out.push(`line ${i + 1}: ${JSON.stringify((la[i] ?? '').slice(0, 160))} vs ${JSON.stringify((lb[i] ?? '').slice(0, 160))}`);
  }
  return out;
}

/** The same value with object keys sorted at every level (for `--unordered`). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  return value;
}

/**
 * Compare two report folders; `maxDetails` differences listed per file. `unordered`: JSON objects compared
 * without regard to key order (a diagnostic: byte identity requires the order too).
 */
export function compareReportFolders(a: string, b: string, maxDetails = 5, unordered = false): FolderComparison {
  const fa = listFiles(a);
  const fb = listFiles(b);
  const differences: FileDifference[] = [];
  for (const f of fa) if (!fb.includes(f)) differences.push({ file: f, kind: 'missing', details: [`only in ${a}`] });
  for (const f of fb) if (!fa.includes(f)) differences.push({ file: f, kind: 'extra', details: [`only in ${b}`] });
  let identical = 0;
  let equalApartFromProvenance = 0;
  const common = fa.filter((f) => fb.includes(f));
  for (const f of common) {
    const ba = readFileSync(join(a, f));
    const bb = readFileSync(join(b, f));
    if (ba.equals(bb)) {
      identical++;
      continue;
    }
    let details: string[];
    if (f.endsWith('.json')) {
      const norm = (x: unknown) => (unordered ? sortKeys(x) : x);
      const ja = JSON.stringify(norm(stripProvenance(JSON.parse(ba.toString('utf8')))));
      const jb = JSON.stringify(norm(stripProvenance(JSON.parse(bb.toString('utf8')))));
      if (ja === jb) {
        equalApartFromProvenance++;
        continue;
      }
      details = [];
      firstJsonDifferences(JSON.parse(ja), JSON.parse(jb), '$', details, maxDetails);
    } else if (f.endsWith('.md') || f.endsWith('.html')) {
      const ta = normalizeProvenanceText(ba.toString('utf8'));
      const tb = normalizeProvenanceText(bb.toString('utf8'));
      if (ta === tb) {
        equalApartFromProvenance++;
        continue;
      }
      details = firstLineDifferences(ta, tb, maxDetails);
    } else details = [`binary/text content differs (${statSync(join(a, f)).size} vs ${statSync(join(b, f)).size} bytes)`];
    differences.push({ file: f, kind: 'differs', details });
  }
  return { files: common.length, identical, equalApartFromProvenance, differences };
}

/** A file's content with provenance removed (JSON re-serialized, Markdown/HTML normalized; other files as they are). */
export function withoutProvenance(file: string, content: Buffer): Buffer {
  if (file.endsWith('.json')) return Buffer.from(JSON.stringify(stripProvenance(JSON.parse(content.toString('utf8')))));
  if (file.endsWith('.md') || file.endsWith('.html')) return Buffer.from(normalizeProvenanceText(content.toString('utf8')));
  return content;
}

/**
 * SHA-256 of every file of a report folder with provenance removed (`withoutProvenance`), by relative path. A
 * committed digest of a reference run (test/fixtures/reproduce/) lets a test check "same data and claims" without
 * storing the reference files. `skip` drops files by extension (PNGs: their pixels depend on the platform's
 * font rasterization, not on the data, which data/<figure>.json and .csv carry).
 */
export function digestReportFolder(dir: string, skip: string[] = ['.png']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of listFiles(dir)) {
    if (skip.some((e) => f.endsWith(e))) continue;
    out[f] = createHash('sha256').update(withoutProvenance(f, readFileSync(join(dir, f)))).digest('hex');
  }
  return out;
}

/** Files whose digests differ, or that only one side has. */
export function compareDigests(expected: Record<string, string>, actual: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [f, h] of Object.entries(expected)) {
    if (!(f in actual)) out.push(`${f}: missing`);
    else if (actual[f] !== h) out.push(`${f}: differs`);
  }
  for (const f of Object.keys(actual)) if (!(f in expected)) out.push(`${f}: not in the reference`);
  return out;
}

/** The printed report of a comparison. */
export function formatComparison(c: FolderComparison, a: string, b: string): string {
  const lines = c.differences.flatMap((d) => [`${d.kind.toUpperCase()} ${d.file}`, ...d.details.map((x) => `    ${x}`)]);
  lines.push(`${a} vs ${b}: ${c.files} common files, ${c.identical} byte-identical, ${c.equalApartFromProvenance} identical apart from provenance, ${c.differences.length} differ${c.differences.length ? '' : ' — same data and claims'}`);
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--digest') {
    // npx tsx scripts/compare-reports.ts --digest DIR > digests.json: the reference digests of a report folder.
    process.stdout.write(`${JSON.stringify(digestReportFolder(process.argv[3]), null, 2)}\n`);
    process.exit(0);
  }
  const args = process.argv.slice(2);
  const unordered = args.includes('--unordered');
  const [a, b] = args.filter((x) => x !== '--unordered');
  if (!a || !b) {
    process.stderr.write('usage: tsx scripts/compare-reports.ts [--unordered] <report folder A> <report folder B>\n');
    process.exit(2);
  }
  const c = compareReportFolders(a, b, 5, unordered);
  process.stdout.write(formatComparison(c, a, b));
  process.exit(c.differences.length ? 1 : 0);
}
