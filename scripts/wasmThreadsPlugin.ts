/**
 * Lets the threaded SIMD build of tfjs's WASM backend run in the page's module worker.
 *
 * Each pthread of that build is a classic worker that loads the Emscripten glue with
 * importScripts and then calls the global it defines. tfjs hands the pthreads that glue as the
 * text of its bundled factory function (`wasmFactoryThreadedSimd.toString()`); once a bundler has
 * wrapped and minified that function, its text refers to variables of the surrounding bundle that
 * do not exist in the pthread ("e is not defined"), and every pthread dies. This plugin ships the
 * glue file as it is published (it defines `WasmBackendModuleThreadedSimd` on its own) as an asset
 * and points the pthreads to its URL.
 *
 * XNNPACK's thread pool in that build is capped at half of navigator.hardwareConcurrency, on the
 * assumption that every core runs two hardware threads; on a 2-core laptop or VM that leaves one.
 * The plugin makes the module see twice the reported count, so the cap becomes the reported
 * count itself, and the worker asks for exactly that many threads (setThreadsCount).
 *
 * Only the production build is patched (the dev server pre-bundles tfjs with esbuild, which skips
 * plugins): `virtual:wasm-threads` tells the worker whether the pthreads can start, and it keeps
 * to one thread where they cannot.
 */
import type { Plugin } from 'vite';

const VIRTUAL = 'virtual:wasm-threads';
const RESOLVED = `\0${VIRTUAL}`;
const BACKEND_FILE = '@tensorflow/tfjs-backend-wasm/dist/backend_wasm.js';
const GLUE = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
/** Emscripten's count of logical cores, as the glue defines it. */
const CORES = 'function _emscripten_num_logical_cores(){if(ENVIRONMENT_IS_NODE)return require("os").cpus().length;return navigator["hardwareConcurrency"]}';
const CORES_DOUBLED = 'function _emscripten_num_logical_cores(){if(ENVIRONMENT_IS_NODE)return require("os").cpus().length;return 2*navigator["hardwareConcurrency"]}';
/** tfjs 4.x's hand-over of the glue to the pthreads, as published in backend_wasm.js. */
const HAND_OVER = /factoryConfig\.mainScriptUrlOrBlob = new Blob\(\[`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)\], \{ type: 'text\/javascript' \}\);/;

export function wasmThreads(): Plugin {
  let build = false;
  return {
    name: 'wasm-threads',
    enforce: 'pre',
    configResolved(config) {
      build = config.command === 'build';
    },
    resolveId: (id) => (id === VIRTUAL ? RESOLVED : null),
    load(id) {
      if (id !== RESOLVED) return null;
      if (!build) return 'export const threadedGlueUrl = null;\nexport const threadsUnavailable = "the dev server serves tfjs unpatched; npm start serves the threaded build";\n';
      return `import url from '${GLUE}?url';\nexport const threadedGlueUrl = url;\nexport const threadsUnavailable = null;\n`;
    },
    transform(code, id) {
      if (!build) return null;
      const file = id.replace(/\\/g, '/');
      if (file.endsWith(GLUE)) {
        if (!code.includes(CORES)) this.error(`wasm-threads: ${GLUE} no longer counts cores as this plugin expects (tfjs updated?); update scripts/wasmThreadsPlugin.ts`);
        return { code: code.replace(CORES, CORES_DOUBLED), map: null };
      }
      if (!file.endsWith(BACKEND_FILE)) return null;
      if (!HAND_OVER.test(code)) this.error(`wasm-threads: ${BACKEND_FILE} no longer hands the glue to its pthreads as this plugin expects (tfjs updated?); update scripts/wasmThreadsPlugin.ts`);
      const patched = code.replace(HAND_OVER, 'factoryConfig.mainScriptUrlOrBlob = new URL(threadedGlueUrl, self.location.href).href;');
      return { code: `import { threadedGlueUrl } from '${VIRTUAL}';\n${patched}`, map: null };
    },
  };
}
