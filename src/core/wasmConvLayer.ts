/**
 * A convolution layer (stride 1, a bias, ReLU or linear) under a gradient tape on WASM, as one
 * kernel with its own gradient.
 *
 * Under a tape tfjs does not fuse a ReLU convolution (tfjs-core's fused conv2d falls back to
 * Conv2D, Add of the bias, then Relu), so each layer of a CNN attack step made two more passes over
 * its output, each on one thread: a tenth of cnn-pgd10-1k on two threads. Here the convolution loop
 * (wasmConv.ts, heapConvSource.ts) adds the bias after its sums and takes the ReLU as it stores, so
 * the numbers are those three kernels' bit for bit (tfjs-wasm's Relu is the same integer max). Where
 * the loop does not take the convolution, the kernel runs those three kernels.
 *
 * The gradient is tfjs's: the ReLU's mask, then Conv2D's gradients and the bias's sum, each only
 * when asked for. The mask is taken from the layer's output y rather than its input (y > 0 exactly
 * where the input was), which differs from tfjs's only at an input that is a NaN with its sign bit
 * set: the ReLU gave 0 there, and the gradient is 0 · dy where tfjs's was NaN.
 */
import * as tf from '@tensorflow/tfjs';
import { xnnpackSplits } from './heapSimd';
import { wasmKernel, withTemps } from './kernels';
import { isTaped } from './tape';
import { reluMask } from './wasmAttackSteps';
import { type ConvAttrs, loopConvInfo, runConv } from './wasmConv';
import { isColumnBias, loopsSetAside } from './wasmGemm';

const CONV_LAYER = 'WorkbenchConvLayer';

interface LayerAttrs {
  pad: 'same' | 'valid';
  relu: boolean;
}

/** The attributes tfjs's conv2d gives its Conv2D kernel, for a stride-1 undilated NHWC layer. */
const convAttrs = (pad: 'same' | 'valid'): ConvAttrs & { dimRoundingMode: undefined } => ({ strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined });

let installed = false;

/** Registers the kernel for the WASM backend and its gradient (idempotent). */
export function installWasmConvLayer(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({
    kernelName: CONV_LAYER,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, filter, bias } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo; bias: tf.TensorInfo };
      const { pad, relu } = attrs as unknown as LayerAttrs;
      const conv = convAttrs(pad);
      // runConv is null where the heap SIMD module cannot run.
      const info = loopsSetAside() ? null : loopConvInfo(x, filter, conv, xnnpackSplits(backend));
      const fused = info && isColumnBias(bias, info.outChannels) ? runConv(backend, x, filter, bias, relu, info, true) : null;
      if (fused) return fused;
      const kernelBackend = backend as tf.KernelBackend;
      return withTemps(backend, (run) => {
        const sums = run('Conv2D', { x, filter }, conv as unknown as tf.NamedAttrMap);
        if (!relu) return wasmKernel('Add')({ inputs: { a: sums, b: bias }, attrs: {}, backend: kernelBackend }) as tf.TensorInfo;
        return wasmKernel('Relu')({ inputs: { x: run('Add', { a: sums, b: bias }, {}) }, attrs: {}, backend: kernelBackend }) as tf.TensorInfo;
      });
    },
  });
  tf.registerGradient({
    kernelName: CONV_LAYER,
    inputsToSave: ['x', 'filter', 'bias'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, bias, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor4D];
      const { pad, relu } = attrs as unknown as LayerAttrs;
      const d = dy as tf.Tensor4D;
      // Outside a tape (no gradient of this gradient), WASM's one-pass mask: the bits of Step then Multiply.
      const g = (relu ? (isTaped() ? tf.mul(d, tf.step(y)) : reluMask(d, y)) : d) as tf.Tensor4D;
      // The attributes tfjs's conv2DBackpropInput and conv2DBackpropFilter give their kernels.
      const conv = { strides: [1, 1], pad, dataFormat: 'NHWC', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
      return {
        x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: g, filter }, { ...conv, inputShape: x.shape }) as tf.Tensor,
        filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: g }, { ...conv, filterShape: filter.shape }) as tf.Tensor,
        bias: () => tf.reshape(tf.sum(g, [0, 1, 2]), bias.shape),
      };
    },
  });
}

/**
 * A stride-1, undilated NHWC convolution layer's output act(conv(x, filter) + bias), act ReLU or
 * linear, as Conv2D, Add and Relu give it, by the one kernel on WASM; null on other backends or
 * other dtypes, where the caller runs the layer itself.
 */
export function convLayer(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, pad: 'same' | 'valid', relu: boolean): tf.Tensor4D | null {
  if (!installed || tf.getBackend() !== 'wasm' || x.dtype !== 'float32' || filter.dtype !== 'float32' || bias.dtype !== 'float32') return null;
  if (x.rank !== 4 || filter.rank !== 4 || bias.rank !== 1 || filter.shape[2] !== x.shape[3] || bias.shape[0] !== filter.shape[3]) return null;
  return tf.engine().runKernel(CONV_LAYER, { x, filter, bias }, { pad, relu } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
