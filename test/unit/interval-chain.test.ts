/**
 * Interval bound propagation through a run of dense layers as one WASM kernel
 * (verify/wasmIntervalChain.ts): the boxes it gives, and each layer's pre-activation box the watch
 * sees, are bit for bit those of the layer-by-layer kernels (ibpStep); runs it cannot take (a
 * tape, a ReLU width not a multiple of four) keep the layer-by-layer path; a non-finite
 * pre-activation that a ReLU hides is still seen; no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { createMlp } from '../../src/core';
import { type Box, checkedPenultimateBox, ibpStep, inputBox, propagateBox } from '../../src/core/verify/ibp';
import { splitLastAffine, verificationPlan } from '../../src/core/verify/layers';
import { expectNoTensorLeak, fixedDenseModel, float32Bits as bits, useWasmBackend } from './helpers';

useWasmBackend();

/** The kernels a job ran, by name. */
async function kernelsOf(job: () => void): Promise<string[]> {
  const info = await tf.profile(() => tf.tidy(job));
  return info.kernels.map((k) => k.name);
}

test('an MLP\'s body and logits: the chain gives the layer-by-layer boxes, and the watch sees every pre-activation box, bit for bit', async () => {
  const model = createMlp({ inputDim: 784, numClasses: 10, depth: 3, width: 128, seed: 21 });
  const x = tf.randomUniform([203, 784], 0, 1, 'float32', 22);
  await expectNoTensorLeak(() => {
    tf.tidy(() => {
      const { lower, upper } = inputBox(x, 0.05, [0, 1]);
      const start: Box = { mid: tf.div(tf.add(upper, lower), 2), rad: tf.div(tf.sub(upper, lower), 2) };
      const steps = verificationPlan(model);
      const seen: Box[] = [];
      const chained = propagateBox(steps, start, (mid, rad) => seen.push({ mid, rad }));
      // ibpStep runs one layer at a time: the layer-by-layer kernels.
      const plainSeen: Box[] = [];
      let plain = start;
      for (const st of steps) {
        if (st.kind === 'dense') plainSeen.push(preActivation(st, plain));
        plain = ibpStep(st, plain);
      }
      expect(bits(chained.mid)).toEqual(bits(plain.mid));
      expect(bits(chained.rad)).toEqual(bits(plain.rad));
      expect(seen).toHaveLength(4);
      seen.forEach((s, i) => {
        expect(bits(s.mid)).toEqual(bits(plainSeen[i].mid));
        expect(bits(s.rad)).toEqual(bits(plainSeen[i].rad));
      });
    });
  });
  // One kernel for the four layers.
  const names = await kernelsOf(() => {
    const { lower, upper } = inputBox(x, 0.05, [0, 1]);
    propagateBox(verificationPlan(model), { mid: tf.div(tf.add(upper, lower), 2), rad: tf.div(tf.sub(upper, lower), 2) });
  });
  expect(names.filter((n) => n === 'WorkbenchIntervalChain')).toHaveLength(1);
  expect(names).not.toContain('_FusedMatMul');
  tf.dispose(x);
});

/** A dense step's box before its activation, from its input box (mu' = W mu + b, r' = |W| r). */
function preActivation(st: ReturnType<typeof verificationPlan>[number], b: Box): Box {
  if (st.kind !== 'dense') throw new Error('dense only');
  const bias = st.bias() ?? undefined;
  return { mid: tf.fused.matMul({ a: b.mid as tf.Tensor2D, b: st.kernel(), bias }), rad: tf.matMul(b.rad as tf.Tensor2D, tf.abs(st.kernel())) };
}

test('runs it cannot take keep the layer-by-layer kernels: under a tape, and a ReLU width not a multiple of four', async () => {
  const odd = createMlp({ inputDim: 2, numClasses: 3, depth: 2, width: 6, seed: 23 });
  const even = createMlp({ inputDim: 2, numClasses: 3, depth: 2, width: 8, seed: 23 });
  const x = tf.randomUniform([40, 2], -1, 1, 'float32', 24);
  const run = (model: tf.LayersModel) => () => {
    const { lower, upper } = inputBox(x, 0.1, null);
    propagateBox(verificationPlan(model), { mid: tf.div(tf.add(upper, lower), 2), rad: tf.div(tf.sub(upper, lower), 2) });
  };
  expect(await kernelsOf(run(even))).toContain('WorkbenchIntervalChain');
  expect(await kernelsOf(run(odd))).not.toContain('WorkbenchIntervalChain');
  // Under a tape (IBP training) the kernel, which has no gradient, is not used: the gradient exists.
  const g = tf.tidy(() =>
    tf.grad((xx: tf.Tensor) => {
      const { lower, upper } = inputBox(xx, 0.1, null);
      const out = propagateBox(verificationPlan(even), { mid: tf.div(tf.add(upper, lower), 2), rad: tf.div(tf.sub(upper, lower), 2) });
      return tf.sum(tf.add(out.mid, out.rad));
    })(x).dataSync(),
  );
  expect(g.some((v) => v !== 0)).toBe(true);
  tf.dispose(x);
});

test('a pre-activation bound that overflows is seen through the chain, though the ReLU after it gives a finite box', async () => {
  // Row 0's first unit overflows to Infinity (3e38 + 3e38); the next layer's box is then NaN, which its ReLU takes to 0.
  const model = fixedDenseModel([
    { kernel: [[3e38, 1, 1, 1], [3e38, 1, 1, 1]], bias: [0, 0, 0, 0], activation: 'relu' },
    { kernel: [[1, 0, 0, 0], [0, 1, 0, 0], [1, 1, 0, 0], [1, 0, 0, 1]], bias: [0, 0, 0, 0], activation: 'relu' },
    { kernel: [[1, 0], [0, 1], [0, 0], [0, 0]], bias: [0, 0] },
  ]);
  const x = tf.tensor2d([[1, 1], [1e-3, -1e-3]]);
  const check = () => {
    const { lower, upper } = inputBox(x, 0.1, null);
    const { body } = splitLastAffine(verificationPlan(model));
    expect(body.length).toBe(2);
    return checkedPenultimateBox(model, lower, upper);
  };
  expect(await kernelsOf(() => void check())).toContain('WorkbenchIntervalChain');
  const { finite, rad } = tf.tidy(() => {
    const out = check();
    return { finite: Array.from(out.finite.dataSync()), rad: Array.from(out.h.rad.dataSync()) };
  });
  // Row 0's box at the end is finite (the ReLU took the NaN to 0): only the watch can tell.
  expect(rad.slice(0, 4).every(Number.isFinite)).toBe(true);
  expect(finite).toEqual([0, 1]);
  tf.dispose(x);
  model.dispose();
});
