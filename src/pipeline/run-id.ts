/**
 * Run ids: a stable name for "this config, computed this way". The canonical JSON of a value sorts object keys
 * recursively (so key order never changes an id); the id is the first 16 hex digits of its SHA-256.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level; `undefined` members dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v,
  );
}

/** The run id of a config: sha256(canonical JSON) truncated to 16 hex digits. */
export function runId(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
}
