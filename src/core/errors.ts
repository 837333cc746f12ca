/**
 * Typed errors. A `ConfigError` is bad input at the boundary (config file, CLI argument): it names the field,
 * the value it got and what would be valid, and makes the CLI exit with code 2 without writing output.
 * Numerical failure inside a run is NOT an error: it is a status on the result (see `Trajectory.status`).
 */
export class ConfigError extends Error {
  readonly field: string;
  readonly value: unknown;
  readonly valid: string;
  constructor(field: string, value: unknown, valid: string) {
    super(`invalid ${capText(field, MAX_FIELD_CHARS)}: got ${formatValue(value)}; expected ${valid}`);
    this.name = 'ConfigError';
    this.field = field;
    this.value = value;
    this.valid = valid;
  }
}

/**
 * An expected failure of something the command ran (a cluster job, an external tool): the CLI prints the message
 * alone (no stack) and exits 1.
 */
export class RunFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFailure';
  }
}

/**
 * A check the user asked for failed (`compare --strict`, a failed derivation check): the CLI prints the one-line
 * message and exits with code 1. The outputs that were asked for are already written.
 */
export class CheckFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailure';
  }
}

/** An internal invariant broke: a bug in specgd, not bad input. */
export class InternalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InternalError';
  }
}

/** Longest rendering of a value in an error message (longer: cut, with its length stated). */
export const MAX_VALUE_CHARS = 200;
/** Longest field path in an error message (a field path can hold a user's key of any length). */
export const MAX_FIELD_CHARS = 200;

/** `s` cut to at most `max` characters (plus a note of the full length). */
export function capText(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}... (${s.length} characters)` : s;
}

/** Render a value for an error message: short, one line, JSON-like. Strings and objects are cut to MAX_VALUE_CHARS. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') {
    // Cut before quoting: JSON.stringify of a 10 MB string would copy it whole.
    if (value.length > MAX_VALUE_CHARS) return `${JSON.stringify(value.slice(0, MAX_VALUE_CHARS))}... (a string of ${value.length} characters)`;
    return JSON.stringify(value);
  }
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
