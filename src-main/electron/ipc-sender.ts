import type { IpcMainInvokeEvent } from 'electron';
import { isAppUrl } from './app-origin';

/** What the sender check needs to know about the frame that sent an IPC message. */
export interface SenderFrameInfo {
  readonly url: string;
  readonly isMainFrame: boolean;
}

/**
 * Pure: a call is trusted only from the top-level frame of a page on the app's own origin.
 * A frame that is gone (null), a sub-frame (even one on our origin) and any other origin
 * — http(s), file:, data:, about:blank, devtools — are refused.
 */
export function isTrustedSenderFrame(frame: SenderFrameInfo | null | undefined): boolean {
  if (!frame || frame.isMainFrame !== true) return false;
  return isAppUrl(frame.url);
}

/** Reads the sender frame of an IPC event; null when it navigated away or was destroyed. */
export function describeSenderFrame(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): SenderFrameInfo | null {
  try {
    const frame = event.senderFrame;
    if (!frame) return null;
    return { url: frame.url, isMainFrame: frame.parent === null };
  } catch {
    // Touching a frame that was disposed mid-call throws: treat it as no frame.
    return null;
  }
}

export function isTrustedIpcSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  return isTrustedSenderFrame(describeSenderFrame(event));
}
