/**
 * The library boundary (src/library.ts): the exported entry points that run work refuse, before allocating, a run
 * beyond the resource budget (SPECGD_MEMORY_LIMIT_MB / SPECGD_TIME_LIMIT_S), exactly as the CLI does, with a
 * ConfigError naming the field that drives the cost; runs within the budget go through unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { ConfigError, parseConfig } from '../../src/index.js';
import * as theory from '../../src/dynamics/theory.js';
import * as sweep from '../../src/dynamics/sweep.js';
import * as simulate from '../../src/sim/simulate.js';
import * as stability from '../../src/dynamics/stability.js';
import * as derive from '../../src/symbolic/derive.js';
import * as compile from '../../src/symbolic/compile.js';
import * as plan from '../../src/pipeline/plan.js';
import * as reproduce from '../../src/pipeline/reproduce.js';

const saved = { time: process.env.SPECGD_TIME_LIMIT_S, mem: process.env.SPECGD_MEMORY_LIMIT_MB };
beforeAll(() => {
  process.env.SPECGD_TIME_LIMIT_S = '1';
  process.env.SPECGD_MEMORY_LIMIT_MB = '256';
});
afterAll(() => {
  for (const [k, v] of [['SPECGD_TIME_LIMIT_S', saved.time], ['SPECGD_MEMORY_LIMIT_MB', saved.mem]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const spiked = (patch: Record<string, unknown> = {}) => parseConfig({ model: { d: 6, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 } }, steps: 30, ...patch });

/** `f()` throws a ConfigError whose field is `field`, mentioning the budget. */
async function refused(f: () => unknown, field: string): Promise<void> {
  let err: unknown;
  try {
    await f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toMatch(new RegExp(`^invalid ${field.replace(/[.[\]]/g, '\\$&')}: .*budget`));
}

describe('library boundary: the budget applies to the exported entry points', () => {
  it('the public API exports the budgeted entries, not the stage functions', () => {
    const stages: [string, unknown][] = [['runTheory', theory.runTheory], ['runSweep', sweep.runSweep], ['runSimulation', simulate.runSimulation], ['runSimulationSeeds', simulate.runSimulationSeeds], ['stabilityReport', stability.stabilityReport], ['derive', derive.derive], ['systemFor', compile.systemFor], ['runPlan', plan.runPlan], ['runReproduce', reproduce.runReproduce]];
    for (const [name, stage] of stages) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
      expect((api as Record<string, unknown>)[name], name).not.toBe(stage);
    }
  });

  it('runTheory: too many steps refused naming steps; a small run gives the same trajectories as the stage', async () => {
    await refused(() => api.runTheory(spiked({ steps: 2 ** 31 - 1 })), 'steps');
    const c = spiked();
    expect(JSON.stringify(api.runTheory(c))).toBe(JSON.stringify(theory.runTheory(c)));
  });

  it('runTheory with flows: a stiff gradient flow is refused naming --flow', async () => {
    await refused(() => api.runTheory(spiked({ steps: 1_000_000, model: { d: 6, lossScale: 1e6, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 1e3, bulkVariance: 1 } } }), { flows: ['gradient-flow'] }), '--flow');
  });

  it('runSimulation / runSimulationSeeds: d too large refused naming model.d', async () => {
    const big = spiked({ model: { d: 100_000, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 } } });
    await refused(() => api.runSimulation(big), 'model.d');
    await refused(() => api.runSimulationSeeds(big), 'model.d');
  });

  it('runSweep: a grid whose points exceed the time budget is refused naming --steps', async () => {
    const spec: sweep.SweepSpec = { base: spiked(), grid: 'lambda-eta', lambdaV: [1, 2, 3, 4], values: [0.01, 0.02], algorithms: ['gd'], steps: 2 ** 31 - 1 };
    await refused(() => api.runSweep(spec), '--steps');
  });

  it('stabilityReport: a horizon beyond the time budget is refused', async () => {
    await refused(() => api.stabilityReport(spiked(), { steps: 2 ** 31 - 1 }), '--steps');
  });

  it('derive / systemFor: a diagonal model of 400 blocks is refused naming model.d', async () => {
    const c = parseConfig({ model: { d: 400, covariance: { kind: 'powerlaw', exponent: 1, signalIndex: 1 } } });
    const spec = api.buildModelSpec(c);
    await refused(() => api.derive(spec), 'model.d');
    await refused(() => api.systemFor(spec), 'model.d');
  });

  it('runPlan / runReproduce: a plan with one experiment beyond the budget is refused before anything runs', async () => {
    const p: plan.Plan = { experiments: [{ id: 'x', group: 'x', label: 'x', params: {}, config: spiked({ steps: 2 ** 31 - 1 }) }], claims: [], figures: [] };
    await refused(() => api.runPlan(p), 'steps');
    await refused(() => api.runReproduce(p), 'steps');
  });
});
