/**
 * Waiting for the heap helper thread (heapLanes.ts) before a thread count is shown or anything is
 * timed. The helper is started with the heap kernels, at the first call that needs them, and is
 * ready some time later (a worker to load and a module to compile); on two threads it is the
 * second thread, so until then the work runs on one. The page's worker, the Bench view and the
 * CLI wait here, so that "2 threads" is said only where two compute.
 */
import * as tf from '@tensorflow/tfjs';
import { heapHelperAbsent, heapHelperReady, heapHelperWanted } from './heapLanes';
import { heapSimd } from './heapSimd';

/** How long a helper may take to start before the run goes on without it (a cold worker in Chromium takes ~0.2 s, tsx's in Node ~1 s). */
export const HELPER_START_MS = 20_000;

/**
 * Starts the heap helper where the active backend uses one (wasm with a helper starter set, on a
 * shared heap) and waits until it is ready, up to `timeoutMs`. Whether it is; true where none is
 * used. Where it is not, computeThreads counts one thread for it.
 */
export async function heapHelperStarted(timeoutMs = HELPER_START_MS): Promise<boolean> {
  if (tf.getBackend() !== 'wasm' || !heapHelperWanted()) return true;
  heapSimd(tf.backend()); // makes the heap kernels, which start the helper on a shared heap
  for (let waited = 0; !heapHelperReady() && !heapHelperAbsent() && waited < timeoutMs; waited += 25) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return heapHelperReady();
}
