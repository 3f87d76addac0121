import { setTimeout as sleep } from "node:timers/promises";
import t from "tap";
import { READY_CACHE_MS } from "../src/http/routes/health.js";
import { gatewayFixture } from "./fixture.js";
import { instantHandoff } from "./instant-handoff.js";

t.test("/health/ready: a flood of probes costs one check per second", async (t) => {
  let healthy = true;
  // A backend check that takes a while, so the probes below overlap it.
  const fake = instantHandoff(async () => {
    await sleep(50);
    if (!healthy) throw new Error("backend down");
  });
  const { app } = await gatewayFixture(t, { handoff: fake.handoff });
  const probe = () => app.inject({ method: "GET", url: "/health/ready" });

  const flood = await Promise.all(Array.from({ length: 50 }, probe));
  t.ok(flood.every((r) => r.statusCode === 200));
  t.same(flood[0]!.json(), { status: "ok", checks: { database: "ok", temporal: "ok" } });
  t.equal(fake.checks(), 1, "50 concurrent probes: one check");
  await probe();
  t.equal(fake.checks(), 1, "a probe right after gets the same result");

  healthy = false;
  await sleep(READY_CACHE_MS + 100);
  const stale = await Promise.all(Array.from({ length: 20 }, probe));
  t.equal(fake.checks(), 2, "a second later, one new check");
  t.ok(stale.every((r) => r.statusCode === 503), "and its result is what every probe gets");
  t.match(stale[0]!.json(), { status: "unavailable", checks: { temporal: "unavailable" } });
});
