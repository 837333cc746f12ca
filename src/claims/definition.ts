/**
 * A claim of model.md §6 as a registry entry: what it says, what would make it false, the runs it needs and how it
 * is measured from them. One file per claim under src/claims/; `CLAIMS` (index.ts) lists them in report order.
 */
import type { Claim } from '../compare/claim.js';
import type { ReproduceParams } from './params.js';
import type { RunRequest, RunSet } from './runs.js';

export interface ClaimDefinition {
  /** The claim id in claims.json; for a family (one claim per block) the prefix of its ids, `${id}-<block>`. */
  id: string;
  /** True when `measure` returns one claim per block, with ids `${id}-<block name>`. */
  family?: boolean;
  /** The statement (for a family: of the whole family). */
  statement: string;
  /** What measurement would make the claim false. */
  falsifiedBy: string;
  /** The runs it reads (the pipeline runs each once; the claim sees only these, plus adaptive probes). */
  runs(params: ReproduceParams): RunRequest[];
  /** Measure the claim(s) from the run set. */
  measure(runs: RunSet, params: ReproduceParams): Claim[] | Promise<Claim[]>;
}
