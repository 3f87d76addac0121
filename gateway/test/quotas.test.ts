import t from "tap";
import { gatewayFixture } from "./fixture.js";
import { instantHandoff } from "./instant-handoff.js";

const quotas = { maxAlerts: 2, minEvaluationIntervalSecs: 30, maxWindowMins: 60, maxChannels: 2, maxModelPrices: 2 };

t.test("quotas on what a project creates", async (t) => {
  const { app, auth, otherProject } = await gatewayFixture(t, { handoff: instantHandoff().handoff, limits: { quotas } });
  const api = (method: "POST" | "PATCH" | "DELETE", url: string, payload?: object, key?: string) =>
    app.inject({ method, url, headers: auth(key), ...(payload ? { payload } : {}) });
  const alert = (overrides: object = {}) => ({ name: "cost", type: "COST", operator: "GREATER_THAN", threshold: 1, windowMins: 60, ...overrides });
  const tooMany = (what: RegExp) => ({ statusCode: 429, error: "Too Many Requests", message: what });

  t.test("alerts: schedule bounds (400) and a count (429)", async (t) => {
    const fast = await api("POST", "/v1/alerts", alert({ evaluationIntervalSecs: 29 }));
    t.equal(fast.statusCode, 400);
    t.match(fast.json().message, /^evaluationIntervalSecs must be at least 30$/);
    const wide = await api("POST", "/v1/alerts", alert({ windowMins: 61 }));
    t.equal(wide.statusCode, 400);
    t.match(wide.json().message, /^windowMins must be at most 60$/);

    const first = await api("POST", "/v1/alerts", alert());
    t.equal(first.statusCode, 201);
    t.equal(first.json().evaluationIntervalSecs, 30, "left out, the interval is this deployment's minimum");
    t.equal((await api("POST", "/v1/alerts", alert({ evaluationIntervalSecs: 45 }))).statusCode, 201);
    const third = await api("POST", "/v1/alerts", alert());
    t.equal(third.statusCode, 429);
    t.match(third.json(), tooMany(/at most 2 alerts/));
    t.equal(third.headers["retry-after"], "3600", "a quota does not free itself: a long Retry-After");
    t.equal((await api("POST", "/v1/alerts", alert(), otherProject.apiKey)).statusCode, 201, "per project");

    const id = first.json().id as string;
    t.match((await api("PATCH", `/v1/alerts/${id}`, { evaluationIntervalSecs: 5 })).json(), { statusCode: 400, message: /evaluationIntervalSecs must be at least 30/ });
    t.match((await api("PATCH", `/v1/alerts/${id}`, { windowMins: 120 })).json(), { statusCode: 400, message: /windowMins must be at most 60/ });
    t.equal((await api("PATCH", `/v1/alerts/${id}`, { name: "renamed" })).statusCode, 200);
    t.equal((await api("DELETE", `/v1/alerts/${id}`)).statusCode, 204);
    t.equal((await api("POST", "/v1/alerts", alert())).statusCode, 201, "room again after a delete");
  });

  t.test("channels: concurrent creates cannot pass the quota together", async (t) => {
    const channel = { name: "hook", type: "SLACK", config: { url: "http://127.0.0.1:9/hook" } };
    const responses = await Promise.all(Array.from({ length: 6 }, () => api("POST", "/v1/channels", channel)));
    const codes = responses.map((r) => r.statusCode).sort();
    t.same(codes, [201, 201, 429, 429, 429, 429]);
    t.match(responses.find((r) => r.statusCode === 429)!.json(), tooMany(/at most 2 channels/));
  });

  t.test("model price overrides", async (t) => {
    const price = (modelName: string) => ({ modelName, inputPrice: 1, outputPrice: 2 });
    t.equal((await api("POST", "/v1/models", price("model-a"))).statusCode, 201);
    t.equal((await api("POST", "/v1/models", price("model-b"))).statusCode, 201);
    const third = await api("POST", "/v1/models", price("model-c"));
    t.equal(third.statusCode, 429);
    t.match(third.json(), tooMany(/at most 2 model price overrides/));
    t.equal((await api("POST", "/v1/models", price("model-a"))).statusCode, 429, "the quota is checked before a duplicate");
  });
});
