/**
 * Writing outputs safely: content is fully produced in memory (or in a temp file) and then renamed into place,
 * so a failure never leaves a partial or corrupted output file behind.
 */
import { mkdirSync, realpathSync, renameSync, statSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Atomically write `content` to `file` (temp file in the same folder + rename). A symlink is followed (the link
 * stays, its target is replaced); a device, FIFO or socket (`--out /dev/stdout`) is written directly — renaming a
 * temp file over it would replace the device node with a regular file.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  let target = resolve(file);
  if (existsSync(target)) {
    if (!statSync(target).isFile()) {
      writeFileSync(target, content);
      return;
    }
    target = realpathSync(target);
  }
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
