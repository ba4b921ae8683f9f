/**
 * "Export config" and "Import config" for a JSON experiment config (the 2-D one in the header, the
 * image one in the Images view): the CLI reads the same files. A file that does not load changes
 * nothing and says why.
 */
import { useRef } from 'react';
import { useStore } from '../state/store';

export interface ConfigFileButtonsProps {
  /** Test ids: export-<name>, import-<name>, import-<name>-file. */
  name: string;
  className?: string;
  accept: string;
  exportTitle: string;
  importTitle: string;
  /** What a loaded file becomes, for the message ("the settings"). */
  what: string;
  onExport: () => void;
  /** Takes the parsed JSON; throws when it is not a usable config. */
  onImport: (json: unknown) => void | Promise<void>;
}

export function ConfigFileButtons({ name, className, accept, exportTitle, importTitle, what, onExport, onImport }: ConfigFileButtonsProps) {
  const input = useRef<HTMLInputElement>(null);
  const load = async (file: File) => {
    const { pushMessage } = useStore.getState();
    try {
      await onImport(JSON.parse(await file.text()));
      pushMessage('info', `Loaded ${what} from ${file.name}.`);
    } catch (e) {
      pushMessage('error', `Could not load ${file.name}: ${e instanceof Error ? e.message : String(e)} Nothing was changed.`);
    }
  };
  return (
    <>
      <button type="button" className={className} data-testid={`export-${name}`} onClick={onExport} title={exportTitle}>
        Export config
      </button>
      <button type="button" className={className} data-testid={`import-${name}`} onClick={() => input.current?.click()} title={importTitle}>
        Import config
      </button>
      <input
        ref={input}
        type="file"
        accept={accept}
        hidden
        data-testid={`import-${name}-file`}
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void load(f);
        }}
      />
    </>
  );
}
