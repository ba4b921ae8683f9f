/**
 * The benchmark cases of src/core/bench/suite.ts on tfjs's WebGPU backend in Node, through Dawn's
 * Node addon (the `webgpu` npm package): locally on SwiftShader (software Vulkan, slow: it only
 * proves the path), on a lent GPU machine on the real GPU (bench/README.md has the command).
 *
 *   node .gpu/bench.cjs [--cases LIST] [--repeats N] [--scale S] [--quick] [--out FILE] [--torch PYTHON]
 *   (the bundle of this file: npm run bench:gpu-bundle; `npx tsx bench/gpu.ts ...` runs it unbundled)
 *
 * Dawn comes from `require(process.env.WEBGPU_NODE || 'webgpu')`: on the GPU machine WEBGPU_NODE
 * names the unpacked dawn.node, as the bundle carries no node_modules. The set-up is
 * ./webgpuNode.ts's (which the unit tests' WebGPU in Node uses too): XDG_RUNTIME_DIR, SwiftShader's ICD
 * when no Vulkan driver is named, chromium's libvulkan when the system has no loader, and
 * navigator.gpu before @tensorflow/tfjs-backend-webgpu is first imported; in the bundle, its
 * `import('webgpu')` is the WEBGPU_NODE shim of scripts/build-gpu-bench.mjs. The backend is then
 * activated through the core's selectBackend (which installs the WGSL noise kernel,
 * noise/deviceNoise.ts), the adapter is printed, and the cases run with runBenchCase: one
 * warm-up, then --repeats timed runs (default 5), each ending with a read-back.
 *
 * Prints progress on stderr, then on stdout the table of bench/run.ts (bench/table.ts) and, as
 * the last line, the whole report as one JSON object. Exit status: 0, or 1 when a case failed or
 * leaked tensors, 2 for bad arguments, 3 when WebGPU could not be had.
 *
 * With --torch PYTHON the cases run side by side with PyTorch instead (./sideBySide.ts, the
 * protocol of `npm run bench:compare`): PYTHON runs bench/torch_compare.py (found from the
 * working directory, the repository root) on CUDA, the two sides take turns on the same weights
 * and inputs, and the table has both medians, the ratio webgpu / PyTorch and the logit check.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/core/backend';
import { BENCH_CASES } from '../src/core/bench/suite';
import { noiseSource } from '../src/core/noise/gaussianNoise';
import { fail, parseCommandLine, parseList, parseRepeats, timeCase } from './cli';
import { COMPARE_CASES, runSideBySide } from './sideBySide';
import { type Row, failedRow, fmtMs, printTable } from './table';
import { useNodeWebgpu } from './webgpuNode';

const DEFAULT_CASES = ['grid-forward', 'split-40k', 'noise-1m', 'certify-mlp', 'certify-cnn', 'cnn-forward-1k', 'cnn-pgd10-1k'];
const DEFAULT_REPEATS = 5;
const ALL_CASES = BENCH_CASES.map((c) => c.id as string);

const USAGE = `Usage: node .gpu/bench.cjs [options]     (or: npx tsx bench/gpu.ts [options])

  --cases LIST   comma-separated, from: ${ALL_CASES.join(', ')}
                 (default: ${DEFAULT_CASES.join(', ')})
  --repeats N    timed runs per case after one warm-up (default ${DEFAULT_REPEATS})
  --scale S      fraction in (0, 1] of the images of the cnn-* cases and of certify-cnn's n
                 (default 1)
  --quick        --repeats 1 --scale 0.1 unless given: a smoke test (e.g. on SwiftShader)
  --out FILE     also write the JSON report to FILE
  --torch PYTHON side by side with PyTorch on CUDA instead, in turns (the bench:compare protocol):
                 PYTHON runs bench/torch_compare.py from the repository root; cases from
                 ${COMPARE_CASES.join(', ')}
                 (default: all of them); --repeats is the number of rounds; the report goes to
                 --out (default: bench/results/compare-webgpu.json)
  --help

Environment: WEBGPU_NODE=/path/to/dawn.node (default: the 'webgpu' package), VK_DRIVER_FILES or
VK_ICD_FILENAMES (default where present: SwiftShader's ICD from chromium), XDG_RUNTIME_DIR.`;

interface GpuRow extends Row {
  workUnits: number | null;
  unit: string;
  /** noise-1m and certify-*: where gaussianNoise drew ('device': the WGSL kernel). */
  noise?: string;
}

interface AdapterSummary {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  backendAdapterInfo?: unknown;
  maxBufferSize?: number;
  maxStorageBufferBindingSize?: number;
  features?: string[];
}

/** What the adapter says about itself (GPUAdapter.info), and what the tfjs backend holds. */
async function describeAdapter(): Promise<AdapterSummary> {
  const out: AdapterSummary = {};
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  try {
    const adapter = await gpu?.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter) {
      const a = adapter as GPUAdapter & { requestAdapterInfo?: () => Promise<GPUAdapterInfo> };
      const info = a.info ?? (await a.requestAdapterInfo?.());
      if (info) Object.assign(out, { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description });
      out.features = [...adapter.features].sort();
    }
  } catch (e) {
    out.description = `requestAdapter failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  const backend = tf.backend() as unknown as { adapterInfo?: unknown; device?: GPUDevice };
  out.backendAdapterInfo = backend.adapterInfo;
  if (backend.device) {
    out.maxBufferSize = backend.device.limits.maxBufferSize;
    out.maxStorageBufferBindingSize = backend.device.limits.maxStorageBufferBindingSize;
  }
  return out;
}

/** Why no adapter: for the error message when WebGPU could not be had. */
async function diagnose(): Promise<string> {
  const env = ['WEBGPU_NODE', 'VK_DRIVER_FILES', 'VK_ICD_FILENAMES', 'XDG_RUNTIME_DIR'].map((k) => `${k}=${process.env[k] ?? '(unset)'}`).join(' ');
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) return `navigator.gpu is missing; ${env}`;
  try {
    const adapter = await gpu.requestAdapter();
    return `requestAdapter() gave ${adapter ? 'an adapter' : 'null (no Vulkan driver found?)'}; ${env}`;
  } catch (e) {
    return `requestAdapter() threw ${e instanceof Error ? e.message : String(e)}; ${env}`;
  }
}

async function main(): Promise<number> {
  const values = parseCommandLine<{ cases?: string; repeats?: string; scale?: string; quick?: boolean; out?: string; torch?: string }>(USAGE, {
    cases: { type: 'string' },
    repeats: { type: 'string' },
    scale: { type: 'string' },
    quick: { type: 'boolean' },
    out: { type: 'string' },
    torch: { type: 'string' },
  });
  if (!values) return 0;
  const withTorch = values.torch !== undefined;
  const cases = withTorch ? parseList(USAGE, values.cases, COMPARE_CASES, 'case') : parseList(USAGE, values.cases, ALL_CASES, 'case', DEFAULT_CASES);
  const torchScript = resolve('bench', 'torch_compare.py');
  if (withTorch && !existsSync(torchScript)) fail(USAGE, `--torch: ${torchScript} is missing; run from the repository root`);
  const repeats = parseRepeats(USAGE, values.repeats, values.quick ? 1 : DEFAULT_REPEATS);
  const scale = values.scale !== undefined ? Number(values.scale) : values.quick ? 0.1 : 1;
  if (!(scale > 0 && scale <= 1)) fail(USAGE, `--scale must be in (0, 1] (got "${values.scale}")`);

  // The GPU machine names its driver with VK_DRIVER_FILES; webgpuNode.ts falls back to SwiftShader
  // (or gives up) unless VK_ICD_FILENAMES is set, and the loader reads either.
  if (process.env.VK_DRIVER_FILES && !process.env.VK_ICD_FILENAMES) process.env.VK_ICD_FILENAMES = process.env.VK_DRIVER_FILES;
  const t0 = performance.now();
  const webgpu = await useNodeWebgpu();
  if (!webgpu.ok) {
    process.stderr.write(`error: WebGPU could not be had: ${webgpu.reason}\n  ${await diagnose()}\n`);
    return 3;
  }
  try {
    await selectBackend('webgpu', ['webgpu']);
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n  ${await diagnose()}\n`);
    return 3;
  }
  const adapter = await describeAdapter();
  const driver = process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES || '(system default)';
  console.log(`tfjs ${tf.version.tfjs} on ${tf.getBackend()} (set up in ${fmtMs(performance.now() - t0)} ms); Vulkan ICD: ${driver}`);
  console.log(
    `adapter: ${[adapter.vendor, adapter.architecture, adapter.device, adapter.description].filter(Boolean).join(' | ') || '(no info)'}; maxStorageBufferBindingSize ${adapter.maxStorageBufferBindingSize ?? '?'}`,
  );
  if (withTorch) {
    return runSideBySide({
      cases,
      rounds: repeats,
      warmups: 1,
      threads: 1,
      python: values.torch!,
      script: torchScript,
      device: 'cuda',
      scale,
      workbenchThreads: '-',
      out: resolve(values.out ?? 'bench/results/compare-webgpu.json'),
      notesFor: (id) => (id === 'noise-1m' || id.startsWith('certify-') ? { 'noise drawn by': noiseSource() === 'device' ? 'the WGSL kernel' : 'JavaScript (not the WGSL kernel)' } : undefined),
    });
  }
  console.log(`cases: ${cases.join(', ')}; ${repeats} timed run(s) after one warm-up${scale !== 1 ? `; scale ${scale}` : ''}\n`);

  const rows: GpuRow[] = [];
  let problems = 0;
  for (const id of cases) {
    const info = BENCH_CASES.find((c) => c.id === id)!;
    const timedCase = await timeCase(id, `${id} on webgpu`, '', { repeats, warmup: true, scale });
    problems += timedCase.problems;
    if ('error' in timedCase) {
      rows.push({ ...failedRow(id, info.label, 'webgpu', timedCase.error), workUnits: null, unit: info.unit });
      continue;
    }
    const r = timedCase.result;
    const noise = id === 'noise-1m' || id.startsWith('certify-') ? noiseSource() : undefined;
    rows.push({ case: id, label: r.label, backend: r.backend, medianMs: r.medianMs, runsMs: r.runsMs, warmupMs: r.warmupMs, throughput: r.throughput, perSecond: r.perSecond, tensorsLeaked: r.tensorsLeaked, workUnits: r.workUnits, unit: r.unit, noise });
    if (noise && noise !== 'device') process.stderr.write(`  note: ${id} drew its noise in JavaScript, not with the WGSL kernel\n`);
  }

  printTable(rows);
  const report = {
    bench: 'webgpu',
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    tfjs: tf.version.tfjs,
    vulkanIcd: driver,
    adapter,
    repeats,
    scale,
    rows,
  };
  if (values.out) {
    const out = resolve(values.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
    process.stderr.write(`wrote ${out}\n`);
  }
  console.log(JSON.stringify(report));
  return problems ? 1 : 0;
}

// process.exit: Dawn's instance can keep the event loop alive after the last case.
main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
