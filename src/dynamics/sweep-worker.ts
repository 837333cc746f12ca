/**
 * Sweep worker (worker_threads, started through worker-boot.mjs): receives the job once, then chunks of point
 * indices; answers each chunk with its results. Protocol: in { type: 'job', job } | { type: 'chunk', start, end } |
 * { type: 'stop' }; out { type: 'results', start, points } | { type: 'error', message }.
 */
import { parentPort } from 'node:worker_threads';
import { runPoint, type SweepJob } from './sweep-point.js';

let job: SweepJob | null = null;
const port = parentPort;
if (!port) throw new Error('sweep-worker must run in a worker thread');
port.on('message', (msg: { type: 'job'; job: SweepJob } | { type: 'chunk'; start: number; end: number } | { type: 'stop' }) => {
  try {
    if (msg.type === 'job') job = msg.job;
    else if (msg.type === 'chunk') {
      if (!job) throw new Error('chunk before job');
      const points = [];
      for (let i = msg.start; i < msg.end; i++) points.push(runPoint(job, i));
      port.postMessage({ type: 'results', start: msg.start, points });
    } else port.close();
  } catch (e) {
    port.postMessage({ type: 'error', message: (e as Error).stack ?? String(e) });
  }
});
port.postMessage({ type: 'ready' });
