import type { ChannelName } from '../../src-shared/contract/channels';
import { CHANNEL_PERMISSIONS, permissionDeniedMessage } from '../../src-shared/contract/operator-roles';
import type { CallContext, CallDecision } from '../base/handler-types';
import { isConnectionFailure } from '../postgres/errors';
import { TENANT_API_TRUST_MS } from '../base/tenant-api-trust';
import { channels } from '../../src-shared/contract/channels';
import type { OperatorSession } from './operator-session';
import { isPrivilegedChannel } from './privileged-channels';

export const SIGN_IN_FIRST = 'Sign in first: use the sign-in screen, `tenantctl login`, or TENANT_CONSOLE_OPERATOR and TENANT_CONSOLE_PASSWORD.';

/**
 * May this session call this channel? PostgreSQL answers, on the operator's own connection
 * (pg_has_role over the role's memberships): a renderer flag, a modified console or a
 * forged call changes nothing, and a role changed by an admin applies to the very next call.
 *
 * - `anyone` channels (sign-in, version, connectivity) need no session;
 * - no session: refused — except while the platform has been unreachable since the start
 *   (nobody could sign in), when the offline review answers reads from this computer's own
 *   cache and refuses changes;
 * - a one-time password: the desktop window and the browser must choose a new one first
 *   (automation with TENANT_CONSOLE_* is not held up).
 */
export async function decideCall(
  channel: ChannelName,
  context: CallContext,
  session: OperatorSession | null,
  options: { offlineWithoutSession: boolean; offline: boolean; mustChangePassword: boolean },
): Promise<CallDecision> {
  const needed = CHANNEL_PERMISSIONS[channel].role;
  if (needed === 'anyone') return session ? { refusal: null, operator: session.operator } : { refusal: null };
  if (!session) {
    // Nobody could sign in yet (the server has not answered since the start): the offline
    // gate serves reads from this computer's snapshot and refuses changes, saying why.
    if (options.offlineWithoutSession) return { refusal: null };
    return { refusal: { code: 'UNAUTHENTICATED', message: SIGN_IN_FIRST } };
  }
  if (session.closed) return { refusal: { code: 'UNAUTHENTICATED', message: `The session of ${session.operator} has ended: sign in again.` }, operator: session.operator };
  if (options.mustChangePassword && (context.origin === 'ipc' || context.origin === 'host') && channel !== 'session:changePassword') {
    return { refusal: { code: 'UNAUTHENTICATED', message: `${session.operator} signed in with a one-time password: choose a new password first.` }, operator: session.operator };
  }
  // Offline, PostgreSQL cannot be asked: the offline gate answers reads from this
  // computer's snapshot and refuses every change that needs the server, at once.
  if (options.offline) return { refusal: null, operator: session.operator };
  try {
    session.lastUsedAt = Date.now();
    // The tenant API's reads reuse an answer at most TENANT_API_TRUST_MS old (base/tenant-api-trust.ts).
    const reusable = context.origin === 'api' && !channels[channel].mutates && !isPrivilegedChannel(channel);
    const { allowed, role } = await (reusable ? session.checkRecent(needed, TENANT_API_TRUST_MS) : session.check(needed));
    const who = { operator: session.operator, ...(role ? { role } : {}) };
    if (allowed) return { refusal: null, ...who };
    const message = role ? permissionDeniedMessage(role, channel) : `permission denied: ${session.operator} holds no console role and may not ${CHANNEL_PERMISSIONS[channel].action}`;
    return { refusal: { code: 'FORBIDDEN', message }, ...who };
  } catch (error) {
    // The server went away just now: the offline gate behind answers (a snapshot read, or a refusal that says why).
    if (isConnectionFailure(error)) return { refusal: null, operator: session.operator };
    // A disabled operator's connections are ended and NOLOGIN refuses new ones.
    return { refusal: { code: 'UNAUTHENTICATED', message: `PostgreSQL refused ${session.operator}'s session (${(error as Error).message.split('\n')[0]}): sign in again.` }, operator: session.operator };
  }
}
