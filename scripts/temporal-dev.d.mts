// Types of temporal-dev.mjs for the TypeScript tests that start a dev server of their own.
export interface RunningTemporal {
  reused: boolean;
  /** The dev server's process (when started here). */
  pid?: number;
  uiUrl?: string;
  stop(): Promise<void>;
}
export function ensureTemporal(options: { address: string; namespace: string; dbFile?: string; uiPort?: number; log?: (message: string) => void }): Promise<RunningTemporal>;
export function temporalAnswers(address: string, namespace: string, timeoutMs?: number): Promise<boolean>;
