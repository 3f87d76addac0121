import { EnvError, GatewayEnv, loadEnv } from "@cognobserve/shared/env";

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

export function loadGatewayConfig(source: Record<string, string | undefined> = process.env) {
  return loadEnv(GatewayEnv, source);
}

/** Start-up configuration errors end the process with one line per bad variable, no stack. */
export function configOrExit(): GatewayConfig {
  try {
    return loadGatewayConfig();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    process.stderr.write(`gateway: ${error.message}\n`);
    process.exit(1);
  }
}
