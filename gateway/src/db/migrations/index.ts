import type { Migration } from "kysely";
import * as initial from "./0001_initial.js";
import * as costsAndScoreConfigs from "./0002_costs_and_score_configs.js";
import * as alerting from "./0003_alerting.js";
import * as apiKeyHashScheme from "./0004_api_key_hash_scheme.js";
import * as apiKeyNamesAndRevocation from "./0005_api_key_names_and_revocation.js";

/** Every migration, in order. Names are stored in the database: never rename one. */
export const migrations: Record<string, Migration> = {
  "0001_initial": initial,
  "0002_costs_and_score_configs": costsAndScoreConfigs,
  "0003_alerting": alerting,
  "0004_api_key_hash_scheme": apiKeyHashScheme,
  "0005_api_key_names_and_revocation": apiKeyNamesAndRevocation,
};
