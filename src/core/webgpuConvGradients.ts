/**
 * The weight gradient of a convolution (Conv2DBackpropFilter) on WebGPU.
 *
 * tfjs-backend-webgpu 4.22 gives each weight one invocation that sums over every image and output
 * pixel in turn (its Conv2DDerFilterProgram): for the image CNN's second layer on a training batch
 * of 64, 4,608 invocations each summing 12,544 products in sequence. On an H200 that took 6.9 ms a
 * call, 1.09 of the 1.22 s of GPU time of a cnn-epoch-5k epoch. Here a workgroup of 256
 * invocations shares each weight's sum: invocation i adds the terms i, i + 256, …, then the
 * workgroup adds its 256 partial sums as a binary tree. The order of the additions is fixed, so
 * a run repeats its numbers; they differ from tfjs's sequential sum by rounding only (tested
 * against the cpu backend).
 *
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·sh + kh − padTop, ow·sw + kw − padLeft, ci] · dy[n, oh, ow, co]
 *
 * NHWC with any strides and padding (the gradient tfjs registers for conv2d has dilation 1); other
 * layouts keep tfjs's kernel. No import of the webgpu backend package: the backend is reached
 * through the kernel's arguments, as in noise/webgpu.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { once, replaceKernel } from './kernels';

const WORKGROUP = 256;

interface WebGPUBackendLike {
  runWebGPUProgram(program: object, inputs: tf.TensorInfo[], outputDtype: tf.DataType, uniforms: Array<{ type: string; data: number[] }>): tf.TensorInfo;
}

interface FilterGradAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** One workgroup per weight; tfjs's runWebGPUProgram splits a dispatch over 65,535 workgroups itself. */
class ConvFilterGradProgram {
  outputShape: number[];
  shaderKey = 'workbenchConv2DDerFilterTree';
  dispatchLayout = { x: [0, 1, 2, 3] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  variableNames = ['x', 'dy'];
  uniforms = 'pads : vec2<i32>, strides : vec2<i32>, batchSize : i32, outHeight : i32, outWidth : i32, inHeight : i32, inWidth : i32, inChannels : i32, outChannels : i32, filterWidth : i32,';
  size = true;

  constructor(filterShape: number[]) {
    this.outputShape = filterShape;
    this.dispatch = [filterShape.reduce((a, b) => a * b, 1), 1, 1];
  }

  getUserCode(): string {
    let tree = '';
    for (let s = WORKGROUP / 2; s >= 1; s /= 2) tree += `if (lane < ${s}) { partial[lane] = partial[lane] + partial[lane + ${s}]; }\n    workgroupBarrier();\n    `;
    return `
  var<workgroup> partial : array<f32, ${WORKGROUP}>;
  fn main(index : i32) {
    let weight = index / ${WORKGROUP};
    let lane = i32(localId.x);
    var acc = 0.0;
    if (weight < uniforms.size) {
      let co = weight % uniforms.outChannels;
      let r1 = weight / uniforms.outChannels;
      let ci = r1 % uniforms.inChannels;
      let r2 = r1 / uniforms.inChannels;
      let kw = r2 % uniforms.filterWidth;
      let kh = r2 / uniforms.filterWidth;
      let terms = uniforms.batchSize * uniforms.outHeight * uniforms.outWidth;
      for (var p = lane; p < terms; p = p + ${WORKGROUP}) {
        let ow = p % uniforms.outWidth;
        let r = p / uniforms.outWidth;
        let oh = r % uniforms.outHeight;
        let n = r / uniforms.outHeight;
        let ih = oh * uniforms.strides.x + kh - uniforms.pads.x;
        let iw = ow * uniforms.strides.y + kw - uniforms.pads.y;
        if (ih >= 0 && ih < uniforms.inHeight && iw >= 0 && iw < uniforms.inWidth) {
          acc = acc + x[((n * uniforms.inHeight + ih) * uniforms.inWidth + iw) * uniforms.inChannels + ci] * dy[p * uniforms.outChannels + co];
        }
      }
    }
    partial[lane] = acc;
    workgroupBarrier();
    ${tree}if (lane == 0 && weight < uniforms.size) { setOutputAtIndex(weight, partial[0]); }
  }`;
  }
}

/** Replaces tfjs-backend-webgpu's Conv2DBackpropFilter for NHWC float32 (called when webgpu is activated). */
export const installWebgpuConv2DBackpropFilter = once(() =>
  replaceKernel('Conv2DBackpropFilter', 'webgpu', (original) => (args) => {
    const attrs = args.attrs as unknown as FilterGradAttrs;
    const x = args.inputs.x as tf.TensorInfo;
    const dy = args.inputs.dy as tf.TensorInfo;
    const backend = args.backend as unknown as WebGPUBackendLike;
    if (attrs.dataFormat !== 'NHWC' || x.dtype !== 'float32' || dy.dtype !== 'float32' || typeof backend.runWebGPUProgram !== 'function') return original.kernelFunc(args);
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    const ints = [[info.padInfo.top, info.padInfo.left], [info.strideHeight, info.strideWidth], [info.batchSize], [info.outHeight], [info.outWidth], [info.inHeight], [info.inWidth], [info.inChannels], [info.outChannels], [info.filterWidth]];
    return backend.runWebGPUProgram(new ConvFilterGradProgram(info.filterShape), [x, dy], 'float32', ints.map((data) => ({ type: 'int32', data })));
  }),
);
