/** Title, active backend, views, the preset menu, and sharing / exporting / importing the setup. */
import { useState } from 'react';
import { normaliseExperiment } from '../../core/settings';
import { downloadJson } from '../ui/download';
import { refreshDataset } from '../state/playgroundModels';
import { useStore } from '../state/store';
import type { View } from '../state/urlState';
import { VIEW_LABELS } from './viewLabels';
import { togglePresentation, usePresentation } from './presentation';
import { ConfigFileButtons } from '../ui/ConfigFileButtons';

function BackendBadge() {
  const backend = useStore((s) => s.backend);
  const error = useStore((s) => s.backendError);
  const lost = useStore((s) => s.deviceLost);
  const measuring = useStore((s) => s.measuringBackend);
  if (error) return <span className="badge error" data-testid="backend-badge" title={error}>no backend</span>;
  if (!backend)
    return (
      <span className="badge" data-testid="backend-badge" title="At its first start on a device the page times a small job on each backend it could use and keeps the fastest (the Bench view shows the figures).">
        {measuring ? `timing ${measuring}…` : 'starting…'}
      </span>
    );
  const tried = backend.attempts.map((a) => `${a.name}: ${a.ok ? 'ok' : a.error}`).join('\n');
  const wasm = backend.backend === 'wasm';
  const label = wasm ? `wasm · ${backend.wasmThreads} thread${backend.wasmThreads === 1 ? '' : 's'}` : backend.backend;
  const threadsWhy = wasm && backend.threadsNote ? `\nOne thread: ${backend.threadsNote}.` : '';
  return (
    <span className={`badge backend-${backend.backend}${lost ? ' error' : ''}`} data-testid="backend-badge" data-backend={backend.backend} aria-label={`tfjs backend: ${label}`} title={`tfjs backend in use.${threadsWhy}\n${tried}\nForce one with ?backend=webgpu|webgl|wasm|cpu, and WASM's thread count with ?threads=N`}>
      {label}
    </span>
  );
}

function PresentButton() {
  const presenting = usePresentation((s) => s.presenting);
  return (
    <button type="button" className={presenting ? 'active' : ''} aria-pressed={presenting} data-testid="present" onClick={togglePresentation} title="Presentation mode: larger text, fewer panels, plots large (Ctrl+Alt+P). In a lesson, the arrow keys move between steps.">
      {presenting ? 'Presenting' : 'Present'}
    </button>
  );
}

export function Header() {
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  const config = useStore((s) => s.config);
  const setConfig = useStore((s) => s.setConfig);
  const pushMessage = useStore((s) => s.pushMessage);
  const [copied, setCopied] = useState(false);

  const share = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      pushMessage('info', `Copy this link to share the setup: ${window.location.href}`);
    }
  };

  return (
    <header className="header">
      <div className="brand">
        <h1>Robustness Workbench</h1>
        <span className="subtitle">adversarial robustness with rejection, in your browser</span>
      </div>
      <nav className="views">
        {(Object.keys(VIEW_LABELS) as View[]).map((v) => (
          <button key={v} type="button" className={v === view ? 'active' : ''} data-testid={`view-${v}`} onClick={() => setView(v)}>
            {VIEW_LABELS[v]}
          </button>
        ))}
      </nav>
      <div className="header-actions">
        <BackendBadge />
        <PresentButton />
        <details className="setup-menu" data-testid="setup-menu">
          <summary title="Share this setup as a link, or save and load it as the CLI's config file.">Setup</summary>
          <div className="setup-menu-items">
            <button type="button" onClick={share} title="Copy a link that reproduces this setup (dataset, model, method, hyper-parameters, seed).">
              {copied ? 'Link copied' : 'Share link'}
            </button>
            <ConfigFileButtons
              name="config"
              accept="application/json,.json"
              exportTitle="Download the setup as the CLI's experiment config (JSON)."
              importTitle="Load an experiment config (JSON), e.g. one exported here or used with the CLI."
              what="the settings"
              onExport={() => downloadJson(`experiment-${config.data.kind}-${config.training.method}.json`, config)}
              onImport={async (json) => {
                setConfig(normaliseExperiment(json));
                await refreshDataset();
              }}
            />
          </div>
        </details>
      </div>
    </header>
  );
}
