import { randomUUID } from "node:crypto";
import { sampleAlert } from "../../test/support/samples.js";
import t from "tap";
import { createAlert } from "../src/db/alerts.js";
import { sealClearChannelSecrets } from "../src/db/channels.js";
import { ensureProject, findProjectIdByApiKey } from "../src/db/projects.js";
import { createSecretBox } from "../src/lib/secret-box.js";
import { hashApiKey, legacyHashApiKey } from "../src/lib/secrets.js";
import { API_KEY_HASH_SECRET, gatewayFixture, INTERNAL_SECRET } from "./fixture.js";

t.test("secret box: AES-256-GCM, bound to its row", async (t) => {
  const box = createSecretBox("a".repeat(32));
  const sealed = box.seal("whsec_abc", "row-1");
  t.match(sealed, /^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
  t.not(box.seal("whsec_abc", "row-1"), sealed, "a fresh IV each time");
  t.equal(box.open(sealed, "row-1"), "whsec_abc");
  t.throws(() => box.open(sealed, "row-2"), /does not open/, "copied onto another row: refused");
  t.throws(() => createSecretBox("b".repeat(32)).open(sealed, "row-1"), /wrong SECRETS_ENCRYPTION_KEY/);
  const [version, iv, tag, ciphertext] = sealed.split(":");
  const flipped = Buffer.from(ciphertext!, "base64url");
  flipped[0]! ^= 1;
  t.throws(() => box.open([version, iv, tag, flipped.toString("base64url")].join(":"), "row-1"), /altered/);
  t.throws(() => box.open("whsec_abc", "row-1"), /not a sealed secret/);
});

t.test("API keys: keyed digests, legacy digests found and upgraded on first use", async (t) => {
  const { app, database, project, auth } = await gatewayFixture(t);
  const keys = (projectId: string) => database.db.selectFrom("api_keys").selectAll().where("project_id", "=", projectId).execute();

  const [stored] = await keys(project.id);
  t.match(stored, { hash_scheme: "hmac-sha256", key_hash: hashApiKey(project.apiKey, API_KEY_HASH_SECRET) });
  t.equal((await app.inject({ url: "/v1/traces", headers: auth() })).statusCode, 200);

  // A key stored before keyed digests: a plain SHA-256 digest, marked by the migration's default.
  const legacyKey = "co_legacy_key_from_an_earlier_release";
  await database.db.insertInto("projects").values({ id: "legacy", name: "Legacy" }).execute();
  await database.db.insertInto("api_keys").values({ project_id: "legacy", key_hash: legacyHashApiKey(legacyKey), key_prefix: "co_leg" } as never).execute();
  t.match(await keys("legacy"), [{ hash_scheme: "sha256" }], "the migration's default marks old rows");

  t.equal((await app.inject({ url: "/v1/traces", headers: auth(`${legacyKey}x`) })).statusCode, 401);
  t.equal((await app.inject({ url: "/v1/traces", headers: auth(legacyKey) })).statusCode, 200, "the old key still works");
  t.match(await keys("legacy"), [{ hash_scheme: "hmac-sha256", key_hash: hashApiKey(legacyKey, API_KEY_HASH_SECRET) }], "and is upgraded");

  t.equal(await findProjectIdByApiKey(database.db, project.apiKey, "another-api-key-hash-secret-0123456789"), undefined, "the digest needs the secret");
});

t.test("ensureProject: writes keyed digests and upgrades a legacy row instead of adding one", async (t) => {
  const { database } = await gatewayFixture(t);
  const initKey = "co_init_key_0123456789_0123456789";
  await ensureProject(database.db, { id: "init", name: "Init" }, API_KEY_HASH_SECRET, initKey);
  await ensureProject(database.db, { id: "init", name: "Init" }, API_KEY_HASH_SECRET, initKey);
  const rows = await database.db.selectFrom("api_keys").selectAll().where("project_id", "=", "init").execute();
  t.match(rows, [{ hash_scheme: "hmac-sha256", key_hash: hashApiKey(initKey, API_KEY_HASH_SECRET) }]);
  t.equal(rows.length, 1);

  const oldKey = "co_init_key_of_an_earlier_release_0123";
  await database.db.insertInto("projects").values({ id: "old-init", name: "Old" }).execute();
  await database.db.insertInto("api_keys").values({ project_id: "old-init", key_hash: legacyHashApiKey(oldKey), key_prefix: "co_ini" } as never).execute();
  await ensureProject(database.db, { id: "old-init", name: "Old" }, API_KEY_HASH_SECRET, oldKey);
  const upgraded = await database.db.selectFrom("api_keys").selectAll().where("project_id", "=", "old-init").execute();
  t.match(upgraded, [{ hash_scheme: "hmac-sha256", key_hash: hashApiKey(oldKey, API_KEY_HASH_SECRET) }]);
  t.equal(upgraded.length, 1, "no second row for the same key");
  await t.rejects(ensureProject(database.db, { id: "thief", name: "Thief" }, API_KEY_HASH_SECRET, oldKey), /already belongs to another project/);
});

t.test("channel secrets: sealed at rest, in clear for the worker only", async (t) => {
  const { app, internal, database, project, auth, secretBox } = await gatewayFixture(t);
  const created = (await app.inject({
    method: "POST",
    url: "/v1/channels",
    headers: auth(),
    payload: { name: "hook", type: "WEBHOOK", config: { url: "https://example.com/hook" } },
  })).json();
  const row = await database.db.selectFrom("channels").selectAll().where("id", "=", created.id).executeTakeFirstOrThrow();
  t.match(row.secret, /^v1:/, "stored sealed");
  t.equal(secretBox.open(row.secret!, row.id), created.secret, "the create answer's secret is what was sealed");

  // A channel stored in clear by an earlier release: sealed at the next gateway start.
  const clearId = randomUUID();
  await database.db
    .insertInto("channels")
    .values({ id: clearId, project_id: project.id, name: "old hook", type: "WEBHOOK", url: "https://example.com/old", secret: "whsec_b2xkLXNlY3JldA==" })
    .execute();
  const targets = (alertId: string, notificationId = "n-1") =>
    internal.inject({
      method: "POST",
      url: "/internal/notificationTargets",
      headers: { authorization: `Bearer ${INTERNAL_SECRET}` },
      payload: { alertId, notificationId },
    });
  const alert = await createAlert(database.db, project.id, sampleAlert([created.id, clearId]));
  const beforeSealing = (await targets(alert.id)).json();
  t.match(beforeSealing.channels, [{ id: created.id, secret: created.secret }, { id: clearId, secret: "whsec_b2xkLXNlY3JldA==" }], "a clear one still works");

  t.equal(await sealClearChannelSecrets(database.db, secretBox), 1);
  t.equal(await sealClearChannelSecrets(database.db, secretBox), 0, "idempotent");
  const sealedOld = await database.db.selectFrom("channels").select("secret").where("id", "=", clearId).executeTakeFirstOrThrow();
  t.match(sealedOld.secret, /^v1:/);

  const response = await targets(alert.id);
  t.equal(response.statusCode, 200);
  t.same(response.json(), {
    alert: { id: alert.id, name: "cost", type: "COST", operator: "GREATER_THAN", severity: "MEDIUM", windowMins: 60 },
    channels: [
      { id: created.id, type: "WEBHOOK", url: "https://example.com/hook", secret: created.secret },
      { id: clearId, type: "WEBHOOK", url: "https://example.com/old", secret: "whsec_b2xkLXNlY3JldA==" },
    ],
    alreadyServed: 0,
  });

  await internal.inject({
    method: "POST",
    url: "/internal/recordDelivery",
    headers: { authorization: `Bearer ${INTERNAL_SECRET}` },
    payload: { alertId: alert.id, channelId: created.id, notificationId: "n-1", state: "FIRING", status: "SENT", responseStatus: 200, error: null },
  });
  t.match((await targets(alert.id)).json(), { channels: [{ id: clearId }], alreadyServed: 1 }, "a retry only gets the channels not served");
  t.same((await targets(randomUUID())).json(), { alert: null, channels: [], alreadyServed: 0 }, "an alert deleted meanwhile");
  t.equal((await internal.inject({ method: "POST", url: "/internal/notificationTargets", payload: { alertId: alert.id, notificationId: "n-1" } })).statusCode, 401);

  const listed = await app.inject({ url: "/v1/channels", headers: auth() });
  t.notOk(listed.body.includes("whsec_") || listed.body.includes("v1:"), "listings carry no secret, sealed or not");
});
