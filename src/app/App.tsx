/** The workbench page: header, messages, running jobs, and the current view. */
import { useEffect } from 'react';
import { BenchView } from './components/BenchView';
import { Figure1View } from './components/Figure1View';
import { Header } from './components/Header';
import { SmoothingView } from './components/SmoothingView';
import { RectifiedView } from './components/RectifiedView';
import { VerificationView } from './components/VerificationView';
import { ImagesView } from './components/ImagesView';
import { JobBar } from './components/JobBar';
import { Messages } from './components/Messages';
import { PlaygroundView } from './components/PlaygroundView';
import { initWorker, refreshDataset } from './state/actions';
import { refreshLibrary } from './state/library';
import { useStore } from './state/store';

export function App() {
  const view = useStore((s) => s.view);
  const data = useStore((s) => s.config.data);
  const backendError = useStore((s) => s.backendError);
  const ready = useStore((s) => s.backend !== null);
  useEffect(() => {
    void initWorker();
  }, []);
  useEffect(() => {
    if (ready) void refreshLibrary();
  }, [ready]);
  useEffect(() => {
    if (!ready) return;
    const t = setTimeout(() => void refreshDataset(), 150);
    return () => clearTimeout(t);
  }, [data, ready]);
  return (
    <div className="app">
      <Header />
      <Messages />
      {backendError ? (
        <div className="message error" role="alert">
          The compute worker could not start any tfjs backend: {backendError}
        </div>
      ) : null}
      <JobBar />
      {view === 'playground' ? <PlaygroundView /> : view === 'figure1' ? <Figure1View /> : view === 'images' ? <ImagesView /> : view === 'smoothing' ? <SmoothingView /> : view === 'rejection' ? <RectifiedView /> : view === 'verify' ? <VerificationView /> : <BenchView />}
      <footer className="footer">
        Methods: ERA, robustness-indicator selection and 2-compositional models (paper 001); attacks FGSM, PGD, APGD-CE. Everything runs in your browser, in a worker.
      </footer>
    </div>
  );
}
