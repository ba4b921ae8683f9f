/**
 * Starts the compute worker and reports what it got: on the backend and thread count the address
 * forces (?backend=, ?threads=), or else on the one measured fastest on this device
 * (backendChoice.ts: measured once, at the first start, then remembered). A forced backend
 * without a forced thread count takes its fastest measured count.
 */
import { proxy, worker } from '../workerClient';
import { type BackendChoice, candidateLabel, fastest, forgetChoice, measureBackends, saveChoice, storedChoice } from './backendChoice';
import { refreshDataset } from './playgroundModels';
import { useStore } from './store';

/** The remembered choice, or a new measurement. */
async function chooseBackend(): Promise<BackendChoice | null> {
  const kept = storedChoice();
  if (kept) return kept;
  try {
    const choice = await measureBackends((label) => useStore.setState({ measuringBackend: label }));
    if (choice) saveChoice(choice);
    return choice;
  } catch {
    // No candidate could be measured: the worker picks in its order of preference.
    return null;
  } finally {
    useStore.setState({ measuringBackend: null });
  }
}

export async function initWorker(): Promise<void> {
  const { requestedBackend, requestedThreads, pushMessage } = useStore.getState();
  try {
    const choice = requestedThreads !== null ? null : await chooseBackend();
    const backend = requestedBackend ?? choice?.chosen.backend ?? (requestedThreads !== null ? 'wasm' : null);
    const threads = requestedThreads ?? (requestedBackend !== null ? (fastest(choice?.figures ?? [], requestedBackend)?.threads ?? null) : (choice?.chosen.threads ?? null));
    const info = await worker().init(
      backend,
      proxy((e) => {
        if (e.kind === 'threads') {
          // The count is the worker's from now on; the figures of a job already running stay as they are.
          const { wasmThreads, threadsNote } = e;
          useStore.setState((s) => ({ backend: s.backend && { ...s.backend, wasmThreads, threadsNote } }));
          pushMessage('warning', e.message);
          return;
        }
        useStore.setState({ deviceLost: e.message });
        pushMessage('error', `${e.message} Reload the page to start again on another backend.`);
      }),
      threads,
    );
    useStore.setState({ backend: info, backendChoice: choice });
    if (choice && requestedBackend === null && info.backend !== choice.chosen.backend) {
      // The measured backend no longer starts (a driver or browser change): measure again next time.
      forgetChoice();
      pushMessage('warning', `${candidateLabel(choice.chosen)}, measured fastest here earlier, could not be used; running on ${info.backend}. The next start measures again.`);
    } else if (info.requestFailed) pushMessage('warning', `The requested backend could not be used (${info.requestFailed}); running on ${info.backend}.`);
    await refreshDataset();
  } catch (e) {
    useStore.setState({ backendError: e instanceof Error ? e.message : String(e) });
  }
}
