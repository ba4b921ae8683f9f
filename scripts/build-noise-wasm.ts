/**
 * `npm run build:noise-wasm`: assembles the CPU's Gaussian generator (src/core/noise/simdSource.ts,
 * WebAssembly text with SIMD) with wabt and writes its bytes, base64, to
 * src/core/noise/simdModule.ts. Run it after changing simdSource.ts or the constants it uses;
 * test/unit/noise-simd.test.ts fails while the committed bytes differ from what the text assembles to.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleNoiseWasm, noiseModuleSource } from './noiseWasm';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'core', 'noise', 'simdModule.ts');
const bytes = await assembleNoiseWasm();
writeFileSync(target, noiseModuleSource(bytes));
console.log(`wrote ${target}: ${bytes.length} bytes of WebAssembly`);
