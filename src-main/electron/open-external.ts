import { shell } from 'electron';
import { isSafeExternalUrl, normalizeExternalUrl } from './external-url';

/**
 * The only place that calls shell.openExternal (lint forbids it elsewhere): http(s) links
 * go to the operator's browser, everything else (file:, javascript:, custom schemes that
 * launch other programs, links carrying credentials) is dropped.
 * Resolves to whether the link was handed to the OS.
 */
export async function openExternalSafely(url: string): Promise<boolean> {
  if (!isSafeExternalUrl(url)) {
    console.warn(`[tenant-console] refused to open an external link that is not a plain http(s) URL: ${String(url).slice(0, 200)}`);
    return false;
  }
  try {
    await shell.openExternal(normalizeExternalUrl(url));
    return true;
  } catch (error) {
    console.warn(`[tenant-console] the system could not open ${normalizeExternalUrl(url)}: ${(error as Error).message}`);
    return false;
  }
}
