// Types of temporal-real.mjs for the TypeScript tests that use the real Temporal server's build.
export const TEMPORAL_SERVER_VERSION: string;
export const SERVER_CONFIG_DIR: string;
export const SERVER_CONFIG_ENV: string;
export const DYNAMIC_CONFIG_FILE: string;
export function cachedServerBinaries(): { server: string; sqlTool: string };
export function findServerBinaries(options?: { log?: (message: string) => void }): { server: string; sqlTool: string };
