import type { ChannelName } from '../../src-shared/contract/channels';
import type { ConsoleStatus } from '../../src-shared/contract/offline-models';
import { mayCall, roleCannotMessage, type OperatorRole } from '../../src-shared/contract/operator-roles';

const OFFLINE_ACTION_REASON = 'Offline — the platform database is not answering; this action needs it.';

/** Why changes to the platform are unavailable now (offline, or a snapshot under review), or null. */
function connectivityBlockReason(status: ConsoleStatus | null): string | null {
  if (!status) return null;
  if (status.review) return `Reviewing a snapshot from ${status.review.consoleLabel} — read-only. Close the review to make changes.`;
  if (!status.online) return OFFLINE_ACTION_REASON;
  return null;
}

/**
 * Why an action (the contract channel it calls) cannot run now, or null. The role comes
 * first: going online would not help. A role not known (nobody could sign in yet) blocks
 * nothing here — main refuses what the operator may not do either way; this only spares a
 * click that would be refused.
 */
export function actionBlockReason(channel: ChannelName, role: OperatorRole | null, status: ConsoleStatus | null): string | null {
  if (role !== null && !mayCall(role, channel)) return roleCannotMessage(role, channel);
  return connectivityBlockReason(status);
}
