/**
 * Global setup of the `browser` test project: serves the built page (dist/, from `vite build`)
 * with `npx vite preview --port 4173 --strictPort` from the repository root, waits until it
 * answers, and stops it (the whole process group) after the tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_URL, PREVIEW_PORT } from './launch';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const START_TIMEOUT_MS = 60_000;
/** The built page: dist/, or $PREVIEW_DIST (a second build beside it on a shared machine). */
const DIST = resolve(ROOT, process.env.PREVIEW_DIST ?? 'dist');

let lastProblem = '';

/** Whether the server answers with a success status (the last problem is kept for messages). */
async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) lastProblem = `HTTP ${res.status} ${res.statusText}`;
    await res.arrayBuffer().catch(() => undefined);
    return res.ok;
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : '';
    lastProblem = `${e instanceof Error ? e.message : String(e)}${cause}`;
    return false;
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const kill = (signal: NodeJS.Signals) => {
      try {
        // npx → node vite: signal the whole group that `detached` made.
        process.kill(-child.pid!, signal);
      } catch {
        child.kill(signal);
      }
    };
    const force = setTimeout(() => kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    kill('SIGTERM');
  });
}

export default async function setup(): Promise<() => Promise<void>> {
  if (!existsSync(resolve(DIST, 'index.html'))) {
    throw new Error(`${DIST}/index.html is missing: build the page first (\`npx vite build\`; \`npm test\` does it).`);
  }
  if (await answers(BASE_URL)) {
    throw new Error(`Something already answers on ${BASE_URL}; stop it (the tests start their own \`vite preview\`).`);
  }
  const child = spawn('npx', ['vite', 'preview', '--outDir', DIST, '--port', String(PREVIEW_PORT), '--strictPort'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answers(BASE_URL))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`vite preview exited (${child.exitCode ?? child.signalCode}) before answering:\n${output}`);
    }
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`vite preview did not answer on ${BASE_URL} within ${START_TIMEOUT_MS / 1000} s (last: ${lastProblem}):\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return () => stop(child);
}
