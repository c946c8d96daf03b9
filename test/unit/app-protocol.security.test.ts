import { resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppAssetPath } from '../../src-main/electron/app-asset-path';
import { isPermissionAllowed } from '../../src-main/electron/app-origin';

// Security regression tests for the app:// scheme (the renderer's only origin) and the
// permission policy. Pure functions: no Electron needed. (The CSP has its own file:
// content-security-policy.security.test.ts.)

const ROOT = resolve('/srv/tenant-console/out/renderer');

describe('resolveAppAssetPath serves only the built renderer', () => {
  it.each([
    ['app://console/', 'index.html'],
    ['app://console', 'index.html'],
    ['app://console/index.html', 'index.html'],
    ['app://console/assets/index-abc123.js', `assets${sep}index-abc123.js`],
    ['app://console/assets/index.css?v=1#x', `assets${sep}index.css`],
    ['app://console/assets/a%20b.png', `assets${sep}a b.png`],
    ['app://console/tenants/ACME001', `tenants${sep}ACME001`],
  ])('%s → <root>/%s', (url, relative) => {
    expect(resolveAppAssetPath(ROOT, url)).toBe(`${ROOT}${sep}${relative}`);
  });

  // The URL parser resolves dot segments (as Chromium does before the handler sees the
  // request), so these land back inside the root: never outside it.
  it.each([
    ['app://console/../../../../etc/passwd', `etc${sep}passwd`],
    ['app://console/%2e%2e/%2e%2e/etc/passwd', `etc${sep}passwd`],
    ['app://console/assets/%2E%2E/%2E%2E/secrets.json', 'secrets.json'],
    ['app://console/assets/./../index.html', 'index.html'],
  ])('clamps %s inside the root', (url, relative) => {
    expect(resolveAppAssetPath(ROOT, url)).toBe(`${ROOT}${sep}${relative}`);
  });

  it.each([
    'app://console/assets/..%2f..%2fsecrets.json',
    'app://console/..%5c..%5csecrets.json',
    'app://console/assets%2f..%2f..%2fsecrets.json',
    'app://console/index.html%00.png',
    'app://console/%E0%A4%A',
    'app://evil/index.html',
    'app://console:8080/index.html',
    'app://user:pw@console/index.html',
    'file:///etc/passwd',
    'https://console/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppAssetPath(ROOT, url)).toBeNull();
  });
});

describe('isPermissionAllowed', () => {
  it('allows writing to the clipboard from the app main frame only', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://console/index.html', true)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://console', true)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://console/index.html', false)).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/', true)).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', undefined, true)).toBe(false);
  });

  it.each([
    'clipboard-read', 'media', 'display-capture', 'geolocation', 'notifications', 'midi', 'midiSysex',
    'openExternal', 'fullscreen', 'pointerLock', 'keyboardLock', 'fileSystem', 'hid', 'serial', 'usb',
    'storage-access', 'top-level-storage-access', 'window-management', 'idle-detection', 'unknown',
  ])('refuses %s even to the app itself', (permission) => {
    expect(isPermissionAllowed(permission, 'app://console/index.html', true)).toBe(false);
  });
});
