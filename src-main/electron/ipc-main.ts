import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { CHANNEL_NAMES, type ChannelName } from '../../src-shared/contract/channels';
import { IPC_INVOKE_PREFIX } from '../../src-shared/contract/bridge';
import type { Result } from '../../src-shared/contract/errors';
import type { Dispatch } from '../base/handler-types';

export interface ContractIpcOptions {
  /** Pure check of the sending frame (see ipc-sender.ts). */
  readonly isTrustedSender: (event: IpcMainInvokeEvent) => boolean;
  /** Told about every refused call, for the log. */
  readonly onRefused?: (channel: ChannelName, event: IpcMainInvokeEvent) => void;
}

export type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler'>;

const FORBIDDEN: Result<never> = {
  ok: false,
  error: { code: 'FORBIDDEN', message: 'This call did not come from the console window and was refused.' },
};

/**
 * One ipcMain.handle per contract channel (`contract:<name>`), derived from the contract, so
 * a name that is not in it has no handler at all (and dispatch refuses unknown names too).
 * Every call is checked for its sender before dispatch validates the input against the
 * channel's schema and runs the handler. Returns the function that removes the handlers.
 */
export function registerContractIpc(ipcMain: IpcMainLike, dispatch: Dispatch, options: ContractIpcOptions): () => void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(IPC_INVOKE_PREFIX + channel, async (event: IpcMainInvokeEvent, input: unknown): Promise<Result<unknown>> => {
      if (!options.isTrustedSender(event)) {
        options.onRefused?.(channel, event);
        return FORBIDDEN;
      }
      try {
        return await dispatch(channel, input, { origin: 'ipc' });
      } catch {
        // dispatch answers with Results; this is the last guard so no stack crosses over.
        return { ok: false, error: { code: 'INTERNAL', message: `Internal error in ${channel}; the console log has the details.` } };
      }
    });
  }
  return () => {
    for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(IPC_INVOKE_PREFIX + channel);
  };
}
