/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** '1' in the e2e test build only: enables test hooks such as `#generate=N` (never in a production build). */
  readonly VITE_SHOEBOX_TEST_HOOKS?: string;
}
