/**
 * Presentation mode, for a projector: larger text, the settings column and the secondary panels
 * hidden (styles.css, under .presenting), plots kept large. It lives in the address (`present=1`)
 * so a lecturer's link opens in it; Ctrl+Alt+P or the header's Present button toggles it.
 */
import { create } from 'zustand';
import { readPresenting } from '../state/urlState';

export const usePresentation = create<{ presenting: boolean }>(() => ({ presenting: readPresenting() }));

function apply(presenting: boolean): void {
  document.documentElement.classList.toggle('presenting', presenting);
}

export function togglePresentation(): void {
  const presenting = !usePresentation.getState().presenting;
  const url = new URL(window.location.href);
  if (presenting) url.searchParams.set('present', '1');
  else url.searchParams.delete('present');
  window.history.replaceState(null, '', url.pathname + url.search);
  usePresentation.setState({ presenting });
  apply(presenting);
}

/** Applies the address's mode at start and listens for the shortcut. */
export function installPresentation(): void {
  apply(usePresentation.getState().presenting);
  window.addEventListener('keydown', (e) => {
    if (e.ctrlKey && e.altKey && e.key.toLowerCase() === 'p') {
      e.preventDefault();
      togglePresentation();
    }
  });
}
