/**
 * Kernel-level fixes to tfjs 4.22 that the workbench relies on, installed when a backend is
 * activated (backend.ts): a ReLU gradient without a copy, clones that share their data on WASM,
 * a WASM matmul fast path for transposed operands, and CPU fallbacks for kernels a backend lacks;
 * with the helpers the other WASM kernel files use (wasmConvGradients.ts, wasmMaxPool.ts, …).
 * Each gives the same numbers as the kernel it stands in for (tested against the cpu backend).
 */
import * as tf from '@tensorflow/tfjs';
import { isTaped } from './tape';
import { reluMask } from './wasmAttackSteps';

/** A WASM kernel function by name (throws if this build lacks it). */
export function wasmKernel(name: string): tf.KernelFunc {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`WASM kernel ${name} is missing`);
  return k.kernelFunc;
}

/**
 * Runs kernels on a backend, disposing every intermediate output when done; `run` calls a WASM
 * kernel and records its output as temporary, `final` calls one whose output is returned.
 */
export function withTemps(backend: unknown, body: (run: (name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => tf.TensorInfo) => tf.TensorInfo): tf.TensorInfo {
  const temps: tf.TensorInfo[] = [];
  const run = (name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => {
    const out = wasmKernel(name)({ inputs, attrs, backend: backend as tf.KernelBackend }) as tf.TensorInfo;
    temps.push(out);
    return out;
  };
  try {
    return body(run);
  } finally {
    for (const t of temps) (backend as tf.KernelBackend).disposeData(t.dataId);
  }
}
/**
 * Replaces the kernel `kernelName` of `backendName` by `wrap(original)`, keeping the rest of its
 * config; false (nothing done) when this build lacks the kernel.
 */
export function replaceKernel(kernelName: string, backendName: string, wrap: (original: tf.KernelConfig) => tf.KernelFunc): boolean {
  const original = tf.getKernel(kernelName, backendName);
  if (!original) return false;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ ...original, kernelFunc: wrap(original) });
  return true;
}

/**
 * An installer that runs `install` until it takes: later calls do nothing. `install` returns
 * false when it could not (a kernel missing from this build), so that a later call tries again.
 */
export function once(install: () => boolean | void): () => void {
  let done = false;
  return () => {
    if (!done) done = install() !== false;
  };
}

/** replaceKernel on the WASM backend. */
export const replaceWasmKernel = (kernelName: string, wrap: (original: tf.KernelConfig) => tf.KernelFunc): boolean => replaceKernel(kernelName, 'wasm', wrap);

let reluGradientInstalled = false;

/**
 * tfjs' ReLU gradient is dy · cast(step(x), 'float32'); the cast of a float32 tensor is a full
 * copy (an Identity kernel) on WASM, about 11% of an input-gradient pass of the MLP on 40k
 * points. step(x) is already float32 for float32 x, so this registers the same gradient without
 * the cast; on WASM, outside a tape, the mask is one pass (wasmAttackSteps.ts, reluMask: the
 * bits of Step then Multiply). Identical numbers on every backend.
 */
export function installReluGradient(): void {
  if (reluGradientInstalled) return;
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      const d = dy as tf.Tensor;
      if (x.dtype !== 'float32') return { x: () => tf.mul(d, tf.cast(tf.step(x), 'float32')) };
      // Outside a tape (no gradient of this gradient), WASM's one-pass mask: the same bits.
      return { x: () => (isTaped() ? tf.mul(d, tf.step(x)) : reluMask(d, x)) };
    },
  });
  reluGradientInstalled = true;
}

let identityShared = false;

/**
 * tfjs-wasm's Identity copies its input, and the gradient tape clones every tensor it keeps for
 * the backward pass (tfjs-core's saveTensorsForBackwardMode): a CNN attack copied each layer's
 * activations at every step, 7% of cnn-pgd10-1k. Tensors are immutable, so the clone shares the
 * data instead, with one more reference on it, as tfjs's Reshape does on wasm and its Identity
 * on cpu and webgl.
 */
export function installWasmIdentitySharing(): void {
  if (identityShared) return;
  identityShared = replaceWasmKernel('Identity', (original) => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original.kernelFunc(args);
    (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}

/** The permutation that swaps a tensor's last two axes (a batch of matrices transposed). */
export const swapLastTwo = (rank: number): number[] => Array.from({ length: rank }, (_, i) => (i < rank - 2 ? i : i === rank - 2 ? rank - 1 : rank - 2));

let wasmPatched = false;

/**
 * The tfjs WASM BatchMatMul kernel is 5-6x slower when asked to transpose an operand than on
 * plain operands (measured: 40k x 64 by 64 x 64, 26 ms plain vs 155 ms with transposeB). Every
 * backward pass through a dense layer asks for such products, so PGD and training would spend
 * most of their time there. This re-registers BatchMatMul and _FusedMatMul for 'wasm' so that a
 * transposed operand is first transposed explicitly (a cheap copy) and the fast kernel runs.
 * Results are identical (the same kernel computes the same sums).
 */
export function installWasmMatMulFastPath(): void {
  if (wasmPatched) return;
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) return;
  for (const kernelName of ['BatchMatMul', '_FusedMatMul']) {
    replaceWasmKernel(kernelName, (original) => (args) => {
      const { inputs, attrs, backend } = args;
      const a = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      if (!a.transposeA && !a.transposeB) return original.kernelFunc(args);
      const temps: tf.TensorInfo[] = [];
      const newInputs: tf.NamedTensorInfoMap = { ...(inputs as tf.NamedTensorInfoMap) };
      for (const [flag, key] of [
        [a.transposeA, 'a'],
        [a.transposeB, 'b'],
      ] as const) {
        if (!flag) continue;
        const x = inputs[key] as tf.TensorInfo;
        const t = transpose.kernelFunc({
          inputs: { x },
          attrs: { perm: swapLastTwo(x.shape.length) },
          backend,
        }) as tf.TensorInfo;
        temps.push(t);
        newInputs[key] = t;
      }
      const out = original.kernelFunc({
        inputs: newInputs,
        attrs: { ...attrs, transposeA: false, transposeB: false },
        backend,
      });
      for (const t of temps) (backend as tf.KernelBackend).disposeData(t.dataId);
      return out;
    });
  }
  wasmPatched = true;
}

const fallbacks = new Set<string>();

/**
 * Registers, for kernels a backend lacks, a kernel that copies the inputs to the CPU backend,
 * runs the CPU kernel there and copies the result back: correct, at the CPU kernel's speed.
 */
export function installCpuFallbacks(backendName: string, kernelNames: string[]): void {
  for (const kernelName of kernelNames) {
    const key = `${backendName}/${kernelName}`;
    if (fallbacks.has(key) || tf.getKernel(kernelName, backendName)) continue;
    const cpuKernel = tf.getKernel(kernelName, 'cpu');
    if (!cpuKernel) continue;
    tf.registerKernel({ kernelName, backendName, kernelFunc: (args) => delegateToCpu(cpuKernel, args) });
    fallbacks.add(key);
  }
}

/** Runs a CPU kernel on copies of the inputs and copies its output back to the calling backend. */
export function delegateToCpu(cpuKernel: tf.KernelConfig, { inputs, attrs, backend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const cpu = tf.engine().findBackend('cpu');
  if (!cpu) throw new Error(`${cpuKernel.kernelName}: the CPU backend is not available for the fallback`);
  const own = backend as tf.KernelBackend;
  const temps: object[] = [];
  const cpuInputs: tf.NamedTensorInfoMap = {};
  for (const [k, t] of Object.entries(inputs) as Array<[string, tf.TensorInfo]>) {
    const dataId = cpu.write(own.readSync(t.dataId) as tf.backend_util.BackendValues, t.shape, t.dtype);
    temps.push(dataId);
    cpuInputs[k] = { dataId, shape: t.shape, dtype: t.dtype };
  }
  const out = cpuKernel.kernelFunc({ inputs: cpuInputs, attrs, backend: cpu }) as tf.TensorInfo;
  const values = cpu.readSync(out.dataId) as tf.backend_util.BackendValues;
  cpu.disposeData(out.dataId);
  for (const id of temps) cpu.disposeData(id);
  return { dataId: own.write(values, out.shape, out.dtype), shape: out.shape, dtype: out.dtype };
}
