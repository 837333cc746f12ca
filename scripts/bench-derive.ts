/**
 * Benchmark of `derive` (symbolic derivation + fixed points + checks) and `compileSystem`, with sympy as the
 * reference for the symbolic part: sympy expands the same reduced loss L = κ[T² + 2 Σ_k r_k λ_k² e_k²] and
 * differentiates it in every block coefficient (less than what derive does: no moment calculus, Jacobian, maps,
 * checks), timed inside the same run.
 *
 *   npx tsx scripts/bench-derive.ts [--blocks 50]
 */
import { spawnSync } from 'node:child_process';
import { parseConfig, presetConfig } from '../src/config/config.js';
import { PRESETS } from '../src/config/presets.js';
import { buildModelSpec, type ModelSpec } from '../src/model/spec.js';
import { derive, deriveSymbolic } from '../src/symbolic/derive.js';
import { compileSystem } from '../src/symbolic/compile.js';

const nBlocks = Number(process.argv[process.argv.indexOf('--blocks') + 1] || 50) || 50;

function diagonal(n: number): ModelSpec {
  const raw = structuredClone(PRESETS.powerlaw) as any;
  raw.model.d = n;
  raw.model.covariance = { kind: 'diagonal', eigenvalues: Array.from({ length: n }, (_, j) => 1 / (j + 1)), signalIndex: 3 };
  return buildModelSpec(parseConfig(raw));
}

/** Best of `reps` runs, and the first (cold: includes JIT warm-up) run. */
function time<T>(f: () => T, reps = 3): { ms: number; first: number; value: T } {
  let best = Infinity;
  let first = Number.NaN;
  let value!: T;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    value = f();
    const ms = performance.now() - t;
    if (i === 0) first = ms;
    best = Math.min(best, ms);
  }
  return { ms: best, first, value };
}

function sympyMs(n: number, spiked: boolean): number {
  const py = `
import time, sympy as sp
n=${n}; spiked=${spiked ? 'True' : 'False'}
t=time.perf_counter()
kappa,d=sp.symbols('kappa d')
a=sp.symbols(' '.join(f'a_{k}' for k in range(n))); lam=sp.symbols(' '.join(f'lambda_{k}' for k in range(n)))
r=[1]*n
if spiked: r[-1]=d-2
e=[a[k]**2-(1 if k==0 else 0) for k in range(n)]
T=sum(r[k]*lam[k]*e[k] for k in range(n))
L=sp.expand(kappa*(T**2+2*sum(r[k]*lam[k]**2*e[k]**2 for k in range(n))))
g=[sp.expand(sp.diff(L,a[k])) for k in range(n)]
print((time.perf_counter()-t)*1000)
`;
  const res = spawnSync('python3', ['-c', py], { encoding: 'utf8' });
  if (res.status !== 0) return Number.NaN;
  return Number(res.stdout.trim());
}

const rows: string[][] = [];
for (const [label, spec, sympyArgs] of [
  ['spiked (matrix)', buildModelSpec(presetConfig('spiked')), [3, true]],
  ['spiked (vector)', buildModelSpec(presetConfig('spiked-vector')), [3, true]],
  ['power law d = 8', buildModelSpec(presetConfig('powerlaw')), [8, false]],
  [`diagonal, ${nBlocks} blocks`, diagonal(nBlocks), [nBlocks, false]],
] as [string, ModelSpec, [number, boolean]][]) {
  const full = time(() => derive(spec), label.startsWith('diagonal') ? 1 : 3);
  const sym = time(() => deriveSymbolic(spec), label.startsWith('diagonal') ? 1 : 3);
  const comp = time(() => compileSystem(sym.value, spec), 1);
  const py = sympyMs(...sympyArgs);
  rows.push([label, full.first.toFixed(0), full.ms.toFixed(0), sym.ms.toFixed(0), comp.ms.toFixed(0), py.toFixed(0), (sym.ms / py).toFixed(2), full.value.checks.every((c) => c.passed) ? 'yes' : 'NO']);
}
const head = ['model', 'derive incl. checks, first run (ms)', 'derive incl. checks, best (ms)', 'symbolic only (ms)', 'compileSystem (ms)', 'sympy loss+grad (ms)', 'symbolic / sympy', 'checks pass'];
console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
