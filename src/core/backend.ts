/**
 * Backend choice: webgpu > webgl > wasm > cpu, deciding by the boolean that `tf.setBackend`
 * resolves (a backend can be registered and still fail to initialise), and a WASM fast path
 * for transposed matrix products.
 *
 * The caller imports the backend packages it wants registered (the worker imports webgpu and
 * wasm and sets the wasm paths; Node imports wasm); this file only chooses among them.
 */
import * as tf from '@tensorflow/tfjs';
import { installReluGradient, installWasmIdentitySharing, installWasmMatMulFastPath } from './kernels';
import { installWasmConv2DBackpropFilter, installWasmConv2DBackpropInput } from './wasmConvGradients';
import { installDeviceNoise } from './noise/deviceNoise';
import { installHeapNoise } from './noise/heapNoise';
import { installWasmMaxPool, installWasmMaxPoolGrad } from './wasmMaxPool';
import { installWasmAttackSteps } from './wasmAttackSteps';
import { installWasmAdamStep } from './wasmAdamStep';
import { installWasmBiasKernels } from './wasmBiasKernels';
import { installWasmGather } from './wasmGather';
import { installWasmSlice } from './wasmSlice';
import { installWasmGemm } from './wasmGemm';
import { installWasmDenseChain } from './wasmDenseChain';
import { installWasmSelectRows } from './wasmSelectRows';
import { installWasmFirstFooled } from './wasmFirstFooled';
import { installWasmConv } from './wasmConv';
import { installWasmConvLayer } from './wasmConvLayer';
import { installWasmBoxKernels } from './verify/boxKernels';
import { installWasmIntervalChain } from './verify/wasmIntervalChain';
import { installWasmReluBox } from './verify/reluBox';
import { installWebgpuConv2DBackpropFilter } from './webgpuConvGradients';

export { installCpuFallbacks, installWasmMatMulFastPath } from './kernels';

export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

export interface BackendAttempt {
  name: string;
  ok: boolean;
  error?: string;
}

export interface BackendChoice {
  /** The backend that is now active. */
  backend: BackendName;
  /** What was tried, in order, and why a backend was passed over. */
  attempts: BackendAttempt[];
  /** Set when a backend was requested (e.g. ?backend=webgl) but could not be used. */
  requestFailed?: string;
}

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_ORDER as readonly string[]).includes(name);
}

/** Activates one backend (installing the WASM fast path when it is wasm); never throws. */
export async function activateBackend(name: string): Promise<BackendAttempt> {
  installReluGradient();
  // Gaussian noise on the device for webgpu/webgl; no backend package is imported.
  installDeviceNoise();
  if (!tf.findBackendFactory(name)) return { name, ok: false, error: 'not registered in this build' };
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return { name, ok: false, error: 'failed to initialise' };
    await tf.ready();
    if (name === 'wasm') {
      installWasmMatMulFastPath();
      installWasmGemm();
      installWasmDenseChain();
      installWasmSelectRows();
      installWasmFirstFooled();
      installWasmConv();
      installWasmConvLayer();
      installWasmIdentitySharing();
      installWasmConv2DBackpropFilter();
      installWasmConv2DBackpropInput();
      installWasmMaxPool();
      installWasmMaxPoolGrad();
      installWasmAttackSteps();
      installWasmAdamStep();
      installWasmBiasKernels();
      installWasmGather();
      installWasmSlice();
      installWasmReluBox();
      installWasmBoxKernels();
      installWasmIntervalChain();
      installHeapNoise();
    }
    if (name === 'webgpu') installWebgpuConv2DBackpropFilter();
    return { name, ok: true };
  } catch (e) {
    return { name, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Activates the first backend that initialises, in BACKEND_ORDER, or `requested` first when given.
 * `order` restricts the candidates (Node passes ['wasm', 'cpu']).
 */
export async function selectBackend(
  requested?: string | null,
  order: readonly string[] = BACKEND_ORDER,
): Promise<BackendChoice> {
  const attempts: BackendAttempt[] = [];
  let requestFailed: string | undefined;
  if (requested) {
    const attempt = await activateBackend(requested);
    attempts.push(attempt);
    if (attempt.ok) return { backend: requested as BackendName, attempts };
    requestFailed = `${requested}: ${attempt.error}`;
  }
  for (const name of order) {
    if (name === requested) continue;
    const attempt = await activateBackend(name);
    attempts.push(attempt);
    if (attempt.ok) return { backend: name as BackendName, attempts, requestFailed };
  }
  throw new Error(`No tfjs backend could be initialised: ${attempts.map((a) => `${a.name} (${a.error})`).join(', ')}`);
}

/** Number of live tensors; every job must leave it where it found it. */
export function tensorCount(): number {
  return tf.memory().numTensors;
}
