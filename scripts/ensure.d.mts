// Types of ensure.mjs (plain JavaScript so `npm start` and `npm test` run before tsx is installed).
export declare const root: string;
export declare const ensureNodeModules: () => void;
export declare const ensureSystemTools: (commands: readonly string[]) => void;
/** A hash of every PWA build input under `base` (default: this checkout). */
export declare const clientBuildHash: (base?: string) => string;
export declare const ensureClientBuild: (options?: { force?: boolean }) => void;
