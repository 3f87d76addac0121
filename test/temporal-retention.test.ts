import { Connection } from "@temporalio/client";
import t from "tap";
import { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE } from "./support/temporal.js";

t.test("the namespace the tooling set up keeps histories TEMPORAL_RETENTION_DAYS (default 7)", async (t) => {
  const days = Number(process.env.TEMPORAL_RETENTION_DAYS || 7);
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  t.teardown(() => connection.close());
  const described = await connection.workflowService.describeNamespace({ namespace: TEMPORAL_NAMESPACE });
  const seconds = Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
  t.ok(seconds >= days * 86_400, `retention ${seconds / 86_400} days`);
});
