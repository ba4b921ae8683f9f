/*
 * One pthread of tfjs-backend-wasm's threaded SIMD build, started by Node's worker_threads
 * (wasmThreads.ts). tfjs starts its pthreads from Blob URLs, which Node's Worker refuses, and then
 * hands each one the Emscripten glue as a Blob, which the pthread script reads with fs: this file
 * runs that published pthread script as it is and gives it the glue file's path instead.
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- Node's worker_threads run this file as CommonJS */
const { dirname, join } = require('node:path');

const root = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
const glue = join(root, 'tfjs-backend-wasm-threaded-simd.js');
const pthreadScript = join(root, 'tfjs-backend-wasm-threaded-simd.worker.js');

// The pthread script turns the glue Blob into a URL and reads that URL from disk.
URL.createObjectURL = () => glue;
URL.revokeObjectURL = () => {};
// tfjs publishes the script as the text of a template literal, escaping newlines as tfjs does before making its Blob.
const source = require(pthreadScript).wasmWorkerContents.replace(/\n/g, '\\n');
new Function('require', '__filename', source)(require, pthreadScript);
