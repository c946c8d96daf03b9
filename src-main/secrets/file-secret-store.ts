import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import type { SecretStore } from './secret-store';

/** Host mode and the CLI: secrets in a JSON file only the OS user can read (mode 0600). */
export class FileSecretStore implements SecretStore {
  readonly kind = 'file-0600' as const;
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  async #readAll(): Promise<Record<string, string>> {
    try {
      return JSON.parse(await readFile(this.#path, 'utf8')) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`Cannot read the secrets file ${this.#path}: ${(error as Error).message}`);
    }
  }

  async #writeAll(values: Record<string, string>): Promise<void> {
    await mkdir(dirname(this.#path), { recursive: true, mode: 0o700 });
    const temporary = `${this.#path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    // Created 0600 from the first byte, then renamed: never a moment readable by others.
    await writeFile(temporary, JSON.stringify(values, null, 2), { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, this.#path);
  }

  async get(name: string): Promise<string | null> {
    return (await this.#readAll())[name] ?? null;
  }

  /**
   * A change is read-modify-write of the whole file: under a lock file, so two processes
   * (the app and a CLI command, parallel test workers) sharing a data folder never lose
   * each other's secrets, and one after the other within this process.
   */
  async #change(update: (values: Record<string, string>) => void): Promise<void> {
    const previous = FileSecretStore.#queues.get(this.#path) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(async () => {
      await mkdir(dirname(this.#path), { recursive: true, mode: 0o700 });
      const release = await lockfile.lock(this.#path, { realpath: false, stale: 10_000, retries: { retries: 100, minTimeout: 10, maxTimeout: 200 } });
      try {
        const values = await this.#readAll();
        update(values);
        await this.#writeAll(values);
      } finally {
        await release().catch(() => undefined);
      }
    });
    FileSecretStore.#queues.set(this.#path, next);
    try {
      await next;
    } finally {
      if (FileSecretStore.#queues.get(this.#path) === next) FileSecretStore.#queues.delete(this.#path);
    }
  }

  static readonly #queues = new Map<string, Promise<void>>();

  async set(name: string, value: string): Promise<void> {
    await this.#change((values) => {
      values[name] = value;
    });
  }

  async delete(name: string): Promise<void> {
    await this.#change((values) => {
      delete values[name];
    });
  }
}
