/**
 * "Export config" and "Import config" for a JSON experiment config (the 2-D one in the header, the
 * image one in the Images view): the CLI reads the same files. A file that does not load changes
 * nothing and says why.
 */
import { MAX_TEXT_FILE_BYTES, fileTooLarge } from '../../core/settings';
import { useStore } from '../state/store';
import { FileButton } from './FileButton';

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
  const load = async (file: File) => {
    const { pushMessage } = useStore.getState();
    if (file.size > MAX_TEXT_FILE_BYTES) return pushMessage('error', `${fileTooLarge(file.name, file.size, MAX_TEXT_FILE_BYTES, 'config files')} Nothing was changed.`);
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
      <FileButton
        className={className}
        testId={`import-${name}`}
        inputTestId={`import-${name}-file`}
        accept={accept}
        onFiles={([f]) => {
          if (f) void load(f);
        }}
        title={importTitle}
      >
        Import config
      </FileButton>
    </>
  );
}
