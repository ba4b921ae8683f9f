/** Provided by scripts/wasmThreadsPlugin.ts: where the threaded WASM build's pthreads load their glue. */
declare module 'virtual:wasm-threads' {
  /** The glue's URL in the production build; null where the pthreads cannot start. */
  export const threadedGlueUrl: string | null;
  /** Why the threaded build cannot run in this build (null when it can). */
  export const threadsUnavailable: string | null;
}
