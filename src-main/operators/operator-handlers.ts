import type { Handler } from '../base/handler-types';
import { AppError } from '../base/app-error';
import type { PlatformContext } from '../platform/platform-context';
import { addOperator, listOperators, resetOperatorPassword, setOperatorEnabled, setOperatorRole } from './operator-directory';
import type { OperatorSession } from './operator-session';
import type { OperatorSessions } from './operator-sessions';

type SessionChannel = 'session:current' | 'session:signIn' | 'session:signOut' | 'session:changePassword';
type OperatorChannel = 'operators:list' | 'operators:add' | 'operators:setRole' | 'operators:disable' | 'operators:enable' | 'operators:resetPassword';

/**
 * Sign-in, sign-out and the operator's own password, for one caller's session (null: nobody
 * signed in yet). Host mode passes the browser's token in the call context.
 */
export function createSessionHandlers(
  sessions: OperatorSessions,
  session: OperatorSession | null,
  options: { canRemember: boolean },
): { readonly [C in SessionChannel]: Handler<C> } {
  return {
    'session:current': async () => sessions.state(session, options.canRemember),
    'session:signIn': async (input, context) => {
      const browser = context.origin === 'host';
      if (input.remember && !options.canRemember) throw new AppError('VALIDATION', 'Only the desktop app can remember a password (sealed by the system keychain).');
      const signedIn = await sessions.signIn(input, browser);
      return { ...(await sessions.state(signedIn.session, options.canRemember)), ...(signedIn.token ? { sessionToken: signedIn.token } : {}) };
    },
    'session:signOut': async (_input, context) => {
      await sessions.signOut(session, context.browserToken, true);
      return sessions.state(null, options.canRemember);
    },
    'session:changePassword': async ({ currentPassword, newPassword }) => {
      if (!session) throw new AppError('UNAUTHENTICATED', 'Sign in first.');
      await sessions.changePassword(session, currentPassword, newPassword);
      return sessions.state(session, options.canRemember);
    },
  };
}

/**
 * The admins' operator management. Runs on the console's own connections (CREATE ROLE,
 * GRANT): dispatch has already asked PostgreSQL that the caller is an admin.
 */
export function createOperatorHandlers(
  ctx: PlatformContext,
  sessions: OperatorSessions,
  actor: string | null,
): { readonly [C in OperatorChannel]: Handler<C> } {
  return {
    'operators:list': async () => listOperators(ctx.pool),
    'operators:add': async ({ name, role }) => {
      const { operator, password } = await addOperator(ctx, { name, role, createdBy: actor });
      return { ...operator, password };
    },
    'operators:setRole': async ({ name, role }) => setOperatorRole(ctx, name, role),
    'operators:disable': async ({ name }) => {
      const operator = await setOperatorEnabled(ctx, name, false);
      await sessions.endSessionsOf(name);
      return operator;
    },
    'operators:enable': async ({ name }) => setOperatorEnabled(ctx, name, true),
    'operators:resetPassword': async ({ name }) => {
      const { operator, password } = await resetOperatorPassword(ctx, name);
      await sessions.endSessionsOf(name);
      return { ...operator, password };
    },
  };
}
