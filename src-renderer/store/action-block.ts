import { useCallback } from 'react';
import type { ChannelName } from '../../src-shared/contract/channels';
import { actionBlockReason } from './action-block-reason';
import { useConnectivityStore } from './connectivity-store';
import { useSessionRole } from './session-store';

/** Why `channel` is unavailable (shown disabled with this reason, never hidden), or null. */
export function useActionBlock(channel: ChannelName): string | null {
  const role = useSessionRole();
  return useConnectivityStore((state) => actionBlockReason(channel, role, state.status));
}

/** The same for a view with several actions: a function of the channel each one calls. */
export function useActionBlocks(): (channel: ChannelName) => string | null {
  const role = useSessionRole();
  const status = useConnectivityStore((state) => state.status);
  return useCallback((channel: ChannelName) => actionBlockReason(channel, role, status), [role, status]);
}
