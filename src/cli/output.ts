/** Outputs shared by the CLI commands. */
import { withSignalCleanup, writeFilesAtomic, writeFolderAtomic, type OutputFile } from '../core/output.js';
import type { Trajectory } from '../core/trajectory.js';

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
 * Long-format CSV of trajectories: one row per (trajectory, recorded step), columns algorithm, status, step, t and
 * each series — a plain series as `<name>`, a seed-ensemble series as `<name>` (mean) and `<name>_se`. A series a
 * trajectory lacks is an empty cell.
 */
export function trajectoriesCsv(trajectories: Trajectory[]): string {
  const names: string[] = [];
  const ensemble = new Set<string>();
  for (const t of trajectories) {
    for (const [k, s] of Object.entries(t.series)) {
      if (!names.includes(k)) names.push(k);
      if (!Array.isArray(s)) ensemble.add(k);
    }
  }
  const lines = [['algorithm', 'status', 'step', 't', ...names.flatMap((n) => (ensemble.has(n) ? [n, `${n}_se`] : [n]))].join(',')];
  for (const t of trajectories) {
    const series = t.series as Record<string, { mean: number[]; se: number[] } | number[] | undefined>;
    t.step.forEach((k, i) => {
      const cells = names.flatMap((n) => {
        const s = series[n];
        const value = s === undefined ? '' : Array.isArray(s) ? String(s[i]) : String(s.mean[i]);
        if (!ensemble.has(n)) return [value];
        return [value, s !== undefined && !Array.isArray(s) ? String(s.se[i]) : ''];
      });
      lines.push([t.algorithm, t.status, k, t.t[i], ...cells].join(','));
    });
  }
  return `${lines.join('\n')}\n`;
}
