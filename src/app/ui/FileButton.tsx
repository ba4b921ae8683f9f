/**
 * A button that opens the file chooser of a hidden file input and hands over the chosen files.
 * The input is cleared after each choice, so that choosing the same file again loads it again.
 */
import { useRef, type ReactNode } from 'react';

export interface FileButtonProps {
  children: ReactNode;
  /** The hidden input's test id (tests set files on it). */
  inputTestId: string;
  testId?: string;
  className?: string;
  title?: string;
  disabled?: boolean;
  accept?: string;
  multiple?: boolean;
  onFiles: (files: File[]) => void;
}

export function FileButton({ children, inputTestId, testId, className, title, disabled, accept, multiple, onFiles }: FileButtonProps) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className={className} data-testid={testId} disabled={disabled} onClick={() => input.current?.click()} title={title}>
        {children}
      </button>
      <input
        ref={input}
        type="file"
        multiple={multiple}
        hidden
        accept={accept}
        data-testid={inputTestId}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          onFiles(files);
        }}
      />
    </>
  );
}
