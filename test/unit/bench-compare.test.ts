/**
 * `npm run bench:compare` (bench/compare.ts with bench/torch_compare.py), run as a user runs it on
 * two quick cases: the report holds both sides' medians and their ratio, and the logits of the
 * two sides on the same inputs agree (the weights and inputs went across in the right layout:
 * the MLP's kernels transposed, the CNN's NHWC images and flattened features re-ordered). Without
 * PyTorch the command says how to install it and times the workbench alone. Each core's pace is
 * in the report, and on one thread both sides run on the same core.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { canPin as pinnable } from '../../bench/corePace';
import { ROOT } from './cliRun';

const canPin = pinnable();
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;

// At 2 threads: tfjs wasm's threaded build (src/cli/wasmThreads.ts) against torch.set_num_threads(2).
test('bench:compare times both sides in turns on the same weights, inputs and thread count', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-compare-'));
  try {
    const out = join(dir, 'compare.json');
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/compare.ts', '--cases', 'grid-forward,cnn-forward-1k', '--rounds', '2', '--warmups', '1', '--threads', '2', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 110_000 });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.rows.map((row: { case: string }) => row.case)).toEqual(['grid-forward', 'cnn-forward-1k']);
    expect(report.workbenchThreads).toBe('2');
    expect(report.warmups).toBe(1);
    // With gc exposed (as npm run bench:compare starts it) dead read-back arrays are freed between runs.
    expect(report.collectsDeadArrays).toBe(true);
    expect(r.stdout).not.toMatch(/without --expose-gc/);
    // Each core's pace before and after (where taskset can choose cores); on 2 threads nothing is pinned.
    expect(report.core).toBeNull();
    if (canPin) for (const pace of [report.corePaceMs.before, report.corePaceMs.after]) expect(pace.map((ms: number) => ms > 0)).toEqual(cpus().map(() => true));
    for (const row of report.rows) {
      expect(row.workbenchRunsMs).toHaveLength(2);
      expect(row.workbenchMs).toBeGreaterThan(0);
    }
    if (!hasTorch) {
      expect(r.stdout).toMatch(/PyTorch is not available .* apt-get install -y python3-torch/);
      return;
    }
    expect(report.torch.threads).toBe(2);
    // Not pinned: PyTorch may run on every core.
    if (canPin) expect(report.torch.cores).toEqual(cpus().map((_, i) => i));
    // Its threads sleep between calls instead of spinning on the cores the workbench's turn needs.
    expect(report.torch.waiting).toEqual({ OMP_WAIT_POLICY: 'PASSIVE', OPENBLAS_THREAD_TIMEOUT: '4' });
    for (const row of report.rows) {
      expect(row.torchRunsMs).toHaveLength(2);
      expect(row.ratio).toBeCloseTo(row.workbenchMs / row.torchMs, 10);
      // float32 on both sides: the same network gives the same logits up to rounding.
      expect(row.maxAbsDiff).toBeLessThan(1e-4);
    }
    expect(r.stdout).toMatch(/\| grid-forward +\| [\d.]+ ms +\| [\d.]+ ms +\| [\d.]+× +\| 2 \/ 2 /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

test('on one thread bench:compare runs both sides on the same core, the one that ran the fixed loop fastest', (ctx) => {
  if (!canPin) return ctx.skip();
  const dir = mkdtempSync(join(tmpdir(), 'bench-compare-'));
  try {
    const out = join(dir, 'compare.json');
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/compare.ts', '--cases', 'noise-1m', '--rounds', '1', '--warmups', '1', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const before: number[] = report.corePaceMs.before;
    expect(report.core).toBe(before.indexOf(Math.min(...before)));
    expect(r.stdout).toContain(`both sides pinned to core ${report.core}`);
    if (hasTorch) expect(report.torch.cores).toEqual([report.core]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

test('bench:compare refuses a bad option by name, with exit status 2', () => {
  for (const [args, message] of [
    [['--rounds', '0'], /--rounds must be a whole number >= 1 \(got "0"\)/],
    [['--warmups', '0.5'], /--warmups must be a whole number >= 1 \(got "0.5"\)/],
    [['--threads', 'x'], /--threads must be a whole number from 1 to 8 \(got "x"\)/],
    [['--cases', 'nope'], /unknown case: nope; choose from grid-forward, /],
    [['--pin', 'fast'], /--pin must be auto or none \(got "fast"\)/],
  ] as const) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/compare.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  }
}, 120_000);

// The GPU machine's one command (bench/README.md) runs bench/gpu.ts --torch: WebGPU (here Dawn on
// SwiftShader) against PyTorch on CUDA, which this machine lacks, so PyTorch says it fell back to
// the CPU. Same protocol and report as bench:compare.
test('bench/gpu.ts --torch runs WebGPU and PyTorch in turns and says where PyTorch ran', (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-compare-gpu-'));
  try {
    const out = join(dir, 'compare.json');
    const env = { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? dir };
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/gpu.ts', '--torch', '/usr/bin/python3', '--cases', 'noise-1m,verify-ibp-mlp2d', '--repeats', '2', '--scale', '0.1', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 170_000, env });
    if (r.status === 3) ctx.skip(); // no WebGPU adapter here (the test of fastpaths-webgpu says why)
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.backend).toBe('webgpu');
    expect(report.collectsDeadArrays).toBe(false);
    expect(r.stdout).toMatch(/NOTE: node runs without --expose-gc/);
    expect(report.rows.map((row: { case: string }) => row.case)).toEqual(['noise-1m', 'verify-ibp-mlp2d']);
    expect(report.rows[0].notes).toEqual({ 'noise drawn by': 'the WGSL kernel' });
    if (!hasTorch) {
      expect(r.stdout).toMatch(/PyTorch is not available .* apt-get install -y python3-torch/);
      for (const row of report.rows) expect(row.workbenchRunsMs).toHaveLength(2);
      return;
    }
    expect(report.torch.deviceKind).toBe('cpu');
    expect(report.torch.note).toMatch(/CUDA is not available/);
    for (const row of report.rows) {
      expect(row.workbenchRunsMs).toHaveLength(2);
      expect(row.torchRunsMs).toHaveLength(2);
      expect(row.ratio).toBeCloseTo(row.workbenchMs / row.torchMs, 10);
    }
    expect(report.rows[1].maxAbsDiff).toBeLessThan(1e-4);
    expect(r.stdout).toMatch(/\| case +\| workbench \(webgpu\) +\| PyTorch CPU +\| workbench \/ PyTorch/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
