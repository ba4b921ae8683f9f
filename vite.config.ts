import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { wasmThreads } from './scripts/wasmThreadsPlugin';

// Cross-origin isolation (COOP + COEP) lets the tfjs WASM backend use its threaded build
// (SharedArrayBuffer) where the browser allows it.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The built page's Content-Security-Policy: scripts, workers and data from the page's own origin
 * only, no inline script and no eval — except compiling WebAssembly ('wasm-unsafe-eval'), which
 * the tfjs WASM backend needs. Region images are blob: URLs and downloads data: URLs; plotly sets
 * inline styles. The preview server sends it as a header (which also covers the worker and adds
 * frame-ancestors, which a meta tag cannot carry); the built index.html carries it as a meta tag
 * for any static host.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "connect-src 'self' blob: data:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const cspMeta = (): Plugin => ({
  name: 'csp-meta',
  apply: 'build',
  transformIndexHtml: (html) => html.replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`),
});

export default defineConfig({
  plugins: [react(), cspMeta(), wasmThreads()],
  // The dev server runs Vite's inline client and eval-based reloads: no policy there.
  server: { headers: isolation },
  preview: { headers: { ...isolation, 'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'` }, port: 4173, strictPort: true },
  worker: { format: 'es', plugins: () => [wasmThreads()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 8000 },
});
