/**
 * The attacks' ascent step with l_inf bounds computed once per attack (attacks/common.ts
 * AscentStep) gives exactly the numbers of the plain step, project(xAdv + α · dir(g)), for l_inf
 * with and without a box (including coordinates pushed past both the ball and the box, and zero
 * gradients) and for l_2; it frees its bounds.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { AscentStep, type ThreatModel, project, steepestDirection } from '../../src/core/attacks/common';
import { expectNoTensorLeak, useWasmBackend } from './helpers';

useWasmBackend();

const threats: ThreatModel[] = [
  { norm: 'linf', eps: 0.1 },
  { norm: 'linf', eps: 0.3, box: [0, 1] },
  { norm: 'l2', eps: 0.5, box: [0, 1] },
  { norm: 'l2', eps: 0.5 },
];

for (const threat of threats) {
  test(`${threat.norm}, eps ${threat.eps}, box ${threat.box ? threat.box.join('..') : 'none'}: the same numbers as project`, async () => {
    const x = tf.randomUniform([64, 3, 3, 1], 0, 1, 'float32', 1);
    // Iterates anywhere near the ball, some far outside it and outside the box.
    const xAdv = tf.tidy(() => tf.add(x, tf.randomUniform(x.shape, -0.6, 0.6, 'float32', 2)));
    // Gradients with zeros (sign 0) and both signs.
    const grad = tf.tidy(() => tf.mul(tf.randomNormal(x.shape, 0, 1, 'float32', 3), tf.cast(tf.greater(tf.randomUniform(x.shape, 0, 1, 'float32', 4), 0.2), 'float32')));
    const alpha = 0.07;
    await expectNoTensorLeak(() => {
      const step = new AscentStep(x, threat);
      const fast = step.apply(xAdv, grad, alpha);
      step.dispose();
      const plain = tf.tidy(() => project(tf.add(xAdv, tf.mul(alpha, steepestDirection(grad, threat.norm))), x, threat));
      expect(Array.from(fast.dataSync())).toEqual(Array.from(plain.dataSync()));
      tf.dispose([fast, plain]);
    });
    tf.dispose([x, xAdv, grad]);
  });
}
