/**
 * Stand-in for `zod` in the explorer's browser bundle (bundle.ts aliases `zod` to this file). The registry files
 * build their config schemas at load time (`z.strictObject({...})`); the page never parses a config, so every
 * property access and call on `z` returns the same inert object. Keeps zod out of the page (its JIT compiles
 * parsers with `new Function`, which the page's Content-Security-Policy forbids).
 */
type Inert = ((...args: unknown[]) => Inert) & { readonly [key: string]: Inert };

const handler: ProxyHandler<() => void> = {
  get: (_target, key) => (key === Symbol.toPrimitive ? () => '' : inert),
  apply: () => inert,
};
const inert = new Proxy(function inertSchema() {}, handler) as unknown as Inert;

export const z = inert;
export default inert;
