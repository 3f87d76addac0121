import { ApplicationFailure } from "@temporalio/activity";
import { FAILURE_TYPES } from "@cognobserve/shared";
import { Pool } from "undici";

/** Typed client of the gateway's internal API: the only way activities change data. */
export interface InternalApi {
  post<T>(mutation: string, body: unknown): Promise<T>;
  close(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 25_000;

export function createInternalApi(options: { baseUrl: string; secret: string; connections?: number }): InternalApi {
  const pool = new Pool(options.baseUrl, { connections: options.connections ?? 32 });
  const authorization = `Bearer ${options.secret}`;

  return {
    async post<T>(mutation: string, body: unknown): Promise<T> {
      const response = await pool.request({
        method: "POST",
        path: `/internal/${mutation}`,
        headers: { "content-type": "application/json", authorization },
        body: JSON.stringify(body),
        headersTimeout: REQUEST_TIMEOUT_MS,
        bodyTimeout: REQUEST_TIMEOUT_MS,
      });
      const text = await response.body.text();
      if (response.statusCode < 300) return JSON.parse(text) as T;
      const message = `internal API ${mutation} answered ${response.statusCode}: ${text.slice(0, 500)}`;
      // A 4xx will not change on retry (except timeouts and rate limits): fail the workflow now.
      if (response.statusCode < 500 && response.statusCode !== 408 && response.statusCode !== 429) {
        throw ApplicationFailure.nonRetryable(message, FAILURE_TYPES.INTERNAL_API_REJECTED);
      }
      throw new Error(message);
    },
    close: () => pool.close(),
  };
}
