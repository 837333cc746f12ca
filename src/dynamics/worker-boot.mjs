// Worker-thread entry: worker threads start as plain Node, so this bootstrap loads the TypeScript module named in
// `workerData.entry` through tsx's scoped loader (the same mechanism as bin/specgd.mjs). Works under the CLI, under
// vitest, and from any working directory (tsx is resolved from this file's location).
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
