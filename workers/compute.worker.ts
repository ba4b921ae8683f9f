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
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKEND_ORDER, selectBackend } from '../src/core/index';
import { installDeviceNoise } from '../src/core/noise/deviceNoise';
import { softwareBackends } from './softwareProbe';
import { cancelJob } from './jobs';
import { playgroundApi } from './playgroundApi';
import { benchApi } from './bench';
import { smoothingApi } from './smoothingApi';
import { rconRejectionApi } from './rconRejectionApi';
import { verifyApi } from './verifyApi';
import { noiseRejectionApi } from './noiseRejectionApi';
import { libraryApi } from './libraryApi';
import { imageApi } from './imageApi';
import type { BackendInfo, WorkerApi, WorkerEvent } from './protocol';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

// The threaded WASM build starts pthread workers that load the main script with importScripts,
// which fails inside this module worker ("e is not defined" in each pthread blob); use the
// single-threaded SIMD build, which is what the Node benchmarks measure too.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

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

const api: WorkerApi = {
  async init(requested, onEvent) {
    const skipped = await softwareBackends();
    const order = BACKEND_ORDER.filter((b) => !skipped[b]);
    const choice = await selectBackend(requested, order);
    watchDevice(onEvent);
    const passedOver = Object.entries(skipped)
      .filter(([name]) => name !== requested)
      .map(([name, why]) => ({ name, ok: false, error: `${why}: passed over (10–150× slower than WASM); force it with ?backend=${name}` }));
    const info: BackendInfo = {
      backend: choice.backend,
      attempts: [...passedOver, ...choice.attempts],
      requestFailed: choice.requestFailed,
      wasmThreads: false,
    };
    return info;
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
};

Comlink.expose(api);
