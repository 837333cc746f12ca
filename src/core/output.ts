/**
 * Writing outputs safely: every output is fully produced in memory, then written to temporary paths next to its
 * targets (same file system) and renamed into place only when every temporary path of the set is complete, so a
 * failure never leaves a partial, corrupted or mixed (some files new, some old) output behind.
 *
 * Interruption: the write phase is synchronous, so a SIGINT/SIGTERM that arrives during it is delivered only when
 * it ends. `withSignalCleanup` installs handlers for the whole write phase (and SIGNAL_GRACE_MS after it, so a signal
 * that arrived meanwhile is delivered to them): the handler removes every temporary path still
 * registered, puts back a folder that was being replaced, and exits with 128 + the signal number (130 for SIGINT,
 * 143 for SIGTERM). Outside a write phase no temporary path exists and the default signal action applies (a long
 * computation stays interruptible at once).
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Temporary paths that exist right now (removed by the signal handler). */
const temporaries = new Set<string>();
/** Folders moved aside while being replaced: original path → where it is now. */
const movedAside = new Map<string, string>();

/** How long the handlers stay installed after a write phase, so that a signal caught during it is delivered. */
export const SIGNAL_GRACE_MS = 20;

/** Exit code of a run stopped by `signal` (POSIX shells' convention 128 + signal number). */
export function signalExitCode(signal: 'SIGINT' | 'SIGTERM'): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/** Remove `p` if it exists; a path that cannot exist (ENOTDIR: under a file) is not an error. */
function removeQuietly(p: string): void {
  try {
    rmSync(p, { recursive: true, force: true });
  } catch {
    /* nothing to remove */
  }
}

/** Remove every registered temporary path and put back every folder moved aside (best effort, synchronous). */
export function cleanupTemporaries(): void {
  for (const p of temporaries) removeQuietly(p);
  temporaries.clear();
  for (const [original, aside] of movedAside) {
    try {
      if (!existsSync(original) && existsSync(aside)) renameSync(aside, original);
    } catch {
      /* best effort: the folder stays at `aside` */
    }
  }
  movedAside.clear();
}

/** Number of temporary paths currently registered (tests). */
export function pendingTemporaries(): number {
  return temporaries.size + movedAside.size;
}

/**
 * Run the synchronous write phase `write` with SIGINT/SIGTERM handlers that clean up temporaries and exit with
 * 130/143. The handlers stay installed SIGNAL_GRACE_MS after `write` returns, so a signal that arrived during
 * the phase is handled (the outputs are then complete: the exit code still says the run was interrupted).
 */
export async function withSignalCleanup<T>(write: () => T): Promise<T> {
  const handler = (signal: 'SIGINT' | 'SIGTERM') => {
    cleanupTemporaries();
    process.exit(signalExitCode(signal));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    return write();
  } finally {
    await new Promise<void>((r) => setTimeout(r, SIGNAL_GRACE_MS));
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}

/**
 * Create `dir` and its missing parents one level at a time. (Node 20's `mkdirSync(p, { recursive: true })` loops
 * forever under /proc; a plain mkdir fails with a normal error code there.)
 */
export function makeDirs(dir: string): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  let p = abs;
  while (!existsSync(p)) {
    missing.push(p);
    const parent = dirname(p);
    if (parent === p) break;
    p = parent;
  }
  for (const m of missing.reverse()) mkdirSync(m);
}

/** Is `path` an existing non-regular file (a device, FIFO or socket, e.g. /dev/stdout): written in place. */
function isSpecial(path: string): boolean {
  return existsSync(path) && !statSync(path).isFile() && !statSync(path).isDirectory();
}

let counter = 0;
function tempPathFor(target: string): string {
  counter += 1;
  return `${target}.tmp-${process.pid}-${counter}`;
}

export interface OutputFile {
  path: string;
  content: string | Uint8Array;
}

/**
 * Write a set of files all or nothing: every file goes to a temporary path next to its target first; only when
 * all are written are they renamed into place. A symlink is followed (the link stays, its target is replaced); a
 * device, FIFO or socket is written directly, after every regular file of the set is staged.
 */
export function writeFilesAtomic(files: OutputFile[]): void {
  const staged: { tmp: string; target: string }[] = [];
  const special: OutputFile[] = [];
  try {
    for (const f of files) {
      let target = resolve(f.path);
      if (isSpecial(target)) {
        special.push(f);
        continue;
      }
      if (existsSync(target)) target = realpathSync(target);
      makeDirs(dirname(target));
      const tmp = tempPathFor(target);
      temporaries.add(tmp);
      staged.push({ tmp, target });
      writeFileSync(tmp, f.content);
    }
    for (const f of special) writeFileSync(f.path, f.content);
    for (const s of staged) {
      renameSync(s.tmp, s.target);
      temporaries.delete(s.tmp);
    }
  } finally {
    for (const s of staged) {
      if (temporaries.has(s.tmp)) {
        removeQuietly(s.tmp);
        temporaries.delete(s.tmp);
      }
    }
  }
}

/** Atomically write `content` to `file` (see `writeFilesAtomic`). */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  writeFilesAtomic([{ path: file, content }]);
}

/** Is `dir` an existing folder with at least one entry? */
export function isNonEmptyDir(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).length > 0;
}

/**
 * Write a folder all or nothing, replacing whatever was there: the files (relative path → content) go into a
 * staging folder next to `dir`; when all are written, an existing `dir` is moved aside, the staging folder is
 * renamed to `dir`, and the old folder is removed — so `dir` ends up holding exactly these files (no stale file of
 * an earlier run) or, on failure, exactly what it held before. `onStaged` runs after the staging folder is
 * complete, before it is renamed into place.
 */
export function writeFolderAtomic(dir: string, files: ReadonlyMap<string, string | Uint8Array>, onStaged?: () => void): void {
  const target = resolve(dir);
  makeDirs(dirname(target));
  const staging = tempPathFor(target);
  const aside = `${staging}-old`;
  temporaries.add(staging);
  try {
    mkdirSync(staging);
    for (const [rel, content] of files) {
      const file = join(staging, rel);
      if (!file.startsWith(staging + '/')) throw new Error(`report file ${JSON.stringify(rel)} escapes its folder`);
      makeDirs(dirname(file));
      const fd = openSync(file, 'wx');
      try {
        writeFileSync(fd, content);
      } finally {
        closeSync(fd);
      }
    }
    onStaged?.();
    if (existsSync(target)) {
      movedAside.set(target, aside);
      renameSync(target, aside);
    }
    renameSync(staging, target);
    temporaries.delete(staging);
    if (movedAside.has(target)) {
      movedAside.delete(target);
      temporaries.add(aside);
      rmSync(aside, { recursive: true, force: true });
      temporaries.delete(aside);
    }
  } finally {
    cleanupFor(target, staging, aside);
  }
}

/** After a failure: remove the staging folder and put back the folder moved aside. */
function cleanupFor(target: string, staging: string, aside: string): void {
  if (temporaries.has(staging)) {
    rmSync(staging, { recursive: true, force: true });
    temporaries.delete(staging);
  }
  if (movedAside.has(target)) {
    if (!existsSync(target) && existsSync(aside)) renameSync(aside, target);
    movedAside.delete(target);
  }
}

/** JSON with a trailing newline; numbers must be finite (checked by the caller with `assertFiniteDeep`). */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
