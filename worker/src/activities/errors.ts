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

/**
 * A dependency that is down or refusing for now (5xx, 429, a timeout, a 401 while secrets
 * rotate): the item is fine and will succeed later. Temporal retries it like any error; the
 * legacy consumer pauses and retries the item without ever dead-lettering it.
 */
export class UnavailableError extends Error {
  override name = "UnavailableError";
}
