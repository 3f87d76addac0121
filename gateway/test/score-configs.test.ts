import t from "tap";
import { sampleScore } from "../../test/support/samples.js";
import { gatewayFixture } from "./fixture.js";

t.test("score configs", async (t) => {
  const { app, auth, otherProject } = await gatewayFixture(t);
  const api = (method: "GET" | "POST", url: string, payload?: unknown, key?: string) =>
    app.inject({ method, url, headers: auth(key), ...(payload !== undefined ? { payload: payload as object } : {}) });
  const create = async (body: object) => {
    const response = await api("POST", "/v1/score-configs", body);
    t.equal(response.statusCode, 201, response.body);
    return response.json();
  };

  const numeric = await create({ name: "accuracy", dataType: "NUMERIC", minValue: 0, maxValue: 1, description: "0 to 1" });
  const categorical = await create({
    name: "tone",
    dataType: "CATEGORICAL",
    categories: [
      { label: "rude", value: 0 },
      { label: "neutral", value: 1 },
      { label: "friendly", value: 2 },
    ],
  });
  const boolean = await create({ name: "resolved", dataType: "BOOLEAN" });
  const unbounded = await create({ name: "latency-rating", dataType: "NUMERIC" });

  t.test("create, get, list", async (t) => {
    t.match(numeric, { id: /^[0-9a-f-]{36}$/, name: "accuracy", dataType: "NUMERIC", minValue: 0, maxValue: 1, archived: false });
    t.same((await api("GET", `/v1/score-configs/${categorical.id}`)).json(), categorical);
    t.equal((await api("GET", "/v1/score-configs")).json().data.length, 4);
    t.equal((await api("GET", `/v1/score-configs/${numeric.id}`, undefined, otherProject.apiKey)).statusCode, 404, "other projects see nothing");
    t.equal((await api("GET", "/v1/score-configs/not-a-config")).statusCode, 404);
  });

  t.test("configs that could never accept a score are refused", async (t) => {
    for (const [body, message] of [
      [{ name: "x", dataType: "NUMERIC", minValue: 2, maxValue: 1 }, "minValue is greater than maxValue"],
      [{ name: "x", dataType: "CATEGORICAL" }, "categories is required for a CATEGORICAL config"],
      [{ name: "x", dataType: "CATEGORICAL", categories: [{ label: "a", value: 1 }, { label: "a", value: 2 }] }, "categories repeat a label"],
      [{ name: "x", dataType: "CATEGORICAL", categories: [{ label: "a", value: 1 }, { label: "b", value: 1 }] }, "categories repeat a value"],
      [{ name: "x", dataType: "BOOLEAN", maxValue: 1 }, "minValue and maxValue apply to NUMERIC configs only"],
      [{ name: "x", dataType: "BOOLEAN", categories: [{ label: "a", value: 1 }] }, "categories apply to CATEGORICAL configs only"],
      [{ name: "x", dataType: "TEXT" }, /^dataType must be one of "NUMERIC", "CATEGORICAL", "BOOLEAN"/],
    ] as const) {
      const response = await api("POST", "/v1/score-configs", body);
      t.equal(response.statusCode, 400);
      t.match(response.json().message, message);
    }
  });

  t.test("the gateway accepts scores that fit their config", async (t) => {
    for (const [config, value] of [
      [numeric, 0],
      [numeric, 1],
      [unbounded, -1e6],
      [categorical, "friendly"],
      [categorical, 0],
      [boolean, false],
    ] as const) {
      const response = await api("POST", "/v1/scores", sampleScore({ configId: config.id, value }));
      t.equal(response.statusCode, 202, `${config.name} = ${JSON.stringify(value)}`);
    }
  });

  t.test("422 for what the gateway can already tell is invalid", async (t) => {
    const cases: Array<[string, unknown, RegExp]> = [
      [numeric.id, 1.5, /value 1.5 is above the config's maxValue 1/],
      [numeric.id, -0.1, /value -0.1 is below the config's minValue 0/],
      [numeric.id, "high", /value must be a number for a NUMERIC config/],
      [categorical.id, "sarcastic", /not one of the config's categories \(rude, neutral, friendly\)/],
      [categorical.id, 7, /not one of the config's categories/],
      [categorical.id, true, /not one of the config's categories/],
      [boolean.id, 1, /value must be true or false for a BOOLEAN config/],
      ["5f0c6a9e-0000-4000-8000-000000000000", 1, /is not a score config of this project/],
    ];
    for (const [configId, value, message] of cases) {
      const response = await api("POST", "/v1/scores", sampleScore({ configId, value }));
      t.equal(response.statusCode, 422, `${configId} = ${JSON.stringify(value)}`);
      t.match(response.json(), { statusCode: 422, error: "Unprocessable Entity", message });
    }
    const foreign = await api("POST", "/v1/scores", sampleScore({ configId: numeric.id, value: 0.5 }), otherProject.apiKey);
    t.equal(foreign.statusCode, 422, "another project's config is unknown here");

    const batch = await api("POST", "/v1/scores", [sampleScore({ configId: numeric.id, value: 0.5 }), sampleScore({ configId: numeric.id, value: 5 })]);
    t.equal(batch.statusCode, 207);
    t.match(batch.json().results, [{ status: 202 }, { status: 422, message: /^\[1\]: value 5 is above/ }]);
  });

  t.test("an archived config takes no new scores", async (t) => {
    const config = await create({ name: "deprecated", dataType: "BOOLEAN" });
    const archived = await api("POST", `/v1/score-configs/${config.id}/archive`);
    t.match(archived.json(), { archived: true, archivedAt: /^\d{4}-/ });
    t.match((await api("POST", `/v1/score-configs/${config.id}/archive`)).json(), { archived: true }, "archiving twice is harmless");
    t.notOk((await api("GET", "/v1/score-configs")).json().data.some((c: { id: string }) => c.id === config.id));
    t.ok((await api("GET", "/v1/score-configs?includeArchived=true")).json().data.some((c: { id: string }) => c.id === config.id));

    const response = await api("POST", "/v1/scores", sampleScore({ configId: config.id, value: true }));
    t.equal(response.statusCode, 422);
    t.match(response.json().message, /archived/);
  });
});
