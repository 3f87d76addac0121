import { InvalidArgumentError } from "commander";
import type { Db } from "@cognobserve/shared/db";
import type { GatewayConfig } from "../config.js";

// Commands import the database, Redis and configuration modules when they run: --help loads
// little more than commander, so it starts fast.

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure the operator can act on: reported as its message alone. */
export class CliFailure extends Error {}

/** The gateway's configuration, read when a command runs (so --help needs no environment). */
export async function loadConfig(): Promise<GatewayConfig> {
  const [{ loadGatewayConfig }, { EnvError }] = await Promise.all([import("../config.js"), import("@cognobserve/shared/env")]);
  try {
    return loadGatewayConfig();
  } catch (error) {
    if (error instanceof EnvError) throw new CliFailure(`invalid environment: ${error.problems.join("; ")}`);
    throw error;
  }
}

/**
 * The database for the length of `use`. With `migrate` it is first set up and migrated, as at
 * gateway start-up; otherwise it must be up to date already: only `migrate` and `project create`
 * change the schema, so listing keys never migrates a database under running gateways.
 */
export async function withDatabase<T>(use: (db: Db) => Promise<T>, options: { migrate?: boolean } = {}): Promise<T> {
  const config = await loadConfig();
  const [{ pendingMigrations, prepareDatabase }, { connectDb }] = await Promise.all([import("../db/setup.js"), import("@cognobserve/shared/db")]);
  if (options.migrate) {
    await prepareDatabase(config.DATABASE_URL, config.DATABASE_READONLY_URL).catch((error: unknown) => {
      throw new CliFailure(`database set-up failed: ${describeError(error)}`);
    });
  }
  const db = connectDb(config.DATABASE_URL, 1);
  try {
    const pending = await pendingMigrations(db).catch((error: unknown) => {
      throw new CliFailure(`database: ${describeError(error)}`);
    });
    if (pending.length > 0) throw new CliFailure(`the database lacks migrations ${pending.join(", ")}: run cognobserve migrate`);
    return await use(db);
  } finally {
    await db.destroy();
  }
}

/** One line for anything thrown (a refused connection to "localhost" is an AggregateError with no message). */
export function describeError(error: unknown): string {
  const { message, code, errors } = (error ?? {}) as { message?: string; code?: string; errors?: unknown[] };
  const text = message || (errors?.length ? describeError(errors[0]) : code) || String(error);
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/** Option and argument parsers: commander reports what they throw as a usage error. */
export function nonEmpty(value: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw new InvalidArgumentError("It must not be empty.");
  return trimmed;
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("It must be a positive whole number.");
  return n;
}

/** Left-aligned columns under a header line, for human eyes (--json is for scripts). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((cells) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value));
}
