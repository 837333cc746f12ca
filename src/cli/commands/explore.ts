/**
 * `specgd explore [--preset NAME | --config FILE] [--out FILE]`: write the offline explorer page
 * (report/explore/page.ts) for a spiked config — one self-contained HTML file (default `explore.html`) in which the
 * reduced GD / SpecGD / Muon / ... maps run under sliders. Bad input: one-line ConfigError, exit 2, nothing written.
 */
import type { Command } from 'commander';
import { resolveConfigOption } from '../../config/config.js';
import { writeFileAtomic } from '../../core/output.js';
import { EXPLORER_FILE, explorerPage } from '../../report/explore/page.js';
import { checkOutFile, configOptions } from '../args.js';

export interface ExploreCliOptions {
  preset?: string;
  config?: string;
  out?: string;
}

/** Build the page for CLI options and write it; returns the path written and the page's size in bytes. */
export function explore(opts: ExploreCliOptions): { file: string; bytes: number } {
  const file = opts.out ?? EXPLORER_FILE;
  checkOutFile('--out', file);
  const config = resolveConfigOption({ preset: opts.preset, config: opts.config });
  const page = explorerPage(config);
  writeFileAtomic(file, page.html);
  return { file, bytes: page.bytes.page };
}

export function register(program: Command): void {
  configOptions(program.command('explore'))
    .description('write the offline explorer: one self-contained HTML page with sliders over the reduced dynamics (spiked models)')
    .option('--out <file>', `the HTML file to write (default ${EXPLORER_FILE})`)
    .action((opts: ExploreCliOptions) => {
      const { file, bytes } = explore(opts);
      process.stderr.write(`specgd: wrote ${file} (${Math.round(bytes / 1024)} KiB; open it in a browser, works offline)\n`);
    });
}
