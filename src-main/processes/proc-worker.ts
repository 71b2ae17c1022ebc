// Worker thread entry (built to dist/proc-worker.cjs): owns one LinuxTable, so the synchronous
// /proc reads never block the thread that draws the UI. Only changes cross back.
import { parentPort } from 'node:worker_threads';
import { LinuxTable } from './linux-table';

export interface WorkerRequest {
  id: number;
  windowPids?: number[];
}

const table = new LinuxTable();
parentPort?.on('message', (req: WorkerRequest) => {
  try {
    parentPort!.postMessage({ id: req.id, result: table.refresh(req.windowPids) });
  } catch (e) {
    parentPort!.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) });
  }
});
