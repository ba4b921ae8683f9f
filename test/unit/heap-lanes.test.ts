/**
 * The hand-over protocol of the heap helper (src/core/heapLanes.ts), without threads: a stand-in
 * kernel object records each half it is asked to compute, and a stand-in starter plays the
 * helper's side of the control block (ready, claim, fail) or plays dead. The real helper thread,
 * and bit-equality with one thread, are tested in wasm-threads-node.test.ts.
 */
import { afterEach, expect, test } from 'vitest';
import type { HeapSimd } from '../../src/core/heapSimdKernels';
import { rowCalls } from '../../src/core/heapJobs';
import { type HeapHelperInit, type HeapHelperLoss, computeThreads, heapHelperAbsent, heapHelperLost, heapHelperReady, heapHelperRows, heapHelperSplitsConvolution, heapHelperSplitsRows, onHeapHelperLoss, setHeapHelperStarter, splitRows, withHelper, xnnpackThreads } from '../../src/core/heapLanes';

// The control block's slots, as heapLanes.ts lays them out.
const SEQ = 0;
const READY = 2;
const FAILED = 4;
const CLAIM = 5;
const NEXT_ROW = 6;
const BIG = 1 << 24; // bytes: above the element-wise threshold (8 MiB)

function recorder() {
  const calls: number[][] = [];
  const record = (...a: number[]) => void calls.push(a);
  const simd = { gemm: record, reluMask: record, signStep: record, reluBox: record, grad2x2: record, maxPool2x2: record, col2im: record, conv: record, biasAdd: record, columnSums: record, tapRows: record } as unknown as HeapSimd;
  return { simd, calls };
}

const sharedMemory = () => new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });

afterEach(() => {
  setHeapHelperStarter(null);
  onHeapHelperLoss(null);
});

/** The losses told to onHeapHelperLoss's listener, in order. */
function losses(): HeapHelperLoss[] {
  const told: HeapHelperLoss[] = [];
  onHeapHelperLoss((why) => told.push(why));
  return told;
}

/** The kernels split with a stand-in helper that says it is ready and does nothing more (timeout 200 ms); its control block to play the rest. */
function readyHelper(simd: HeapSimd): { control: Int32Array; split: HeapSimd } {
  let control: Int32Array | null = null;
  setHeapHelperStarter((init: HeapHelperInit) => {
    control = new Int32Array(init.control, 0, 16);
    Atomics.store(control, READY, 1);
  });
  const split = withHelper(simd, sharedMemory(), 200);
  if (!control) throw new Error('the starter was not called');
  return { control, split };
}

test('no starter, or a helper that is not ready: the caller computes both halves, the helper\'s with its offsets', () => {
  const { simd, calls } = recorder();
  expect(withHelper(simd, sharedMemory())).toBe(simd); // no starter set
  setHeapHelperStarter(() => {}); // started, never ready
  const split = withHelper(simd, sharedMemory());
  split.reluMask(1000, 2000, 3000, BIG);
  expect(calls).toEqual([
    [1000, 2000, 3000, BIG / 2],
    [1000 + BIG / 2, 2000 + BIG / 2, 3000 + BIG / 2, BIG / 2],
  ]);
  // Below the threshold: one call, unsplit.
  split.reluMask(0, 16, 32, 1 << 20);
  expect(calls[2]).toEqual([0, 16, 32, 1 << 20]);
  // Max pooling splits by images: 9 images of 28 × 28 × 16 (1.8 MiB), the helper's 5 after the first 4.
  split.maxPool2x2(0, 10_000_000, 9, 28, 28, 14, 14, 16);
  expect(calls.slice(3)).toEqual([
    [0, 10_000_000, 4, 28, 28, 14, 14, 16],
    [4 * (4 * 28 * 28 * 16), 10_000_000 + 4 * (4 * 14 * 14 * 16), 5, 28, 28, 14, 14, 16],
  ]);
  // One image stays whole.
  split.maxPool2x2(0, 64, 1, 28, 28, 14, 14, 16);
  expect(calls[5]).toEqual([0, 64, 1, 28, 28, 14, 14, 16]);
});

test('a ready helper that never claims the call: withdrawn after the timeout, done by the caller, and the helper given up and told of once', () => {
  const { simd, calls } = recorder();
  const told = losses();
  const { control, split } = readyHelper(simd);
  // Ready beside XNNPACK alone (two threads): counted as the second thread.
  setHeapHelperStarter(() => {}, 2);
  expect(heapHelperReady()).toBe(true);
  expect(computeThreads(1)).toBe(2);
  const t0 = performance.now();
  split.grad2x2(0, 100_000, 200_000, 8, 28, 28, 14, 14, 16);
  expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
  const image = 4 * 28 * 28 * 16;
  const pooled = 4 * 14 * 14 * 16;
  expect(calls).toEqual([
    [0, 100_000, 200_000, 4, 28, 28, 14, 14, 16],
    [4 * image, 100_000 + 4 * pooled, 200_000 + 4 * image, 4, 28, 28, 14, 14, 16],
  ]);
  // The call is marked withdrawn, so a late helper would not touch it.
  expect(Atomics.load(control, CLAIM)).toBe(-Atomics.load(control, SEQ));
  // Given up: the next large call runs alone at once, and is not posted.
  const posted = Atomics.load(control, SEQ);
  const t1 = performance.now();
  split.reluMask(0, 16, 32, BIG);
  expect(performance.now() - t1).toBeLessThan(100);
  expect(Atomics.load(control, SEQ)).toBe(posted);
  expect(calls).toHaveLength(4);
  // No longer counted: two threads compute on one from now on, and the listener heard it once.
  expect(heapHelperReady()).toBe(false);
  expect(computeThreads(1)).toBe(1);
  expect(told).toEqual(['timeout']);
});

test('a helper that claims the call and then fails: the caller waits for it, redoes its half, stops using it, and tells the listener', () => {
  const { simd, calls } = recorder();
  const told = losses();
  const { control, split } = readyHelper(simd);
  // Play the helper inside the caller's own half: claim, fail, say done.
  const own = simd.reluMask;
  let claimed = false;
  (simd as { reluMask: unknown }).reluMask = (...a: number[]) => {
    if (!claimed) {
      claimed = true;
      const seq = Atomics.load(control, SEQ);
      Atomics.store(control, CLAIM, seq);
      Atomics.store(control, FAILED, 1);
      Atomics.store(control, 1, seq); // DONE
    }
    (own as (...v: number[]) => void)(...a);
  };
  split.reluMask(0, 16, 32, BIG);
  expect(calls.map((c) => c[3])).toEqual([BIG / 2, BIG / 2]);
  expect(calls[1][0]).toBe(BIG / 2);
  const posted = Atomics.load(control, SEQ);
  split.reluMask(0, 16, 32, BIG);
  expect(Atomics.load(control, SEQ)).toBe(posted);
  expect(heapHelperReady()).toBe(false);
  expect(told).toEqual(['failed']);
});

test('a kernel that throws on the caller\'s half while the helper works: the helper is waited for and kept', () => {
  const { simd } = recorder();
  const told = losses();
  const { control, split } = readyHelper(simd);
  (simd as { reluMask: unknown }).reluMask = () => {
    // The helper claims and finishes its half; the caller's own half throws.
    const seq = Atomics.load(control, SEQ);
    Atomics.store(control, CLAIM, seq);
    Atomics.store(control, 1, seq); // DONE
    throw new Error('own half');
  };
  expect(() => split.reluMask(0, 16, 32, BIG)).toThrow('own half');
  expect(heapHelperReady()).toBe(true);
  expect(told).toEqual([]);
});

test('a convolution splits by images from 128 of them, the helper\'s half reading and writing from the first half\'s end; only beside a pool of 2 threads', () => {
  const { simd, calls } = recorder();
  setHeapHelperStarter(() => {}); // started, never ready: the caller does both halves
  const split = withHelper(simd, sharedMemory());
  const args = (batch: number, x: number, out: number) => [x, 50, 60, 70, out, batch, 14, 14, 16, 14, 14, 32, 3, 3, 1, 1, 2];
  split.conv(...(args(200, 1000, 9000) as Parameters<HeapSimd['conv']>));
  const image = 4 * 14 * 14 * 16;
  const outImage = 4 * 14 * 14 * 32;
  expect(calls).toEqual([args(100, 1000, 9000), args(100, 1000 + 100 * image, 9000 + 100 * outImage)]);
  // 64 images: one call, unsplit.
  split.conv(...(args(64, 0, 0) as Parameters<HeapSimd['conv']>));
  expect(calls).toHaveLength(3);
  expect(heapHelperSplitsConvolution(200, 1 << 26)).toBe(false); // not ready
  for (const [threads, splits] of [
    [2, true],
    [4, false],
  ] as const) {
    setHeapHelperStarter((init: HeapHelperInit) => Atomics.store(new Int32Array(init.control, 0, 16), READY, 1), threads);
    withHelper(simd, sharedMemory(), 200);
    expect([heapHelperSplitsConvolution(200, 1 << 26), heapHelperSplitsConvolution(64, 1 << 26), heapHelperSplitsConvolution(200, 1 << 10)]).toEqual([splits, false, false]);
  }
});

test('a sequence of calls (a whole MLP pass) runs as two lanes: each list in order, the helper\'s on the caller when it is not there or too long to post', () => {
  const { simd, calls } = recorder();
  setHeapHelperStarter(() => {}); // started, never ready
  const split = withHelper(simd, sharedMemory());
  const gemm = (a: number) => ({ kernel: 'gemm' as const, args: [a, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] });
  const mask = (g: number) => ({ kernel: 'reluMask' as const, args: [g, g + 1, g, 64] });
  split.lanes!([gemm(100), mask(200)], [gemm(300), mask(400)]);
  expect(calls).toEqual([gemm(100).args, mask(200).args, gemm(300).args, mask(400).args]);
  // 40 products are 561 numbers, more than the control block holds: the caller runs both lists.
  calls.length = 0;
  const long = Array.from({ length: 40 }, (_, i) => gemm(i));
  split.lanes!([mask(1)], long);
  expect(calls).toEqual([mask(1).args, ...long.map((c) => c.args)]);
  // Without a helper set up, the module has no lanes at all.
  setHeapHelperStarter(null);
  expect(withHelper(simd, sharedMemory()).lanes).toBeUndefined();
});

test('splitRows: the first lane takes rows up to the largest multiple of four at most half, the second the rest; small or helper-less jobs run whole', () => {
  const { simd, calls } = recorder();
  const rowsOf = (first: number, end: number) => [{ kernel: 'gemm' as const, args: [first, end, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }];
  // No helper: one call over all rows.
  splitRows(simd, 1000, 1 << 26, rowsOf);
  expect(calls).toEqual([[0, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]);
  const { split } = readyHelper(simd);
  expect(heapHelperSplitsRows(1 << 26)).toBe(true);
  expect(heapHelperSplitsRows(1 << 10)).toBe(false);
  // The stand-in helper never claims: after its timeout the caller runs the helper's lane, which shows the cut.
  calls.length = 0;
  splitRows(split, 1030, 1 << 26, rowsOf);
  expect(calls.map((c) => c.slice(0, 2))).toEqual([
    [0, 512],
    [512, 1030],
  ]);
  // Below 64 rows or 2^22 multiply-adds: whole, on the caller.
  calls.length = 0;
  splitRows(split, 63, 1 << 26, rowsOf);
  splitRows(split, 1000, 1 << 20, rowsOf);
  expect(calls.map((c) => c.slice(0, 2))).toEqual([
    [0, 63],
    [0, 1000],
  ]);
});

test('two threads are XNNPACK alone on the caller and the heap helper, counted as two only once the helper is ready; more threads are all XNNPACK\'s', () => {
  expect([1, 2, 3, 8].map(xnnpackThreads)).toEqual([1, 1, 3, 8]);
  const { simd } = recorder();
  // Started, not yet ready: the run computes on one thread, and the count says so.
  let started: HeapHelperInit | null = null;
  setHeapHelperStarter((init: HeapHelperInit) => void (started = init), 2);
  withHelper(simd, sharedMemory());
  expect(computeThreads(1)).toBe(1);
  expect(heapHelperAbsent()).toBe(false); // still worth waiting for
  // Its worker failed to load: nothing to wait for, still one thread.
  heapHelperLost(started!);
  expect(heapHelperAbsent()).toBe(true);
  expect(computeThreads(1)).toBe(1);
  readyHelper(simd);
  expect(heapHelperAbsent()).toBe(false);
  expect(computeThreads(1)).toBe(2);
  setHeapHelperStarter(() => {}, 4);
  expect(computeThreads(4)).toBe(4);
  setHeapHelperStarter(null);
  expect(computeThreads(1)).toBe(1);
});

/** A product over rows [first, end) of a 1030-row job, as wasmGemm.ts builds it: pointers move with `first`, the count is the block's. */
const rowsOf = (first: number, end: number) => [
  { kernel: 'gemm' as const, args: [1000 + 8 * first, 0, 0, 50_000 + 12 * first, end - first, 2, 3, 8, 4, 12, 4, 0] },
  { kernel: 'reluMask' as const, args: [50_000 + 12 * first, 90_000 + 12 * first, 50_000 + 12 * first, 12 * (end - first)] },
];

test('rowCalls reads a job\'s calls as base + perFirst·first + perEnd·end, and refuses one whose arguments are not of that form', () => {
  const template = rowCalls(1030, rowsOf)!;
  expect(template.map((c) => c.kernel)).toEqual(['gemm', 'reluMask']);
  expect(template[0]).toEqual({ kernel: 'gemm', base: [1000, 0, 0, 50_000, 0, 2, 3, 8, 4, 12, 4, 0], perFirst: [8, 0, 0, 12, -1, 0, 0, 0, 0, 0, 0, 0], perEnd: [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0] });
  expect(rowCalls(1030, (first, end) => [{ kernel: 'gemm', args: [first * first, end] }])).toBeNull();
  expect(rowCalls(1030, (first, end) => (end - first > 100 ? rowsOf(first, end) : rowsOf(first, end).slice(0, 1)))).toBeNull();
});

test('once the helper has taken a call, a job over rows goes in blocks of a multiple of four rows, smaller towards its end, that both threads take in turn, each row once; a helper that has not claimed the job is not waited for', () => {
  const { simd, calls } = recorder();
  const { control, split } = readyHelper(simd);
  const record = simd.gemm;
  let play: (() => void) | null = null;
  (simd as { gemm: unknown }).gemm = (...a: number[]) => {
    const hook = play;
    play = null;
    hook?.();
    (record as (...v: number[]) => void)(...a);
  };
  // The first job goes in two halves, and the stand-in helper claims and finishes its half (played inside the caller's).
  play = () => {
    const seq = Atomics.load(control, SEQ);
    Atomics.store(control, CLAIM, seq);
    Atomics.store(control, 1, seq); // DONE
  };
  splitRows(split, 1030, 1 << 26, rowsOf);
  // (The stand-in does not compute its half: only the caller's 512 rows are recorded.)
  expect(calls.filter((c) => c.length === 12).map((c) => c[4])).toEqual([512]);
  // Now in blocks of at most 4·⌈1030 / 12 / 4⌉ = 88 rows. The stand-in helper claims the job and takes one block while the caller is in its first.
  calls.length = 0;
  const helperBlocks: number[] = [];
  play = () => {
    const seq = Atomics.load(control, SEQ);
    Atomics.store(control, CLAIM, seq);
    helperBlocks.push(Atomics.add(control, NEXT_ROW, 88));
    Atomics.store(control, 1, seq);
  };
  const before = heapHelperRows();
  splitRows(split, 1030, 1 << 26, rowsOf);
  const callerBlocks = calls.filter((c) => c.length === 12).map((c) => [(c[0] - 1000) / 8, c[4]]);
  expect(helperBlocks).toEqual([88]);
  // Blocks of 88 rows while a quarter of what is left is more, then smaller ones, multiples of four down to 16 rows (the last the rest).
  const sizes = [88, 88, 88, 88, 88, 88, 88, 84, 64, 48, 36, 24, 20, 16, 16, 16, 2];
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(1030 - 88);
  const firsts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0)).map((f) => (f === 0 ? 0 : f + 88));
  expect(callerBlocks).toEqual(firsts.map((first, i) => [first, sizes[i]]));
  // Each block through every call in order: the mask of a block follows its product.
  expect(calls[1]).toEqual(rowsOf(0, 88)[1].args);
  expect(heapHelperRows().caller - before.caller).toBe(1030 - 88);
  // The helper does not claim the next job: the caller takes every block and withdraws it at once, without waiting.
  calls.length = 0;
  const t0 = performance.now();
  splitRows(split, 1030, 1 << 26, rowsOf);
  expect(performance.now() - t0).toBeLessThan(100);
  const alone = calls.filter((c) => c.length === 12).map((c) => [(c[0] - 1000) / 8, c[4]]);
  expect(alone.map(([, rows]) => rows)).toEqual([88, 88, 88, 88, 88, 88, 88, 88, 84, 64, 48, 36, 24, 20, 16, 16, 16, 2]);
  expect(alone.every(([first], i) => first === (i === 0 ? 0 : alone[i - 1][0] + alone[i - 1][1]))).toBe(true);
  expect(Atomics.load(control, CLAIM)).toBe(-Atomics.load(control, SEQ));
  expect(heapHelperReady()).toBe(true);
});

test('a helper that stops claiming jobs in blocks (its worker ended between calls) is given up once none of them was claimed over the timeout, and the listener told', async () => {
  const { simd, calls } = recorder();
  const told = losses();
  const { control, split } = readyHelper(simd);
  const record = simd.gemm;
  let claim = true;
  (simd as { gemm: unknown }).gemm = (...a: number[]) => {
    if (claim) {
      claim = false;
      const seq = Atomics.load(control, SEQ);
      Atomics.store(control, CLAIM, seq);
      Atomics.store(control, 1, seq); // DONE
    }
    (record as (...v: number[]) => void)(...a);
  };
  splitRows(split, 1030, 1 << 26, rowsOf); // taken: jobs now go in blocks
  // Unclaimed from here. Within the timeout (200 ms) each job is withdrawn and the helper kept.
  splitRows(split, 1030, 1 << 26, rowsOf);
  splitRows(split, 1030, 1 << 26, rowsOf);
  expect(heapHelperReady()).toBe(true);
  expect(told).toEqual([]);
  await new Promise((resolve) => setTimeout(resolve, 250));
  const posted = Atomics.load(control, SEQ);
  calls.length = 0;
  splitRows(split, 1030, 1 << 26, rowsOf);
  // Given up after this job, which the caller did whole: every row once.
  expect(Atomics.load(control, SEQ)).toBe(posted + 1);
  expect(calls.filter((c) => c.length === 12).reduce((n, c) => n + c[4], 0)).toBe(1030);
  expect(heapHelperReady()).toBe(false);
  expect(computeThreads(1)).toBe(1);
  expect(told).toEqual(['timeout']);
  // The next job is not posted.
  splitRows(split, 1030, 1 << 26, rowsOf);
  expect(Atomics.load(control, SEQ)).toBe(posted + 1);
});
