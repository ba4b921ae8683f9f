/** The in-page bench view: runs the core's bench cases in the worker and fills the table. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, launchBrowser } from './launch';
import { backendLabel, waitForBackend } from './page';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Leaves exactly the bench cases whose labels start with one of `labels` ticked. */
async function chooseCases(page: Page, labels: string[]): Promise<void> {
  for (const box of await page.locator('.bench label.toggle').all()) {
    const input = box.locator('input[type=checkbox]');
    if (!(await input.count()) || (await input.getAttribute('data-testid'))) continue;
    const text = ((await box.textContent()) ?? '').trim();
    const on = labels.some((l) => text.startsWith(l));
    if ((await input.isChecked()) !== on) await input.click();
  }
}

/** The rows of a table as cell texts. */
const tableRows = (page: Page, testId: string) => page.$$eval(`[data-testid=${testId}] tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));

test('the bench view times the grid forward pass and the 40k split on wasm, with 1 thread and with 2, and compares them', async () => {
  const page = await browser.newPage();
  await page.goto(`${BASE_URL}?view=bench`);
  await waitForBackend(page);
  // Threads need SharedArrayBuffer, which the preview server's isolation headers unlock.
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  await page.waitForSelector('[data-testid=bench-run]:not([disabled])');
  await page.locator('.bench input[type=number]').first().fill('2');
  await chooseCases(page, ['MLP forward', '4-way split']);
  await page.click('[data-testid=bench-run]');
  await page.waitForSelector('[data-testid=bench-speedup] tbody tr:nth-child(2)', { timeout: 120_000 });
  const rows = await tableRows(page, 'bench-table');
  // The two thread counts of a case take turns run by run, so both see the machine in the same seconds.
  const started = await page.$$eval('[data-testid=bench-table] tbody tr', (trs) =>
    trs.map((tr) => ({ label: tr.children[0].textContent ?? '', threads: tr.children[2].textContent ?? '', at: (tr.querySelector('[data-col=runs] span')?.getAttribute('data-started') ?? '').split(',').map(Number) })),
  );
  for (const label of ['MLP forward', '4-way split']) {
    const runs = started.filter((r) => r.label.startsWith(label)).flatMap((r) => r.at.map((at) => ({ at, threads: r.threads })));
    expect(runs).toHaveLength(4);
    for (const r of runs) expect(r.at).toBeGreaterThan(Date.now() - 600_000);
    const order = runs.sort((a, b) => a.at - b.at).map((r) => r.threads);
    expect(order.every((t, i) => i === 0 || t !== order[i - 1]), `runs by start time: ${order.join(', ')}`).toBe(true);
  }
  expect(rows).toHaveLength(4);
  expect(rows.map((r) => r[1])).toEqual(['wasm', 'wasm', 'wasm', 'wasm']);
  // One thread and one per core (2 here) for each case: one count in the page's worker, the other in a worker of its own.
  for (const label of ['MLP forward', '4-way split']) expect(rows.filter((r) => r[0].startsWith(label)).map((r) => r[2]).sort()).toEqual(['1', '2']);
  for (const r of rows) {
    const ms = parseFloat(r[3]);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(60_000);
    expect(r[5]).toMatch(/\/s/);
  }
  const speedups = await tableRows(page, 'bench-speedup');
  expect(speedups).toHaveLength(2);
  for (const [label, one, many, ratio] of speedups) {
    const row = (threads: string) => rows.find((r) => r[0] === label && r[2] === threads)!;
    expect(parseFloat(one)).toBeCloseTo(parseFloat(row('1')[3]), 0);
    expect(many).toMatch(/\(2\)$/);
    expect(parseFloat(ratio)).toBeCloseTo(parseFloat(row('1')[3]) / parseFloat(row('2')[3]), 1);
  }
  // Each core's pace, before and after the cases: one worker alone, then one per core (2 here) at once, each a time, and whether they are even.
  await page.waitForSelector('[data-testid=bench-cores-after]');
  for (const when of ['before', 'after']) {
    const line = (await page.textContent(`[data-testid=bench-cores-${when}]`)) ?? '';
    const [alone, ...times] = [...line.matchAll(/(\d+) ms/g)].map((m) => Number(m[1]));
    expect(times).toHaveLength(2);
    for (const ms of [alone, ...times]) expect(ms).toBeGreaterThan(10);
    // (Whole milliseconds here, so a ratio right at the line could read either way.)
    const ratio = Math.max(...times) / Math.min(...times);
    const crowding = Math.max(...times) / alone;
    if (Math.abs(ratio - 1.25) > 0.02 && Math.abs(crowding - 1.25) > 0.02) {
      expect(line).toMatch(ratio > 1.25 ? /slower than another/ : crowding > 1.25 ? /as long as the one alone, so the cores were shared/ : /within 1\.25× of each other and of the one alone\.$/);
    }
  }
  await page.context().close();
});

test('Cancel stops a benchmark whose thread counts run at once: both workers stop within seconds, no row comes, and Run is back', async () => {
  const page = await browser.newPage();
  const closed: string[] = [];
  page.on('worker', (w) => w.on('close', () => closed.push(w.url())));
  await page.goto(`${BASE_URL}?view=bench`);
  await waitForBackend(page);
  await page.waitForSelector('[data-testid=bench-run]:not([disabled])');
  await page.locator('.bench input[type=number]').first().fill('5');
  await chooseCases(page, ['CNN PGD-10']);
  await page.click('[data-testid=bench-run]');
  // Into the runs (the core check and both workers' set-up come first), then Cancel.
  await page.waitForFunction(() => /CNN|Benchmark/.test(document.querySelector('[data-testid=job]')?.textContent ?? ''), undefined, { timeout: 60_000 });
  await page.waitForTimeout(4_000);
  const cancelledAt = Date.now();
  closed.length = 0;
  await page.click('[data-testid=cancel-job]');
  // The runs check for a cancel between PGD steps, so both workers stop within a step or two, long
  // before either could finish its six runs of 1–2 s (the other would, were only the page's worker told).
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 4_000 });
  expect(Date.now() - cancelledAt).toBeLessThan(4_000);
  await page.waitForSelector('[data-testid=bench-run]:not([disabled])', { timeout: 2_000 });
  expect(await tableRows(page, 'bench-table')).toHaveLength(0);
  // The worker of the other count was ended (the core check's workers closed before the cancel), and nothing arrives later.
  await page.waitForTimeout(5_000);
  expect(closed.length).toBeGreaterThan(0);
  expect(await tableRows(page, 'bench-table')).toHaveLength(0);
  await page.context().close();
});

// The SIMD heap loops' helper thread (src/core/heapLanes.ts) is a worker the compute worker starts
// on the threaded build and waits for before it says "2 threads" (on two it is the second); the
// CSP and the bundling of a worker inside a worker must let it load. Its numbers and its share of
// the work are tested in Node (wasm-threads-node.test.ts).
test('with 2 threads the heap helper worker runs before the badge says so, and the bench still times both counts', async () => {
  const page = await browser.newPage();
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto(`${BASE_URL}?view=bench&threads=2`);
  await waitForBackend(page);
  expect(await backendLabel(page)).toContain('wasm · 2 threads');
  await page.waitForSelector('[data-testid=bench-run]:not([disabled])');
  expect(workers.filter((u) => /heapHelper\.worker/.test(u))).toHaveLength(1);
  await page.locator('.bench input[type=number]').first().fill('1');
  await chooseCases(page, ['CNN PGD-10']);
  await page.click('[data-testid=bench-run]');
  await page.waitForSelector('[data-testid=bench-speedup] tbody tr', { timeout: 240_000 });
  expect(workers.filter((u) => /heapHelper\.worker/.test(u))).toHaveLength(1);
  const rows = await tableRows(page, 'bench-table');
  expect(rows.map((r) => r[2]).sort()).toEqual(['1', '2']);
  for (const r of rows) expect(parseFloat(r[3])).toBeGreaterThan(0);
  await page.context().close();
});

test('the first start times each backend it could use and runs on the fastest; a reload keeps the figures; ?threads= forces a count and a bad one is refused by name', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${BASE_URL}?view=bench`);
  // While the backends are timed the benchmark waits: its cases would share the cores with them.
  const during = await page.waitForFunction(() => {
    // Once the cases are listed (the button's other condition) and the timing runs, the button as it is then.
    if (document.querySelectorAll('.bench label.toggle').length <= 8 || !/^timing /.test(document.querySelector('[data-testid=backend-badge]')?.textContent ?? '')) return false;
    return { disabled: (document.querySelector('[data-testid=bench-run]') as HTMLButtonElement).disabled };
  });
  expect(await during.jsonValue()).toEqual({ disabled: true });
  const backend = await waitForBackend(page);
  await page.waitForSelector('[data-testid=bench-run]:not([disabled])');
  const badge = await backendLabel(page);
  const figures = await tableRows(page, 'backend-figures');
  const labels = figures.map((f) => f[0]);
  // Software-rendered WebGPU and WebGL are passed over here, and on 2 cores the page's worker
  // takes one thread (the other core draws): one candidate, which the Bench still times against 2.
  expect(labels).toEqual(['wasm · 1 thread']);
  expect(await page.getAttribute('[data-testid=backend-badge]', 'title')).toContain("leaves one of this machine's 2 cores to drawing");
  const scores = figures.map((f) => parseFloat(f[3]));
  for (const f of figures) {
    expect(parseFloat(f[1])).toBeGreaterThan(0);
    expect(parseFloat(f[2])).toBeGreaterThan(0);
    expect(parseFloat(f[3])).toBeCloseTo(parseFloat(f[1]) + parseFloat(f[2]), 0);
  }
  const chosen = figures.find((f) => f[4] === '✓')!;
  expect(parseFloat(chosen[3])).toBe(Math.min(...scores));
  expect(chosen[0]).toBe(badge);
  expect(backend).toBe('wasm');
  const measured = await page.textContent('[data-testid=backend-choice] p:nth-of-type(2)');
  // A reload starts at once on the remembered choice, with the same figures.
  await page.reload();
  await waitForBackend(page);
  expect(await page.textContent('[data-testid=backend-choice] p:nth-of-type(2)')).toBe(measured);
  expect(await backendLabel(page)).toBe(badge);
  await page.goto(`${BASE_URL}?view=bench&threads=2`);
  await waitForBackend(page);
  expect(await page.textContent('[data-testid=backend-badge]')).toContain('wasm · 2 threads');
  expect(await page.textContent('[data-testid=backend-forced]')).toContain('threads=2');
  await page.goto(`${BASE_URL}?view=bench&threads=0`);
  await waitForBackend(page);
  expect(await page.textContent('.messages')).toContain('threads="0" in the address is not a whole number from 1 to 8');
  await context.close();
});

/**
 * The built page from a static server of the test's own: with `headers` on every file, a 404 for
 * paths that match `missing`, and `replaced.body` for paths that match `replaced.path`. Its address
 * and a function that stops it.
 */
async function staticServer(headers: Record<string, string>, { missing, replaced }: { missing?: RegExp; replaced?: { path: RegExp; body: string } } = {}): Promise<{ url: string; close: () => void }> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', process.env.PREVIEW_DIST ?? 'dist');
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0])).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path === '/' ? 'index.html' : path);
    (missing?.test(path) ? Promise.reject(new Error('missing')) : replaced?.path.test(path) ? Promise.resolve(Buffer.from(replaced.body)) : readFile(file))
      .then((body) => {
        res.writeHead(200, { ...headers, 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      })
      .catch(() => {
        res.writeHead(404, headers);
        res.end();
      });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}

test('served without cross-origin isolation, WASM falls back to one thread and says why', async () => {
  // A static host that sends no COOP/COEP headers: the page cannot have SharedArrayBuffer.
  const server = await staticServer({});
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}?view=bench`);
    await waitForBackend(page);
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(false);
    expect(await page.textContent('[data-testid=backend-badge]')).toContain('wasm · 1 thread');
    expect(await page.getAttribute('[data-testid=backend-badge]', 'title')).toContain('not cross-origin isolated');
    expect(await page.textContent('[data-testid=bench-threads]')).toContain('not cross-origin isolated');
    // Nothing to choose between on WASM: the only candidate is one thread.
    expect((await tableRows(page, 'backend-figures')).map((f) => f[0])).toEqual(['wasm · 1 thread']);
  } finally {
    await context.close();
    server.close();
  }
});

/** The headers of a cross-origin isolated page (SharedArrayBuffer, and so WASM threads). */
const ISOLATED = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

test('a heap helper worker that cannot load: the page computes on one thread and says why, instead of claiming 2', async () => {
  // Cross-origin isolated, but the helper's script is not served (a host that left it out).
  const server = await staticServer(ISOLATED, { missing: /heapHelper\.worker/ });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}?view=bench&threads=2`);
    await waitForBackend(page);
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    expect(await backendLabel(page)).toContain('wasm · 1 thread');
    expect(await page.getAttribute('[data-testid=backend-badge]', 'title')).toContain('One thread: the second thread (a helper worker) did not start.');
    expect(await page.textContent('[data-testid=bench-threads]')).toContain('WASM computes on one thread here (the second thread (a helper worker) did not start)');
  } finally {
    await context.close();
    server.close();
  }
});

test('a heap helper that says it is ready and then never answers: the run goes on on one thread, and the badge and a message say so', async () => {
  // The helper's script replaced by one that sets the ready flag (slot 2 of the control block) and stops.
  const stuck = 'self.onmessage = (e) => { Atomics.store(new Int32Array(e.data.control, 0, 16), 2, 1); };';
  const server = await staticServer(ISOLATED, { replaced: { path: /heapHelper\.worker/, body: stuck } });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // One short epoch; its 200 × 200 grid of decision regions is a pass large enough to split.
    await page.goto(`${server.url}?threads=2&data.size=200&training.epochs=1&training.attack.steps=2&evaluation.attack.steps=2`);
    await waitForBackend(page);
    expect(await backendLabel(page)).toContain('wasm · 2 threads');
    await page.click('[data-testid=train]');
    // The first split call waits 5 s for the helper, then runs its half itself and gives the helper up.
    await expect.poll(() => backendLabel(page), { timeout: 90_000 }).toContain('wasm · 1 thread');
    expect(await page.getAttribute('[data-testid=backend-badge]', 'title')).toContain('One thread: the second thread (a helper worker) stopped answering and was given up.');
    expect(await page.textContent('.messages')).toContain('WASM computes on one thread from now on');
    // And the job finishes, with the same kind of result as on any thread count.
    await page.waitForSelector('[data-testid=metrics] [data-testid=split-table]', { timeout: 90_000 });
    // The Bench view gives no time for a count it lost mid-case: the 2-thread row says why instead, and no speed-up is shown.
    await page.goto(`${server.url}?view=bench&threads=2`);
    await waitForBackend(page);
    await page.waitForSelector('[data-testid=bench-run]:not([disabled])');
    await page.locator('.bench input[type=number]').first().fill('1');
    await chooseCases(page, ['MLP forward']);
    await page.click('[data-testid=bench-run]');
    await expect.poll(async () => (await tableRows(page, 'bench-table')).length, { timeout: 120_000 }).toBe(2);
    const rows = await tableRows(page, 'bench-table');
    expect(rows.find((r) => r[2] === '1')![3]).toMatch(/ms$/);
    const two = rows.find((r) => r[2] === '2')!;
    expect(two[3]).toBe('—');
    expect(two[5]).toContain("the second thread (a helper worker) was given up, so these times are not 2 threads'");
    expect(await page.locator('[data-testid=bench-speedup] tbody tr').count()).toBe(0);
  } finally {
    await context.close();
    server.close();
  }
});
