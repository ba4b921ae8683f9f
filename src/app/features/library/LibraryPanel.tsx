/** What this browser keeps across reloads: saved models and recorded runs (IndexedDB). */
import { useState } from 'react';
import type { LibraryItem, LibraryKind } from '../../../../workers/protocol';
import { pct } from '../../ui/format';
import { loadImageDatasetFromLibrary, loadImageModelFromLibrary } from '../images/imageActions';
import { deleteLibraryItem, loadModelFromLibrary, renameLibraryItem } from './libraryActions';
import { loadCertificationRun } from '../smoothing/smoothing';
import { useStore } from '../../state/store';
import { Section } from '../../ui/Section';
import { useBusy } from '../../ui/useBusy';

function kb(bytes: number): string {
  return bytes > 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

function describe(kind: LibraryKind, item: LibraryItem): string {
  const i = item.info as Record<string, number | string>;
  if (kind === 'models') return `${i.kind === 'image' ? 'image · ' : ''}${i.method} · ${i.data} · ${i.epochs} epochs · ${kb(item.bytes)}`;
  if (kind === 'datasets') return `${i.shape} · ${i.train} train / ${i.test} test · ${i.classes} classes · ${kb(item.bytes)}`;
  if (i.kind === 'certification') {
    const head = `${i.mode} · σ ${i.sigma ?? '?'} · ${i.inputs} inputs · accuracy ${pct(i.accuracy as number)} · abstained ${pct(i.abstained as number)}`;
    return i.acr == null ? head : `${head} · ACR ${(i.acr as number).toFixed(3)}`;
  }
  return `natural ${pct(i.naturalAccuracy as number)} · robust ${pct(i.robustAccuracy as number)} · robust inacc. ${pct(i.robustInaccuracy as number)} · ${i.n} ${i.set} points`;
}

function Row({ kind, item, busy }: { kind: LibraryKind; item: LibraryItem; busy: boolean }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [confirm, setConfirm] = useState(false);
  return (
    <li data-testid={`library-${kind}-item`}>
      {editing === null ? (
        <span className="lib-name" title={new Date(item.createdAt).toLocaleString()}>
          {item.name}
        </span>
      ) : (
        <input
          className="lib-rename"
          value={editing}
          autoFocus
          data-testid="library-rename-input"
          onChange={(e) => setEditing(e.target.value)}
          onKeyDown={async (e) => {
            if (e.key === 'Enter' && (await renameLibraryItem(kind, item.id, editing))) setEditing(null);
            if (e.key === 'Escape') setEditing(null);
          }}
        />
      )}
      <span className="meta">{describe(kind, item)}</span>
      <span className="lib-actions">
        {kind === 'runs' && item.info.kind === 'certification' ? (
          <button type="button" className="small" data-testid="library-load-certification" onClick={() => void loadCertificationRun(item)} title="Put this certification run back on the Smoothing view's plot.">
            Plot
          </button>
        ) : null}
        {kind !== 'runs' ? (
          <button
            type="button"
            className="small"
            disabled={busy}
            data-testid="library-load"
            onClick={() =>
              void (kind === 'datasets' ? loadImageDatasetFromLibrary(item) : item.info.kind === 'image' ? loadImageModelFromLibrary(item) : loadModelFromLibrary(item))
            }
            title={kind === 'datasets' ? 'Load this dataset into the Images view.' : 'Load this model.'}
          >
            Load
          </button>
        ) : null}
        {editing === null ? (
          <button type="button" className="small" data-testid="library-rename" onClick={() => setEditing(item.name)} title="Rename (Enter saves, Escape cancels).">
            Rename
          </button>
        ) : (
          <button type="button" className="small" data-testid="library-rename-save" onClick={async () => (await renameLibraryItem(kind, item.id, editing)) && setEditing(null)}>
            Save name
          </button>
        )}
        {confirm ? (
          <button type="button" className="small danger" data-testid="library-delete-confirm" onClick={() => void deleteLibraryItem(kind, item.id)}>
            Really delete
          </button>
        ) : (
          <button type="button" className="small" data-testid="library-delete" onClick={() => setConfirm(true)} title="Delete from this browser.">
            Delete
          </button>
        )}
      </span>
    </li>
  );
}

export function LibraryPanel() {
  const library = useStore((s) => s.library);
  const busy = useBusy();
  return (
    <Section title="Saved in this browser" testId="library">
      <h3>Models</h3>
      {library.models.length ? (
        <ul className="library">{library.models.map((m) => <Row key={m.id} kind="models" item={m} busy={busy} />)}</ul>
      ) : (
        <p className="hint">No saved models yet: use “Save” next to a trained model.</p>
      )}
      <h3>Datasets</h3>
      {library.datasets.length ? (
        <ul className="library">{library.datasets.map((d) => <Row key={d.id} kind="datasets" item={d} busy={busy} />)}</ul>
      ) : (
        <p className="hint">No saved datasets: use “Save” in the Images view.</p>
      )}
      <h3>Runs</h3>
      {library.runs.length ? (
        <ul className="library">{library.runs.slice(0, 30).map((r) => <Row key={r.id} kind="runs" item={r} busy={busy} />)}</ul>
      ) : (
        <p className="hint">Every attack and every certification of a model is recorded here with its metrics.</p>
      )}
    </Section>
  );
}
