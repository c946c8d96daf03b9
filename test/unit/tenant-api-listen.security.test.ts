import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parseListenAddress, requireTlsOffLoopback } from '../../src-main/tenant-api/listen-address';
import { generateApiKey, hashApiKey, looksLikeApiKey } from '../../src-main/api-keys/key-secret';

describe('tenant API: where it may listen without TLS', () => {
  it('treats only this machine as loopback', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', '::1', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', 'localhost.example.com', '127.0.0.1.nip.io', '::ffff:10.0.0.1', '1.127.0.0']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('parses host:port and refuses anything else', () => {
    expect(parseListenAddress('127.0.0.1:8787')).toEqual({ host: '127.0.0.1', port: 8787 });
    expect(parseListenAddress('[::1]:0')).toEqual({ host: '::1', port: 0 });
    for (const bad of ['8787', '127.0.0.1', '127.0.0.1:99999', 'http://127.0.0.1:80', '[::1', '[zz]:80', 'a b:80', '127.0.0.1:80/x']) {
      expect(() => parseListenAddress(bad), bad).toThrow(/host:port|IPv6/);
    }
  });

  it('refuses a network address without TLS, allows it with', () => {
    expect(() => requireTlsOffLoopback({ host: '0.0.0.0', port: 8787 }, false)).toThrow(/without TLS/);
    expect(() => requireTlsOffLoopback({ host: '0.0.0.0', port: 8787 }, true)).not.toThrow();
    expect(() => requireTlsOffLoopback({ host: '127.0.0.1', port: 8787 }, false)).not.toThrow();
  });
});

describe('API keys: the secret', () => {
  it('is 256 random bits with a recognisable prefix; only its SHA-256 is kept', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^tck_[A-Za-z0-9_-]{43}$/);
    expect(a.key).not.toBe(b.key);
    expect(a.prefix).toBe(a.key.slice(0, 12));
    expect(a.sha256.equals(hashApiKey(a.key))).toBe(true);
    expect(a.sha256).toHaveLength(32);
    expect(looksLikeApiKey(a.key)).toBe(true);
    for (const bad of ['', 'tck_', `tck_${'A'.repeat(42)}`, `tck_${'A'.repeat(44)}`, `TCK_${'A'.repeat(43)}`, `tck_${'A'.repeat(42)}=`, "' OR 1=1 --"]) expect(looksLikeApiKey(bad), bad).toBe(false);
  });
});
