/** Outputs shared by the CLI commands. */
import { writeFileAtomic } from '../core/output.js';
import { tidyCsv } from '../core/csv.js';
import type { Trajectory } from '../core/trajectory.js';
import { trajectoriesTable, type TrajectoryTableOptions } from '../report/tidy.js';

/** `--out FILE` given: write `text` there atomically; otherwise print it to stdout. */
export function writeOrPrint(file: string | undefined, text: string): void {
  if (file !== undefined) writeFileAtomic(file, text);
  else process.stdout.write(text);
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
