import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

function capture() {
  const err: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
  return { err, restore: () => spy.mockRestore() };
}

describe('specgd CLI', () => {
  it('an unknown command is a one-line error with exit code 2', async () => {
    const c = capture();
    const code = await main(['frobnicate']);
    c.restore();
    expect(code).toBe(2);
    expect(c.err.join('')).toMatch(/frobnicate/);
    expect(c.err.join('').trim().split('\n')).toHaveLength(1);
  });
});
