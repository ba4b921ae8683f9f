/** Starts the compute worker on a backend (the one the URL asks for, or the best available) and reports what it got. */
import { proxy, worker } from '../workerClient';
import { refreshDataset } from './playgroundModels';
import { useStore } from './store';

export async function initWorker(): Promise<void> {
  const { requestedBackend, pushMessage } = useStore.getState();
  try {
    const info = await worker().init(
      requestedBackend,
      proxy((e) => {
        useStore.setState({ deviceLost: e.message });
        pushMessage('error', `${e.message} Reload the page to start again on another backend.`);
      }),
    );
    useStore.setState({ backend: info });
    if (info.requestFailed) pushMessage('warning', `The requested backend could not be used (${info.requestFailed}); running on ${info.backend}.`);
    await refreshDataset();
  } catch (e) {
    useStore.setState({ backendError: e instanceof Error ? e.message : String(e) });
  }
}
