/**
 * `npm run build:wasm`: assembles the workbench's WebAssembly texts with wabt (scripts/wasmModules.ts)
 * and writes their bytes, base64, next to them: src/core/noise/simdModule.ts (the Gaussian
 * generator) and src/core/heapSimdModule.ts (the SIMD kernels over tfjs-wasm's heap). Run it after
 * changing a text or the constants it uses; test/unit/noise-simd.test.ts and cnn.test.ts fail
 * while the committed bytes differ from what the texts assemble to.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleHeapSimdWasm, assembleNoiseWasm, heapSimdModuleSource, noiseModuleSource } from './wasmModules';

const core = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'core');
const noise = await assembleNoiseWasm();
writeFileSync(join(core, 'noise', 'simdModule.ts'), noiseModuleSource(noise));
console.log(`wrote src/core/noise/simdModule.ts: ${noise.length} bytes of WebAssembly`);
const heap = await assembleHeapSimdWasm();
writeFileSync(join(core, 'heapSimdModule.ts'), heapSimdModuleSource(heap));
console.log(`wrote src/core/heapSimdModule.ts: ${heap.plain.length} + ${heap.shared.length} bytes of WebAssembly`);
