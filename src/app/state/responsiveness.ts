/**
 * How the page's main thread fares while jobs run, measured by the browser itself: long tasks
 * (PerformanceObserver 'longtask', every task over 50 ms) and input latency (Event Timing: from
 * the input's timestamp to the next frame painted after its handlers). Each job is a window;
 * when it ends its figures are kept (the last 20), shown in the Bench view and read by the
 * browser tests through window.__workbench.
 *
 * Event Timing reports only events of 16 ms or more, so every interaction (a pointerdown or
 * keydown) is counted here as well; one without an entry took under 16 ms and counts as 16.
 */

interface Stamp {
  start: number;
  duration: number;
}

export interface ResponsivenessWindow {
  label: string;
  /** Wall time of the job (ms). */
  ms: number;
  longTasks: number;
  longestTaskMs: number;
  /** Main-thread time spent in long tasks (ms). */
  busyMs: number;
  interactions: number;
  /** 95th percentile of input-to-paint over the interactions (ms; null without any). */
  inputP95Ms: number | null;
  inputMaxMs: number | null;
  /** The plot redraw that took longest during the job ("R-Con over the plane: 48 ms"; null without any over 16 ms). */
  slowestDraw: string | null;
}

const KEEP = 20;
const BUFFER = 4000;
const tasks: Stamp[] = [];
const events = new Map<number, Stamp>();
const draws: Array<Stamp & { plot: string }> = [];
const interactionStarts: number[] = [];
const open = new Map<string, { label: string; start: number }>();
const finished: ResponsivenessWindow[] = [];
const listeners = new Set<() => void>();
let installed = false;

function push<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > BUFFER) list.splice(0, list.length - BUFFER);
}

/** Starts observing (once); a browser without these entry types records nothing, and says so. */
export function installResponsivenessProbe(): boolean {
  if (installed) return true;
  if (typeof PerformanceObserver === 'undefined') return false;
  const types = PerformanceObserver.supportedEntryTypes ?? [];
  if (!types.includes('longtask')) return false;
  installed = true;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) push(tasks, { start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  if (types.includes('event')) {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as PerformanceEventTiming[]) {
        if (!e.interactionId) continue;
        const seen = events.get(e.interactionId);
        if (!seen || e.duration > seen.duration) events.set(e.interactionId, { start: e.startTime, duration: e.duration });
        if (events.size > BUFFER) events.delete(events.keys().next().value!);
      }
    }).observe({ type: 'event', durationThreshold: 16, buffered: true } as PerformanceObserverInit);
  }
  const count = (e: Event) => push(interactionStarts, e.timeStamp);
  window.addEventListener('pointerdown', count, { capture: true, passive: true });
  window.addEventListener('keydown', count, { capture: true, passive: true });
  return true;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** Plot redraws shorter than this are not recorded (one frame). */
export const MIN_RECORDED_MS = 16;

/** Notes a plot's redraw (plots/Plot.tsx), so that a long task can be traced to the plot that drew in it. */
export function recordDraw(plot: string, start: number, duration: number): void {
  if (duration >= MIN_RECORDED_MS) push(draws, { plot, start, duration });
}

/** The plot redraws of 16 ms or more that began in [start, end], slowest first ("R-Con over the plane: 48 ms"). */
export function drawsBetween(start: number, end: number): string[] {
  return draws
    .filter((d) => d.start >= start && d.start <= end)
    .sort((a, b) => b.duration - a.duration)
    .map((d) => `${d.plot}: ${d.duration.toFixed(0)} ms`);
}

/** The figures of the span [start, end] (performance.now() times). */
export function measureSpan(label: string, start: number, end: number): ResponsivenessWindow {
  const inSpan = (t: number) => t >= start && t <= end;
  const long = tasks.filter((t) => inSpan(t.start));
  const slow = [...events.values()].filter((e) => inSpan(e.start)).map((e) => e.duration);
  const slowest = drawsBetween(start, end)[0] ?? null;
  const count = Math.max(slow.length, interactionStarts.filter(inSpan).length);
  const latencies = [...slow, ...new Array<number>(count - slow.length).fill(16)].sort((a, b) => a - b);
  return {
    label,
    ms: end - start,
    longTasks: long.length,
    longestTaskMs: long.reduce((m, t) => Math.max(m, t.duration), 0),
    busyMs: long.reduce((s, t) => s + t.duration, 0),
    interactions: count,
    inputP95Ms: latencies.length ? percentile(latencies, 0.95) : null,
    inputMaxMs: latencies.length ? latencies[latencies.length - 1] : null,
    slowestDraw: slowest,
  };
}

export function openWindow(id: string, label: string): void {
  open.set(id, { label, start: performance.now() });
}

/** Closes a job's window; the figures are taken a moment later, so the job's last frame counts too. */
export function closeWindow(id: string): void {
  const w = open.get(id);
  if (!w) return;
  open.delete(id);
  const end = performance.now();
  setTimeout(() => {
    finished.push(measureSpan(w.label, w.start, end));
    if (finished.length > KEEP) finished.shift();
    listeners.forEach((l) => l());
  }, 300);
}

/** The windows of finished jobs, oldest first. */
export function responsivenessWindows(): ResponsivenessWindow[] {
  return [...finished];
}

export function onResponsivenessChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function responsivenessSupported(): boolean {
  return installed;
}
