import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const KEY_PREFIX = "co_";

/** A new project API key: 32 random bytes, base64url, with a recognisable prefix. */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString("base64url");
}

/**
 * Keys are stored as HMAC-SHA256 digests under API_KEY_HASH_SECRET: a leaked api_keys table
 * cannot be tested against guesses without that secret (INIT_PROJECT_API_KEY may be
 * human-chosen). Keys are high-entropy or checked for length, so no slow hash is needed.
 */
export function hashApiKey(key: string, hashSecret: string): string {
  return createHmac("sha256", hashSecret).update(key, "utf8").digest("hex");
}

/** How keys were stored before (hash_scheme 'sha256'): looked up as a fallback, upgraded on use. */
export function legacyHashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Shown in listings so a key can be recognised without being stored. */
export function keyPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 6);
}

/** Constant-time comparison that also hides the secret's length. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}
