import { connectDb } from "@cognobserve/shared/db";
import type { Test } from "tap";
import { createProject } from "../../gateway/src/db/projects.js";
import { buildInternalServer } from "../../gateway/src/internal/app.js";
import { createNotifier } from "../../gateway/src/notify/notifier.js";
import { createTestDatabase } from "../../test/support/database.js";
import { createActivities, createInternalApi } from "../src/temporal/index.js";

export const INTERNAL_SECRET = "worker-test-internal-secret-0123456789";

/**
 * The worker's real dependencies: a database of its own (read through the read-only role) and
 * the gateway's internal API listening on a free port, with activities bound to both.
 */
export async function activityFixture(t: Test, projectName: string) {
  const database = await createTestDatabase();
  const project = await createProject(database.db, projectName);
  const notifier = createNotifier({ allowPrivateUrls: true });
  const internal = await buildInternalServer({ db: database.db, notifier, secret: INTERNAL_SECRET, maxBodyBytes: 1 << 20 });
  const baseUrl = await internal.listen({ host: "127.0.0.1", port: 0 });
  const reader = connectDb(database.readonlyUrl, 2);
  const internalApi = createInternalApi({ baseUrl, secret: INTERNAL_SECRET });
  t.teardown(async () => {
    await Promise.all([internalApi.close(), reader.destroy()]);
    await internal.close();
    await notifier.close();
    await database.drop();
  });
  return { database, project, baseUrl, reader, internalApi, activities: createActivities({ db: reader, internalApi }) };
}
