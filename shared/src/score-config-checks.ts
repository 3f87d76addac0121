import type { ScoreConfigBody, ScoreConfigRules } from "./schemas/score-config.js";
import type { ScoreValue } from "./schemas/score.js";

/** A config that can never accept a score is refused when created. Returns the problem or null. */
export function scoreConfigProblem(config: ScoreConfigBody): string | null {
  const { dataType, minValue, maxValue, categories } = config;
  if (dataType !== "NUMERIC" && (minValue !== undefined || maxValue !== undefined)) {
    return `minValue and maxValue apply to NUMERIC configs only`;
  }
  if (minValue !== undefined && maxValue !== undefined && minValue > maxValue) return "minValue is greater than maxValue";
  if (dataType === "CATEGORICAL") {
    if (!categories) return "categories is required for a CATEGORICAL config";
    const labels = new Set(categories.map((c) => c.label));
    const values = new Set(categories.map((c) => c.value));
    if (labels.size !== categories.length) return "categories repeat a label";
    if (values.size !== categories.length) return "categories repeat a value";
  } else if (categories) {
    return "categories apply to CATEGORICAL configs only";
  }
  return null;
}

/**
 * Why a score value breaks its config, or null when it fits. The gateway (422) and the score
 * workflow (VALIDATION_ERROR) both ask this one function.
 */
export function scoreValueProblem(config: ScoreConfigRules, value: ScoreValue): string | null {
  if (config.archived) return "the score config is archived and takes no new scores";
  switch (config.dataType) {
    case "NUMERIC":
      if (typeof value !== "number") return `value must be a number for a NUMERIC config (got ${JSON.stringify(value)})`;
      if (config.minValue !== null && value < config.minValue) return `value ${value} is below the config's minValue ${config.minValue}`;
      if (config.maxValue !== null && value > config.maxValue) return `value ${value} is above the config's maxValue ${config.maxValue}`;
      return null;
    case "CATEGORICAL": {
      const categories = config.categories ?? [];
      const known = categories.some((c) => (typeof value === "string" ? c.label === value : c.value === value));
      if (typeof value === "boolean" || !known) {
        return `value ${JSON.stringify(value)} is not one of the config's categories (${categories.map((c) => c.label).join(", ")})`;
      }
      return null;
    }
    case "BOOLEAN":
      return typeof value === "boolean" ? null : `value must be true or false for a BOOLEAN config (got ${JSON.stringify(value)})`;
  }
}
