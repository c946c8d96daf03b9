import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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
    const temporary = `${this.#path}.${process.pid}.tmp`;
    // Created 0600 from the first byte, then renamed: never a moment readable by others.
    await writeFile(temporary, JSON.stringify(values, null, 2), { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, this.#path);
  }

  async get(name: string): Promise<string | null> {
    return (await this.#readAll())[name] ?? null;
  }

  async set(name: string, value: string): Promise<void> {
    await this.#writeAll({ ...(await this.#readAll()), [name]: value });
  }

  async delete(name: string): Promise<void> {
    const values = await this.#readAll();
    delete values[name];
    await this.#writeAll(values);
  }
}
