import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';
import { worker } from './workerClient';
import { useStore } from './state/store';
import { drawsBetween, installResponsivenessProbe, responsivenessWindows } from './state/responsiveness';
import { installPresentation } from './shell/presentation';

// A handle for debugging and for the browser tests (e.g. the worker's tensor count after a job).
installResponsivenessProbe();
installPresentation();
(window as unknown as { __workbench: unknown }).__workbench = {
  memory: () => worker().memory(),
  listModels: () => worker().listModels(),
  store: useStore,
  responsiveness: responsivenessWindows,
  draws: drawsBetween,
};

window.addEventListener('error', (e) => console.error('Unhandled error:', e.message));
createRoot(document.getElementById('root')!, {
  onRecoverableError: (e) => console.error('React recovered from an error:', e),
}).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
