import { createHash, randomBytes } from 'node:crypto';

/** Every key starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = 'tck_';
const KEY_BYTES = 32;
/** `tck_` + 43 base64url characters (256 random bits). */
const KEY_PATTERN = /^tck_[A-Za-z0-9_-]{43}$/;
const DISPLAY_CHARS = 8;

/**
 * SHA-256 of the key. A fast hash is the right one for a 256-bit random key (no dictionary
 * to guess from, so no need for a slow password hash; see platform migration 012).
 */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/** A new key: the secret (shown once), its display prefix and the hash that is stored. */
export function generateApiKey(): { key: string; prefix: string; sha256: Buffer } {
  const key = `${API_KEY_PREFIX}${randomBytes(KEY_BYTES).toString('base64url')}`;
  return { key, prefix: key.slice(0, API_KEY_PREFIX.length + DISPLAY_CHARS), sha256: hashApiKey(key) };
}
