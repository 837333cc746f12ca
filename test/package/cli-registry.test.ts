/**
 * The static command registry (src/cli/commands/index.ts) that replaced the directory scan (a built dist/ has no
 * .ts files to find): every command file is listed, each module registers exactly the command it is listed under,
 * and the CLI loads only the modules the arguments need.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { buildProgram, commandsFor } from '../../src/cli/main.js';

const names = (entries: readonly { name: string }[]) => entries.map((e) => e.name);

describe('CLI command registry', () => {
  it('lists every file of src/cli/commands/ (one file per command), in alphabetical order', () => {
    const dir = fileURLToPath(new URL('../../src/cli/commands/', import.meta.url));
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.slice(0, -'.ts'.length))
      .sort();
    expect(names(COMMANDS)).toEqual(files);
  });

  it('each module registers exactly the command it is listed under', async () => {
    const program = await buildProgram();
    expect(program.commands.map((c) => c.name())).toEqual(names(COMMANDS));
  });

  it('loads no command for --version, the named one for `<command> ...` and `help <command>`, all for the overall help', () => {
    expect(commandsFor(['--version'])).toEqual([]);
    expect(commandsFor(['-V'])).toEqual([]);
    for (const c of COMMANDS) {
      expect(names(commandsFor([c.name, '--help']))).toEqual([c.name]);
      expect(names(commandsFor(['help', c.name]))).toEqual([c.name]);
    }
    for (const argv of [[], ['--help'], ['-h'], ['help'], ['--no-such-option']]) expect(names(commandsFor(argv))).toEqual(names(COMMANDS));
  });
});
