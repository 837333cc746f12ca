/**
 * The `specgd` command. Each subcommand lives in `src/cli/commands/<name>.ts`, exports
 * `register(program: Command): void` and is listed in `src/cli/commands/index.ts`. Only the modules the
 * arguments need are imported (none for `--version`, one for `specgd <command> ...`, all for the overall help).
 * Exit codes: 0 success (a diverged run is a result, not a failure), 2 bad input (config or arguments; nothing is
 * written), 1 internal error.
 */
import { Command, CommanderError } from 'commander';
import { CheckFailure, ConfigError, InternalError, RunFailure } from '../core/errors.js';
import { toolVersion } from '../core/provenance.js';
import { COMMANDS, type CommandEntry } from './commands/index.js';

export type { CommandModule } from './commands/index.js';

const VERSION_FLAGS = new Set(['-V', '--version']);

/**
 * The commands the arguments need: the named one (`specgd theory ...`, `specgd help theory`), none for
 * `--version`, every one otherwise (the overall help, an unknown option: commander lists or checks them all).
 */
export function commandsFor(argv: readonly string[]): readonly CommandEntry[] {
  const first = argv[0];
  const named = (name: string | undefined) => COMMANDS.filter((c) => c.name === name);
  if (first === undefined) return COMMANDS;
  if (first === 'help') return argv[1] !== undefined && named(argv[1]).length > 0 ? named(argv[1]) : COMMANDS;
  if (VERSION_FLAGS.has(first)) return [];
  if (first.startsWith('-')) return COMMANDS;
  return named(first);
}

/** The commander program with the given commands registered (all of them by default). */
export async function buildProgram(entries: readonly CommandEntry[] = COMMANDS): Promise<Command> {
  const program = new Command('specgd')
    .description('Derive, integrate, simulate and compare GD vs spectral GD on anisotropic phase retrieval')
    .version(toolVersion())
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .showHelpAfterError(false);
  for (const entry of entries) {
    const before = program.commands.length;
    (await entry.load()).register(program);
    const added = program.commands.slice(before).map((c) => c.name());
    if (added.length !== 1 || added[0] !== entry.name) {
      throw new InternalError(`command module "${entry.name}" registered [${added.join(', ')}], expected exactly "${entry.name}"`);
    }
  }
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ outputError: () => {} });
  return program;
}

/** Longest error line printed (a 10 MB value in a config must not become a 10 MB message). */
export const MAX_MESSAGE_CHARS = 1000;

/** An error message as one line of at most MAX_MESSAGE_CHARS characters. */
function oneLine(message: string): string {
  const s = message.replace(/\s*\n\s*/g, ' ');
  return s.length > MAX_MESSAGE_CHARS ? `${s.slice(0, MAX_MESSAGE_CHARS - 3)}...` : s;
}

let pipeGuard = false;
/**
 * `specgd theory | head`: the reader closes the pipe and the next write to stdout fails with EPIPE, which Node
 * raises as an unhandled 'error' event with a stack. The output was not wanted any more: exit quietly.
 */
function guardStdoutPipe(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    process.stderr.write(`specgd: cannot write to stdout (${e.code ?? e.message})\n`);
    process.exit(1);
  });
}

/** Run the CLI; returns the exit code (never calls process.exit, so tests can call it in-process). */
export async function main(argv: string[]): Promise<number> {
  guardStdoutPipe();
  try {
    const first = argv[0];
    const names = COMMANDS.map((c) => c.name);
    if (first !== undefined && !first.startsWith('-') && first !== 'help' && !names.includes(first)) {
      throw new ConfigError('command', first, `one of ${names.join(', ')} (see specgd --help)`);
    }
    const program = await buildProgram(commandsFor(argv));
    if (first === undefined) {
      process.stdout.write(program.helpInformation());
      return 0;
    }
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      process.stderr.write(`specgd: ${oneLine(e.message.replace(/^error: /, ''))}\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`specgd: ${oneLine(e.message)}\n`);
      return 2;
    }
    if (e instanceof CheckFailure || e instanceof RunFailure) {
      process.stderr.write(`specgd: ${oneLine(e.message)}\n`);
      return 1;
    }
    // A bug in specgd: one line for the user; the stack only on request (SPECGD_DEBUG=1).
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    process.stderr.write(`specgd: internal error (a bug in specgd, please report it): ${oneLine(message)}\n`);
    if (process.env.SPECGD_DEBUG === '1' && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
