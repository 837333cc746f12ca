/** Parsing helpers for CLI option values: every bad value is a `ConfigError` naming the option. */
import type { Command } from 'commander';
import { closeSync, existsSync, openSync, realpathSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { presetNames } from '../config/presets.js';
import { ConfigError } from '../core/errors.js';
import { isNonEmptyDir } from '../core/output.js';

/** The `--preset NAME | --config FILE` pair of every command that takes an experiment config (resolveConfigOption). */
export function configOptions(command: Command): Command {
  return command
    .option('--preset <name>', `model preset (${presetNames().join(', ')}); default spiked`)
    .option('--config <file>', 'JSON experiment config (instead of --preset)');
}

export function parseFormat<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(option, value, `one of ${allowed.join(', ')}`);
  return value as T;
}

/** An integer in 1..max (`max` with its reason, e.g. "the int32 step indices"; default the safe integers). */
export function parsePositiveInt(option: string, value: string, max: number = Number.MAX_SAFE_INTEGER, why = 'a safe integer'): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < 1 || n > max) throw new ConfigError(option, value, `an integer in 1..${max} (${why})`);
  return n;
}

export function parsePositiveNumber(option: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new ConfigError(option, value, 'a finite number > 0');
  return n;
}

/** Bounds of a LO:HI:N range, each with the reason stated in the error. */
export interface RangeLimits {
  maxN?: { value: number; why: string };
  min?: { value: number; why: string };
  max?: { value: number; why: string };
  /** A valid range shown in the malformed-range message (default 1:50:20, which must itself be valid). */
  example?: string;
}

/**
 * "lo:hi:n" → n values from lo to hi, linear ("lin") or geometric ("log"). Every part must be a number (an empty
 * part is not 0); `positive` (always true for "log") requires LO > 0.
 */
export function parseRange(option: string, value: string, scale: 'lin' | 'log' = 'lin', positive = scale === 'log', limits: RangeLimits = {}): number[] {
  const parts = value.split(':');
  const [lo, hi, n] = [Number(parts[0]), Number(parts[1]), Number(parts[2])];
  const needPositive = positive || scale === 'log';
  if (parts.length !== 3 || parts.some((p) => p.trim() === '') || !Number.isFinite(lo) || !Number.isFinite(hi) || !Number.isInteger(n) || n < 1 || hi < lo || (needPositive && lo <= 0)) {
    const within = limits.min !== undefined && limits.max !== undefined ? `, both within [${limits.min.value}, ${limits.max.value}]` : '';
    throw new ConfigError(option, value, `LO:HI:N with LO ≤ HI${needPositive ? ', LO > 0' : ''}${within} and N an integer ≥ 1 (e.g. ${limits.example ?? '1:50:20'})`);
  }
  // Bounds checked before the N values are allocated.
  if (limits.maxN !== undefined && n > limits.maxN.value) throw new ConfigError(option, value, `N ≤ ${limits.maxN.value} (${limits.maxN.why})`);
  if (limits.min !== undefined && lo < limits.min.value) throw new ConfigError(option, value, `LO ≥ ${limits.min.value} (${limits.min.why})`);
  if (limits.max !== undefined && hi > limits.max.value) throw new ConfigError(option, value, `HI ≤ ${limits.max.value} (${limits.max.why})`);
  if (n === 1) return [lo];
  return Array.from({ length: n }, (_, i) => (scale === 'log' ? lo * (hi / lo) ** (i / (n - 1)) : lo + ((hi - lo) * i) / (n - 1)));
}

/** "1,10,50" → numbers > 0, optionally within [min, max] with its reason (ConfigError naming the option otherwise). */
export function parseNumberList(option: string, value: string, range?: { min: number; max: number; why: string }, maxCount?: { value: number; why: string }): number[] {
  if (maxCount !== undefined && value.split(',').length > maxCount.value) throw new ConfigError(option, value, `at most ${maxCount.value} values (${maxCount.why})`);
  const parts = value.split(',').map((s) => s.trim());
  const xs = parts.map(Number);
  if (parts.some((s) => s === '') || xs.some((x) => !Number.isFinite(x) || x <= 0)) throw new ConfigError(option, value, 'a comma-separated list of finite numbers > 0 (e.g. 1,10,50)');
  if (range && xs.some((x) => x < range.min || x > range.max)) throw new ConfigError(option, value, `numbers within [${range.min}, ${range.max}] (${range.why})`);
  return xs;
}

/** The nearest existing ancestor of `abs` (the path itself if it exists). */
function nearestExisting(abs: string): string {
  let p = abs;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

/**
 * Can files be created in the existing folder `dir`? Tested by creating (and removing) an empty probe file — the
 * only test that also holds for root, read-only mounts and pseudo file systems such as /proc.
 */
function probeWritable(dir: string): string | null {
  const probe = join(dir, `.specgd-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'error';
  }
}

/** The nearest existing ancestor folder of `abs` must be a writable folder, so the missing parents can be created. */
function checkAncestor(option: string, value: string, abs: string, what: string): void {
  const dir = nearestExisting(dirname(abs));
  if (!statSync(dir).isDirectory()) throw new ConfigError(option, value, `a ${what} path under a folder (${dir} is a file)`);
  const code = probeWritable(dir);
  if (code !== null) throw new ConfigError(option, value, `a ${what} path in a folder where files can be created (${dir}: ${code})`);
}

/**
 * An output FILE option (--out FILE, --csv FILE) checked before any work: it must not be an existing folder, and
 * its nearest existing ancestor must be a folder where files can be created (the parent folders are created at
 * write time). A device, FIFO or socket (e.g. /dev/stdout) is accepted as it is (written in place).
 */
export function checkOutFile(option: string, file: string | undefined): void {
  if (file === undefined) return;
  if (file.trim() === '') throw new ConfigError(option, file, 'a file path');
  const abs = resolve(file);
  if (existsSync(abs)) {
    const st = statSync(abs);
    if (st.isDirectory()) throw new ConfigError(option, file, 'a file path (it is an existing folder)');
    if (!st.isFile()) return;
  }
  checkAncestor(option, file, abs, 'file');
}

/** Every output FILE option of a command, checked together: each path as `checkOutFile`, and no two the same. */
export function checkOutFiles(files: Record<string, string | undefined>): void {
  const seen = new Map<string, string>();
  for (const [option, file] of Object.entries(files)) {
    checkOutFile(option, file);
    if (file === undefined) continue;
    const abs = existsSync(file) ? realpathSync(file) : resolve(file);
    const other = seen.get(abs);
    if (other !== undefined) throw new ConfigError(option, file, `a different path from ${other} (both would write the same file)`);
    seen.set(abs, option);
  }
}

/**
 * An output FOLDER option (--out DIR) checked before any work: not an existing file, under a folder where folders
 * can be created, and — unless `force` — not an existing folder with files in it (`--force` replaces it wholly:
 * no file of an earlier report survives). Returns the absolute path.
 */
export function checkOutDir(option: string, dir: string, force = false): string {
  if (dir.trim() === '') throw new ConfigError(option, dir, 'a folder path');
  const abs = resolve(dir);
  if (existsSync(abs) && !statSync(abs).isDirectory()) throw new ConfigError(option, dir, 'a folder path (it exists and is not a folder)');
  if (!force && isNonEmptyDir(abs)) throw new ConfigError(option, dir, 'a new or empty folder (it exists and holds files: pass --force to replace it wholly)');
  checkAncestor(option, dir, abs, 'folder');
  return abs;
}
