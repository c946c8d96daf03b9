import { userInfo } from 'node:os';
import type { PlatformContext } from '../platform/platform-context';
import type { OperatorSession } from './operator-session';

/**
 * The platform as one operator sees it: the same servers, events and interruption, but every
 * platform read and write on the operator's own connection (so the grants apply), and the
 * journal's "started by" naming the operator. A view, not a copy: fields the core updates
 * later (a platform adopted after an offline start) show through.
 */
export function operatorContext(platform: PlatformContext, session: OperatorSession): PlatformContext {
  return Object.create(platform, {
    pool: { value: session.pool, enumerable: true },
    operator: { value: `${session.operator} (${userInfo().username})`, enumerable: true },
  }) as PlatformContext;
}

/** The console's own connection, acting for an operator PostgreSQL has confirmed (privileged-channels.ts). */
export function ownerContextFor(platform: PlatformContext, session: OperatorSession): PlatformContext {
  return Object.create(platform, {
    operator: { value: `${session.operator} (${userInfo().username})`, enumerable: true },
  }) as PlatformContext;
}
