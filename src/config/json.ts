/**
 * Strict JSON for every input file (config, --theory/--simulation trajectories, results bundles): JSON.parse plus
 * the two checks it lacks, done first by a linear scan of the text that never recurses:
 *  - a duplicate key in an object is rejected, naming its path (JSON.parse silently keeps the last one, so
 *    `"d": 6, "d": 1e9` would run d = 1e9);
 *  - nesting deeper than MAX_JSON_DEPTH is rejected (no input of specgd needs more than a few levels; a recursive
 *    consumer of a 5000-deep value overflows the stack).
 * A malformed text is left to JSON.parse, whose message names the position.
 */

/** Deepest nesting of objects/arrays accepted in an input file (the deepest specgd writes is < 10). */
export const MAX_JSON_DEPTH = 64;

export type JsonProblem = { kind: 'duplicate-key'; path: string; key: string } | { kind: 'too-deep'; path: string; depth: number } | { kind: 'syntax'; message: string };

type Frame = { obj: true; keys: Set<string>; expectKey: boolean; key: string | null } | { obj: false; index: number };

function pathOf(stack: Frame[]): string {
  let s = '';
  for (const f of stack) {
    if (f.obj) {
      if (f.key !== null) s += s ? `.${f.key.length > 40 ? `${f.key.slice(0, 40)}...` : f.key}` : f.key;
    } else s += `[${f.index}]`;
    if (s.length > 160) return `${s.slice(0, 160)}...`;
  }
  return s || '(top level)';
}

/** Scan `text` for duplicate keys and excessive depth; null when neither occurs (syntax is JSON.parse's job). */
export function scanJson(text: string, maxDepth = MAX_JSON_DEPTH): JsonProblem | null {
  const stack: Frame[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      let j = i + 1;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 0x5c /* \ */) j += 2;
        else if (c === 0x22) break;
        else j++;
      }
      if (j >= n) return null; // unterminated: JSON.parse reports it
      const top = stack[stack.length - 1];
      if (top !== undefined && top.obj && top.expectKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {
          return null;
        }
        if (top.keys.has(key)) {
          top.key = key;
          return { kind: 'duplicate-key', path: pathOf(stack), key };
        }
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = j;
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      if (stack.length >= maxDepth) return { kind: 'too-deep', path: pathOf(stack), depth: stack.length + 1 };
      stack.push(ch === 0x7b ? { obj: true, keys: new Set(), expectKey: true, key: null } : { obj: false, index: 0 });
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      stack.pop();
    } else if (ch === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top === undefined) continue;
      if (top.obj) top.expectKey = true;
      else top.index++;
    }
  }
  return null;
}

/** Parse `text` strictly: a `JsonProblem` on a duplicate key, too deep a nesting or a syntax error. */
export function parseJsonStrict(text: string): { ok: true; value: unknown } | { ok: false; problem: JsonProblem } {
  const problem = scanJson(text);
  if (problem) return { ok: false, problem };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, problem: { kind: 'syntax', message: (e as Error).message.split('\n')[0].slice(0, 200) } };
  }
}

/** What a problem means, for "expected ..." in a one-line error. */
export function describeJsonProblem(p: JsonProblem): string {
  switch (p.kind) {
    case 'duplicate-key':
      return `a JSON object without duplicate keys (the key ${JSON.stringify(p.key.length > 40 ? `${p.key.slice(0, 40)}...` : p.key)} appears twice at ${p.path})`;
    case 'too-deep':
      return `JSON nested at most ${MAX_JSON_DEPTH} levels deep (nesting goes deeper at ${p.path})`;
    case 'syntax':
      return `a file holding valid JSON (${p.message})`;
  }
}
