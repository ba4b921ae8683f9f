/**
 * Floating-point operations of a run, counted from the kernels tf.profile records (name, input
 * and output shapes): a matrix product or convolution costs 2 · (multiply-adds), every other
 * kernel one operation per output element. With the measured peak of the backend's matrix
 * product this gives a case's compute floor: the time it would take if every operation ran at
 * that peak (bench/floors.ts).
 */

/** What tf.profile records of one kernel call that matters here. */
export interface KernelShapes {
  name: string;
  inputShapes: ReadonlyArray<readonly number[] | null | undefined>;
  outputShapes: ReadonlyArray<readonly number[] | null | undefined>;
}

const size = (shape: readonly number[] | null | undefined): number => (shape ? shape.reduce((a, b) => a * b, 1) : 0);

const MATMUL = new Set(['MatMul', 'BatchMatMul', '_FusedMatMul']);
const CONV = new Set(['Conv2D', 'FusedConv2D']);

/** The kernel's multiply-add work as FLOPs (2 per multiply-add), and whether it is a matrix product or convolution. */
export function kernelFlops(k: KernelShapes): { flops: number; dense: boolean } {
  const out = size(k.outputShapes[0]);
  if (MATMUL.has(k.name)) {
    // a holds batch · m · K elements and the output batch · m · n, whatever the transposes:
    // K = |a| · n / |output|, n the output's last dimension.
    const o = k.outputShapes[0]!;
    const n = o[o.length - 1];
    const contracted = out ? (size(k.inputShapes[0]) * n) / out : 0;
    return { flops: 2 * out * contracted, dense: true };
  }
  if (CONV.has(k.name)) {
    // filter [kh, kw, Cin, Cout]: each output element is kh · kw · Cin multiply-adds.
    const f = k.inputShapes[1]!;
    return { flops: (2 * out * size(f)) / f[3], dense: true };
  }
  if (k.name === 'Conv2DBackpropInput') {
    // inputs (dy, filter): each element of dy meets kh · kw · Cin filter taps.
    const f = k.inputShapes[1]!;
    return { flops: (2 * size(k.inputShapes[0]) * size(f)) / f[3], dense: true };
  }
  if (k.name === 'Conv2DBackpropFilter') {
    // inputs (x, dy), output the filter [kh, kw, Cin, Cout]: each element of dy meets kh · kw · Cin inputs.
    const f = k.outputShapes[0]!;
    return { flops: (2 * size(k.inputShapes[1]) * size(f)) / f[3], dense: true };
  }
  const chain = chainProducts(k);
  if (chain !== null) return { flops: chain, dense: true };
  // The Gaussian generator's work is integer hashing (Philox) and Box–Muller, not counted here.
  if (k.name === 'WorkbenchHeapNormals') return { flops: 0, dense: false };
  return { flops: out, dense: false };
}

/** The run's FLOPs: in matrix products and convolutions, and in everything else (one per output element). */
export function countFlops(kernels: readonly KernelShapes[]): { dense: number; other: number } {
  let dense = 0;
  let other = 0;
  for (const k of kernels) {
    const f = kernelFlops(k);
    if (f.dense) dense += f.flops;
    else other += f.flops;
  }
  return { dense, other };
}

const rank2 = (s: readonly number[] | null | undefined): s is readonly number[] => !!s && s.length === 2;

/**
 * The products (2 per multiply-add) of the workbench's kernels that run a chain of dense layers in
 * one call (wasmDenseChain.ts, verify/wasmIntervalChain.ts), from their inputs' shapes in the
 * order the kernels take them; null for other kernels. Their bias, ReLU and mask passes (one
 * operation per element, a few per cent of the products at these widths) are left out, so the
 * floor stays a lower bound.
 *  - WorkbenchDenseForward: x [rows, in], then per layer its kernel [in_l, out_l] (and bias);
 *  - WorkbenchIntervalChain: the box's centre and radius [rows, in], then per layer its kernel
 *    and |kernel| (two products a layer) (and bias);
 *  - WorkbenchDenseBackward: g [rows, out], then each layer's kernel transposed [out_l, in_l], in
 *    layer order, then the ReLU outputs [rows, w]: the transposed kernels are the longest run
 *    from the second input that chains (each one's rows are the next one's columns) and ends at
 *    g's width.
 */
function chainProducts(k: KernelShapes): number | null {
  const shapes = k.inputShapes;
  const rows = shapes[0]?.[0] ?? 0;
  const products = (list: ReadonlyArray<readonly number[] | null | undefined>) => list.filter(rank2).reduce((m, s) => m + s[0] * s[1], 0);
  if (k.name === 'WorkbenchDenseForward') return 2 * rows * products(shapes.slice(1));
  if (k.name === 'WorkbenchIntervalChain') return 2 * rows * products(shapes.slice(2));
  if (k.name !== 'WorkbenchDenseBackward') return null;
  const width = shapes[0]?.[1];
  for (let layers = shapes.length - 1; layers >= 1; layers--) {
    const run = shapes.slice(1, 1 + layers);
    if (!run.every(rank2)) continue;
    const chained = run.every((s, l) => (l === layers - 1 ? s[0] === width : s[0] === run[l + 1]![1]));
    if (chained) return 2 * rows * products(run);
  }
  return 0;
}
