/** Parsing helpers for CLI option values: every bad value is a `ConfigError` naming the option. */
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { presetNames } from '../config/presets.js';
import { ConfigError } from '../core/errors.js';

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

export function parsePositiveInt(option: string, value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < 1) throw new ConfigError(option, value, 'an integer ≥ 1');
  return n;
}

export function parsePositiveNumber(option: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new ConfigError(option, value, 'a finite number > 0');
  return n;
}

/**
 * "lo:hi:n" → n values from lo to hi, linear ("lin") or geometric ("log"). Every part must be a number (an empty
 * part is not 0); `positive` (always true for "log") requires LO > 0.
 */
export function parseRange(option: string, value: string, scale: 'lin' | 'log' = 'lin', positive = scale === 'log'): number[] {
  const parts = value.split(':');
  const [lo, hi, n] = [Number(parts[0]), Number(parts[1]), Number(parts[2])];
  const needPositive = positive || scale === 'log';
  if (parts.length !== 3 || parts.some((p) => p.trim() === '') || !Number.isFinite(lo) || !Number.isFinite(hi) || !Number.isInteger(n) || n < 1 || hi < lo || (needPositive && lo <= 0)) {
    throw new ConfigError(option, value, `LO:HI:N with LO ≤ HI${needPositive ? ', LO > 0' : ''} and N an integer ≥ 1 (e.g. 1:50:20)`);
  }
  if (n === 1) return [lo];
  return Array.from({ length: n }, (_, i) => (scale === 'log' ? lo * (hi / lo) ** (i / (n - 1)) : lo + ((hi - lo) * i) / (n - 1)));
}

/** "1,10,50" → numbers > 0 (ConfigError naming the option otherwise). */
export function parseNumberList(option: string, value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  const xs = parts.map(Number);
  if (parts.some((s) => s === '') || xs.some((x) => !Number.isFinite(x) || x <= 0)) throw new ConfigError(option, value, 'a comma-separated list of finite numbers > 0 (e.g. 1,10,50)');
  return xs;
}

/** The nearest existing ancestor folder of `abs` must be a folder, so the missing parents can be created. */
function checkAncestor(option: string, value: string, abs: string, what: string): void {
  let dir = dirname(abs);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) throw new ConfigError(option, value, `a ${what} path under a folder (${dir} is a file)`);
}

/**
 * An output FILE option (--out FILE, --csv FILE) checked before any work: it must not be an existing folder, and
 * its nearest existing ancestor must be a folder (so the parent folders can be created).
 */
export function checkOutFile(option: string, file: string | undefined): void {
  if (file === undefined) return;
  const abs = resolve(file);
  if (existsSync(abs) && statSync(abs).isDirectory()) throw new ConfigError(option, file, 'a file path (it is an existing folder)');
  checkAncestor(option, file, abs, 'file');
}

/** An output FOLDER option (--out DIR): a folder or not existing yet, under a folder. Returns the absolute path. */
export function checkOutDir(option: string, dir: string): string {
  const abs = resolve(dir);
  if (existsSync(abs) && !statSync(abs).isDirectory()) throw new ConfigError(option, dir, 'a folder path (it exists and is not a folder)');
  checkAncestor(option, dir, abs, 'folder');
  return abs;
}
