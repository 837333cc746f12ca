/**
 * The `specgd` command. Each subcommand lives in `src/cli/commands/<name>.ts` and exports
 * `register(program: Command): void`. Exit codes: 0 success (a diverged run is a result, not a failure),
 * 2 bad input (config or arguments; nothing is written), 1 internal error.
 */
import { Command, CommanderError } from 'commander';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CheckFailure, ConfigError } from '../core/errors.js';
import { toolVersion } from '../core/provenance.js';

export interface CommandModule {
  register(program: Command): void;
}

const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));

export async function buildProgram(): Promise<Command> {
  const program = new Command('specgd')
    .description('Derive, integrate, simulate and compare GD vs spectral GD on anisotropic phase retrieval')
    .version(toolVersion())
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .showHelpAfterError(false);
  const files = readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort();
  for (const f of files) {
    const mod = (await import(pathToFileURL(`${commandsDir}${f}`).href)) as Partial<CommandModule>;
    if (typeof mod.register === 'function') mod.register(program);
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
  const program = await buildProgram();
  try {
    const first = argv[0];
    const names = program.commands.map((c) => c.name());
    if (first === undefined) {
      process.stdout.write(program.helpInformation());
      return 0;
    }
    if (!first.startsWith('-') && first !== 'help' && !names.includes(first)) {
      throw new ConfigError('command', first, `one of ${names.join(', ')} (see specgd --help)`);
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
    if (e instanceof CheckFailure) {
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
