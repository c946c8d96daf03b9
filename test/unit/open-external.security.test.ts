import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isSafeExternalUrl, normalizeExternalUrl } from '../../src-main/electron/external-url';
import { openExternalSafely } from '../../src-main/electron/open-external';

// Security regression tests for the one gate in front of osOpen
// (src-main/electron/open-external.ts). The predicate is pure, so every case runs under Node;
// electron's shell is mocked (the binary is not there) to check what reaches it.
// (Named apart from `shell` because lint allows `.openExternal` in open-external.ts only.)
const osOpen = vi.hoisted(() => vi.fn<(url: string) => Promise<void>>());
vi.mock('electron', () => ({ shell: { openExternal: osOpen } }));

describe('isSafeExternalUrl allows plain http(s) links', () => {
  it.each([
    'https://example.com',
    'https://example.com/',
    'http://example.com/docs?page=2#limits',
    'https://docs.example.com:8443/path/to/page',
    'https://sub.example.co.uk/a/b/c?x=1&y=2',
    'https://medium.com/@author/post', // an @ in the path is not a credential
    'https://[2001:db8::1]/status',
    'http://192.0.2.10/',
    'https://xn--bcher-kva.example/', // punycode host
    'HTTPS://EXAMPLE.COM/Path', // mixed-case scheme and host
    'HtTpS://Example.Com',
    'Http://example.com',
  ])('allows %s', (url) => {
    expect(isSafeExternalUrl(url)).toBe(true);
  });

  it('normalises what it hands to the OS', () => {
    expect(normalizeExternalUrl('HTTPS://EXAMPLE.COM/Path')).toBe('https://example.com/Path');
  });
});

describe('isSafeExternalUrl refuses everything else', () => {
  it.each([
    // script and document schemes
    ['javascript:alert(1)'],
    ['JavaScript:alert(document.cookie)'],
    ['javascript://example.com/%0Aalert(1)'],
    ['vbscript:msgbox(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='],
    ['about:blank'],
    ['about:config'],
    ['blob:https://example.com/0b1c5a4e-1111-2222-3333-444455556666'],
    // local files and shares
    ['file:///etc/passwd'],
    ['file://host/share/evil.exe'],
    ['FILE:///C:/Windows/System32/calc.exe'],
    ['smb://attacker.example/share'],
    ['\\\\attacker.example\\share\\evil.exe'],
    // custom schemes that launch other programs
    ['app://console/index.html'],
    ['ms-msdt:/id PCWDiagnostic'],
    ['search-ms:query=evil'],
    ['vscode://file/etc/passwd'],
    ['steam://run/1'],
    ['mailto:ops@example.com'],
    ['tel:+15555550100'],
    ['ftp://example.com/file'],
    ['ws://example.com/socket'],
    ['wss://example.com/socket'],
    ['chrome://settings'],
    ['devtools://devtools/bundled/inspector.html'],
    ['view-source:https://example.com'],
    ['jar:https://example.com/a.jar!/'],
    // credentials in the URL
    ['https://user:password@example.com/'],
    ['https://user@example.com/'],
    ['https://:password@example.com/'],
    ['https://@example.com/'],
    ['http://bank.example.com@evil.example/login'],
    ['https://admin%40corp:secret@example.com'],
    // malformed or repaired by the parser
    [''],
    ['   '],
    ['https://'],
    ['https:///path-only'],
    ['http:example.com'],
    ['https:\\\\example.com'],
    ['https:/\\example.com'],
    ['//example.com/protocol-relative'],
    ['/relative/path'],
    ['example.com'],
    ['https://exa mple.com'],
    [' https://example.com'],
    ['https://example.com '],
    ['https://example.com/\n'],
    ['https://exam\tple.com'],
    ['https://example.com/\u0000'],
    ['https://example.com/\u007f'],
    ['https://example.com/\u0085'],
    ['https://[::1'],
    ['https://example.com:99999/'],
    ['https://ex%ample.com/'],
    ['http://' + 'a'.repeat(2100) + '.example.com/'],
  ])('refuses %j', (url) => {
    expect(isSafeExternalUrl(url)).toBe(false);
  });

  it.each([[undefined], [null], [42], [{}], [['https://example.com']], [new URL('https://example.com')]])(
    'refuses a non-string %j',
    (value) => {
      expect(isSafeExternalUrl(value)).toBe(false);
    },
  );
});

describe('openExternalSafely', () => {
  let warn: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    osOpen.mockReset();
    osOpen.mockResolvedValue(undefined);
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => warn.mockRestore());

  it('hands a safe link to the OS, normalised, and says so', async () => {
    await expect(openExternalSafely('HTTPS://EXAMPLE.COM/Path')).resolves.toBe(true);
    expect(osOpen).toHaveBeenCalledExactlyOnceWith('https://example.com/Path');
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'ms-msdt:/id PCWDiagnostic', 'https://user:pw@example.com/'])(
    'never hands %s to the OS',
    async (url) => {
      await expect(openExternalSafely(url)).resolves.toBe(false);
      expect(osOpen).not.toHaveBeenCalled();
      expect(warn).toHaveBeenCalledOnce();
    },
  );

  it('answers false when the OS cannot open the link', async () => {
    osOpen.mockRejectedValueOnce(new Error('no handler'));
    await expect(openExternalSafely('https://example.com/')).resolves.toBe(false);
  });
});
