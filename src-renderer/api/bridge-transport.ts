import { BRIDGE_GLOBAL, type ConsoleBridge } from '../../src-shared/contract/bridge';

/** The object the Electron preload exposes, when the page runs inside the desktop app. */
export function findPreloadBridge(): ConsoleBridge | null {
  const candidate = (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL];
  if (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof (candidate as ConsoleBridge).invoke === 'function' &&
    typeof (candidate as ConsoleBridge).subscribe === 'function'
  ) {
    return candidate as ConsoleBridge;
  }
  return null;
}
