import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import sensible from "@fastify/sensible";
import type { Db } from "@cognobserve/shared/db";
import Fastify from "fastify";
import t, { type Test } from "tap";
import auth, { KEY_CACHE_MAX } from "../src/http/plugins/auth.js";
import context from "../src/http/plugins/context.js";

const GOOD_KEY = "co_good_key_0123456789";

/** The auth plugin alone, with a lookup that counts its calls and takes a little while. */
async function authApp(t: Test) {
  const lookups: string[] = [];
  const app = Fastify({ logger: false });
  await app.register(sensible);
  // The lookup below stands in for the database: nothing else touches it.
  await app.register(context, { db: {} as Db });
  await app.register(auth, {
    apiKeyHashSecret: "test-secret",
    findProjectId: async (apiKey) => {
      lookups.push(apiKey);
      await sleep(20);
      return apiKey === GOOD_KEY ? "project-1" : undefined;
    },
  });
  app.get("/whoami", { onRequest: app.authenticate }, async (request) => ({ projectId: request.projectId }));
  t.teardown(() => app.close());
  const call = (key: string) => app.inject({ method: "GET", url: "/whoami", headers: { authorization: `Bearer ${key}` } });
  return { call, lookups };
}

t.test("concurrent requests with one uncached key share one lookup", async (t) => {
  const { call, lookups } = await authApp(t);
  const responses = await Promise.all(Array.from({ length: 50 }, () => call(GOOD_KEY)));
  t.ok(responses.every((r) => r.statusCode === 200 && r.json().projectId === "project-1"));
  t.equal(lookups.length, 1, "50 requests, 1 lookup");

  const unknown = await Promise.all(Array.from({ length: 50 }, () => call("co_not_a_key_0123456789")));
  t.ok(unknown.every((r) => r.statusCode === 401));
  t.equal(lookups.length, 2, "an unknown key: one lookup too");
  await call("co_not_a_key_0123456789");
  t.equal(lookups.length, 2, "and its answer is reused for a while");
});

t.test("a flood of random keys does not evict real ones", async (t) => {
  const { call, lookups } = await authApp(t);
  t.equal((await call(GOOD_KEY)).statusCode, 200);
  // More random keys than either cache holds.
  for (let sent = 0; sent < KEY_CACHE_MAX + 500; sent += 500) {
    await Promise.all(Array.from({ length: 500 }, () => call(`co_${randomUUID()}`)));
  }
  const before = lookups.length;
  t.equal((await call(GOOD_KEY)).statusCode, 200);
  t.equal(lookups.length, before, "the real key is still cached");
});
