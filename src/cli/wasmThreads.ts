/**
 * tfjs-backend-wasm's threaded SIMD build in Node, for the CLI and the benchmarks.
 *
 * tfjs 4.22 turns that build off under Node (WASM_HAS_MULTITHREAD_SUPPORT is false there):
 * it starts its pthreads from Blob URLs, which Node's worker_threads refuse. For the duration of
 * the backend's start, this points the pthreads to wasmPthread.cjs instead, and shows the glue
 * twice the machine's cores, because XNNPACK caps its pool at half of them (it assumes two
 * hardware threads per core) and would leave a 2-core machine one thread — the page's build
 * (scripts/wasmThreadsPlugin.ts) lifts the same cap. The threads' results are bit for bit those of
 * one thread (XNNPACK splits the outputs, never a sum), which test/unit/wasm-threads-node.test.ts
 * checks. With more than one thread the workbench's own SIMD heap loops get a helper thread
 * (heapHelper.ts, src/core/heapLanes.ts); on two, that helper is the second thread and XNNPACK
 * keeps one (heapLanes.ts xnnpackThreads says why).
 */
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { computeThreads, heapHelperLost, setHeapHelperStarter, xnnpackThreads } from '../core/heapLanes';

/** tfjs's build creates 8 pthreads at start; XNNPACK can use them all, with the calling thread. */
export const MAX_WASM_THREADS = 8;

const PTHREAD_FILE = fileURLToPath(new URL('./wasmPthread.cjs', import.meta.url));
const HEAP_HELPER_FILE = fileURLToPath(new URL('./heapHelper.ts', import.meta.url));

/** Every core of this machine, up to MAX_WASM_THREADS: what the help suggests for large batches. */
export function coreCount(): number {
  return Math.max(1, Math.min(MAX_WASM_THREADS, os.availableParallelism?.() ?? os.cpus().length));
}

/** "--threads must be …", or null when `count` is a whole number in [1, MAX_WASM_THREADS]. */
export function threadsProblem(flag: string, count: number, given: string = String(count)): string | null {
  return Number.isInteger(count) && count >= 1 && count <= MAX_WASM_THREADS ? null : `${flag} must be a whole number from 1 to ${MAX_WASM_THREADS} (got ${given})`;
}

/**
 * The CLI's --threads (args.ts sets it; session.ts starts the backend with it). One by default:
 * the threads pay on large batches (a CNN attack, certification) but not on small ones (a verify
 * run with --batch 4 took 14–18 s on 1 thread and 17–21 s on 2 here), and cost time when other
 * processes hold the cores.
 */
export const cliThreads = { count: 1 };

interface Pthreads {
  unusedWorkers: { unref(): void }[];
  runningWorkers: { unref(): void }[];
}

/**
 * Runs `start` (which initialises the wasm backend, e.g. selectBackend('wasm')) so that the
 * backend gets `count` threads; 1 keeps tfjs's single-threaded build. Must come before the wasm
 * backend's first start in the process. Returns start's result.
 */
export async function withWasmThreads<T>(count: number, start: () => Promise<T>): Promise<T> {
  const problem = threadsProblem('threads', count);
  if (problem) throw new Error(problem);
  if (count === 1) return start();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(xnnpackThreads(count));
  // The workbench's own SIMD loops get a helper thread too: a TypeScript file like the rest of the
  // CLI, so the thread registers tsx first. A helper that fails only leaves the loops to this thread.
  setHeapHelperStarter((init) => {
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const boot = `import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(HEAP_HELPER_FILE).href)}); })`;
    const helper = new Worker(boot, { eval: true, workerData: init });
    helper.on('error', () => heapHelperLost(init));
    helper.unref();
  }, count);
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  // tfjs makes one Blob per pthread for its pthread script; the glue's own Blob goes to the pthreads untouched.
  URL.createObjectURL = (blob: Blob | MediaSource) => (blob instanceof Blob && blob.type === 'application/javascript' ? PTHREAD_FILE : createObjectURL(blob));
  os.cpus = () => [...cpus(), ...cpus()];
  try {
    return await start();
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
    // Idle pthreads must not keep the process alive once the command is done. The engine's
    // registry holds only started backends (tf.findBackend would start wasm again after a failure).
    const started = (tf.engine() as unknown as { registry: Record<string, { wasm?: { PThread?: Pthreads } } | undefined> }).registry.wasm;
    const pthreads = started?.wasm?.PThread;
    if (pthreads) for (const w of [...pthreads.unusedWorkers, ...pthreads.runningWorkers]) w.unref();
  }
}

/** The thread count the wasm backend runs on (1 before it has started or on another backend; on two, 1 until the heap helper is ready: heapHelperStarted). */
export function wasmThreadCount(): number {
  try {
    return tf.getBackend() === 'wasm' ? computeThreads(getThreadsCount()) : 1;
  } catch {
    return 1;
  }
}
