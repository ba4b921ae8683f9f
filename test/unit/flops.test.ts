/** FLOP counts from kernel shapes, against the textbook formulas. */
import { expect, test } from 'vitest';
import { countFlops, kernelFlops } from '../../src/core/bench/flops';

test('a matrix product is 2·m·n·K, whichever operand is transposed', () => {
  expect(kernelFlops({ name: 'MatMul', inputShapes: [[64, 10], [10, 32]], outputShapes: [[64, 32]] })).toEqual({ flops: 2 * 64 * 32 * 10, dense: true });
  // a transposed: a is [K, m] = [10, 64]
  expect(kernelFlops({ name: '_FusedMatMul', inputShapes: [[10, 64], [10, 32], [32]], outputShapes: [[64, 32]] }).flops).toBe(2 * 64 * 32 * 10);
  expect(kernelFlops({ name: 'BatchMatMul', inputShapes: [[3, 4, 5], [3, 5, 6]], outputShapes: [[3, 4, 6]] }).flops).toBe(2 * 3 * 4 * 6 * 5);
});

test('a convolution and its two gradients each cost 2 · |dy or output| · kh · kw · Cin', () => {
  const filter = [3, 3, 1, 8];
  const per = 2 * 3 * 3 * 1;
  expect(kernelFlops({ name: 'Conv2D', inputShapes: [[2, 28, 28, 1], filter], outputShapes: [[2, 26, 26, 8]] }).flops).toBe(2 * 26 * 26 * 8 * per);
  expect(kernelFlops({ name: 'Conv2DBackpropInput', inputShapes: [[2, 26, 26, 8], filter], outputShapes: [[2, 28, 28, 1]] }).flops).toBe(2 * 26 * 26 * 8 * per);
  expect(kernelFlops({ name: 'Conv2DBackpropFilter', inputShapes: [[2, 28, 28, 1], [2, 26, 26, 8]], outputShapes: [filter] }).flops).toBe(2 * 26 * 26 * 8 * per);
});

test('other kernels count one operation per output element; the totals add up', () => {
  expect(kernelFlops({ name: 'Relu', inputShapes: [[64, 32]], outputShapes: [[64, 32]] })).toEqual({ flops: 2048, dense: false });
  const total = countFlops([
    { name: 'MatMul', inputShapes: [[2, 3], [3, 4]], outputShapes: [[2, 4]] },
    { name: 'Add', inputShapes: [[2, 4], [4]], outputShapes: [[2, 4]] },
    { name: 'Sum', inputShapes: [[2, 4]], outputShapes: [[]] },
  ]);
  expect(total).toEqual({ dense: 48, other: 9 });
});

test('the Gaussian generator counts none (its work is Philox and Box–Muller, not these FLOPs): noise has no floor', () => {
  expect(kernelFlops({ name: 'WorkbenchHeapNormals', inputShapes: [], outputShapes: [[1_000_000]] })).toEqual({ flops: 0, dense: false });
});

test('the kernels that run a chain of dense layers count their products, read from their inputs’ shapes', () => {
  // A 2-16-32-3 MLP on 100 rows: products of 2·16, 16·32 and 32·3 multiply-adds a row.
  const macs = 2 * 16 + 16 * 32 + 32 * 3;
  expect(kernelFlops({ name: 'WorkbenchDenseForward', inputShapes: [[100, 2], [2, 16], [16], [16, 32], [32], [32, 3], [3]], outputShapes: [[100, 16], [100, 32], [100, 3]] })).toEqual({ flops: 2 * 100 * macs, dense: true });
  // The interval chain does two products a layer: the centre with W, the radius with |W|.
  expect(kernelFlops({ name: 'WorkbenchIntervalChain', inputShapes: [[100, 2], [100, 2], [2, 16], [2, 16], [16], [16, 32], [16, 32], [32], [32, 3], [32, 3], [3]], outputShapes: [[100, 16]] }).flops).toBe(2 * 2 * 100 * macs);
  // Backward: g [100, 3], the kernels transposed in layer order, then the two ReLU outputs, which are not products.
  expect(kernelFlops({ name: 'WorkbenchDenseBackward', inputShapes: [[100, 3], [16, 2], [32, 16], [3, 32], [100, 16], [100, 32]], outputShapes: [[100, 2]] })).toEqual({ flops: 2 * 100 * macs, dense: true });
  // A ReLU output shaped like a kernel ([32, 16] with 32 rows) does not chain on, so it is not taken for one.
  expect(kernelFlops({ name: 'WorkbenchDenseBackward', inputShapes: [[32, 3], [16, 2], [32, 16], [3, 32], [32, 16], [32, 32]], outputShapes: [[32, 2]] }).flops).toBe(2 * 32 * macs);
});
