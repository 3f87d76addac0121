import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogLevel } from "@temporalio/worker";
import pino, { type Logger } from "pino";
import type { StepLog } from "./steps/log.js";

const TEMPORAL_LEVELS: Record<string, LogLevel> = { trace: "TRACE", debug: "DEBUG", info: "INFO", warn: "WARN", error: "ERROR", fatal: "ERROR" };

/** The worker's structured JSON logger, at LOG_LEVEL. */
export function createLogger(level: string): Logger {
  return pino({ level, name: "worker" });
}

/**
 * The Temporal runtime, installed once before any Temporal connection is made. It routes
 * Temporal's logs (the SDK's, workflows' and activities' `log`, and the core runtime's) into the
 * pino logger, so the worker writes one JSON stream; with a `metricsPort`, the SDK's metrics are
 * exported there on loopback, for the worker's /metrics to include (temporal/metrics.ts).
 */
export function installTemporalRuntime(logger: Logger, metricsPort?: number): void {
  const level = TEMPORAL_LEVELS[logger.level] ?? "INFO";
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
      const method = entryLevel === "TRACE" ? "trace" : (entryLevel.toLowerCase() as "debug" | "info" | "warn" | "error");
      logger[method]({ temporal: true, ...meta }, message);
    }),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: level === "TRACE" || level === "DEBUG" ? level : "WARN" }) },
      ...(metricsPort !== undefined && {
        // Names as Prometheus expects them: counters end in _total, durations in _seconds.
        metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}`, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } },
      }),
    },
  });
}

/** The steps' logging interface over pino (message first, fields second). */
export function stepLog(logger: Logger): StepLog {
  return {
    info: (message, meta) => logger.info(meta ?? {}, message),
    warn: (message, meta) => logger.warn(meta ?? {}, message),
  };
}
