#!/usr/bin/env node
// Measures how many doubles pandas' read_csv changes, by parser and by number format (core/csv.ts cites this):
//  - "shortest": the shortest round-trip decimal (what specgd writes, ECMAScript Number#toString);
//  - "best17":   for each value, a decimal that reads back exactly with a correctly rounded parser AND with a
//                simulation of pandas' default C parser (precise_xstrtod: at most 17 digits accumulated in a double,
//                then one multiplication/division by a power of ten), searched over nearby 17-digit mantissas.
// The simulation is checked against pandas itself (it must predict pandas' default result for every value).
// Usage: node scripts/pandas-csv-roundtrip.mjs [N=200000]   (needs Python with pandas: python3 or /usr/bin/python3)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = Number(process.argv[2] ?? 200000);
const P10 = Array.from({ length: 309 }, (_, k) => Number(`1e${k}`));

/** pandas' precise_xstrtod (pandas/_libs/src/parser/tokenizer.c), for plain decimal/exponent strings. */
function pandasParse(s) {
  let p = 0, neg = false, number = 0, exponent = 0, nd = 0;
  const digit = () => p < s.length && s[p] >= '0' && s[p] <= '9';
  if (s[p] === '-') (neg = true), p++;
  else if (s[p] === '+') p++;
  while (digit()) { if (nd < 17) { number = number * 10 + (s.charCodeAt(p) - 48); nd++; } else exponent++; p++; }
  if (s[p] === '.') {
    p++;
    let dec = 0;
    while (nd < 17 && digit()) { number = number * 10 + (s.charCodeAt(p) - 48); p++; nd++; dec++; }
    while (digit()) p++;
    exponent -= dec;
  }
  if (s[p] === 'e' || s[p] === 'E') {
    p++;
    let eneg = false, n = 0;
    if (s[p] === '-') (eneg = true), p++;
    else if (s[p] === '+') p++;
    while (digit()) n = n * 10 + (s.charCodeAt(p++) - 48);
    exponent += eneg ? -n : n;
  }
  if (exponent > 308) number = Infinity;
  else if (exponent > 0) number *= P10[exponent];
  else if (exponent < -308) number = exponent < -616 ? 0 : number / P10[-308 - exponent] / P10[308];
  else number /= P10[-exponent];
  return neg ? -number : number;
}

function best17(x) {
  const s = String(x);
  if (x === 0 || pandasParse(s) === x) return s;
  const sign = x < 0 ? '-' : '';
  const [m, e] = Math.abs(x).toExponential(16).split('e');
  const M = BigInt(m.replace('.', ''));
  const E = Number(e) - 16;
  for (let k = 0; k <= 40; k++) for (const d of k === 0 ? [0n] : [BigInt(k), -BigInt(k)]) {
    const c = `${sign}${M + d}e${E}`;
    if (Number(c) === x && pandasParse(c) === x) return c;
  }
  return s;
}

// Deterministic values: uniform [0,1), signed log-uniform over 1e-20..1e19, η·k grids, exp(−u·30).
let st = 0x2545f4914f6cdd1dn;
const M64 = (1n << 64n) - 1n;
const u = () => { st ^= (st << 13n) & M64; st ^= st >> 7n; st ^= (st << 17n) & M64; return Number(st >> 11n) / 2 ** 53; };
const vals = Array.from({ length: N }, (_, i) => [() => u(), () => (u() - 0.5) * 10 ** Math.floor(u() * 40 - 20), () => 0.002 * Math.floor(u() * 3000), () => Math.exp(-u() * 30)][i % 4]());

const dir = mkdtempSync(join(tmpdir(), 'pandas-rt-'));
const formats = { shortest: String, best17 };
for (const [name, fmt] of Object.entries(formats)) writeFileSync(join(dir, `${name}.csv`), `x\n${vals.map(fmt).join('\n')}\n`);
writeFileSync(join(dir, 'truth.json'), JSON.stringify(vals.map(String)));
const simulated = Object.fromEntries(Object.entries(formats).map(([name, fmt]) => [name, vals.filter((v) => pandasParse(fmt(v)) !== v).length]));
const py = `
import json, pandas as pd
truth = [float(t) for t in json.load(open("truth.json"))]
out = {"pandas": pd.__version__}
for f in ["shortest", "best17"]:
    for label, kw in [("default", {}), ("round_trip", {"float_precision": "round_trip"})]:
        x = pd.read_csv(f + ".csv", **kw)["x"].tolist()
        out[f + " " + label] = sum(1 for a, b in zip(x, truth) if a != b)
print(json.dumps(out))
`;
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0);
if (!python) { console.log('no Python with pandas (Debian: apt-get install python3-pandas)'); process.exit(1); }
const r = spawnSync(python, ['-c', py], { cwd: dir, encoding: 'utf8' });
if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
const res = JSON.parse(r.stdout);
console.log(`${N} doubles, pandas ${res.pandas} (${python}); values changed by read_csv:`);
for (const f of Object.keys(formats)) console.log(`  ${f.padEnd(9)} default ${res[`${f} default`]} (simulation predicts ${simulated[f]}), round_trip ${res[`${f} round_trip`]}`);
