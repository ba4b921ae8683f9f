/**
 * Run by wasm-threads-node.test.ts as its own process (the wasm backend starts once per process):
 * starts wasm on argv[2] threads through the CLI's withWasmThreads, computes a small CNN's input
 * gradient and a matrix product, and prints one JSON line: the thread count the backend reports
 * and the results' float32 bits.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/core';
import { wasmThreadCount, withWasmThreads } from '../../src/cli/wasmThreads';

const threads = Number(process.argv[2]);
await withWasmThreads(threads, () => selectBackend('wasm', ['wasm']));
const x = tf.randomNormal([16, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
const w1 = tf.randomNormal([3, 3, 1, 16], 0, 0.3, 'float32', 2) as tf.Tensor4D;
const w2 = tf.randomNormal([3, 3, 16, 32], 0, 0.1, 'float32', 3) as tf.Tensor4D;
const loss = (xx: tf.Tensor) => tf.sum(tf.square(tf.maxPool(tf.conv2d(tf.relu(tf.conv2d(xx as tf.Tensor4D, w1, 1, 'same')), w2, 1, 'same'), 2, 2, 'valid')));
const grad = tf.grad(loss)(x);
const product = tf.matMul(tf.randomNormal([300, 700], 0, 1, 'float32', 4), tf.randomNormal([700, 200], 0, 1, 'float32', 5));
const bits = async (t: tf.Tensor) => Array.from(new Uint32Array((await t.data<'float32'>()).slice().buffer));
console.log(JSON.stringify({ backend: tf.getBackend(), threads: wasmThreadCount(), grad: await bits(grad), product: await bits(product) }));
