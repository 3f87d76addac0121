import t from "tap";
import { globMatches, globProblem } from "../src/pricing/glob.js";
import { catalogMatches, priceResolver, type Price } from "../src/pricing/prices.js";

t.test("globMatches: anchored, case-insensitive, * matches any run (also none)", async (t) => {
  const cases: Array<[string, string, boolean]> = [
    ["gpt-4o", "gpt-4o", true],
    ["gpt-4o", "GPT-4O", true],
    ["GPT-*", "gpt-4o-mini", true],
    ["gpt-4o", "gpt-4o-mini", false], // anchored at the end
    ["4o*", "gpt-4o", false], // and at the start
    ["gpt-4o*", "gpt-4o", true], // * matches nothing
    ["*", "", true],
    ["*", "anything", true],
    ["", "", true],
    ["", "a", false],
    ["a*b*c", "abc", true],
    ["a*b*c", "aXXbYYc", true],
    ["a*b*c", "aXXbYY", false],
    ["*mini", "gpt-4o-mini", true],
    ["*-mini*", "openai/gpt-4o-mini-2024", true],
    ["a**b", "ab", true],
    ["a.b", "axb", false], // no regex syntax: a dot is a dot
    ["a+b", "a+b", true],
    ["(x)|y", "(x)|y", true],
    ["[ab]", "a", false],
    ["a?c", "abc", false], // ? is not a wildcard
  ];
  for (const [glob, name, expected] of cases) t.equal(globMatches(glob, name), expected, `${glob} vs ${JSON.stringify(name)}`);
});

t.test("globMatches: patterns that make a regex backtrack are answered correctly", async (t) => {
  // As a regex (^.*a.*a…b$) this takes exponential time on a name of a's with no b.
  const hostile = "*a*a*a*a*a*a*a*b";
  const as = "a".repeat(200);
  t.equal(globMatches(hostile, as), false);
  t.equal(globMatches(hostile, `${as}b`), true);
  t.equal(globMatches(hostile, `${"a".repeat(6)}b`), false, "one a short");
  t.equal(globMatches(hostile, `${"a".repeat(7)}b`), true);
  t.equal(globMatches("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(5000)), false, "stored patterns over the write limit are still safe");
});

t.test("globProblem: the grammar patterns are written in", async (t) => {
  t.equal(globProblem("gpt-4o*"), null);
  t.equal(globProblem("*a*a*a*a*a*a*a*b"), null, "eight * is the most");
  t.equal(globProblem("*a*a*a*a*a*a*a*a*b"), "may have at most 8 * wildcards (has 9)");
  t.equal(globProblem(""), "must be 1 to 200 characters");
  t.equal(globProblem("x".repeat(201)), "must be 1 to 200 characters");
  t.equal(globProblem("gpt 4o"), "must not contain whitespace");
});

t.test("prices: catalog lookups by name, overrides first", async (t) => {
  t.same(catalogMatches("gpt-4o").map((p) => p.model), ["gpt-4o"]);
  t.same(catalogMatches("OpenAI/GPT-4o").map((p) => p.model), ["gpt-4o"], "prefix and case");
  t.equal(catalogMatches("gpt-4o"), catalogMatches("gpt-4o"), "a name seen before is answered from the cache");
  t.same(catalogMatches("acme-9000"), []);

  const override: Price = {
    model: "all gpt",
    matchPattern: "gpt-*",
    matches: (model) => globMatches("gpt-*", model),
    startDate: "2025-01-01",
    inputPrice: "1",
    outputPrice: "1",
    cachedInputPrice: null,
    source: "project",
  };
  const resolve = priceResolver([override]);
  t.equal(resolve("gpt-4o", new Date("2025-06-01"))?.source, "project");
  t.equal(resolve("gpt-4o", new Date("2024-06-01"))?.source, "project", "the only override applies before its start too, like the catalog");
  t.match(resolve("claude-sonnet-4-5-20250929", new Date("2025-06-01")), { source: "catalog", provider: "anthropic" });
  t.equal(resolve("acme-9000", new Date("2025-06-01")), undefined);
});
