/**
 * Run by wasm-threads-node.test.ts as its own process (the wasm backend starts once per process):
 * starts wasm on argv[2] threads through the CLI's withWasmThreads, computes a small CNN's input
 * gradient and a matrix product, and prints one JSON line: the thread count the backend reports
 * and the results' float32 bits. The product is large enough that the threaded build leaves it to
 * XNNPACK while one thread runs it in the heap module's loop (wasmGemm.ts): equal bits show that
 * the loop sums in XNNPACK's order.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/core';
import { heapHelperJobs, heapHelperRows } from '../../src/core/heapLanes';
import { heapHelperStarted } from '../../src/core/heapHelperStart';
import { wasmThreadCount, withWasmThreads } from '../../src/cli/wasmThreads';
import { reluMask, signStep } from '../../src/core/wasmAttackSteps';
import { reluBox } from '../../src/core/verify/reluBox';
import { createMlp } from '../../src/core';
import { GradientSession, crossEntropy } from '../../src/core/attacks/common';
import { logits } from '../../src/core/models/forward';
import { ibpBounds, inputBox } from '../../src/core/verify/ibp';

const threads = Number(process.argv[2]);
await withWasmThreads(threads, () => selectBackend('wasm', ['wasm']));
// 64 images: large enough for the heap helper to take half of the pooling gradient and col2im.
const x = tf.randomNormal([64, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
const w1 = tf.randomNormal([3, 3, 1, 16], 0, 0.3, 'float32', 2) as tf.Tensor4D;
const w2 = tf.randomNormal([3, 3, 16, 32], 0, 0.1, 'float32', 3) as tf.Tensor4D;
const loss = (xx: tf.Tensor) => tf.sum(tf.square(tf.maxPool(tf.conv2d(tf.relu(tf.conv2d(xx as tf.Tensor4D, w1, 1, 'same')), w2, 1, 'same'), 2, 2, 'valid')));
// The heap helper (2 threads) starts with the heap kernels; the measured calls come once it is ready.
const helperStarted = await heapHelperStarted();
const grad = tf.grad(loss)(x);
const product = tf.matMul(tf.randomNormal([300, 700], 0, 1, 'float32', 4), tf.randomNormal([700, 200], 0, 1, 'float32', 5));
// The element-wise heap kernels, on 2^21 + 3 floats (8 MiB: split in two, and a tail done in JavaScript).
const n = (1 << 21) + 3;
const g = tf.randomNormal([n], 0, 1, 'float32', 6);
const h = tf.randomNormal([n], 0, 1, 'float32', 7);
const mask = reluMask(g, h);
const stepped = signStep(h, g, 0.01, tf.fill([n], -0.5), tf.fill([n], 0.5));
const box = reluBox(g, tf.abs(h))!;
// A convolution over 128 images, which the heap helper splits by images on 2 threads (heapLanes.ts).
const helperBefore = heapHelperJobs();
const conv = tf.conv2d(tf.randomNormal([128, 14, 14, 16], 0, 1, 'float32', 8) as tf.Tensor4D, tf.randomNormal([3, 3, 16, 32], 0, 0.1, 'float32', 9) as tf.Tensor4D, 1, 'same');
const convSplit = heapHelperJobs() > helperBefore;
// One input channel, with a bias, a ReLU and ±0, ±∞ and NaN in the input.
const plane = tf.randomNormal([256, 28, 28, 1], 0, 1, 'float32', 10).dataSync() as Float32Array;
[0, -0, Infinity, -Infinity, NaN].forEach((v, i) => plane.fill(v, 1000 * i + 7, 1000 * i + 9));
const oneChannel = tf.fused.conv2d({ x: tf.tensor4d(plane, [256, 28, 28, 1]), filter: tf.randomNormal([3, 3, 1, 16], 0, 0.3, 'float32', 11) as tf.Tensor4D, strides: 1, pad: 'same', bias: tf.randomNormal([16], 0, 0.1, 'float32', 12), activation: 'relu' });
// The 2-D MLP's logits and cross-entropy input gradient over 8,195 points (the split's rows).
const mlp = createMlp({ inputDim: 2, numClasses: 3, seed: 13 });
const points = tf.randomUniform([8195, 2], -2, 2, 'float32', 14);
const pointLabels = tf.tensor1d(Array.from({ length: 8195 }, (_, i) => i % 3), 'int32');
const session = new GradientSession(mlp, crossEntropy);
const mlpGrads = [0, 1].map(() => session.grad(points, pointLabels));
// Once the helper has taken a call, such passes go in blocks that both threads take in turn:
// a forward pass over 65,536 points (about 10 ms) gives the helper time to wake and take some.
const wide = logits(mlp, tf.randomUniform([65_536, 2], -2, 2, 'float32', 15));
// Interval bounds of the MLP over the same points: its layers as one kernel, in blocks on 2 threads too.
const ball = inputBox(points, 0.05, null);
const bounds = ibpBounds(mlp, ball.lower, ball.upper);
const rows = heapHelperRows();
/** FNV-1a over the float32 bits: the element-wise outputs are too long to print. */
const hash = async (t: tf.Tensor) => {
  let h = 2166136261;
  for (const b of new Uint8Array((await t.data<'float32'>()).slice().buffer)) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h;
};
const bits = async (t: tf.Tensor) => Array.from(new Uint32Array((await t.data<'float32'>()).slice().buffer));
console.log(JSON.stringify({ backend: tf.getBackend(), helperStarted, threads: wasmThreadCount(), helperJobs: heapHelperJobs(), grad: await bits(grad), product: await bits(product), elementwise: [await hash(mask), await hash(stepped), await hash(box.mid), await hash(box.rad), await hash(conv), await hash(oneChannel), await hash(logits(mlp, points)), await hash(mlpGrads[0]), await hash(mlpGrads[1]), await hash(wide), await hash(bounds.lower), await hash(bounds.upper)], convSplit, rows }));
