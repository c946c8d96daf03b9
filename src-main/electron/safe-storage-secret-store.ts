import type { SafeStorage } from 'electron';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SecretStore } from '../secrets/secret-store';

/** The part of Electron's safeStorage this store uses; injected so tests can pass a fake. */
export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

export interface SafeStorageSecretStoreOptions {
  /** Told once when Linux has no keyring and safeStorage falls back to a fixed key. */
  readonly warn?: (message: string) => void;
}

const FILE_FORMAT = 'tenant-console/safe-storage-secrets';
const FILE_VERSION = 1;

interface SealedFile {
  readonly format: typeof FILE_FORMAT;
  readonly version: typeof FILE_VERSION;
  /** name → base64 of safeStorage.encryptString(value) */
  readonly secrets: Record<string, string>;
}

/**
 * The desktop app's SecretStore: each value sealed with the OS keychain through Electron
 * safeStorage, kept in a JSON file (mode 0600, folder 0700) in the data folder. Refuses to
 * store anything when the OS offers no encryption rather than writing it in the clear.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'electron-safe-storage' as const;
  readonly #path: string;
  readonly #safeStorage: SafeStorageLike;
  readonly #warn: (message: string) => void;
  #warnedWeakBackend = false;
  /** Writes are read-modify-write on one file: run them one at a time. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, safeStorage: SafeStorageLike, options: SafeStorageSecretStoreOptions = {}) {
    this.#path = path;
    this.#safeStorage = safeStorage;
    this.#warn = options.warn ?? ((message) => console.warn(`[tenant-console] ${message}`));
  }

  get path(): string {
    return this.#path;
  }

  async get(name: string): Promise<string | null> {
    checkName(name);
    await this.#queue.catch(() => undefined);
    const sealed = (await this.#read()).get(name);
    if (sealed === undefined) return null;
    this.#requireEncryption(`read the secret "${name}"`);
    try {
      return this.#safeStorage.decryptString(Buffer.from(sealed, 'base64'));
    } catch (error) {
      throw new Error(
        `Cannot read the secret "${name}" from ${this.#path}: the OS keychain could not decrypt it ` +
          `(was it sealed by another OS user or on another machine?). ${(error as Error).message}`,
      );
    }
  }

  async set(name: string, value: string): Promise<void> {
    checkName(name);
    if (typeof value !== 'string') throw new TypeError(`The secret "${name}" must be a string.`);
    // Checked before touching the file: with no encryption, nothing is written at all.
    this.#requireEncryption(`store the secret "${name}"`);
    const sealed = this.#safeStorage.encryptString(value).toString('base64');
    await this.#update((secrets) => secrets.set(name, sealed));
  }

  async delete(name: string): Promise<void> {
    checkName(name);
    await this.#update((secrets) => secrets.delete(name));
  }

  #requireEncryption(operation: string): void {
    if (!this.#safeStorage.isEncryptionAvailable()) {
      throw new Error(
        `Cannot ${operation}: the operating system's secret storage is not available to Tenant Console ` +
          '(Electron safeStorage reports no encryption: on Linux, a keyring such as GNOME Keyring or KWallet must be ' +
          'running and unlocked). Secrets are never written in plain text; start the keyring, or use host mode ' +
          '(`npm run host`), which keeps them in a file only your OS user can read.',
      );
    }
    const backend = this.#safeStorage.getSelectedStorageBackend?.();
    if (backend === 'basic_text' && !this.#warnedWeakBackend) {
      this.#warnedWeakBackend = true;
      this.#warn(
        'safeStorage has no keyring on this Linux desktop and seals secrets with a fixed key (basic_text); ' +
          `${this.#path} is still mode 0600, but install and unlock a keyring for real protection.`,
      );
    }
  }

  async #update(change: (secrets: Map<string, string>) => void): Promise<void> {
    const run = this.#queue.catch(() => undefined).then(async () => {
      const secrets = await this.#read();
      change(secrets);
      await this.#write(secrets);
    });
    this.#queue = run;
    await run;
  }

  async #read(): Promise<Map<string, string>> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw new Error(`Cannot read the secrets file ${this.#path}: ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`The secrets file ${this.#path} is damaged (not JSON); move it aside to start over.`);
    }
    if (!isSealedFile(parsed)) {
      throw new Error(`The secrets file ${this.#path} is not a Tenant Console safeStorage file (format ${FILE_FORMAT} v${FILE_VERSION}).`);
    }
    return new Map(Object.entries(parsed.secrets));
  }

  async #write(secrets: Map<string, string>): Promise<void> {
    await mkdir(dirname(this.#path), { recursive: true, mode: 0o700 });
    const file: SealedFile = { format: FILE_FORMAT, version: FILE_VERSION, secrets: Object.fromEntries(secrets) };
    const temporary = `${this.#path}.${process.pid}.tmp`;
    // Created 0600 from the first byte, then renamed over the old file: never readable by others.
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, this.#path);
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200 || [...name].some((char) => char.charCodeAt(0) < 0x20 || char === '\u007f')) {
    throw new TypeError(`Invalid secret name: ${JSON.stringify(String(name).slice(0, 80))}`);
  }
}

function isSealedFile(value: unknown): value is SealedFile {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<SealedFile>;
  return (
    candidate.format === FILE_FORMAT &&
    candidate.version === FILE_VERSION &&
    typeof candidate.secrets === 'object' &&
    candidate.secrets !== null &&
    !Array.isArray(candidate.secrets) &&
    Object.values(candidate.secrets).every((sealed) => typeof sealed === 'string')
  );
}
