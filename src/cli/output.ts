/** Outputs shared by the CLI commands. */
import { writeFileAtomic } from '../core/output.js';
import type { Trajectory } from '../core/trajectory.js';

/** `--out FILE` given: write `text` there atomically; otherwise print it to stdout. */
export function writeOrPrint(file: string | undefined, text: string): void {
  if (file !== undefined) writeFileAtomic(file, text);
  else process.stdout.write(text);
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
