import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretStore } from '../secrets/secret-store';
import { ArchiveProblem } from './archive-format';

/**
 * The HMAC over a backup's manifest. The manifest holds every table's SHA-256, so a valid
 * HMAC vouches for the whole archive; the plain manifest.sha256 only catches accidents
 * (anyone who edits the manifest recomputes it). The key lives in the secret store, never
 * in the platform database or next to the backups, so a file on shared storage cannot be
 * re-signed by whoever can write there.
 */
export const BACKUP_HMAC_SECRET = 'backup_hmac_key';
const KEY_BYTES = 32;
const KEY_PATTERN = /^[0-9a-f]{64}$/;
const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;

export type ArchiveSignature = 'signed' | 'unsigned';

// One generation per store in this process: two backups starting at once must not each make a key.
const keys = new WeakMap<SecretStore, Promise<Buffer>>();

/** The console's backup signing key, generated and stored on first use. */
export function backupSigningKey(secrets: SecretStore): Promise<Buffer> {
  let key = keys.get(secrets);
  if (!key) {
    key = loadOrCreateKey(secrets);
    keys.set(secrets, key);
    key.catch(() => keys.delete(secrets));
  }
  return key;
}

async function loadOrCreateKey(secrets: SecretStore): Promise<Buffer> {
  const stored = await secrets.get(BACKUP_HMAC_SECRET);
  if (stored !== null) {
    if (!KEY_PATTERN.test(stored)) throw new Error(`The secret ${BACKUP_HMAC_SECRET} is not a ${KEY_BYTES}-byte hex key; restore it from where it was copied.`);
    return Buffer.from(stored, 'hex');
  }
  await secrets.set(BACKUP_HMAC_SECRET, randomBytes(KEY_BYTES).toString('hex'));
  // Read back: if another process stored its key at the same moment, both use the one that stayed.
  return Buffer.from((await secrets.get(BACKUP_HMAC_SECRET))!, 'hex');
}

export function signManifest(key: Buffer, manifestBytes: Buffer): string {
  return createHmac('sha256', key).update(manifestBytes).digest('hex');
}

/**
 * Checks the archive's manifest.hmac (null when the archive has none: made before signing
 * existed, reported "unsigned"). A signature that does not match is refused outright — the
 * manifest was changed after signing, or signed with another console's key.
 */
export function checkManifestSignature(key: Buffer | undefined, manifestBytes: Buffer, signature: string | null): ArchiveSignature {
  if (signature === null) return 'unsigned';
  if (!SIGNATURE_PATTERN.test(signature)) throw new ArchiveProblem("The backup's manifest signature (manifest.hmac) is malformed: refused.");
  if (!key) throw new ArchiveProblem('The backup is signed, but no signing key was given to check it with: refused.');
  const expected = Buffer.from(signManifest(key, manifestBytes), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    throw new ArchiveProblem(
      `The backup's manifest signature does not match (wrong HMAC): the manifest was changed after the backup was made, or it was signed by another console (copy that console's ${BACKUP_HMAC_SECRET} secret to restore its backups). Refused.`,
    );
  }
  return 'signed';
}
