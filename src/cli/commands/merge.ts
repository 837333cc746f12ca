/**
 * `specgd merge FILE... [--out FILE] [--csv FILE]`: join the shard outputs of a sharded `specgd sweep` or
 * `specgd simulate` (cluster/merge.ts) into exactly the output of the unsharded run (byte-identical JSON), and
 * optionally its tidy CSV with the `.meta.json` sidecar. Shards from different jobs (configs, grid, tool version,
 * git commit), a shard given twice or a missing shard: a one-line error, exit 2, nothing written.
 */
import type { Command } from 'commander';
import { readJsonFile } from '../../config/config.js';
import { mergeShards } from '../../cluster/merge.js';
import { simulateCsv, type SimulateGridOutput } from '../../cluster/simulate-grid.js';
import { writeCsvWithMeta } from '../../core/csv.js';
import { toJson } from '../../core/output.js';
import type { SweepResult } from '../../dynamics/sweep.js';
import { sweepCsv } from '../../dynamics/sweep.js';
import { checkOutFile } from '../args.js';
import { writeOrPrint } from '../output.js';
import { sweepCsvMeta } from './sweep.js';

export interface MergeCliOptions {
  out?: string;
  csv?: string;
}

/** The merged JSON text and, when asked, the CSV and its sidecar. */
export function mergeOutputs(files: string[], opts: MergeCliOptions): { json: string; csv?: { csv: string; meta: string } } {
  checkOutFile('--out', opts.out);
  checkOutFile('--csv', opts.csv);
  const merged = mergeShards(files.map((file) => ({ file, data: readJsonFile(file, file, 'a path to an existing shard JSON file') })));
  const json = toJson(merged);
  if (opts.csv === undefined) return { json };
  if ('points' in merged) {
    const r = merged as unknown as SweepResult;
    const csv = sweepCsv(r);
    return { json, csv: { csv, meta: sweepCsvMeta(r, csv) } };
  }
  return { json, csv: simulateCsv(merged as unknown as SimulateGridOutput) };
}

export function register(program: Command): void {
  program
    .command('merge')
    .description('join the shard outputs of a sharded sweep or simulate (--shard-index/--shard-count) into the unsharded result')
    .argument('<files...>', 'the shard JSON files (any order)')
    .option('--out <file>', 'write the merged JSON to FILE instead of stdout')
    .option('--csv <file>', 'also write the tidy CSV of the merged result (and its .meta.json)')
    .action((files: string[], opts: MergeCliOptions) => {
      const { json, csv } = mergeOutputs(files, opts);
      if (csv !== undefined && opts.csv !== undefined) writeCsvWithMeta(opts.csv, csv.csv, csv.meta);
      writeOrPrint(opts.out, json);
    });
}
