/**
 * Cancellation for long jobs: every loop in the core checks an AbortSignal between steps and
 * yields to the event loop so that a cancel request (a message to the worker) can arrive.
 */

export class CancelledError extends Error {
  constructor(message = 'Cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function isCancelled(e: unknown): e is CancelledError {
  return e instanceof CancelledError || (e instanceof Error && e.name === 'CancelledError');
}

export function throwIfAborted(signal?: AbortSignal | null): void {
  if (signal?.aborted) throw new CancelledError();
}

/**
 * Lets pending messages (e.g. a cancel request) run before the loop continues. Uses
 * setImmediate (Node) or a MessageChannel (browsers, workers): setTimeout(0) is clamped to 4 ms
 * when nested, which would cost seconds over a training run.
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => void };
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate!(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

let lastYield = 0;
/** Minimum time between two yields of `checkpoint` (ms). */
const YIELD_INTERVAL_MS = 8;

/**
 * Throws CancelledError if the signal fired; yields to the event loop at most every few
 * milliseconds so that a cancel message can arrive without slowing tight loops.
 */
export async function checkpoint(signal?: AbortSignal | null): Promise<void> {
  throwIfAborted(signal);
  const now = Date.now();
  if (now - lastYield >= YIELD_INTERVAL_MS) {
    lastYield = now;
    await yieldToEventLoop();
    throwIfAborted(signal);
  }
}
