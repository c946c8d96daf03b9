import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretStore } from '../secrets/secret-store';
import { ArchiveProblem } from './archive-format';

/**
 * The HMAC over a backup's manifest. The manifest holds every table's SHA-256, so a valid
 * HMAC vouches for the whole archive; the plain manifest.sha256 only catches accidents
 * (anyone who edits the manifest recomputes it). The key lives in the secret store, never
 * in the platform database or next to the backups, so a file on shared storage cannot be
 * re-signed by whoever can write there.
 *
 * manifest.hmac reads `HMAC-SHA256 <key id> <hmac hex>`. The key id (a hash of the key) tells
 * a changed manifest (this console's key id, wrong HMAC: refused) from an archive another
 * installation signed (the desktop app and tenantctl, or two operators' machines, each
 * have their own store): that one cannot be checked here and counts as no better than
 * unsigned — accepted, reported "unknown-key", refused when signed archives are required.
 */
export const BACKUP_HMAC_SECRET = 'backup_hmac_key';
const KEY_BYTES = 32;
const KEY_PATTERN = /^[0-9a-f]{64}$/;
const SIGNATURE_LINE = /^HMAC-SHA256 ([0-9a-f]{16}) ([0-9a-f]{64})$/;

export type ArchiveSignature = 'signed' | 'unsigned' | 'unknown-key';

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

/** Names a key without revealing anything about it. */
function keyId(key: Buffer): string {
  return createHash('sha256').update('tenant-console backup key id\0').update(key).digest('hex').slice(0, 16);
}

const hmacOf = (key: Buffer, manifestBytes: Buffer): Buffer => createHmac('sha256', key).update(manifestBytes).digest();

/** The text of manifest.hmac. */
export function signManifest(key: Buffer, manifestBytes: Buffer): string {
  return `HMAC-SHA256 ${keyId(key)} ${hmacOf(key, manifestBytes).toString('hex')}`;
}

/**
 * Checks the archive's manifest.hmac (null when the archive has none: made before signing
 * existed, reported "unsigned"). A signature that does not match is refused outright — the
 * manifest was changed after signing, or signed with another console's key.
 */
export function checkManifestSignature(key: Buffer | undefined, manifestBytes: Buffer, signature: string | null): ArchiveSignature {
  if (signature === null) return 'unsigned';
  const parsed = SIGNATURE_LINE.exec(signature);
  if (!parsed) throw new ArchiveProblem("The backup's manifest signature (manifest.hmac) is malformed: refused.");
  if (!key) throw new ArchiveProblem('The backup is signed, but no signing key was given to check it with: refused.');
  if (parsed[1] !== keyId(key)) return 'unknown-key';
  if (!timingSafeEqual(hmacOf(key, manifestBytes), Buffer.from(parsed[2]!, 'hex'))) {
    throw new ArchiveProblem("The backup's manifest signature does not match (wrong HMAC): the manifest was changed after this console signed it. Refused.");
  }
  return 'signed';
}

/** Why an archive that is not signed with this console's key is refused when signed archives are required. */
export function unsignedRefusal(signature: Exclude<ArchiveSignature, 'signed'>): string {
  const what =
    signature === 'unsigned'
      ? 'The backup is unsigned (no manifest.hmac: made before backups were signed, or its signature was removed)'
      : `The backup is signed with another console's key, which this console cannot check (copy that console's ${BACKUP_HMAC_SECRET} secret into this one's secret store)`;
  return `${what}, and this console requires signed backups (setting backup_require_signed).`;
}
