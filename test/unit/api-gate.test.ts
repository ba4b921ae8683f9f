/**
 * The public API's gate (src/core/apiGate.ts, index.ts): every function exported from the core is
 * gated; called with a wrong argument — nothing, or a value of the wrong kind in each place in
 * turn — it refuses by the function's and the argument's name before touching a tensor, and an
 * async function refuses with a rejected promise rather than a throw.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as core from '../../src/core';
import { API_GATES } from '../../src/core/apiGate';
import { useWasmBackend } from './helpers';

useWasmBackend();

type Spec = NonNullable<ReturnType<typeof API_GATES.get>>[number];
type Fn = (...args: unknown[]) => unknown;

let model: tf.LayersModel;
let tensor: tf.Tensor;

beforeAll(() => {
  model = core.createMlp({ inputDim: 2, numClasses: 3, depth: 1, width: 4, seed: 1 });
  tensor = tf.zeros([1, 2]);
});

afterAll(() => {
  model.dispose();
  tensor.dispose();
});

/** A value the gate accepts in this place (the function itself may still refuse it). */
function good(spec: Spec): unknown {
  if (spec.values) return spec.values[0];
  const kind = spec.kinds[0];
  const samples: Record<string, unknown> = { model, tensor, number: 1, string: 'x', boolean: true, function: () => undefined, bytes: new Uint8Array(0), array: [], object: {}, any: 1 };
  return samples[kind];
}

/** A value of the wrong kind for this place, or undefined when every value is accepted. */
function bad(spec: Spec): unknown {
  if (spec.kinds.includes('any')) return undefined;
  if (spec.values) return 'no-such-value';
  // No kind but `any` takes a symbol.
  return Symbol.for('wrong kind');
}

const functionExports = () => Object.entries(core).filter(([name, v]) => typeof v === 'function' && /^[a-z]/.test(name)) as Array<[string, Fn]>;

/** Calls fn(args) and returns its refusal's message; checks the tensor count and that an async function rejects instead of throwing. */
async function refusal(name: string, fn: Fn, args: unknown[]): Promise<string> {
  const before = tf.memory().numTensors;
  let result: unknown;
  let thrown: unknown = null;
  try {
    result = fn(...args);
  } catch (e) {
    thrown = e;
  }
  let message: string;
  if (result instanceof Promise) {
    expect(thrown, `${name} threw instead of rejecting`).toBeNull();
    message = await result.then(
      () => 'resolved',
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
  } else message = thrown instanceof Error ? thrown.message : thrown === null ? 'returned' : String(thrown);
  expect(tf.memory().numTensors, `${name}: live tensors after a refused call`).toBe(before);
  return message;
}

describe('one gate for the public API', () => {
  test('every function exported from src/core/index.ts is gated', () => {
    const ungated = functionExports()
      .map(([name]) => name)
      .filter((name) => !API_GATES.has(name));
    expect(ungated).toEqual([]);
    expect(functionExports().length).toBeGreaterThan(250);
  });

  test('called with nothing, each function names its first required argument', async () => {
    let tried = 0;
    for (const [name, fn] of functionExports()) {
      const specs = API_GATES.get(name)!;
      // The first argument that may not be left out.
      const first = specs.find((s) => !s.optional && !s.kinds.includes('any'));
      if (!first) continue;
      const message = await refusal(name, fn, []);
      expect(message, name).toMatch(new RegExp(`^${name}: argument ${first.name} must be .* \\(got nothing\\)$`));
      tried++;
    }
    expect(tried).toBeGreaterThan(200);
  });

  test('a value of the wrong kind in any place is refused by its name, whatever the places before it hold', async () => {
    let tried = 0;
    for (const [name, fn] of functionExports()) {
      const specs = API_GATES.get(name)!;
      for (let i = 0; i < specs.length; i++) {
        const wrong = bad(specs[i]);
        if (wrong === undefined) continue;
        const args = specs.slice(0, i).map(good);
        args.push(wrong);
        const message = await refusal(name, fn, args);
        expect(message, `${name}, argument ${i}`).toMatch(new RegExp(`^${name}: argument ${specs[i].name} must be `));
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(500);
  });

  test('a disposed tensor is refused by name', async () => {
    const gone = tf.zeros([1, 2]);
    gone.dispose();
    expect(() => core.logits(model, gone)).toThrow(/^logits: argument x is a disposed tensor$/);
    const y = tf.tensor1d([0], 'int32');
    await expect(core.pgd(model, gone, y, { eps: 0.1 })).rejects.toThrow(/^pgd: argument x is a disposed tensor$/);
    y.dispose();
  });
});
