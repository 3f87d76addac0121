// Regenerates gateway/src/pricing/catalog.json from public reference price data (MIT; its
// notice is copied beside the catalog) plus Mistral's list prices, which that data lacks.
//   node scripts/build-price-catalog.mjs [path/to/reference-model-prices.json]
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const source = process.argv[2] ?? "../shared/data/reference-model-prices.json";
const out = "gateway/src/pricing/catalog.json";

// Mistral AI list prices, USD per 1M tokens (input, output), as published by Mistral AI.
const MISTRAL = [
  ["mistral-large", "2", "6", "2024-11-18"],
  ["mistral-medium", "0.4", "2", "2025-05-07"],
  ["mistral-small", "0.1", "0.3", "2025-03-17"],
  ["magistral-medium", "2", "5", "2025-06-10"],
  ["magistral-small", "0.5", "1.5", "2025-06-10"],
  ["codestral", "0.3", "0.9", "2025-01-13"],
  ["devstral-small", "0.1", "0.3", "2025-07-10"],
  ["devstral-medium", "0.4", "2", "2025-07-10"],
  ["pixtral-large", "2", "6", "2024-11-18"],
  ["pixtral-12b", "0.15", "0.15", "2024-09-17"],
  ["ministral-8b", "0.1", "0.1", "2024-10-16"],
  ["ministral-3b", "0.04", "0.04", "2024-10-16"],
  ["open-mistral-nemo", "0.15", "0.15", "2024-07-18"],
  ["mistral-embed", "0.1", "0", "2023-12-11"],
];

/** The decimal a float was written as (its shortest round-trip form), times 10^6, as a string. */
function perMillion(value) {
  if (value === undefined || value === null) return undefined;
  let [digits, exponent = "0"] = String(value).toLowerCase().split("e");
  let [whole, fraction = ""] = digits.split(".");
  let shift = Number(exponent) + 6 - fraction.length; // value = (whole+fraction) × 10^shift
  let integer = (whole + fraction).replace(/^0+(?=\d)/, "");
  if (shift >= 0) return (integer + "0".repeat(shift)).replace(/^0+(?=\d)/, "");
  integer = integer.padStart(-shift + 1, "0");
  const result = `${integer.slice(0, shift)}.${integer.slice(shift)}`.replace(/\.?0+$/, "");
  return result === "" ? "0" : result;
}

const first = (prices, keys) => keys.map((k) => prices[k]).find((v) => v !== undefined);

function providerOf(name) {
  if (/^claude/i.test(name)) return "anthropic";
  if (/^(gemini|chat-bison|codechat|text-bison|text-unicorn|textembedding|code-gecko|code-bison)/i.test(name)) return "google";
  return "openai";
}

const reference = JSON.parse(readFileSync(source, "utf8"));
const models = [];
for (const entry of reference) {
  const tier = entry.pricingTiers.find((t) => t.isDefault);
  if (!tier) continue;
  const p = tier.prices;
  const input = first(p, ["input", "input_tokens", "input_text", "prompt_token_count", "total"]);
  const output = first(p, ["output", "output_tokens", "output_text", "candidates_token_count", "total"]);
  if (input === undefined || output === undefined) continue;
  const cached = first(p, ["input_cached_tokens", "input_cache_read", "cache_read_input_tokens", "cached_content_token_count"]);
  models.push({
    model: entry.modelName,
    provider: providerOf(entry.modelName),
    // The data's patterns start with PCRE's (?i): the flag is applied when compiling instead.
    pattern: entry.matchPattern.replace(/^\(\?i\)/, ""),
    startDate: entry.createdAt.slice(0, 10),
    inputPrice: perMillion(input),
    outputPrice: perMillion(output),
    ...(cached !== undefined ? { cachedInputPrice: perMillion(cached) } : {}),
  });
}
for (const [name, inputPrice, outputPrice, startDate] of MISTRAL) {
  const escaped = name.replace(/[.]/g, "\\.");
  models.push({
    model: name,
    provider: "mistral",
    pattern: `^(mistral/)?(${escaped}(-latest|-\\d{4})?)$`,
    startDate,
    inputPrice,
    outputPrice,
  });
}

writeFileSync(
  out,
  `${JSON.stringify(
    {
      unit: "USD per 1M tokens",
      sources: ["reference-model-prices.json (MIT, see catalog.LICENSE)", "Mistral AI list prices"],
      models,
    },
    null,
    1,
  )}\n`,
);
copyFileSync(source.replace(/\.json$/, ".LICENSE"), join(dirname(out), "catalog.LICENSE"));
console.log(`${models.length} models written to ${out}`);
