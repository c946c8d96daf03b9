import { describe, expect, it } from 'vitest';
import type { ConsoleStatus } from '../../src-shared/contract/offline-models';
import type { SessionState } from '../../src-shared/contract/operator-channels';
import { browserSessionToken } from '../../src-main/host/request-guards';
import { actionBlockReason } from '../../src-renderer/store/action-block-reason';
import { sessionScreen } from '../../src-renderer/store/session-screen';
import { waitSecondsIn } from '../../src-renderer/features/session/sign-in-wait';
import { operatorRoleOf } from '../../src-renderer/features/audit/audit-format';

const online = { online: true, review: null } as unknown as ConsoleStatus;
const offline = { online: false, review: null } as unknown as ConsoleStatus;

describe('actions the role cannot run', () => {
  it('are disabled with the role as the reason, before any offline reason', () => {
    expect(actionBlockReason('tenants:delete', 'support', online)).toBe('Your role (Support) cannot delete tenants');
    expect(actionBlockReason('tenants:delete', 'support', offline)).toBe('Your role (Support) cannot delete tenants');
    expect(actionBlockReason('tenants:suspend', 'support', online)).toBeNull();
    expect(actionBlockReason('tenants:suspend', 'support', offline)).toMatch(/^Offline/);
    expect(actionBlockReason('invoices:recordPayment', 'viewer', online)).toBe('Your role (Viewer) cannot record payments');
    expect(actionBlockReason('operators:add', 'admin', online)).toBeNull();
  });

  it('block nothing by role while the role is unknown (main still refuses)', () => {
    expect(actionBlockReason('tenants:delete', null, online)).toBeNull();
    expect(actionBlockReason('tenants:delete', null, offline)).toMatch(/^Offline/);
  });
});

describe('the screen the window shows', () => {
  const state = (session: SessionState['session']): SessionState => ({ session, server: '127.0.0.1:5432', platformDatabase: 'tenant_platform', localOperator: null, canRemember: false });
  const alice = { operator: 'alice', role: 'support' as const, dbRole: 'tc_op_alice', mustChangePassword: false, signedInBy: 'password' as const };

  it('opens the console for a signed-in operator, asks for a new password after a one-time one', () => {
    expect(sessionScreen({ state: state(alice), status: 'ready', errorCode: null }, true)).toBe('console');
    expect(sessionScreen({ state: state({ ...alice, mustChangePassword: true }), status: 'ready', errorCode: null }, true)).toBe('changePassword');
  });

  it('asks for a sign-in when nobody is signed in, except offline since the start (the cache is shown)', () => {
    expect(sessionScreen({ state: state(null), status: 'ready', errorCode: null }, true)).toBe('signIn');
    expect(sessionScreen({ state: state(null), status: 'ready', errorCode: null }, null)).toBe('signIn');
    expect(sessionScreen({ state: state(null), status: 'ready', errorCode: null }, false)).toBe('console');
  });

  it('keeps the console when only the role lookup failed (offline), says so when the host refuses the tab', () => {
    expect(sessionScreen({ state: null, status: 'loading', errorCode: null }, true)).toBe('loading');
    expect(sessionScreen({ state: null, status: 'error', errorCode: 'DATABASE_UNAVAILABLE' }, false)).toBe('console');
    expect(sessionScreen({ state: null, status: 'error', errorCode: 'FORBIDDEN' }, null)).toBe('unreachable');
    // A later failure keeps the last known session.
    expect(sessionScreen({ state: state(alice), status: 'error', errorCode: 'DATABASE_UNAVAILABLE' }, false)).toBe('console');
  });
});

describe('sign-in details', () => {
  it('reads the wait main asks for after too many wrong passwords', () => {
    expect(waitSecondsIn('Too many wrong passwords for alice: try again in 8 s.')).toBe(8);
    expect(waitSecondsIn('Wrong operator name or password.')).toBeNull();
  });

  it('reads the role an audit event was made in, ignoring anything else', () => {
    expect(operatorRoleOf(JSON.stringify({ ref: 'ACME001', operatorRole: 'billing' }))).toBe('billing');
    expect(operatorRoleOf(JSON.stringify({ operatorRole: 'superuser' }))).toBeNull();
    expect(operatorRoleOf('not json')).toBeNull();
    expect(operatorRoleOf('null')).toBeNull();
  });

  // Attack: a header that is present but empty must not read as "no header" (= the console's operator).
  it('host mode reads a present but unusable session header as signed out, never as absent', () => {
    expect(browserSessionToken(undefined)).toBeNull();
    expect(browserSessionToken('')).toBe(false);
    expect(browserSessionToken('   ')).toBe(false);
    expect(browserSessionToken(['a', 'b'])).toBe(false);
    expect(browserSessionToken('x'.repeat(201))).toBe(false);
    expect(browserSessionToken('abc')).toBe('abc');
  });
});
