import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';
import { worker } from './workerClient';

// A handle for debugging and for the browser tests (e.g. the worker's tensor count after a job).
(window as unknown as { __workbench: unknown }).__workbench = { memory: () => worker().memory(), listModels: () => worker().listModels() };

window.addEventListener('error', (e) => console.error('Unhandled error:', e.message));
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
