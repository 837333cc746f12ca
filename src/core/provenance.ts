/** Provenance stamped on every output: tool version, git commit when available, command, config, settings. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LinalgBackend } from './linalg.js';
import type { Provenance } from './trajectory.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The package root is a git checkout (a clone or worktree), not an installed copy inside another project's repo. */
const ownCheckout = existsSync(`${root}.git`);

let cachedVersion: string | undefined;
export function toolVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }).version;
  return cachedVersion;
}

let cachedCommit: string | null | undefined;
export function gitCommit(): string | null {
  if (cachedCommit !== undefined) return cachedCommit;
  if (!ownCheckout) return (cachedCommit = null);
  try {
    cachedCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    cachedCommit = null;
  }
  return cachedCommit;
}

let cachedDirty: boolean | null | undefined;
/** True when the checkout has uncommitted changes (the commit alone then does not identify the code); null outside git. */
export function gitDirty(): boolean | null {
  if (cachedDirty !== undefined) return cachedDirty;
  if (!ownCheckout) return (cachedDirty = null);
  try {
    cachedDirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== '';
  } catch {
    cachedDirty = null;
  }
  return cachedDirty;
}

/**
 * Build a provenance record. `createdAt` is omitted unless asked for, so that the same config + seed gives
 * bit-identical output files.
 */
export function provenance(command: string, config: unknown, extra: Partial<Provenance> = {}): Provenance {
  return { tool: 'specgd', version: toolVersion(), gitCommit: gitCommit(), gitDirty: gitDirty(), command, config, ...extra };
}

/**
 * The linear-algebra part of a run's settings: the backend's name and, for OpenBLAS, its core name (the kernel set
 * it picked for this CPU), its build string and thread count — results differ across backends at rounding level, so
 * an output says which one made it.
 */
export function linalgSettings(backend: LinalgBackend): Record<string, string | number> {
  return { backend: backend.name, ...backend.info };
}
