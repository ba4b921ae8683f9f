/**
 * The threaded WASM build in Node (src/cli/wasmThreads.ts): the backend gets the threads it is
 * asked for, its numbers are bit for bit those of one thread, the process still exits by itself,
 * and the CLI's --threads flag is checked by name.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ROOT, cli } from './cliRun';

function probe(threads: number): { backend: string; helperStarted: boolean; threads: number; helperJobs: number; grad: number[]; product: number[]; elementwise: number[]; convSplit: boolean; rows: { caller: number; helper: number } } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/unit/wasmThreadsProbe.ts', String(threads)], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  // A pthread that kept the process alive would end in the timeout (status null).
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('wasm threads in Node', () => {
  test('two and three threads give the same bits as one, for a CNN gradient, the element-wise heap kernels, convolutions (the heap helper taking half of each on 2), a matrix product and an MLP\'s logits, input gradients and interval bounds (in blocks both threads take on 2)', () => {
    const one = probe(1);
    const two = probe(2);
    const three = probe(3);
    expect(one.backend).toBe('wasm');
    expect(two.backend).toBe('wasm');
    expect(one.threads).toBe(1);
    // Two threads are counted once the helper (the second) has started, which heapHelperStarted waits for.
    expect([one.helperStarted, two.helperStarted, three.helperStarted]).toEqual([true, true, true]);
    expect(two.threads).toBe(2);
    // The heap helper took half of the large SIMD calls on 2 threads, and none on 1.
    expect(one.helperJobs).toBe(0);
    // The pooling gradient, col2im, and the ReLU mask, ascent step and ReLU box below.
    expect(two.helperJobs).toBeGreaterThanOrEqual(5);
    expect(two.grad.length).toBe(64 * 28 * 28);
    expect(two.product.length).toBe(300 * 200);
    expect(two.grad).toEqual(one.grad);
    expect(two.product).toEqual(one.product);
    // The element-wise kernels and a convolution over 128 images, split by the helper on 2 threads.
    expect(two.elementwise).toHaveLength(12);
    // The MLP passes after the first went in blocks, and both threads took some (none on 1 thread).
    expect(one.rows).toEqual({ caller: 0, helper: 0 });
    expect(two.rows.caller).toBeGreaterThan(0);
    expect(two.rows.helper).toBeGreaterThan(0);
    expect(two.elementwise).toEqual(one.elementwise);
    // Three threads: XNNPACK's pool (capped at the machine's cores, 2 here) splits the large products and convolutions itself.
    expect(three.threads).toBeGreaterThanOrEqual(2);
    expect(three.grad).toEqual(one.grad);
    expect(three.product).toEqual(one.product);
    expect(three.elementwise).toEqual(one.elementwise);
    expect([one.convSplit, two.convSplit]).toEqual([false, true]);
  }, 120_000);
});

describe('cli --threads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-threads-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'tiny.json');
  writeFileSync(
    config,
    JSON.stringify({
      version: 1,
      seed: 5,
      data: { kind: 'moons', size: 60, testFraction: 0.25 },
      training: { method: 'pgd-at', epochs: 2, batchSize: 10, attack: { steps: 3 } },
      evaluation: { attack: { kind: 'pgd', steps: 5 } },
    }),
  );

  test('a training run on 2 threads writes what it writes on 1, and says how many threads ran', () => {
    const runs = [1, 2].map((n) => {
      const out = join(dir, `t${n}.json`);
      const r = cli('train', config, '--threads', String(n), '--out', out);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`backend wasm · ${n} thread${n === 1 ? '' : 's'}`);
      const result = JSON.parse(readFileSync(out, 'utf8'));
      return { metrics: result.metrics, history: result.training.history.map((h: { objective: number }) => h.objective) };
    });
    expect(runs[1].history).toEqual(runs[0].history);
    expect(runs[1].metrics).toEqual(runs[0].metrics);
  }, 120_000);

  test.each(['0', '9', '1.5', 'two', ''])('--threads %j is refused by name, before anything runs', (v) => {
    const out = join(dir, `bad.json`);
    const r = cli('train', config, '--threads', v, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--threads must be a whole number from 1 to 8 (got "${v}")`);
    expect(existsSync(out)).toBe(false);
  });
});
