/**
 * A seed-parallel worker (parallel.ts): runs the seed tasks it receives with `runSeedAlgorithms` on the named
 * backend (one BLAS thread) and posts progress, the result or the error back, bumping the shared counter the
 * parent thread waits on after each message.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { backendByName } from '../core/linalg.js';
import type { SeedTask, WorkerMessage } from './parallel.js';
import { runSeedAlgorithms } from './simulate.js';

const port = workerData.port as MessagePort;
const counter = new Int32Array(workerData.counter as SharedArrayBuffer);

function send(msg: WorkerMessage): void {
  port.postMessage(msg);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

/** Progress at most every PROGRESS_MS (a message per step would cost more than small steps). */
const PROGRESS_MS = 200;

port.on('message', (task: SeedTask) => {
  try {
    for (const [k, v] of Object.entries(task.env)) {
      if (v === null) delete process.env[k];
      else process.env[k] = v;
    }
    const backend = backendByName(task.backend);
    let last = performance.now();
    const runs = runSeedAlgorithms(task.config, task.seed, backend, (done) => {
      const now = performance.now();
      if (now - last >= PROGRESS_MS) {
        last = now;
        send({ type: 'progress', id: task.id, done });
      }
    });
    send({ type: 'result', id: task.id, runs });
  } catch (e) {
    const err = e as Error & { field?: string; value?: unknown; valid?: string };
    send({ type: 'error', id: task.id, name: err.name ?? 'Error', message: err.message ?? String(e), field: err.field, value: err.value, valid: err.valid });
  }
});
