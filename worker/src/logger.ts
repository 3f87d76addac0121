import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogLevel } from "@temporalio/worker";
import pino, { type Logger } from "pino";
import type { StepLog } from "./steps/log.js";

const TEMPORAL_LEVELS: Record<string, LogLevel> = { trace: "TRACE", debug: "DEBUG", info: "INFO", warn: "WARN", error: "ERROR", fatal: "ERROR" };

/** The worker's structured JSON logger, at LOG_LEVEL. */
export function createLogger(level: string): Logger {
  return pino({ level, name: "worker" });
}

/**
 * Routes Temporal's logs (the SDK's, workflows' and activities' `log`, and the core runtime's)
 * into the pino logger, so the worker writes one JSON stream. Installed once, before any
 * Temporal connection is made.
 */
export function installTemporalLogging(logger: Logger): void {
  const level = TEMPORAL_LEVELS[logger.level] ?? "INFO";
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
      const method = entryLevel === "TRACE" ? "trace" : (entryLevel.toLowerCase() as "debug" | "info" | "warn" | "error");
      logger[method]({ temporal: true, ...meta }, message);
    }),
    telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: level === "TRACE" || level === "DEBUG" ? level : "WARN" }) } },
  });
}

/** The steps' logging interface over pino (message first, fields second). */
export function stepLog(logger: Logger): StepLog {
  return {
    info: (message, meta) => logger.info(meta ?? {}, message),
    warn: (message, meta) => logger.warn(meta ?? {}, message),
  };
}
