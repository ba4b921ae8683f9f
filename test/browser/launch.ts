/**
 * Launches Debian's chromium through playwright-core for the browser tests (never
 * `npx playwright install`: it downloads a browser, which these machines cannot). The flags are
 * the ones that work here (../shared/ENVIRONMENT.md): headless without a sandbox or a GPU, no
 * background traffic, and WebGPU/WebGL on SwiftShader so that every tfjs backend can be tried.
 */
import { existsSync } from 'node:fs';
import { type Browser, type LaunchOptions, chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The `vite preview` server that test/browser/globalSetup.ts starts: port 4173, or
 * $PREVIEW_PORT where 4173 is taken on a shared machine.
 */
export const PREVIEW_PORT = Number(process.env.PREVIEW_PORT) || 4173;
export const BASE_URL = `http://localhost:${PREVIEW_PORT}/`;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
];

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: install it with \`apt-get install -y chromium\` (Debian).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}
