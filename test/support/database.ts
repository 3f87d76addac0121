import { connectDb, type Db } from "@cognobserve/shared/db";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { prepareDatabase } from "@cognobserve/gateway/database";

const SERVER_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432";
const READER = "cognobserve_reader:cognobserve_reader";

export interface TestDatabase {
  name: string;
  url: string;
  readonlyUrl: string;
  /** Owner connection (what the gateway uses). */
  db: Db;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own; drop() removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `cognobserve_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const url = `${SERVER_URL}/${name}`;
  const readonlyUrl = url.replace("://postgres@", `://${READER}@`);
  await prepareDatabase(url, readonlyUrl);
  const db = connectDb(url, 5);
  return {
    name,
    url,
    readonlyUrl,
    db,
    async drop() {
      await db.destroy();
      const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
      await admin.connect();
      try {
        await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}
