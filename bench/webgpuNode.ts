/**
 * tfjs's WebGPU backend in Node, through the `webgpu` npm package (Dawn): for bench/gpu.ts (the
 * benchmark on a real GPU, or on SwiftShader to prove the path) and for the unit tests of the
 * WGSL noise kernel, which has no other way to run outside a browser. It lives with the bench,
 * not in test/, because the bench is a tool of its own and must not depend on the tests; it is
 * Node-only (file system, dlopen), so not in src/core. Locally it runs on SwiftShader's Vulkan
 * driver, as ../shared/ENVIRONMENT.md describes:
 *  - VK_ICD_FILENAMES points at the SwiftShader ICD that Debian's chromium ships, and
 *    XDG_RUNTIME_DIR at a private 0700 folder;
 *  - Dawn opens the Vulkan loader by name (libvulkan.so.1). Where the system has none (no
 *    libvulkan1 package), chromium's copy is loaded first with RTLD_NODELETE (process.dlopen
 *    then complains that it is no Node addon, but the library stays loaded), so that Dawn's
 *    dlopen finds it by its soname;
 *  - navigator.gpu must exist before @tensorflow/tfjs-backend-webgpu is first imported, hence
 *    the dynamic imports.
 * Resolves with the reason when WebGPU cannot be had, so that the caller can skip.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

const CHROMIUM_LIB = '/usr/lib/chromium';
const SWIFTSHADER_ICD = `${CHROMIUM_LIB}/vk_swiftshader_icd.json`;
const RTLD_NODELETE = 0x1000;

function systemHasVulkanLoader(): boolean {
  return ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib/libvulkan.so.1', '/usr/lib64/libvulkan.so.1'].some(existsSync);
}

export async function useNodeWebgpu(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (!process.env.VK_ICD_FILENAMES) {
    if (!existsSync(SWIFTSHADER_ICD)) return { ok: false, reason: `${SWIFTSHADER_ICD} is missing (apt-get install chromium)` };
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  if (!process.env.XDG_RUNTIME_DIR) {
    const dir = join(tmpdir(), `xdg-${process.getuid?.() ?? 0}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = dir;
  }
  if (!systemHasVulkanLoader() && existsSync(`${CHROMIUM_LIB}/libvulkan.so.1`)) {
    try {
      process.dlopen({ exports: {} }, `${CHROMIUM_LIB}/libvulkan.so.1`, constants.dlopen.RTLD_NOW | constants.dlopen.RTLD_GLOBAL | RTLD_NODELETE);
    } catch {
      // "Module did not self-register": expected, the library is loaded all the same.
    }
  }
  try {
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    return { ok: false, reason: `webgpu (Dawn) did not load: ${e instanceof Error ? e.message : String(e)}` };
  }
  // tfjs logs (and swallows) the failure when no adapter can be had; keep the output (of the tests and of the bench) quiet.
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    if (!(await tf.setBackend('webgpu'))) return { ok: false, reason: 'tf.setBackend("webgpu") resolved false (no Vulkan adapter?)' };
  } catch (e) {
    return { ok: false, reason: `tf.setBackend("webgpu") threw: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    console.warn = warn;
  }
  return { ok: true };
}
