import { PermanentError } from "../activities/index.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An activity with the workflows' policy for short steps, for the legacy path where no Temporal
 * retries it: up to `attempts` tries, doubling from 1 s; a PermanentError is not retried.
 */
export function retrying<A extends unknown[], R>(fn: (...args: A) => Promise<R>, attempts = 3, firstDelayMs = 1000): (...args: A) => Promise<R> {
  return async (...args: A) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn(...args);
      } catch (error) {
        if (attempt >= attempts || error instanceof PermanentError) throw error;
        await sleep(firstDelayMs * 2 ** (attempt - 1));
      }
    }
  };
}
