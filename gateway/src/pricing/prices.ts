import { LRUCache } from "lru-cache";
import catalogData from "./catalog.json" with { type: "json" };

/** A price that applies to model names it matches from `startDate` on (USD per 1M tokens). */
export interface Price {
  model: string;
  /** As written: a regex for catalog entries, a `*` glob for project overrides. */
  matchPattern: string;
  matches: (model: string) => boolean;
  startDate: string;
  inputPrice: string;
  outputPrice: string;
  cachedInputPrice: string | null;
  source: "catalog" | "project";
  provider?: string;
  id?: string;
}

// The catalog ships with the project, so its regexes are trusted.
export const CATALOG: Price[] = catalogData.models.map((entry) => {
  const regex = new RegExp(entry.pattern, "i");
  return {
    model: entry.model,
    provider: entry.provider,
    matchPattern: entry.pattern,
    matches: (model: string) => regex.test(model),
    startDate: entry.startDate,
    inputPrice: entry.inputPrice,
    outputPrice: entry.outputPrice,
    cachedInputPrice: "cachedInputPrice" in entry ? (entry.cachedInputPrice as string) : null,
    source: "catalog",
  };
});

/** Model names seen recently → their catalog entries, so a name is run against every regex once. */
export const CATALOG_CACHE_MAX_NAMES = 5_000;
const catalogByName = new LRUCache<string, Price[]>({ max: CATALOG_CACHE_MAX_NAMES });

/** The catalog entries (in catalog order) that match `model`. */
export function catalogMatches(model: string): Price[] {
  let matching = catalogByName.get(model);
  if (!matching) {
    matching = CATALOG.filter((price) => price.matches(model));
    catalogByName.set(model, matching);
  }
  return matching;
}

/**
 * The price in force at `at` among prices that match the model: the one with the latest start
 * date on or before that day (or the earliest one, for data older than every entry).
 */
export function priceAt(matching: Price[], at: Date): Price | undefined {
  const day = at.toISOString().slice(0, 10);
  let inForce: Price | undefined;
  let earliest: Price | undefined;
  for (const price of matching) {
    if (!earliest || price.startDate < earliest.startDate) earliest = price;
    if (price.startDate <= day && (!inForce || price.startDate > inForce.startDate)) inForce = price;
  }
  return inForce ?? earliest;
}

/**
 * Prices spans for one project: its overrides win over the catalog. Matching results are kept
 * per model name for the resolver's life (one pricing run), as spans mostly share a few models.
 */
export function priceResolver(overrides: Price[]): (model: string, at: Date) => Price | undefined {
  const overridesByName = new Map<string, Price[]>();
  return (model, at) => {
    let matching = overridesByName.get(model);
    if (!matching) {
      matching = overrides.filter((price) => price.matches(model));
      overridesByName.set(model, matching);
    }
    return priceAt(matching, at) ?? priceAt(catalogMatches(model), at);
  };
}
