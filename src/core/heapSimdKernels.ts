/**
 * The exports of the workbench's SIMD heap module (heapSimdSource.ts says what each computes):
 * pointers are byte offsets into tfjs-backend-wasm's heap. Its own file so that heapSimd.ts (which
 * instantiates the module) and heapLanes.ts (which splits calls with a helper thread) share it.
 */
/** One call of a heap kernel: a lane's part of a job that is several calls in a row (a whole MLP pass, or its interval bounds). */
export interface HeapCall {
  kernel: 'gemm' | 'reluMask' | 'reluBox' | 'softmaxMinusOneHot';
  args: number[];
}

/**
 * A call of a job over rows, for any block of them: the call on rows [first, end) has the
 * arguments base + perFirst·first + perEnd·end (pointers move with the first row, counts with the
 * block's length).
 */
export interface RowCall {
  kernel: HeapCall['kernel'];
  base: number[];
  perFirst: number[];
  perEnd: number[];
}

export interface HeapSimd {
  grad2x2(x: number, dy: number, dx: number, batch: number, inH: number, inW: number, outH: number, outW: number, c: number): void;
  maxPool2x2(x: number, out: number, batch: number, inH: number, inW: number, outH: number, outW: number, c: number): void;
  reluMask(g: number, h: number, out: number, bytes: number): void;
  signStep(x: number, g: number, lo: number, hi: number, out: number, bytes: number, alpha: number): void;
  biasAdd(a: number, b: number, out: number, rows: number, cb: number): void;
  columnSums(x: number, out: number, rows: number, cb: number): void;
  tapRows(xT: number, out: number, planes: number, hp: number, wp: number, outH: number, outW: number, kh: number, kw: number): void;
  reluBox(mid: number, rad: number, outMid: number, outRad: number, bytes: number): void;
  boxBounds(x: number, lower: number, upper: number, bytes: number, eps: number, lo: number, hi: number, clip: number): void;
  boxCentre(lower: number, upper: number, mid: number, rad: number, bytes: number): void;
  adamStep(g: number, m: number, v: number, w: number, outM: number, outV: number, outW: number, bytes: number, b1: number, c1: number, b2: number, c2: number, d1: number, d2: number, eps: number, negLr: number): void;
  filterGrad1x3(x: number, dy: number, dw: number, batch: number, hp: number, wp: number, outH: number, outW: number, kh: number, cb: number): void;
  gemm(a: number, b: number, bias: number, out: number, rows: number, depth: number, cols: number, sam: number, sak: number, sbk: number, sbn: number, flags: number): void;
  softmaxMinusOneHot(z: number, labels: number, out: number, rows: number, classes: number): void;
  conv(x: number, w: number, zero: number, bias: number, out: number, batch: number, inH: number, inW: number, ci: number, outH: number, outW: number, co: number, kh: number, kw: number, top: number, left: number, flags: number): void;
  /**
   * Runs two lists of calls side by side, `own` on the calling thread and `helper` on the heap
   * helper's (heapLanes.ts), each list in order; present only where a helper was started.
   */
  lanes?(own: readonly HeapCall[], helper: readonly HeapCall[]): void;
  /**
   * Runs `calls` over rows [0, rows) in blocks of `chunk` rows, each block through every call in
   * order, the calling thread and the heap helper taking blocks in turn until none is left (a
   * thread on a slower core takes fewer); present only where a helper was started.
   */
  chunked?(rows: number, chunk: number, calls: readonly RowCall[]): void;
  col2im(t: number, dx: number, batch: number, inH: number, inW: number, outH: number, outW: number, kh: number, kw: number, top: number, left: number): void;
}
