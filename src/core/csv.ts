/**
 * Tidy (long-format) CSV: one row per observation, one column per parameter, RFC 4180 quoting, and a sidecar
 * `<file>.meta.json` with the provenance of the data and a description of every column.
 *
 * Numbers are written as the shortest decimal that reads back to the same double under a correctly rounded parser
 * (ECMAScript `Number#toString`, e.g. Python's `float`, `pd.read_csv(..., float_precision="round_trip")`,
 * `engine="pyarrow"`). pandas' DEFAULT C parser (`precise_xstrtod`) is not correctly rounded: it accumulates at most
 * 17 digits in a double and divides by a power of ten once, which cannot hit every double — measured with pandas
 * 1.5.3 on 200 000 doubles spread over 10⁻²⁰…10¹⁹ (node scripts/pandas-csv-roundtrip.mjs): 68 897 change with the
 * shortest form, and even the best 17-digit form (a search over nearby mantissas against a simulation of that
 * parser, which predicts pandas exactly) leaves 15 589 wrong; round_trip: 0 and 0. No decimal text is
 * read exactly by the default parser for every double, so the README gives the one-line reader:
 * `pd.read_csv(f, float_precision="round_trip")`.
 *
 * This module is stage-free (imports only core/), so every stage's CSV writer can use it.
 */
import { writeFileAtomic } from './output.js';

export type Cell = string | number | boolean | null | undefined;

/** One column: its name and what it holds (written to the `.meta.json` sidecar). */
export interface Column {
  name: string;
  description: string;
}

export interface TidyTable {
  columns: Column[];
  /** Each row has one cell per column, in column order. */
  rows: Cell[][];
}

/** The reader that round-trips every number exactly (pandas' default C parser does not; see the module comment). */
export const PANDAS_READER = 'pd.read_csv(path, float_precision="round_trip")';

/**
 * A number as CSV text: integers plainly, other finite doubles in shortest round-trip form. A non-finite number is
 * a bug upstream (NaN is never data) and throws.
 */
export function csvNumber(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`non-finite number ${x} in CSV output`);
  return String(x);
}

/** A cell: null/undefined → empty (pandas: NaN), numbers by `csvNumber`, text quoted when it needs it (RFC 4180). */
export function csvCell(c: Cell): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'number') return csvNumber(c);
  if (typeof c === 'boolean') return c ? 'true' : 'false';
  return /[",\n\r]/.test(c) || c !== c.trim() ? `"${c.replace(/"/g, '""')}"` : c;
}

/** The CSV text of a table (header line, then rows; trailing newline). */
export function tidyCsv(table: TidyTable): string {
  const n = table.columns.length;
  const lines = [table.columns.map((c) => csvCell(c.name)).join(',')];
  for (const row of table.rows) {
    if (row.length !== n) throw new Error(`CSV row of ${row.length} cells for ${n} columns`);
    lines.push(row.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Path of the sidecar of a CSV file: `x.csv` → `x.meta.json` (any other name: `<name>.meta.json`). */
export function metaPath(csvFile: string): string {
  return `${csvFile.replace(/\.csv$/i, '')}.meta.json`;
}

/** The sidecar: provenance, the columns and how to read the file exactly. */
export function csvMeta(columns: Column[], rows: number, provenance: unknown, about: string): string {
  const meta = {
    about,
    format: 'long (tidy): one row per observation; an empty cell is "not applicable" or "none" (pandas reads it as a missing value)',
    rows,
    columns,
    numbers: 'shortest round-trip decimal of each double: exact with a correctly rounded parser, not with pandas\' default C parser',
    reader: { pandas: PANDAS_READER },
    provenance,
  };
  return `${JSON.stringify(meta, null, 2)}\n`;
}

/** Write a CSV text and its `.meta.json` sidecar (each atomically; the sidecar first, then the data). */
export function writeCsvWithMeta(file: string, csv: string, meta: string): void {
  writeFileAtomic(metaPath(file), meta);
  writeFileAtomic(file, csv);
}

/** Write a tidy table as CSV with its sidecar. */
export function writeTidyCsv(file: string, table: TidyTable, provenance: unknown, about: string): void {
  writeCsvWithMeta(file, tidyCsv(table), csvMeta(table.columns, table.rows.length, provenance, about));
}
