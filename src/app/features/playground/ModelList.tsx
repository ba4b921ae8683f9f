/** The models trained in this session: pick the one the plots show, or forget one. */
import { forgetModel } from './playgroundActions';
import { saveModelToLibrary } from '../library/libraryActions';
import { useStore } from '../../state/store';
import { Section } from '../../ui/Section';
import { useBusy } from '../../ui/useBusy';

export function ModelList() {
  const models = useStore((s) => s.models);
  const active = useStore((s) => s.activeModelId);
  const busy = useBusy();
  const list = Object.values(models);
  if (!list.length) return null;
  return (
    <Section title="Trained models" testId="model-list">
      <ul className="models">
        {list.map((m) => (
          <li key={m.id} className={m.id === active ? 'active' : ''}>
            <button type="button" className="link" onClick={() => useStore.setState({ activeModelId: m.id })} title="Show this model in the plots.">
              {m.name}
            </button>
            <span className="meta">
              {m.epochsCompleted} epochs · {m.config.data.size} points · seed {m.config.seed}
            </span>
            <button type="button" className="small" disabled={busy} data-testid="save-model" onClick={() => void saveModelToLibrary(m.id)} title="Save this model in the browser (IndexedDB): it survives a reload.">
              Save
            </button>
            <button type="button" className="small" disabled={busy} onClick={() => forgetModel(m.id)} title={busy ? 'Wait for the running job to finish.' : 'Forget this model (frees its memory in the worker).'}>
              ✕
            </button>
          </li>
        ))}
      </ul>
    </Section>
  );
}
