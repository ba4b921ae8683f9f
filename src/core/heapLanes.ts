/**
 * A second thread for the SIMD heap kernels (heapSimd.ts) on the threaded WASM build.
 *
 * tfjs's pthreads run only XNNPACK's kernels (products, convolutions, pooling); the workbench's
 * own loops over the heap — the max-pooling gradient, the one-channel col2im, the ReLU mask and the
 * ascent step — ran on the calling thread alone, a quarter of a 2-thread CNN PGD step. Where the
 * heap is a shared memory, a helper (a worker that the environment starts: the page's compute
 * worker, or the CLI) instantiates the same module on the same memory and takes half of each
 * large call: the caller posts the kernel and the helper's half through a small shared control
 * block, does its own half, and waits for the helper with Atomics. Each half writes its own
 * outputs and reads only inputs, so the numbers are the one-thread numbers bit for bit.
 *
 * Calls below a size threshold, and every call before the helper has said it is ready, run on
 * the calling thread alone. The helper claims each call before it touches memory: a call it has
 * not claimed within HELPER_TIMEOUT_MS is withdrawn (a compare-and-swap on the claim slot) and
 * done by the caller, and the helper is given up; a claimed call is always waited for, since the
 * tensors it reads and writes may be freed once the caller returns. A kernel that throws in the
 * helper marks it failed; the caller then does that half itself and stops using the helper. Either
 * way the helper no longer counts as ready, and onHeapHelperLoss's listener is told (the page's
 * badge then says one thread, where the helper was the second).
 *
 * A job of several calls whose rows are independent (a whole MLP pass, wasmDenseChain.ts; a large
 * product, wasmGemm.ts) goes over as one (`splitRows`): one hand-over for all its calls. Its rows
 * go in blocks, each through every call in order, that the two threads take in turn with a
 * compare-and-swap on the first row not yet taken (`chunked`), so that a thread on a slower core
 * takes fewer; the caller withdraws a job the helper has not claimed by the time no block is left,
 * rather than wait for its wake-up, and gives up a helper that has claimed none of the jobs it was posted over HELPER_TIMEOUT_MS. Until
 * the helper has taken a call such jobs go in two fixed halves (`lanes`), whose wait is what gives
 * up a helper that never answers.
 */
import type { HeapCall, HeapSimd, RowCall } from './heapSimdKernels';
import { MIN_BLOCK_ROWS, callsAt, encodeChunks, encodeSequence, rowCalls, runChunks, runSequence } from './heapJobs';
import { HEAP_SIMD_SHARED_WASM } from './heapSimdModule';
import { base64Bytes } from './wasmBytes';

/** What a helper needs: the heap it shares and the control block. */
export interface HeapHelperInit {
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
}

/** Starts a helper thread that calls runHeapHelper(init); set by the environment. */
export type HeapHelperStarter = (init: HeapHelperInit) => void;

// Control block: Int32 slots, then the arguments as float64 (pointers, sizes and alpha fit exactly).
const SEQ = 0;
const DONE = 1;
const READY = 2;
const KERNEL = 3;
const FAILED = 4;
/** The call the helper has claimed (its SEQ), or −SEQ for a call the caller withdrew. */
const CLAIM = 5;
/** The first row not yet taken of a job in blocks ('chunks'): each thread takes the next block by a compare-and-swap on it. */
const NEXT_ROW = 6;
/** Rows of jobs in blocks that the helper and the caller have taken, all told. */
const HELPER_ROWS = 7;
const CALLER_ROWS = 8;
const ARGS_OFFSET = 64;
/** Room for a job in blocks (below): a five-layer MLP's backward pass is 5 products and 4 masks, 249 numbers. */
const MAX_ARGS = 512;
const CONTROL_BYTES = ARGS_OFFSET + 8 * MAX_ARGS;

/** The kernels a helper runs, by index in the control block; 'sequence' is a list of calls (runSequence). */
const KERNELS = ['reluMask', 'signStep', 'reluBox', 'grad2x2', 'col2im', 'conv', 'maxPool2x2', 'sequence', 'chunks'] as const;
/** The kernels `split` posts: each but 'chunks', which `chunked` posts. */
type SplitKernel = Exclude<(typeof KERNELS)[number], 'chunks'>;

/**
 * Below these many bytes of output a call is not worth the hand-over, which costs 40–100 µs (the
 * helper's wake-up): pooling, its gradient and col2im do arithmetic per byte and pay from 256 KiB;
 * the element-wise loops are bound by memory bandwidth, which a second thread barely adds to
 * (the ReLU mask, timed alone: 161 → 201 µs at 2 MiB, 837 → 784 µs at 8 MiB).
 */
const MIN_SPLIT_BYTES = 1 << 18;
/** A convolution is split by images from this many multiply-adds (about 0.1 ms of work a half) and images. */
const MIN_SPLIT_MACS = 1 << 22;
const MIN_SPLIT_IMAGES = 128;
const largeConvolution = (batch: number, macs: number) => batch >= MIN_SPLIT_IMAGES && macs >= MIN_SPLIT_MACS;
const MIN_SPLIT_BYTES_ELEMENTWISE = 1 << 23;
const HELPER_TIMEOUT_MS = 5000;
/** Below this many rows a split by rows is not worth its hand-over, whatever the widths. */
const MIN_SPLIT_ROWS = 64;
/**
 * A job over rows goes in blocks of at most a twelfth of its rows, so that the two threads end
 * within a block of each other even when one runs slower (on a shared virtual machine one core at
 * times ran 1.6–2× slower than the other; laptops mix fast and efficient cores), and smaller
 * towards its end (heapJobs.ts blockRows), never fewer rows than MIN_BLOCK_ROWS. Blocks are
 * multiples of four rows, where the product's row tiles end.
 */
const CHUNKS = 12;
const chunkRows = (rows: number): number => Math.max(MIN_BLOCK_ROWS, 4 * Math.ceil(rows / CHUNKS / 4));

let starter: HeapHelperStarter | null = null;
/** The wasm backend's thread count where helpers are started (1 where none are). */
let poolThreads = 1;
let jobs = 0;
/** The control block of the last helper started in this thread. */
let lastControl: Int32Array | null = null;

/**
 * Sets (or clears) how helpers are started, and the thread count of the wasm backend they run
 * beside; heap kernels made after this call use it.
 */
export function setHeapHelperStarter(start: HeapHelperStarter | null, threads = start ? 2 : 1): void {
  starter = start;
  poolThreads = start ? threads : 1;
}

/**
 * Whether the helper would take half of a convolution over `batch` images of `macs` multiply-adds
 * in all: the helper is ready, the pool has two threads (with more, XNNPACK splits wider), and the
 * convolution is large, over at least MIN_SPLIT_IMAGES images. (Split over a training batch of 64
 * images, a CNN epoch on 2 threads was 10–15% slower than on XNNPACK's threads; attacks,
 * certification and evaluation over hundreds of images were 10% faster.)
 */
export function heapHelperSplitsConvolution(batch: number, macs: number): boolean {
  return poolThreads <= 2 && heapHelperReady() && largeConvolution(batch, macs);
}

/**
 * Whether the helper would take the second half of the rows of a job of `macs` multiply-adds that
 * is independent row by row (a whole MLP pass, wasmDenseChain.ts): the helper is ready, the pool
 * has two threads, and the job is at least as large as a split convolution.
 */
export function heapHelperSplitsRows(macs: number): boolean {
  return poolThreads <= 2 && heapHelperReady() && macs >= MIN_SPLIT_MACS;
}

/**
 * Runs `calls(first, end)` over all rows of a job that is independent row by row: in blocks that
 * the caller and the helper take in turn where it takes the job (heapHelperSplitsRows; from
 * MIN_SPLIT_ROWS rows), or in two halves split at a multiple of four rows before the helper has
 * taken a call or where the calls' arguments are not affine in the rows (rowCalls); on the caller
 * alone otherwise.
 */
export function splitRows(simd: HeapSimd, rows: number, macs: number, calls: (first: number, end: number) => HeapCall[]): void {
  if (simd.lanes && rows >= MIN_SPLIT_ROWS && heapHelperSplitsRows(macs)) {
    const template = simd.chunked ? rowCalls(rows, calls) : null;
    if (template) {
      simd.chunked!(rows, chunkRows(rows), template);
      return;
    }
    const cut = Math.floor(rows / 8) * 4;
    simd.lanes(calls(0, cut), calls(cut, rows));
    return;
  }
  for (const { kernel, args } of calls(0, rows)) (simd[kernel] as (...a: number[]) => void)(...args);
}

/**
 * XNNPACK's pool size (tfjs-backend-wasm's setThreadsCount) for a run on `threads` threads: on
 * two, XNNPACK keeps the calling thread alone and the heap helper is the second. XNNPACK's pool
 * threads spin for a while after each of its calls, and on two cores that took the helper's core:
 * split-40k took 0.44–0.66 s with a pool of two and the helper, 0.40 s with a pool of one.
 * With more threads XNNPACK keeps them all (it splits its products wider than the one helper).
 */
export const xnnpackThreads = (threads: number): number => (threads === 2 ? 1 : threads);

/**
 * The threads a run computes on, from XNNPACK's pool size: xnnpackThreads's inverse once the
 * helper is ready. On two threads the helper is the second, so until it is ready (or where it
 * never starts) the run computes on one, and this says 1 (heapHelperStart.ts waits for it).
 */
export const computeThreads = (pool: number): number => (pool === 1 && poolThreads === 2 ? (heapHelperReady() ? 2 : 1) : pool);

/** Whether helpers are to be started beside the wasm backend (a starter is set). */
export const heapHelperWanted = (): boolean => starter !== null;

/** Whether XNNPACK's own pool has more than one thread, so that it splits large products and convolutions itself. */
export const xnnpackPoolSplits = (): boolean => poolThreads > 2;

/** How many calls a helper has taken half of, in this thread (for tests and the Bench view). */
export function heapHelperJobs(): number {
  return jobs;
}

/** Rows of jobs in blocks (splitRows) that the calling thread and the last helper took from each other, all told (for tests and benchmarks). */
export function heapHelperRows(): { caller: number; helper: number } {
  return lastControl ? { caller: Atomics.load(lastControl, CALLER_ROWS), helper: Atomics.load(lastControl, HELPER_ROWS) } : { caller: 0, helper: 0 };
}

/** Whether the last helper started in this thread is ready to take calls (and has not been given up since). */
export function heapHelperReady(): boolean {
  return lastControl !== null && Atomics.load(lastControl, READY) === 1 && Atomics.load(lastControl, FAILED) !== 1;
}

/** Why a helper that was ready was given up: it did not claim a call in time, or a kernel threw in it. */
export type HeapHelperLoss = 'timeout' | 'failed';
/** What the page and the CLI say when a helper is given up, by why. */
export const HEAP_HELPER_LOSS_NOTES: Record<HeapHelperLoss, string> = {
  timeout: 'the second thread (a helper worker) stopped answering and was given up',
  failed: 'a kernel failed in the second thread (a helper worker), which was given up',
};
let lossListener: ((why: HeapHelperLoss) => void) | null = null;

/**
 * Sets (or clears) what is told when a helper that was ready is given up, once per helper: from then
 * on its calls run on the caller alone, so on two threads the run computes on one (computeThreads
 * says 1 again), and the page's badge must say so.
 */
export function onHeapHelperLoss(listener: ((why: HeapHelperLoss) => void) | null): void {
  lossListener = listener;
}

/** Marks a helper as failed from outside it (its worker did not load): calls run on the caller alone. */
export function heapHelperLost(init: HeapHelperInit): void {
  Atomics.store(new Int32Array(init.control, 0, ARGS_OFFSET / 4), FAILED, 1);
}

/** Whether no helper is to be waited for: none was started in this thread, or the last one could not set itself up. */
export function heapHelperAbsent(): boolean {
  return lastControl === null || Atomics.load(lastControl, FAILED) === 1;
}

/** A helper's loop: runs each posted kernel on its half until the thread ends. Blocks its thread. */
export function runHeapHelper(init: HeapHelperInit): never {
  const control = new Int32Array(init.control, 0, ARGS_OFFSET / 4);
  const args = new Float64Array(init.control, ARGS_OFFSET, MAX_ARGS);
  let kernels: Record<string, (...a: number[]) => void>;
  try {
    kernels = new WebAssembly.Instance(new WebAssembly.Module(base64Bytes(HEAP_SIMD_SHARED_WASM)), { env: { memory: init.memory } }).exports as unknown as Record<string, (...a: number[]) => void>;
  } catch {
    Atomics.store(control, FAILED, 1);
    throw new Error('heap helper: the SIMD module could not be instantiated on the shared memory');
  }
  Atomics.store(control, READY, 1);
  let seen = 0;
  for (;;) {
    Atomics.wait(control, SEQ, seen);
    const seq = Atomics.load(control, SEQ);
    if (seq === seen) continue;
    seen = seq;
    // Claim the call, unless the caller has withdrawn it (CLAIM = −seq) meanwhile.
    const before = Atomics.load(control, CLAIM);
    if (before === -seq || Atomics.compareExchange(control, CLAIM, before, seq) !== before) continue;
    try {
      const name = KERNELS[Atomics.load(control, KERNEL)];
      if (name === 'sequence') runSequence(kernels as unknown as HeapSimd, args);
      else if (name === 'chunks') runChunks(kernels as unknown as HeapSimd, args, control, NEXT_ROW, HELPER_ROWS);
      else kernels[name](...Array.from(args.subarray(0, kernels[name].length)));
    } catch {
      Atomics.store(control, FAILED, 1);
    }
    Atomics.store(control, DONE, seq);
    Atomics.notify(control, DONE);
  }
}

/** The kernels with a helper taking half of each large call of the split ones. */
export function withHelper(simd: HeapSimd, memory: WebAssembly.Memory, timeoutMs = HELPER_TIMEOUT_MS): HeapSimd {
  if (!starter || typeof SharedArrayBuffer === 'undefined' || !(memory.buffer instanceof SharedArrayBuffer) || typeof Atomics.wait !== 'function') return simd;
  const block = new SharedArrayBuffer(CONTROL_BYTES);
  const control = new Int32Array(block, 0, ARGS_OFFSET / 4);
  const args = new Float64Array(block, ARGS_OFFSET, MAX_ARGS);
  try {
    starter({ memory, control: block });
  } catch {
    return simd;
  }
  lastControl = control;
  let seq = 0;
  let alive = true;
  /** Whether the helper has taken a call: until then jobs in blocks go in two halves, whose wait gives up a helper that never answers. */
  let proven = false;
  /** When the first of the jobs in blocks that the helper has left unclaimed since it last took one was posted (null: it took the last). */
  let unclaimedSince: number | null = null;
  const alone = (kernel: SplitKernel, a: number[]) => (kernel === 'sequence' ? runSequence(simd, a) : (simd[kernel] as (...v: number[]) => void)(...a));

  /** Posts a kernel and its arguments to the helper and wakes it; returns the claim slot as it was, which a withdrawal swaps for −seq. */
  const post = (kernel: (typeof KERNELS)[number], a: number[]): number => {
    args.set(a);
    Atomics.store(control, KERNEL, KERNELS.indexOf(kernel));
    const unclaimed = Atomics.load(control, CLAIM);
    seq++;
    Atomics.store(control, SEQ, seq);
    Atomics.notify(control, SEQ);
    return unclaimed;
  };

  /** Gives the helper up: from now on every call runs here, and the listener is told once. */
  const giveUp = (why: HeapHelperLoss): void => {
    alive = false;
    // Shared, so that heapHelperReady and the thread count see it too.
    Atomics.store(control, FAILED, 1);
    lossListener?.(why);
  };

  /** Runs the caller's part of a posted call; what it threw (null: nothing), since the helper must be waited for either way. */
  const attempt = (own: () => void): unknown => {
    try {
      own();
      return null;
    } catch (e) {
      return e;
    }
  };

  /** Posts `kernel(helperArgs)` to the helper, runs `own`, and waits for the helper; alone when the helper is not there. */
  const split = (kernel: SplitKernel, helperArgs: number[], own: () => void): void => {
    if (!alive || Atomics.load(control, READY) !== 1) {
      own();
      alone(kernel, helperArgs);
      return;
    }
    const unclaimed = post(kernel, helperArgs);
    const ownError = attempt(own);
    // Even when `own` threw: the helper may be using the call's memory until it says done.
    const start = performance.now();
    let done: number;
    let helped = true;
    while ((done = Atomics.load(control, DONE)) !== seq) {
      if (performance.now() - start > timeoutMs && Atomics.compareExchange(control, CLAIM, unclaimed, -seq) === unclaimed) {
        // Withdrawn before the helper claimed it: the helper will not touch it.
        helped = false;
        break;
      }
      Atomics.wait(control, DONE, done, 100);
    }
    if (!helped || Atomics.load(control, FAILED) === 1) {
      giveUp(helped ? 'failed' : 'timeout');
      if (ownError === null) alone(kernel, helperArgs);
    }
    if (ownError !== null) throw ownError;
    if (!alive) return;
    jobs++;
    proven = true;
    unclaimedSince = null;
  };

  /** Splits an element-wise call over `bytes` at a 16-byte boundary near the middle. */
  const halves = (bytes: number) => (bytes >= MIN_SPLIT_BYTES_ELEMENTWISE ? Math.floor(bytes / 32) * 16 : 0);

  const lanes = (own: readonly HeapCall[], helper: readonly HeapCall[]): void => {
    const encoded = encodeSequence(helper);
    if (encoded.length > MAX_ARGS) {
      runSequence(simd, encodeSequence(own));
      runSequence(simd, encoded);
      return;
    }
    split('sequence', encoded, () => runSequence(simd, encodeSequence(own)));
  };

  /** All blocks of an encoded job on this thread alone. */
  const allChunks = (encoded: number[]) => runChunks(simd, encoded, new Int32Array(ARGS_OFFSET / 4), NEXT_ROW, CALLER_ROWS);

  const chunked = (rows: number, chunk: number, calls: readonly RowCall[]): void => {
    const encoded = encodeChunks(rows, chunk, calls);
    if (!proven || encoded.length > MAX_ARGS) {
      const cut = Math.floor(rows / 8) * 4;
      lanes(callsAt(calls, 0, cut), callsAt(calls, cut, rows));
      return;
    }
    if (!alive) return allChunks(encoded);
    Atomics.store(control, NEXT_ROW, 0);
    const postedAt = performance.now();
    const unclaimed = post('chunks', encoded);
    const ownError = attempt(() => runChunks(simd, encoded, control, NEXT_ROW, CALLER_ROWS));
    // No block is left. A helper that has not claimed the job will not touch it: withdraw it
    // rather than wait for its wake-up. One that has is waited for (it may be in a block).
    const claimed = Atomics.compareExchange(control, CLAIM, unclaimed, -seq) !== unclaimed;
    if (claimed) {
      let done: number;
      while ((done = Atomics.load(control, DONE)) !== seq) Atomics.wait(control, DONE, done, 100);
      jobs++;
      unclaimedSince = null;
    } else {
      // A helper that wakes at all claims one of a run of jobs: one that has claimed none posted
      // over the timeout is gone (its worker ended), and the thread count must stop counting it.
      unclaimedSince ??= postedAt;
      if (performance.now() - unclaimedSince > timeoutMs) giveUp('timeout');
    }
    if (claimed && Atomics.load(control, FAILED) === 1) {
      giveUp('failed');
      // A block the helper failed in may be half written: the whole job again, here.
      if (ownError === null) allChunks(encoded);
    }
    if (ownError !== null) throw ownError;
  };

  return {
    ...simd,
    lanes,
    chunked,
    reluMask(g, h, out, bytes) {
      const a = halves(bytes);
      if (!a) return simd.reluMask(g, h, out, bytes);
      split('reluMask', [g + a, h + a, out + a, bytes - a], () => simd.reluMask(g, h, out, a));
    },
    signStep(x, g, lo, hi, out, bytes, alpha) {
      const a = halves(bytes);
      if (!a) return simd.signStep(x, g, lo, hi, out, bytes, alpha);
      split('signStep', [x + a, g + a, lo + a, hi + a, out + a, bytes - a, alpha], () => simd.signStep(x, g, lo, hi, out, a, alpha));
    },
    reluBox(mid, rad, outMid, outRad, bytes) {
      const a = halves(bytes);
      if (!a) return simd.reluBox(mid, rad, outMid, outRad, bytes);
      split('reluBox', [mid + a, rad + a, outMid + a, outRad + a, bytes - a], () => simd.reluBox(mid, rad, outMid, outRad, a));
    },
    grad2x2(x, dy, dx, batch, inH, inW, outH, outW, c) {
      const first = batch >> 1;
      if (batch < 2 || 4 * batch * inH * inW * c < MIN_SPLIT_BYTES) return simd.grad2x2(x, dy, dx, batch, inH, inW, outH, outW, c);
      const image = 4 * inH * inW * c;
      const pooled = 4 * outH * outW * c;
      split('grad2x2', [x + first * image, dy + first * pooled, dx + first * image, batch - first, inH, inW, outH, outW, c], () => simd.grad2x2(x, dy, dx, first, inH, inW, outH, outW, c));
    },
    maxPool2x2(x, out, batch, inH, inW, outH, outW, c) {
      const first = batch >> 1;
      if (batch < 2 || 4 * batch * inH * inW * c < MIN_SPLIT_BYTES) return simd.maxPool2x2(x, out, batch, inH, inW, outH, outW, c);
      const image = 4 * inH * inW * c;
      const pooled = 4 * outH * outW * c;
      split('maxPool2x2', [x + first * image, out + first * pooled, batch - first, inH, inW, outH, outW, c], () => simd.maxPool2x2(x, out, first, inH, inW, outH, outW, c));
    },
    conv(x, w, zero, bias, out, batch, inH, inW, ci, outH, outW, co, kh, kw, top, left, flags) {
      const first = batch >> 1;
      if (!largeConvolution(batch, batch * outH * outW * co * kh * kw * ci)) return simd.conv(x, w, zero, bias, out, batch, inH, inW, ci, outH, outW, co, kh, kw, top, left, flags);
      const image = 4 * inH * inW * ci;
      const outImage = 4 * outH * outW * co;
      split('conv', [x + first * image, w, zero, bias, out + first * outImage, batch - first, inH, inW, ci, outH, outW, co, kh, kw, top, left, flags], () =>
        simd.conv(x, w, zero, bias, out, first, inH, inW, ci, outH, outW, co, kh, kw, top, left, flags),
      );
    },
    col2im(t, dx, batch, inH, inW, outH, outW, kh, kw, top, left) {
      const first = batch >> 1;
      if (batch < 2 || 4 * batch * inH * inW * kh * kw < MIN_SPLIT_BYTES) return simd.col2im(t, dx, batch, inH, inW, outH, outW, kh, kw, top, left);
      const taps = 4 * outH * outW * kh * kw;
      const image = 4 * inH * inW;
      split('col2im', [t + first * taps, dx + first * image, batch - first, inH, inW, outH, outW, kh, kw, top, left], () => simd.col2im(t, dx, first, inH, inW, outH, outW, kh, kw, top, left));
    },
  };
}
