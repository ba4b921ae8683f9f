/**
 * The responsiveness probe of the browser tests, independent of the page's own recorder: an init
 * script observes long tasks (over 50 ms) and Event Timing entries (input to next paint), and
 * counts every pointerdown and keydown; `measureJob` pokes the page with clicks while a job runs
 * and returns the figures of that span.
 */
import type { Page } from 'playwright-core';

export const PROBE_SCRIPT = `(() => {
  const probe = { tasks: [], slow: new Map(), inputs: [] };
  window.__probe = probe;
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) probe.tasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        if (!e.interactionId) continue;
        const seen = probe.slow.get(e.interactionId);
        if (!seen || e.duration > seen[1]) probe.slow.set(e.interactionId, [e.startTime, e.duration]);
      }
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  } catch (e) { probe.error = String(e); }
  const count = (e) => probe.inputs.push(e.timeStamp);
  addEventListener('pointerdown', count, { capture: true, passive: true });
  addEventListener('keydown', count, { capture: true, passive: true });
})();`;

export interface JobFigures {
  job: string;
  wallMs: number;
  longTasks: number;
  longestTaskMs: number;
  busyMs: number;
  interactions: number;
  inputP95Ms: number;
  inputMaxMs: number;
  /** The page's own record of its slowest plot redraws in the span (the usual cause of a long task). */
  slowestDraws: string[];
}

async function figures(page: Page, job: string, start: number, end: number): Promise<JobFigures> {
  return page.evaluate(
    ([job, start, end]) => {
      const probe = (window as unknown as { __probe: { tasks: Array<[number, number]>; slow: Map<number, [number, number]>; inputs: number[] } }).__probe;
      const inSpan = (t: number) => t >= start && t <= end;
      const tasks = probe.tasks.filter(([t]) => inSpan(t)).map(([, d]) => d);
      const slow = [...probe.slow.values()].filter(([t]) => inSpan(t)).map(([, d]) => d);
      const count = Math.max(slow.length, probe.inputs.filter(inSpan).length);
      // An interaction without an Event Timing entry took under 16 ms: count it as 16.
      const lat = [...slow, ...new Array<number>(count - slow.length).fill(16)].sort((a, b) => a - b);
      return {
        job,
        wallMs: Math.round(end - start),
        longTasks: tasks.length,
        longestTaskMs: Math.round(Math.max(0, ...tasks)),
        busyMs: Math.round(tasks.reduce((a, b) => a + b, 0)),
        interactions: count,
        inputP95Ms: lat.length ? Math.round(lat[Math.min(lat.length - 1, Math.ceil(0.95 * lat.length) - 1)]) : 0,
        inputMaxMs: lat.length ? Math.round(lat[lat.length - 1]) : 0,
        slowestDraws: ((window as unknown as { __workbench?: { draws?: (a: number, b: number) => string[] } }).__workbench?.draws?.(start, end) ?? []).slice(0, 3),
      };
    },
    [job, start, end] as const,
  );
}

/**
 * Starts a job with `start`, pokes the page with `poke` (a click, a key) every 300 ms until
 * `done` resolves, and returns the main thread's figures over that span.
 */
export async function measureJob(page: Page, job: string, start: () => Promise<void>, done: Promise<unknown> | (() => Promise<unknown>), poke: () => Promise<void>): Promise<JobFigures> {
  const t0 = await page.evaluate(() => performance.now());
  await start();
  let finished = false;
  const waiting = (typeof done === 'function' ? done() : done).finally(() => {
    finished = true;
  });
  while (!finished) {
    await poke().catch(() => undefined);
    await Promise.race([waiting, new Promise((r) => setTimeout(r, 300))]).catch(() => undefined);
  }
  await waiting;
  const t1 = await page.evaluate(() => performance.now());
  // Let the last Event Timing entries arrive.
  await page.waitForTimeout(300);
  return figures(page, job, t0, t1);
}
