/** Outputs shared by the CLI commands. */
import { withSignalCleanup, writeFilesAtomic, writeFolderAtomic, type OutputFile } from '../core/output.js';
import { tidyCsv } from '../core/csv.js';
import type { Trajectory } from '../core/trajectory.js';
import { trajectoriesTable, type TrajectoryTableOptions } from '../report/tidy.js';

/**
 * Write a command's outputs: every `--out`/`--csv` file of the run as one all-or-nothing set (core/output.ts),
 * inside the signal-cleanup phase, then `stdout` (if any) to standard output. Files whose path is undefined are
 * skipped (the option was not given).
 */
export async function writeOutputs(files: { path: string | undefined; content: string | Uint8Array }[], stdout?: string): Promise<void> {
  const set = files.filter((f): f is OutputFile => f.path !== undefined);
  if (set.length) await withSignalCleanup(() => writeFilesAtomic(set));
  if (stdout !== undefined) process.stdout.write(stdout);
}

/** `--out FILE` given: write `text` there atomically; otherwise print it to stdout. */
export async function writeOrPrint(file: string | undefined, text: string): Promise<void> {
  if (file !== undefined) await writeOutputs([{ path: file, content: text }]);
  else process.stdout.write(text);
}

/** Write a report folder all or nothing, replacing an existing one wholly (core/output.ts writeFolderAtomic). */
export async function writeReportFolder(dir: string, files: ReadonlyMap<string, string | Uint8Array>): Promise<void> {
  await withSignalCleanup(() => writeFolderAtomic(dir, files));
}

/**
 * Tidy long-format CSV of trajectories (report/tidy.ts): one row per (run, step, statistic, estimate) with one column
 * per parameter (algorithm, η / η̃, polar, λ_θ, λ_v, σ², d, n, ...), a run id and a unique label; a seed ensemble
 * gives its per-seed values (when `seedRuns` are passed) beside mean and se. Numbers in shortest round-trip form
 * (core/csv.ts).
 */
export function trajectoriesCsv(trajectories: Trajectory[], opts: TrajectoryTableOptions = {}): string {
  return tidyCsv(trajectoriesTable(trajectories, opts));
}
