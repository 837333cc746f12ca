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
    super(`invalid ${field}: got ${formatValue(value)}; expected ${valid}`);
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

/** An internal invariant broke: a bug in specgd, not bad input. */
export class InternalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InternalError';
  }
}

/** Render a value for an error message: short, one line, JSON-like. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
