/** The logging the steps need: Temporal's workflow `log` has this shape, and the legacy path adapts pino to it. */
export interface StepLog {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}
