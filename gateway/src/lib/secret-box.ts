import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** HKDF's info: this key serves this purpose only, whatever else SECRETS_ENCRYPTION_KEY feeds. */
const KEY_PURPOSE = "cognobserve secrets at rest v1";

/**
 * Secrets kept in the database (webhook signing secrets), encrypted with AES-256-GCM. A sealed
 * value is `v1:<iv>:<tag>:<ciphertext>` in base64url; the version leaves room for a new key or
 * cipher later. `context` (the row's id) is authenticated too, so a sealed value copied onto
 * another row does not open.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  /** Throws when the value was sealed under another key, for another row, or altered. */
  open(sealed: string, context: string): string;
}

/** Every sealed value starts with this; anything else in a secret column is still in clear. */
export const SEALED_PREFIX = `${VERSION}:`;

export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

export function createSecretBox(encryptionKey: string): SecretBox {
  // The variable is any long random string; HKDF turns it into exactly 32 key bytes.
  const key = Buffer.from(hkdfSync("sha256", encryptionKey, "", KEY_PURPOSE, 32));

  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, "utf8"));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString("base64url"));
      return [VERSION, ...parts].join(":");
    },
    open(sealed, context) {
      const [version, iv, tag, ciphertext, ...rest] = sealed.split(":");
      if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined || rest.length > 0) {
        throw new Error("not a sealed secret");
      }
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      try {
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
      } catch {
        throw new Error("a sealed secret does not open: wrong SECRETS_ENCRYPTION_KEY, or the value was altered");
      }
    },
  };
}
