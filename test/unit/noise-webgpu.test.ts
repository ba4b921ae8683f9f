/**
 * The WGSL Gaussian noise kernel (Philox4x32-10, Salmon et al. 2011, + Box–Muller;
 * src/core/noise/webgpu.ts) on tfjs's WebGPU backend in Node: Dawn (the `webgpu` npm package)
 * on SwiftShader's Vulkan driver (bench/webgpuNode.ts, shared with bench/gpu.ts). Compares the
 * kernel element by element with the float64 JavaScript reference philoxNormals (tolerance 1e-5;
 * observed ≤ 5e-7), for vec4 and scalar stores, any shape, sigma, 32-bit seeds, a counter offset
 * and a dispatch beyond 65,535 workgroups; on SwiftShader (IEEE float32) the kernel equals the CPU's
 * WASM SIMD generator (simd.ts, the same float32 arithmetic) bit for bit; checks mean/variance/lag-1, that one pipeline serves
 * every seed and size, and that the generated tensor is the only one left.
 * Skipped, with the reason, where WebGPU cannot be had (no SwiftShader ICD or Vulkan loader).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { gaussianNoise, noiseSource } from '../../src/core/noise/gaussianNoise';
import { maxAbsDifference, runNoiseCheck } from '../../src/core/noise/noiseCheck';
import { installDeviceNoise } from '../../src/core/noise/deviceNoise';
import { webgpuNoise } from '../../src/core/noise/webgpu';
import { philoxNormals } from '../../src/core/noise/philox';
import { simdNormals } from '../../src/core/noise/simd';
import { useNodeWebgpu } from '../../bench/webgpuNode';

const webgpu = await useNodeWebgpu();
if (!webgpu.ok) console.warn(`noise-webgpu.test.ts skipped: ${webgpu.reason}`);

const TOLERANCE = 1e-5;

async function read(t: tf.Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

function pipelines(): string[] {
  return Object.keys((tf.backend() as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache).filter((k) => k.startsWith('philoxNormal'));
}

describe.skipIf(!webgpu.ok)('WGSL Philox noise kernel (Dawn + SwiftShader)', () => {
  test('is the generator of gaussianNoise on webgpu', () => {
    installDeviceNoise();
    expect(tf.getBackend()).toBe('webgpu');
    expect(noiseSource()).toBe('device');
  });

  test('matches philoxNormals element by element (vec4 and scalar stores)', async () => {
    for (const [n, seed, stream] of [[4096, 0, 0], [65536, 0xdeadbeef, 7], [1001, 0xffffffff, 0xffffffff], [3, 1, 2], [1, 5, 5]]) {
      const before = tf.memory().numTensors;
      const t = gaussianNoise([n], { seed, stream, sigma: 1 });
      expect(tf.memory().numTensors).toBe(before + 1);
      const v = await read(t);
      expect(tf.memory().numTensors).toBe(before);
      expect(v.length).toBe(n);
      const diff = maxAbsDifference(v, philoxNormals(new Float32Array(n), seed, stream));
      expect(diff, `n ${n}, seed ${seed}, stream ${stream}`).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  test('equals the WASM SIMD generator bit for bit (both IEEE float32 here)', async () => {
    const n = 1 << 18;
    const v = await read(gaussianNoise([n], { seed: 42, stream: 3, sigma: 0.5 }));
    const cpu = new Float32Array(n);
    expect(simdNormals(cpu, 42, 3, 0.5)).toBe(true);
    const a = new Uint32Array(v.buffer, v.byteOffset, n);
    const b = new Uint32Array(cpu.buffer);
    let differing = 0;
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) differing++;
    expect(differing).toBe(0);
  });

  test('any shape, sigma, and a counter offset', async () => {
    for (const shape of [[3, 5, 7], [2, 2], [10, 28, 28, 1]]) {
      const t = gaussianNoise(shape, { seed: 9, stream: 1, sigma: 0.5 });
      expect(t.shape).toEqual(shape);
      const v = await read(t);
      expect(maxAbsDifference(v, philoxNormals(new Float32Array(v.length), 9, 1, 0.5))).toBeLessThanOrEqual(TOLERANCE);
    }
    const t = webgpuNoise([4096], { seed: 9, stream: 1, sigma: 2 }, 1000)!;
    expect(maxAbsDifference(await read(t), philoxNormals(new Float32Array(4096), 9, 1, 2, 4000))).toBeLessThanOrEqual(2 * TOLERANCE);
  });

  test('compiles once: new seeds, streams, sigmas and sizes reuse the pipelines', async () => {
    await read(gaussianNoise([4096], { seed: 1, stream: 1, sigma: 1 }));
    await read(gaussianNoise([4097], { seed: 1, stream: 1, sigma: 1 }));
    const cached = pipelines();
    expect(cached).toHaveLength(2);
    for (let i = 0; i < 5; i++) {
      await read(gaussianNoise([1024 * (i + 1)], { seed: 100 + i, stream: i, sigma: 1 + i }));
      await read(gaussianNoise([1024 * (i + 1) + 1], { seed: 100 + i, stream: i, sigma: 1 + i }));
    }
    expect(pipelines()).toEqual(cached);
  });

  test('1M draws: mean, variance and lag-1 within 5 SE (the bench view check)', async () => {
    const r = await runNoiseCheck(1 << 20);
    expect(r).toMatchObject({ backend: 'webgpu', source: 'device', failures: [], tensorsLeaked: 0 });
    expect(r.maxAbsDiff).toBeLessThanOrEqual(TOLERANCE);
    console.log(`webgpu (Dawn/SwiftShader): ${(r.drawsPerSecond / 1e6).toFixed(2)}M draws/s, max |Δ| ${r.maxAbsDiff.toExponential(2)}`);
  });

  test('beyond 65,535 workgroups (reshaped dispatch): the same numbers', async () => {
    const n = 65536 * 64 * 4 + 4 * 1000;
    const v = await read(gaussianNoise([n], { seed: 3, stream: 4, sigma: 1 }));
    for (const first of [0, 4 * 65536 * 64 - 4096, n - 4096]) {
      const ref = philoxNormals(new Float32Array(4096), 3, 4, 1, first);
      expect(maxAbsDifference(v.subarray(first, first + 4096), ref), `from ${first}`).toBeLessThanOrEqual(TOLERANCE);
    }
  });
});
