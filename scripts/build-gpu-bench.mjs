#!/usr/bin/env node
/**
 * `npm run bench:gpu-bundle`: bundles bench/gpu.ts (the benchmark on tfjs's WebGPU backend) into
 * ONE CommonJS file, .gpu/bench.cjs, for a GPU machine that has no node_modules (bench/README.md;
 * ../shared/tools/webgpu-on-device/prepare.sh packs Node and Dawn beside it into .gpu/).
 *
 * Everything is bundled but Dawn: every `import('webgpu')` becomes a shim that requires
 * process.env.WEBGPU_NODE (the path of a dawn.node) or, when unset, the `webgpu` package from
 * node_modules at run time. No tfjs-backend-wasm: its .wasm files are not needed on webgpu.
 * Prints the bundle's size and checks it against the device tool's carry limit (64 MiB for the
 * whole working tree, .gpu/node.xz and .gpu/dawn.node.xz included).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, '.gpu', 'bench.cjs');
const CARRY_LIMIT = 64 * 1024 * 1024;

/** `webgpu` -> module.exports = require(WEBGPU_NODE (absolute) || 'webgpu'), the latter external. */
const webgpuShim = {
  name: 'webgpu-node-shim',
  setup(b) {
    b.onResolve({ filter: /^webgpu$/ }, (args) => (args.namespace === 'webgpu-shim' ? { path: 'webgpu', external: true } : { path: 'webgpu', namespace: 'webgpu-shim' }));
    b.onLoad({ filter: /.*/, namespace: 'webgpu-shim' }, () => ({
      contents: `const p = process.env.WEBGPU_NODE;
module.exports = p ? require(require('node:path').resolve(p)) : require('webgpu');`,
      loader: 'js',
      resolveDir: root,
    }));
  },
};

mkdirSync(dirname(outfile), { recursive: true });
const result = await build({
  entryPoints: [join(root, 'bench', 'gpu.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // tfjs-core's Node platform requires node-fetch lazily, only where no global fetch exists.
  external: ['node-fetch'],
  plugins: [webgpuShim],
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});

const size = statSync(outfile).size;
const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const packed = ['node.xz', 'dawn.node.xz'].map((f) => join(root, '.gpu', f)).filter(existsSync);
const packedSize = packed.reduce((s, f) => s + statSync(f).size, 0);
const glDir = join(root, '.gl');
let glSize = 0;
if (existsSync(glDir)) for (const f of (await import('node:fs')).readdirSync(glDir)) glSize += statSync(join(glDir, f)).size;
const total = size + packedSize + glSize;
console.log(`wrote ${outfile}: ${mib(size)} (${Object.keys(result.metafile.inputs).length} modules)`);
console.log(
  `carried with it: .gpu/*.xz ${packed.length ? mib(packedSize) : '(not packed yet: run prepare.sh)'}, .gl ${mib(glSize)}; total ${mib(total)} of the ${mib(CARRY_LIMIT)} limit (the tracked tree travels too)`,
);
if (total > CARRY_LIMIT) {
  console.error('error: over the device tool carry limit');
  process.exit(1);
}
