/**
 * Property-based fuzzing of the CLI (issue 15, build 5): fast-check generates configs (valid, extreme and broken
 * values, missing and unknown keys, duplicate seeds) and flag sets (every command that takes a config, output
 * options pointing at good and bad paths) and runs each case in-process through `main(argv)`. Asserted per case:
 *  - exit code 0 or 2 (1 only for `compare --strict` with a failed verdict or a failed derivation check);
 *  - no stack trace and no internal error on stderr; a refusal (2) is one line;
 *  - no file left in the output folder after a refusal, no temporary file after any run;
 *  - no non-finite number (NaN, Infinity) in any output (JSON, CSV, stdout);
 *  - bounded time per case and bounded memory of the process: its resident set (the high-water mark of every case
 *    run so far) and, after a full garbage collection, the memory it retains (a leak detector).
 * Small sizes and a tight budget (SPECGD_TIME_LIMIT_S, SPECGD_MEMORY_LIMIT_MB below) keep every accepted run
 * short. Seeded: FUZZ_SEED (default 15); FUZZ_RUNS cases (default 1000). The counts are printed at the end.
 * Diagnostics: FUZZ_MEMLOG=FILE appends one line per case (case, command, exit, ms, rss, heapTotal, heapUsed,
 * external, arrayBuffers, argv, config); with FUZZ_GC=1 after a full collection.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 15);
/** Per-case wall-clock bound (the budget below refuses anything estimated over 1 s; slack for a busy machine). */
const CASE_TIME_LIMIT_MS = 30_000;
/** Resident-set bound of the test process (the memory budget below is 256 MB per run). */
const RSS_LIMIT_BYTES = 2 * 2 ** 30;
/**
 * Bound of the memory the process retains after a full garbage collection (heap used + external): what outlives
 * the cases is the bounded caches (32 derivations, 64 compiled systems, 256 sweep systems) and the loaded modules,
 * measured 30–60 MB after 100–1300 cases (FUZZ_MEMLOG with FUZZ_GC). Checked every RETAINED_CHECK_EVERY cases and
 * whenever the resident set passes its bound: V8 collects lazily, so between collections the heap holds the
 * garbage of many earlier cases (measured: 1.96 GB heap used at case 750 of seed 16, 30 MB after a full
 * collection), and the resident set alone cannot tell garbage from a leak.
 */
const RETAINED_LIMIT_BYTES = 256 * 2 ** 20;
const RETAINED_CHECK_EVERY = 500;
/** A full garbage collection without --expose-gc on the command line (V8 exposes `gc` to new contexts). */
setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;
function retainedBytes(): number {
  fullGc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const root = mkdtempSync(join(tmpdir(), 'specgd-fuzz-'));
const inputs = join(root, 'inputs');
const fixtures = join(root, 'fixtures');
mkdirSync(inputs);
mkdirSync(join(fixtures, 'a-folder'), { recursive: true });
writeFileSync(join(fixtures, 'a-file'), 'x');

const saved = { time: process.env.SPECGD_TIME_LIMIT_S, mem: process.env.SPECGD_MEMORY_LIMIT_MB };
beforeAll(() => {
  process.env.SPECGD_TIME_LIMIT_S = '1';
  process.env.SPECGD_MEMORY_LIMIT_MB = '256';
});
afterAll(() => {
  if (saved.time === undefined) delete process.env.SPECGD_TIME_LIMIT_S;
  else process.env.SPECGD_TIME_LIMIT_S = saved.time;
  if (saved.mem === undefined) delete process.env.SPECGD_MEMORY_LIMIT_MB;
  else process.env.SPECGD_MEMORY_LIMIT_MB = saved.mem;
  rmSync(root, { recursive: true, force: true });
});

// ---- generators --------------------------------------------------------------------------------------------

/** Numbers a user could write: ordinary ones, range limits, float64 extremes, and non-numbers. */
const extremeNumber = fc.constantFrom(0, -1, 1e-100, 1e100, 1e-101, 1e101, 1e150, 1e300, 1.7976931348623157e308, 5e-324, 1e-320, 2 ** 53 - 1, 2 ** 31, 1e9, 0.5, 1.5);
const junk = fc.oneof(fc.constant(null), fc.constant('1'), fc.constant(true), fc.constant([]), fc.constant({}), fc.string({ maxLength: 8 }));
/** Mostly ordinary values (so that many configs are valid and run), sometimes an extreme or a non-number. */
const num = (lo: number, hi: number) => fc.oneof({ weight: 100, arbitrary: fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }) }, { weight: 2, arbitrary: extremeNumber }, { weight: 1, arbitrary: junk });
const int = (lo: number, hi: number) => fc.oneof({ weight: 100, arbitrary: fc.integer({ min: lo, max: hi }) }, { weight: 2, arbitrary: extremeNumber }, { weight: 1, arbitrary: junk });

/**
 * φ = signalSpikeAngle (radians, valid in [−π, π]): ordinary angles mostly; the limits ±π, 0, ±tiny (denormal: sin φ
 * ≠ 0 switches to the matrix-block reduction), just past ±π, huge, and non-numbers (NaN-like strings).
 */
const angle = fc.oneof(
  { weight: 20, arbitrary: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true, noDefaultInfinity: true }) },
  { weight: 6, arbitrary: fc.constantFrom(Math.PI, -Math.PI, 0, -0, 5e-324, -5e-324, 1e-300, 1e-8, Math.PI / 2, -Math.PI / 2) },
  { weight: 2, arbitrary: fc.constantFrom(3.1415926535897936, -3.1415926535897936, 4, 1e300, -1e300, 1.7976931348623157e308, 'NaN', 'Infinity', '-Infinity', '0', 'pi') },
  { weight: 1, arbitrary: junk },
);
/** One weight of a signal vector: ordinary, zero, denormal, tiny, huge (1e300), non-number. */
const weight = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: -3, max: 3, noNaN: true, noDefaultInfinity: true }) },
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.constantFrom(5e-324, -5e-324, 1e-320, 1e-300, 1e300, -1e300, 1.7976931348623157e308) },
  { weight: 1, arbitrary: junk },
);
/**
 * `signal` of the diagonal / power-law families (θ over eigen-directions): a d-vector (zeros, denormals, huge
 * weights), sometimes of the wrong length or all zeros; or a list of { index, weight } (indices mostly in 1..d,
 * sometimes repeated, out of range or not integers; weights sometimes 0).
 */
const signalFor = (d: number) => fc.oneof(
  { weight: 8, arbitrary: fc.array(weight, { minLength: d, maxLength: d }) },
  { weight: 1, arbitrary: fc.array(weight, { minLength: 0, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: d }, () => 0)) },
  { weight: 6, arbitrary: fc.array(fc.record({ index: int(1, d), weight }), { minLength: 1, maxLength: Math.min(d, 4) }) },
  { weight: 1, arbitrary: fc.array(fc.record({ index: fc.constantFrom(1, 1, 2, 0, d + 1, 1.5), weight }, { requiredKeys: ['index'] }), { minLength: 0, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.oneof(junk, fc.constant([1, { index: 1, weight: 1 }])) },
);
/** signalIndex or signal (exactly one is valid; both or neither must be refused). */
const signalFieldsFor = (d: number) => fc.oneof(
  { weight: 6, arbitrary: fc.record({ signalIndex: int(1, d) }) },
  { weight: 6, arbitrary: fc.record({ signal: signalFor(d) }) },
  { weight: 1, arbitrary: fc.record({ signalIndex: int(1, d), signal: signalFor(d) }) },
  { weight: 1, arbitrary: fc.constant({}) },
);
/** A covariance for dimension d (signal index and eigenvalue count mostly consistent with d). */
const covarianceFor = (d: number) => fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('spiked'), signalVariance: num(0.1, 5), spikeVariance: num(0.1, 60), bulkVariance: num(0.1, 5), basis: fc.oneof({ weight: 20, arbitrary: fc.constantFrom('canonical', 'random') }, { weight: 1, arbitrary: fc.constant('nope') }), signalSpikeAngle: angle }, { requiredKeys: ['kind', 'signalVariance', 'spikeVariance', 'bulkVariance'] }) },
  { weight: 3, arbitrary: fc.tuple(fc.record({ kind: fc.constant('powerlaw'), exponent: num(0, 3) }), signalFieldsFor(d)).map(([c, s]) => ({ ...c, ...s })) },
  { weight: 3, arbitrary: fc.tuple(fc.record({ kind: fc.constant('diagonal'), eigenvalues: fc.oneof({ weight: 10, arbitrary: fc.array(num(0.1, 10), { minLength: d, maxLength: d }) }, { weight: 1, arbitrary: fc.array(num(0.1, 10), { maxLength: 8 }) }) }), signalFieldsFor(d)).map(([c, s]) => ({ ...c, ...s })) },
  { weight: 1, arbitrary: junk },
);
const init = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('scaled-identity'), alpha: num(1e-6, 0.5) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('orthogonal'), alpha: num(1e-6, 0.5) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('gaussian'), std: num(1e-6, 0.5) }) },
  { weight: 1, arbitrary: junk },
);
const algorithm = fc.oneof(
  { weight: 10, arbitrary: fc.record({ name: fc.constant('gd'), eta: num(1e-4, 0.5) }) },
  { weight: 10, arbitrary: fc.record({ name: fc.constant('specgd'), eta: num(1e-4, 0.5), polar: fc.constantFrom('svd', 'svd', 'newton-schulz', 'newton-schulz', 'qr'), nsSteps: int(1, 8) }, { requiredKeys: ['name', 'eta'] }) },
  { weight: 1, arbitrary: junk },
);
const data = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ mode: 'population' }) },
  { weight: 4, arbitrary: fc.record({ mode: fc.constant('full-batch'), n: int(1, 40) }) },
  { weight: 4, arbitrary: fc.record({ mode: fc.constant('online'), batch: int(1, 20) }) },
  { weight: 1, arbitrary: junk },
);
const config = fc
  .record(
    {
      model: fc.integer({ min: 3, max: 10 }).chain((d) => fc.record(
        {
          d: fc.oneof({ weight: 40, arbitrary: fc.constant(d) }, { weight: 2, arbitrary: extremeNumber }, { weight: 1, arbitrary: junk }),
          covariance: covarianceFor(d),
          student: fc.oneof({ weight: 20, arbitrary: fc.constantFrom({ kind: 'matrix' }, { kind: 'vector' }) }, { weight: 1, arbitrary: fc.record({ kind: fc.constant('matrix'), width: int(2, 10) }) }, { weight: 1, arbitrary: junk }),
          init,
          lossScale: num(1e-3, 10),
          labelNoise: num(0, 1),
        },
        { requiredKeys: ['d', 'covariance'] },
      )),
      algorithms: fc.oneof({ weight: 20, arbitrary: fc.array(algorithm, { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: fc.constant([]) }),
      steps: int(1, 60),
      data,
      seeds: fc.oneof({ weight: 8, arbitrary: fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 0, maxLength: 3 }) }),
      record: fc.oneof({ weight: 20, arbitrary: fc.constantFrom('auto', 'all', 'log') }, { weight: 1, arbitrary: fc.constant('every') }, { weight: 10, arbitrary: int(1, 80) }),
      events: fc.record({ escapeLevel: num(0.1, 1), lossLevel: num(1e-6, 1) }, { requiredKeys: [] }),
      junkKey: junk,
    },
    { requiredKeys: ['model'] },
  )
  .map((c) => {
    // A junk key only sometimes (it must be rejected): move it under a random name.
    const { junkKey, ...rest } = c as Record<string, unknown>;
    return junkKey !== undefined && typeof junkKey === 'string' && junkKey.length > 6 ? { ...rest, [junkKey]: 1 } : rest;
  });

/**
 * Configs that are valid except (rarely) in the new fields (issue 13: signalSpikeAngle, signal; full-batch configs'
 * spectralInit): the broad generator above refuses ~90 % of its configs for some other field, so without these the
 * accepted runs of the new code paths would be a handful.
 */
const cleanAlgorithm = fc.oneof(
  fc.record({ name: fc.constant('gd'), eta: fc.double({ min: 1e-3, max: 0.3, noNaN: true }) }),
  fc.record({ name: fc.constant('specgd'), eta: fc.double({ min: 1e-3, max: 0.3, noNaN: true }), polar: fc.constantFrom('svd', 'newton-schulz') }),
);
const cleanConfig = fc.integer({ min: 3, max: 8 }).chain((d) => fc.record({
  model: fc.record({
    d: fc.constant(d),
    covariance: fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('spiked'), signalVariance: fc.double({ min: 0.2, max: 4, noNaN: true }), spikeVariance: fc.double({ min: 0.2, max: 40, noNaN: true }), bulkVariance: fc.double({ min: 0.1, max: 2, noNaN: true }), basis: fc.constantFrom('canonical', 'random'), signalSpikeAngle: angle }, { requiredKeys: ['kind', 'signalVariance', 'spikeVariance', 'bulkVariance'] }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('powerlaw'), exponent: fc.double({ min: 0, max: 2, noNaN: true }), signal: signalFor(d) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('diagonal'), eigenvalues: fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), { minLength: d, maxLength: d }), signal: signalFor(d) }) },
    ),
    init: fc.record({ kind: fc.constant('scaled-identity'), alpha: fc.double({ min: 1e-4, max: 0.3, noNaN: true }) }),
  }),
  algorithms: fc.array(cleanAlgorithm, { minLength: 1, maxLength: 2 }),
  steps: fc.integer({ min: 1, max: 40 }),
  data: fc.oneof(fc.constant({ mode: 'population' }), fc.record({ mode: fc.constant('full-batch'), n: fc.integer({ min: 1, max: 30 }) }), fc.record({ mode: fc.constant('online'), batch: fc.integer({ min: 1, max: 10 }) })),
  seeds: fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 2 }),
}));

/** Where an output option points: a fresh path in the case folder mostly, sometimes a path that must be refused. */
const badPath = fc.constantFrom('@folder', '@under-file', '/proc/nope/x.json', 'same.txt');
const outPath = fc.oneof({ weight: 12, arbitrary: fc.constantFrom('out/x.json', 'x.json') }, { weight: 1, arbitrary: badPath });
const csvPath = fc.oneof({ weight: 12, arbitrary: fc.constantFrom('x.csv', 'deep/er/x.csv') }, { weight: 1, arbitrary: badPath });

/** One of `good` mostly, one of `bad` (must be refused) about one time in eleven. */
const rare = (good: string[], bad: string[]) => fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });

const command = fc.oneof(
  { weight: 5, arbitrary: fc.record({ cmd: fc.constant('theory'), flow: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), signFlow: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), epsilon: fc.option(fc.oneof({ weight: 10, arbitrary: fc.constantFrom('0.01', '0.1', '1e-300') }, { weight: 1, arbitrary: fc.constantFrom('0', 'x') }), { freq: 2 }) }) },
  { weight: 5, arbitrary: fc.record({ cmd: fc.constant('simulate'), seeds: fc.option(rare(['1', '2', '3'], ['0', '1e12'])) }) },
  { weight: 3, arbitrary: fc.record({ cmd: fc.constant('compare'), strict: fc.boolean(), windowLevel: fc.option(fc.oneof({ weight: 10, arbitrary: fc.constantFrom('0.5', '0.9') }, { weight: 1, arbitrary: fc.constantFrom('2', '0') })) }) },
  { weight: 2, arbitrary: fc.record({ cmd: fc.constant('thresholds'), lambdaV: fc.option(rare(['1,10', '5'], ['1e300', '0'])), resolution: rare(['0.1', '0.3'], ['1e-300', '2']) }) },
  { weight: 2, arbitrary: fc.record({ cmd: fc.constant('sweep'), grid: rare(['lambda-eta', 'lambda-d', 'lambda-alpha', 'lambda-phi'], ['nope']), axis: rare(['3:5:2', '0.01:0.1:3', '0.001:0.01:2'], ['3:1e12:2', '1:2:100000000', '2:1:2']), steps: rare(['5', '20'], ['0', '99999999999999999999']) }) },
  // φ grids (sweep --grid lambda-phi --phi LO:HI:N, radians within [−π, π]): the limits, a single point, denormal
  // and tiny ends, and refusals (past π, NaN, huge, too many points, malformed).
  { weight: 1, arbitrary: fc.record({ cmd: fc.constant('sweep-phi'), phi: rare(['0:1.5707963267948966:3', '-3.141592653589793:3.141592653589793:3', '0:0:1', '5e-324:1e-8:2', '-0.5:0.5:2', '3.141592653589793:3.141592653589793:1', '1e-300:1:2'], ['0:4:2', 'NaN:1:2', '0:NaN:2', '-1e300:0:2', '0:1e300:2', '0:1:100000000', '1:0:2', '0:1', '0:1:0', 'x', '0:1:2.5', '-3.1415926535897936:0:2']), steps: rare(['5', '20'], ['0']) }) },
  { weight: 1, arbitrary: fc.record({ cmd: fc.constant('derive'), format: rare(['md', 'json', 'tex'], ['pdf']) }) },
);

const caseArb = fc.record({
  config: fc.oneof({ weight: 3, arbitrary: config }, { weight: 1, arbitrary: cleanConfig }),
  command,
  out: fc.option(outPath),
  csv: fc.option(csvPath),
  // A preset only rarely (the presets are full-size runs): an unknown name, or the small-d check of the flags.
  usePreset: fc.oneof({ weight: 30, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant('nope') }),
});

// ---- checks --------------------------------------------------------------------------------------------------

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Non-finite numbers in an output text: NaN / Infinity tokens (JSON cannot hold them; CSV and tables can). */
function nonFinite(text: string): string | null {
  const m = /(?<![A-Za-z_])(-?Infinity|NaN)(?![A-Za-z_])/.exec(text);
  return m ? m[0] : null;
}

const counts = { cases: 0, exit0: 0, exit1: 0, exit2: 0, byCommand: {} as Record<string, Record<string, number>> };
let started = 0;
let peakRss = 0;
let peakRetained = 0;

function resolvePath(caseDir: string, p: string): string {
  if (p === '@folder') return join(fixtures, 'a-folder');
  if (p === '@under-file') return join(fixtures, 'a-file', 'x.json');
  return p.startsWith('/') ? p : join(caseDir, p);
}

describe('fuzz: the CLI on generated configs and flags', () => {
  it(`${RUNS} cases (seed ${SEED}): exit 0/2, one-line refusals, no stack trace, no file left on failure, no non-finite output`, async () => {
    started = Date.now();
    let i = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        i += 1;
        const caseDir = join(root, `case-${i}`);
        mkdirSync(caseDir);
        const cfgFile = join(inputs, `c${i}.json`);
        writeFileSync(cfgFile, JSON.stringify(c.config));
        const argv: string[] = [c.command.cmd];
        if (c.usePreset !== null) argv.push('--preset', c.usePreset);
        else argv.push('--config', cfgFile);
        const k = c.command;
        if (k.cmd === 'theory') {
          if (k.flow) argv.push('--flow');
          if (k.signFlow) argv.push('--sign-flow');
          if (k.epsilon !== null) argv.push('--epsilon', k.epsilon);
        } else if (k.cmd === 'simulate') {
          argv.push('--no-progress');
          if (k.seeds !== null) argv.push('--seeds', k.seeds);
        } else if (k.cmd === 'compare') {
          if (k.strict) argv.push('--strict');
          if (k.windowLevel !== null) argv.push('--window-level', k.windowLevel);
        } else if (k.cmd === 'thresholds') {
          argv.push('--steps', '200', '--resolution', k.resolution);
          if (k.lambdaV !== null) argv.push('--lambda-v', k.lambdaV);
        } else if (k.cmd === 'sweep') {
          argv.push('--grid', k.grid, '--lambda-v', '1:20:2', '--workers', '0', '--no-progress', '--steps', k.steps);
          argv.push(k.grid === 'lambda-d' ? '--d' : k.grid === 'lambda-alpha' ? '--alpha' : '--eta', k.axis);
        } else if (k.cmd === 'sweep-phi') {
          argv[0] = 'sweep';
          argv.push('--grid', 'lambda-phi', '--lambda-v', '1:20:2', '--workers', '0', '--no-progress', '--steps', k.steps, '--phi', k.phi);
        } else if (k.cmd === 'derive') argv.push('--format', k.format);
        const csvAllowed = k.cmd === 'theory' || k.cmd === 'simulate' || k.cmd === 'sweep' || k.cmd === 'sweep-phi';
        const outFile = c.out !== null ? resolvePath(caseDir, c.out) : undefined;
        const csvFile = c.csv !== null && csvAllowed ? resolvePath(caseDir, c.csv) : undefined;
        if (c.out === 'same.txt' || c.csv === 'same.txt') expect(true).toBe(true); // same.txt as both: refused
        if (outFile) argv.push('--out', outFile);
        if (csvFile) argv.push('--csv', csvFile);

        const t0 = Date.now();
        const r = await runCli(argv);
        const ms = Date.now() - t0;
        counts.cases += 1;
        const key = `exit${r.code}` as 'exit0' | 'exit1' | 'exit2';
        if (key in counts) counts[key] += 1;
        if (process.env.FUZZ_PROFILE) console.log(`PROFILE ${ms} ${r.code} ${argv.join(' ')} ${r.err.slice(0, 120)}`);
        if (process.env.FUZZ_MEMLOG) {
          if (process.env.FUZZ_GC) fullGc();
          const m = process.memoryUsage();
          appendFileSync(process.env.FUZZ_MEMLOG, `${i} ${k.cmd} ${r.code} ${ms} ${m.rss} ${m.heapTotal} ${m.heapUsed} ${m.external} ${m.arrayBuffers} ${JSON.stringify(argv.filter((a) => !a.startsWith(root)))} ${JSON.stringify(c.config)}\n`);
        }
        const per = (counts.byCommand[k.cmd] ??= {});
        per[r.code] = (per[r.code] ?? 0) + 1;

        const where = `argv ${JSON.stringify(argv)} config ${JSON.stringify(c.config).slice(0, 400)}`;
        expect(ms, `time ${ms} ms: ${where}`).toBeLessThan(CASE_TIME_LIMIT_MS);
        const rss = process.memoryUsage().rss;
        peakRss = Math.max(peakRss, rss);
        expect(rss, `resident set: ${where}`).toBeLessThan(RSS_LIMIT_BYTES);
        if (i % RETAINED_CHECK_EVERY === 0 || rss > RSS_LIMIT_BYTES / 2) {
          const kept = retainedBytes();
          peakRetained = Math.max(peakRetained, kept);
          expect(kept, `retained after a full collection (case ${i}): ${where}`).toBeLessThan(RETAINED_LIMIT_BYTES);
        }
        expect(r.err, where).not.toMatch(/internal error|\n\s+at |^\s+at /);
        expect([0, 1, 2], `exit ${r.code}: ${r.err} ${where}`).toContain(r.code);
        if (r.code === 1) expect(r.err, where).toMatch(/^specgd: (compare --strict: |derivation check failed)/);
        const files = listFiles(caseDir);
        expect(files.filter((f) => f.includes('.tmp-')), where).toEqual([]);
        if (r.code === 2) {
          expect(r.err.trim().split('\n'), where).toHaveLength(1);
          expect(r.err, where).toMatch(/^specgd: /);
          // A refusal names the field, the value and what is valid; never zod's bare default text.
          expect(r.err, where).toMatch(/^specgd: invalid .+: got .*; expected \S/s);
          expect(r.err, where).not.toMatch(/expected Invalid input|Invalid input$/);
          expect(files, `files left after a refusal: ${where}`).toEqual([]);
        } else {
          for (const f of files) expect(nonFinite(readFileSync(f, 'utf8')), `${f}: ${where}`).toBeNull();
          expect(nonFinite(r.out), `stdout: ${where}`).toBeNull();
          if (outFile && r.code === 0 && !outFile.startsWith('/proc')) expect(existsSync(outFile), where).toBe(true);
        }
        rmSync(caseDir, { recursive: true, force: true });
        rmSync(cfgFile, { force: true });
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    const seconds = (Date.now() - started) / 1000;
    const kept = retainedBytes();
    expect(kept, 'retained after a full collection at the end').toBeLessThan(RETAINED_LIMIT_BYTES);
    const MB = (b: number) => `${Math.round(b / 2 ** 20)} MB`;
    console.log(`fuzz: ${counts.cases} cases (seed ${SEED}) in ${seconds.toFixed(1)} s: exit 0 ${counts.exit0}, exit 1 ${counts.exit1}, exit 2 ${counts.exit2}; by command ${JSON.stringify(counts.byCommand)}; peak resident set ${MB(peakRss)} (process maximum ${MB(process.resourceUsage().maxRSS * 1024)}), retained after a full collection ${MB(Math.max(peakRetained, kept))} at most, ${MB(kept)} at the end`);
  }, 3_600_000);
});
