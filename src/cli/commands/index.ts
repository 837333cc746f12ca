/**
 * The registry of `specgd` subcommands: one file per command in this folder, each exporting
 * `register(program: Command): void`, and one line here naming it. The list is static (a built `dist/` has no
 * `.ts` files to discover) and each module is imported only when its command runs, so `specgd --version` and
 * `specgd <command>` do not load the dependencies of the other commands.
 */
import type { Command } from 'commander';

export interface CommandModule {
  register(program: Command): void;
}

export interface CommandEntry {
  /** The subcommand's name, as its module registers it. */
  readonly name: string;
  readonly load: () => Promise<CommandModule>;
}

/** Every subcommand, in the order `specgd --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'compare', load: () => import('./compare.js') },
  { name: 'derive', load: () => import('./derive.js') },
  { name: 'explore', load: () => import('./explore.js') },
  { name: 'merge', load: () => import('./merge.js') },
  { name: 'report', load: () => import('./report.js') },
  { name: 'reproduce', load: () => import('./reproduce.js') },
  { name: 'simulate', load: () => import('./simulate.js') },
  { name: 'slurm', load: () => import('./slurm.js') },
  { name: 'sweep', load: () => import('./sweep.js') },
  { name: 'theory', load: () => import('./theory.js') },
  { name: 'thresholds', load: () => import('./thresholds.js') },
];
