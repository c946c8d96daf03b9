/**
 * Pure predicate — no side effects, no electron import — so it can be tested exhaustively.
 * open-external.ts is the only caller of shell.openExternal and asks this first.
 */

const MAX_EXTERNAL_URL_LENGTH = 2048;

/**
 * True only for a well-formed absolute http(s) URL with a host and without credentials.
 * The raw string must already look like one: the WHATWG parser silently repairs a lot
 * (strips tabs and newlines, turns backslashes into slashes, accepts "https:host"), and a
 * link that needs repairing is not one we hand to the operating system.
 */
export function isSafeExternalUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  if (url.length === 0 || url.length > MAX_EXTERNAL_URL_LENGTH) return false;
  // Whitespace, control characters and backslashes are never part of a link we produce.
  if (/[\s\\]/u.test(url) || hasControlCharacter(url)) return false;
  if (!/^https?:\/\/[^/]/i.test(url)) return false;

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  // "https://bank.example@evil.example" reads as the bank and goes to evil.example.
  if (parsed.username !== '' || parsed.password !== '' || /@/.test(authorityOf(url))) return false;
  if (parsed.hostname === '') return false;
  return true;
}

function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/** The text between "scheme://" and the first "/", "?" or "#" of the raw string. */
function authorityOf(url: string): string {
  const afterScheme = url.slice(url.indexOf('//') + 2);
  const end = afterScheme.search(/[/?#]/);
  return end === -1 ? afterScheme : afterScheme.slice(0, end);
}

/** The URL exactly as checked, normalised: what is handed to the OS. */
export function normalizeExternalUrl(url: string): string {
  return new URL(url).href;
}
