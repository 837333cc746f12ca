// Boot file of the seed-parallel workers (parallel.ts): plain JavaScript, so it loads in any worker; when the
// entry is TypeScript source (running from src/ through tsx or vitest) it registers tsx's loader first.
import { workerData } from 'node:worker_threads';

try {
  if (workerData.entry.endsWith('.ts')) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  await import(workerData.entry);
} catch (e) {
  workerData.port.postMessage({ type: 'error', id: -1, name: 'Error', message: `worker start-up: ${e && e.message ? e.message : String(e)}` });
  const c = new Int32Array(workerData.counter);
  Atomics.add(c, 0, 1);
  Atomics.notify(c, 0);
}
