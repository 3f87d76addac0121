/**
 * A failure that no retry can fix (bad data, a 4xx that means "never"). Transport-neutral: the
 * Temporal worker turns it into a non-retryable ApplicationFailure, the legacy consumer
 * dead-letters the item at once.
 */
export class PermanentError extends Error {
  override name = "PermanentError";
  constructor(
    message: string,
    /** The failure type workflows and operators see (FAILURE_TYPES). */
    readonly type: string,
  ) {
    super(message);
  }
}
