// The auth cache's lifetimes, apart from the plugin so the CLI can state them without loading it.

/** A revoked or deleted key stops working within this (plus UNKNOWN_KEY_TTL_MS). */
export const KNOWN_KEY_TTL_MS = 60_000;
/** How long a lookup's answer, "no such key" above all, is reused. */
export const UNKNOWN_KEY_TTL_MS = 5_000;
/**
 * The longest a revoked key may still authenticate on a gateway: a lookup answered just before
 * the revocation is reused for UNKNOWN_KEY_TTL_MS, then kept as known for KNOWN_KEY_TTL_MS.
 */
export const REVOCATION_DELAY_MS = KNOWN_KEY_TTL_MS + UNKNOWN_KEY_TTL_MS;
