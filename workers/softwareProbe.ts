/**
 * Detects GPU backends that would run on a software rasteriser (e.g. SwiftShader in headless
 * Chromium): tfjs webgpu/webgl are correct there but 10–150× slower than WASM, so the automatic
 * choice passes over them (they can still be forced with ?backend=webgpu or ?backend=webgl).
 */

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render/i;

type Adapter = { isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string; description?: string } };
const webgpuApi = () => (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
let adapterRequest: Promise<Adapter | null> | null = null;

/** The WebGPU adapter, asked for once per worker (both probes below read it). */
function gpuAdapter(): Promise<Adapter | null> {
  const gpu = webgpuApi();
  adapterRequest ??= gpu ? gpu.requestAdapter().then((a) => (a as Adapter | null) ?? null, () => null) : Promise.resolve(null);
  return adapterRequest;
}

async function webgpuSoftware(): Promise<string | null> {
  try {
    const adapter = await gpuAdapter();
    if (!adapter) return null;
    const info = adapter.info;
    const text = `${info?.vendor ?? ''} ${info?.architecture ?? ''} ${info?.description ?? ''}`;
    if (adapter.isFallbackAdapter || info?.isFallbackAdapter || SOFTWARE.test(text)) return `software adapter (${text.trim() || 'fallback'})`;
  } catch {
    return null;
  }
  return null;
}

function webglSoftware(): string | null {
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    return SOFTWARE.test(renderer) ? `software renderer (${renderer})` : null;
  } catch {
    return null;
  }
}

/** Backends to pass over by default, with the reason. */
export async function softwareBackends(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const gpu = await webgpuSoftware();
  if (gpu) out.webgpu = gpu;
  const gl = webglSoftware();
  if (gl) out.webgl = gl;
  return out;
}

/** Backends this browser cannot start at all (no WebGPU adapter, no WebGL context), with the reason. */
export async function missingBackends(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!(await gpuAdapter())) out.webgpu = webgpuApi() ? 'no WebGPU adapter' : 'no WebGPU in this browser';
  try {
    const canvas = new OffscreenCanvas(1, 1);
    if (!(canvas.getContext('webgl2') ?? canvas.getContext('webgl'))) out.webgl = 'no WebGL context';
  } catch {
    out.webgl = 'no WebGL context';
  }
  return out;
}
