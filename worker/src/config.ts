import { EnvError, loadEnv, WorkerEnv } from "@cognobserve/shared/env";

export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;

export function loadWorkerConfig(source: Record<string, string | undefined> = process.env) {
  return loadEnv(WorkerEnv, source);
}

/** Start-up configuration errors end the process with one line per bad variable, no stack. */
export function configOrExit(): WorkerConfig {
  try {
    return loadWorkerConfig();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    process.stderr.write(`worker: ${error.message}\n`);
    process.exit(1);
  }
}
