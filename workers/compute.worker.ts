/**
 * The compute worker: all tfjs work of the page runs here, off the main thread. It registers
 * the WebGPU and WASM backends (WebGL and CPU come with @tensorflow/tfjs), picks one
 * (webgpu → webgl → wasm → cpu, passing over software-rendered GPUs, or the one the page asks
 * for), and exposes the API of
 * protocol/ through comlink.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { threadedGlueUrl, threadsUnavailable } from 'virtual:wasm-threads';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKEND_ORDER, selectBackend } from '../src/core/index';
import { HEAP_HELPER_LOSS_NOTES, computeThreads, heapHelperLost, onHeapHelperLoss, setHeapHelperStarter, xnnpackThreads } from '../src/core/heapLanes';
import { heapHelperStarted } from '../src/core/heapHelperStart';
import { installDeviceNoise } from '../src/core/noise/deviceNoise';
import { missingBackends, softwareBackends } from './softwareProbe';
import { cancelJob } from './jobs';
import { playgroundApi } from './playgroundApi';
import { benchApi } from './bench';
import { smoothingApi } from './smoothingApi';
import { rconRejectionApi } from './rconRejectionApi';
import { verifyApi } from './verifyApi';
import { noiseRejectionApi } from './noiseRejectionApi';
import { libraryApi } from './libraryApi';
import { imageApi } from './imageApi';
import { arenaApi } from './arenaApi';
import type { BackendInfo, WorkerApi, WorkerEvent } from './protocol';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

/**
 * Why the WASM backend cannot use threads in this page (null when it can): the threaded build
 * needs SharedArrayBuffer, which browsers give only to cross-origin isolated pages, and the
 * pthreads' glue that scripts/wasmThreadsPlugin.ts ships with the production build.
 */
function threadsBlocked(): string | null {
  if (threadsUnavailable || !threadedGlueUrl) return threadsUnavailable ?? 'this build has no threaded WASM glue';
  if (!self.crossOriginIsolated) return 'the page is not cross-origin isolated (its server must send Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  if (typeof SharedArrayBuffer === 'undefined') return 'this browser gives the page no SharedArrayBuffer';
  return null;
}

const cores = () => Math.max(1, navigator.hardwareConcurrency || 1);

/** The most threads WASM can use here: one per core (at most the 8 pthreads tfjs starts), or 1 where threads cannot run. */
function maxThreads(): number {
  return threadsBlocked() === null ? Math.min(8, cores()) : 1;
}

/**
 * The most threads the page's own worker takes: one core is left to the main thread, which draws
 * while jobs run (on a 2-core machine a second compute thread fights the drawing for its core and
 * the playground's small training steps ran 2× slower).
 */
function pageThreads(): number {
  return Math.min(maxThreads(), Math.max(1, cores() - 1));
}

/** The thread count a worker asked for `threads` (null: the page's default) gets, and why it is one thread when it is. */
function threadPlan(threads: number | null): { count: number; note: string | null } {
  const blocked = threadsBlocked();
  if (blocked) return { count: 1, note: blocked };
  const count = Math.min(maxThreads(), threads ?? pageThreads());
  if (count > 1) return { count, note: null };
  return { count, note: pageThreads() === 1 ? `the page leaves one of this machine's ${cores()} cores to drawing` : 'one thread was asked for: measured fastest here, or ?threads=1' };
}

// Randomized-smoothing noise drawn by a WGSL/GLSL Philox kernel on webgpu/webgl, so the noise is drawn on the device that runs the model.
installDeviceNoise();

/** Reports a lost WebGPU device to the page (the page then offers a reload on another backend). */
function watchDevice(onEvent: (e: WorkerEvent) => void): void {
  if (tf.getBackend() !== 'webgpu') return;
  const backend = tf.backend() as unknown as { device?: { lost?: Promise<{ message?: string; reason?: string }> } };
  backend.device?.lost?.then((info) => {
    onEvent({ kind: 'device-lost', message: `The GPU device was lost (${info?.reason ?? 'unknown'}: ${info?.message ?? ''}).` });
  });
}

/** Tells the page when the heap helper, the second of two threads, is given up, so that its badge says one thread. */
function watchHelper(onEvent: (e: WorkerEvent) => void): void {
  onHeapHelperLoss((why) => {
    if (tf.getBackend() !== 'wasm') return;
    const wasmThreads = computeThreads(getThreadsCount());
    if (wasmThreads !== 1) return;
    const threadsNote = HEAP_HELPER_LOSS_NOTES[why];
    onEvent({ kind: 'threads', wasmThreads, threadsNote, message: `WASM computes on one thread from now on: ${threadsNote}. Results are the same; jobs take longer. A reload starts two threads again.` });
  });
}

const api: WorkerApi = {
  async init(requested, onEvent, threads = null) {
    const plan = threadPlan(threads);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', plan.count > 1);
    // tfjs's own default is half the cores (it assumes two hardware threads per core).
    if (plan.count > 1) setThreadsCount(xnnpackThreads(plan.count));
    // The workbench's own SIMD heap loops get a helper thread of their own (heapLanes.ts).
    setHeapHelperStarter(
      plan.count > 1
        ? (init) => {
            const helper = new Worker(new URL('./heapHelper.worker.ts', import.meta.url), { type: 'module', name: 'heap helper' });
            helper.onerror = () => heapHelperLost(init);
            helper.postMessage(init);
          }
        : null,
      plan.count,
    );
    const skipped = await softwareBackends();
    const order = BACKEND_ORDER.filter((b) => !skipped[b]);
    const choice = await selectBackend(requested, order);
    // On two threads the second is the heap helper: "2 threads" only once it runs. (With more,
    // XNNPACK's own threads make the count, and the helper starts at the first heap kernel.)
    if (choice.backend === 'wasm' && plan.count === 2) await heapHelperStarted();
    const wasmThreads = choice.backend === 'wasm' ? computeThreads(getThreadsCount()) : 1;
    watchDevice(onEvent);
    if (choice.backend === 'wasm' && plan.count === 2) watchHelper(onEvent);
    const passedOver = Object.entries(skipped)
      .filter(([name]) => name !== requested)
      .map(([name, why]) => ({ name, ok: false, error: `${why}: passed over (10–150× slower than WASM); force it with ?backend=${name}` }));
    const info: BackendInfo = {
      backend: choice.backend,
      attempts: [...passedOver, ...choice.attempts],
      requestFailed: choice.requestFailed,
      wasmThreads,
      threadsNote: choice.backend !== 'wasm' ? null : wasmThreads === 1 && plan.count > 1 ? 'the second thread (a helper worker) did not start' : plan.note,
      maxThreads: maxThreads(),
    };
    return info;
  },
  async backendCandidates() {
    const skipped = { ...(await softwareBackends()), ...(await missingBackends()) };
    const threads = pageThreads();
    const wasmThreads = threads > 1 ? [1, threads] : [1];
    return BACKEND_ORDER.filter((b) => b !== 'cpu' && !skipped[b]).flatMap((backend: string) => (backend === 'wasm' ? wasmThreads : [1]).map((t) => ({ backend, threads: t })));
  },
  cancel: (jobId) => cancelJob(jobId),
  memory: () => {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  },
  ...playgroundApi,
  ...benchApi,
  ...smoothingApi,
  ...rconRejectionApi,
  ...verifyApi,
  ...noiseRejectionApi,
  ...libraryApi,
  ...imageApi,
  ...arenaApi,
};

Comlink.expose(api);
