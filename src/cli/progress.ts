/** Progress reporting on stderr, shared by the CLI commands. */
import cliProgress from 'cli-progress';

/** Delay before a progress bar appears: short runs print nothing. */
const BAR_DELAY_MS = 1000;

/**
 * A cli-progress bar on stderr for a run counted in `unit`s: shown only when enabled, on a terminal, from
 * `BAR_DELAY_MS` into the run and while work remains; cleared when done. `onProgress` is undefined when no bar can
 * show (the run then skips the callback). `stop()` must be called (in a finally).
 */
export function progressBar(label: string, unit: string, enabled: boolean): { onProgress?: (done: number, total: number) => void; stop: () => void } {
  const started = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  if (!enabled || process.stderr.isTTY !== true) return { stop: () => {} };
  return {
    onProgress: (done, total) => {
      if (bar === null) {
        if (Date.now() - started < BAR_DELAY_MS || done >= total) return;
        bar = new cliProgress.SingleBar(
          { stream: process.stderr, format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | eta {eta_formatted}`, hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      } else bar.update(done);
    },
    stop: () => bar?.stop(),
  };
}

/** Stage lines on stderr for long pipelines: "<prefix> [ 12.3s] stage (i/n)". */
export function stderrProgress(prefix: string): (stage: string, done: number, total: number) => void {
  const t0 = process.hrtime.bigint();
  return (stage, done, total) => {
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    process.stderr.write(`${prefix} [${s.toFixed(1).padStart(6)}s] ${stage} (${done}/${total})\n`);
  };
}
