import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SafeStorageSecretStore, type SafeStorageLike } from '../../src-main/electron/safe-storage-secret-store';

// This test FAKES Electron's safeStorage (the real one needs the Electron binary and an OS
// keychain). The fake "seals" by reversing bytes behind a marker: enough to prove the store
// never writes a plain value, keeps the file 0600 and refuses when encryption is unavailable.

class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backend: ReturnType<NonNullable<SafeStorageLike['getSelectedStorageBackend']>> = 'gnome_libsecret';

  isEncryptionAvailable(): boolean {
    return this.available;
  }
  encryptString(plainText: string): Buffer {
    if (!this.available) throw new Error('fake: encryption not available');
    return Buffer.concat([Buffer.from('FAKE-SEALED:'), Buffer.from(plainText, 'utf8').reverse()]);
  }
  decryptString(encrypted: Buffer): string {
    const marker = Buffer.from('FAKE-SEALED:');
    if (!encrypted.subarray(0, marker.length).equals(marker)) throw new Error('fake: not sealed by this keychain');
    return Buffer.from(encrypted.subarray(marker.length)).reverse().toString('utf8');
  }
  getSelectedStorageBackend() {
    return this.backend;
  }
}

const SECRET = 'pg-superuser-password-9f8e7d';

let folder: string;
let path: string;
let fake: FakeSafeStorage;
let warnings: string[];
let store: SafeStorageSecretStore;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tc-safe-storage-'));
  path = join(folder, 'data', 'secrets.safe-storage.json');
  await mkdir(join(folder, 'data'), { mode: 0o700 });
  fake = new FakeSafeStorage();
  warnings = [];
  store = new SafeStorageSecretStore(path, fake, { warn: (message) => warnings.push(message) });
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('SafeStorageSecretStore (with a fake Electron safeStorage)', () => {
  it('round-trips values and reports its kind', async () => {
    expect(store.kind).toBe('electron-safe-storage');
    expect(await store.get('embedded.superuser')).toBeNull();
    await store.set('embedded.superuser', SECRET);
    expect(await store.get('embedded.superuser')).toBe(SECRET);
    await store.delete('embedded.superuser');
    expect(await store.get('embedded.superuser')).toBeNull();
  });

  it('never writes the plain value, and the file is mode 0600 in a 0700 folder', async () => {
    await store.set('embedded.superuser', SECRET);
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(JSON.parse(text).secrets['embedded.superuser']).toMatch(/^[A-Za-z0-9+/]+=*$/);
    if (process.platform !== 'win32') {
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(join(folder, 'data'))).mode & 0o777).toBe(0o700);
    }
  });

  it('refuses to store when encryption is unavailable, with a clear error, and writes nothing', async () => {
    fake.available = false;
    await expect(store.set('embedded.superuser', SECRET)).rejects.toThrow(/secret storage is not available.*never written in plain text/s);
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses to read a sealed value when encryption is unavailable', async () => {
    await store.set('embedded.superuser', SECRET);
    fake.available = false;
    await expect(store.get('embedded.superuser')).rejects.toThrow(/not available/);
  });

  it('names the secret and the file when a value cannot be decrypted', async () => {
    await writeFile(path, JSON.stringify({ format: 'tenant-console/safe-storage-secrets', version: 1, secrets: { k: Buffer.from('junk').toString('base64') } }));
    await expect(store.get('k')).rejects.toThrow(/"k".*could not decrypt/s);
  });

  it('refuses a damaged or foreign file instead of overwriting it', async () => {
    await writeFile(path, '{not json');
    await expect(store.get('k')).rejects.toThrow(/damaged/);
    await expect(store.set('k', 'v')).rejects.toThrow(/damaged/);
    expect(await readFile(path, 'utf8')).toBe('{not json');
    await writeFile(path, JSON.stringify({ k: 'plain' }));
    await expect(store.get('k')).rejects.toThrow(/not a Tenant Console safeStorage file/);
  });

  it('loses no write when several land at once', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, index) => store.set(`key-${index}`, `value-${index}`)));
    for (let index = 0; index < 20; index += 1) expect(await store.get(`key-${index}`)).toBe(`value-${index}`);
  });

  it('treats __proto__ as an ordinary name', async () => {
    await store.set('__proto__', SECRET);
    expect(await store.get('__proto__')).toBe(SECRET);
    expect(await store.get('constructor')).toBeNull();
  });

  it('rejects empty and control-character names', async () => {
    await expect(store.set('', 'v')).rejects.toThrow(/Invalid secret name/);
    await expect(store.get('a\nb')).rejects.toThrow(/Invalid secret name/);
  });

  it('warns once when Linux falls back to the fixed-key basic_text backend', async () => {
    fake.backend = 'basic_text';
    await store.set('a', '1');
    await store.set('b', '2');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/basic_text/);
  });
});
