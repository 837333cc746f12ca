/**
 * Writing outputs safely: content is fully produced in memory (or in a temp file) and then renamed into place,
 * so a failure never leaves a partial or corrupted output file behind.
 */
import { mkdirSync, renameSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Atomically write `content` to `file` (temp file in the same folder + rename). */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const target = resolve(file);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, target);
  } finally {
    if (existsSync(tmp)) rmSync(tmp, { force: true });
  }
}

/** JSON with a trailing newline; numbers must be finite (checked by the caller with `assertFiniteDeep`). */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
