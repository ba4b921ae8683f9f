/** Title, active backend, views, the preset menu, and sharing / exporting / importing the setup. */
import { useRef, useState } from 'react';
import { normaliseExperiment } from '../../core/settings';
import { downloadJson } from '../download';
import { refreshDataset } from '../state/actions';
import { useStore } from '../state/store';
import type { View } from '../state/urlState';

const VIEW_LABELS: Record<View, string> = {
  playground: 'Playground',
  figure1: 'Paper 001 · Figure 1',
  images: 'Images',
  smoothing: 'Smoothing',
  rejection: 'Rectified Rejection',
  verify: 'Verification',
  bench: 'Bench',
};

function BackendBadge() {
  const backend = useStore((s) => s.backend);
  const error = useStore((s) => s.backendError);
  const lost = useStore((s) => s.deviceLost);
  if (error) return <span className="badge error" data-testid="backend-badge" title={error}>no backend</span>;
  if (!backend) return <span className="badge" data-testid="backend-badge">starting…</span>;
  const tried = backend.attempts.map((a) => `${a.name}: ${a.ok ? 'ok' : a.error}`).join('\n');
  const label = backend.backend === 'wasm' ? `wasm${backend.wasmThreads ? ' (threads)' : ''}` : backend.backend;
  return (
    <span className={`badge backend-${backend.backend}${lost ? ' error' : ''}`} data-testid="backend-badge" title={`tfjs backend in use.\n${tried}\nForce one with ?backend=webgpu|webgl|wasm|cpu`}>
      backend: {label}
    </span>
  );
}

export function Header() {
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  const config = useStore((s) => s.config);
  const setConfig = useStore((s) => s.setConfig);
  const pushMessage = useStore((s) => s.pushMessage);
  const fileRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);

  const exportConfig = () => downloadJson(`experiment-${config.data.kind}-${config.training.method}.json`, config);
  const importConfig = async (file: File) => {
    try {
      const parsed = normaliseExperiment(JSON.parse(await file.text()));
      setConfig(parsed);
      await refreshDataset();
      pushMessage('info', `Loaded the settings from ${file.name}.`);
    } catch (e) {
      pushMessage('error', `Could not load ${file.name}: ${e instanceof Error ? e.message : String(e)} Nothing was changed.`);
    }
  };
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
        <button type="button" onClick={share} title="Copy a link that reproduces this setup (dataset, model, method, hyper-parameters, seed).">
          {copied ? 'Link copied' : 'Share link'}
        </button>
        <button type="button" data-testid="export-config" onClick={exportConfig} title="Download the setup as the CLI's experiment config (JSON).">
          Export config
        </button>
        <button type="button" data-testid="import-config" onClick={() => fileRef.current?.click()} title="Load an experiment config (JSON), e.g. one exported here or used with the CLI.">
          Import config
        </button>
        <input
          ref={fileRef}
          type="file"
          accept="application/json,.json"
          hidden
          data-testid="import-config-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void importConfig(f);
          }}
        />
      </div>
    </header>
  );
}
