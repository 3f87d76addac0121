import catalogData from "./catalog.json" with { type: "json" };

/** A price that applies to model names matching `pattern` from `startDate` on (USD per 1M tokens). */
export interface Price {
  model: string;
  pattern: RegExp;
  startDate: string;
  inputPrice: string;
  outputPrice: string;
  cachedInputPrice: string | null;
  source: "catalog" | "project";
  provider?: string;
  id?: string;
}

export const CATALOG: Price[] = catalogData.models.map((entry) => ({
  model: entry.model,
  provider: entry.provider,
  pattern: new RegExp(entry.pattern, "i"),
  startDate: entry.startDate,
  inputPrice: entry.inputPrice,
  outputPrice: entry.outputPrice,
  cachedInputPrice: "cachedInputPrice" in entry ? (entry.cachedInputPrice as string) : null,
  source: "catalog",
}));

/** Project overrides name models with `*` wildcards (no regex: nothing to backtrack on). */
export function globPattern(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, "i");
}

/**
 * The price in force for `model` at `at`: the matching entry with the latest start date on or
 * before that day (or the earliest one, for data older than every entry).
 */
export function priceAt(prices: Price[], model: string, at: Date): Price | undefined {
  const day = at.toISOString().slice(0, 10);
  let inForce: Price | undefined;
  let earliest: Price | undefined;
  for (const price of prices) {
    if (!price.pattern.test(model)) continue;
    if (!earliest || price.startDate < earliest.startDate) earliest = price;
    if (price.startDate <= day && (!inForce || price.startDate > inForce.startDate)) inForce = price;
  }
  return inForce ?? earliest;
}

/** Project overrides win over the catalog. */
export function resolvePrice(overrides: Price[], model: string, at: Date): Price | undefined {
  return priceAt(overrides, model, at) ?? priceAt(CATALOG, model, at);
}
