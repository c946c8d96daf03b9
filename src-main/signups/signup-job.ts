import { isAppError } from '../base/app-error';
import { onTenantCreated } from '../billing/on-tenant-created';
import { loadNoticeFacts } from '../billing/notices/notice-facts';
import { noticeKeys } from '../billing/notices/notice-keys';
import { deliverNotice, MailerSession, sendNoticeOnce, type NoticeOutcome } from '../billing/notices/send-notice';
import { applyPlanChange } from '../billing/plan-billing';
import { readSettings } from '../settings/settings-store';
import { provisionTenant } from '../tenants/provision';
import { currentPlan, getTenantRow } from '../tenants/tenant-queries';
import { inviteAccountAdmin, invitationUrl, newInvitation } from './invitation';
import { recordWelcomeSent } from './onboarding-store';
import type { SignupContext } from './signup-context';
import { getSignup, setSignupState, toSignupStatus, type SignupRow, type SignupStatus } from './signup-rows';
import { renderSignupWelcome } from './welcome-mail';

/** The plan a sign-up's trial runs on when the requested plan has no trial of its own. */
export const SIGNUP_TRIAL_PLAN = 'trial';

const READY_MESSAGE = 'Your account is ready: the administrator receives an e-mail with the invitation link.';
const FAILED_MESSAGE = 'The account could not be created. Please try again later or contact support.';

/**
 * The sign-up's provisioning job: claims the pending sign-up (one runner only), provisions
 * the trial tenant, invites its first administrator into the tenant's erp.users and sends
 * the welcome e-mail with the invitation link. The status the applicant polls moves
 * pending → provisioning → ready | failed. Never throws: a failure is the sign-up's state
 * (a safe message for the applicant; the real error in the log and the audit log).
 */
export async function runSignupJob(b: SignupContext, signupId: string): Promise<SignupStatus> {
  const { rows } = await b.ctx.pool.query<SignupRow>(
    `UPDATE signups SET status = 'provisioning', updated_at = now() WHERE id = $1 AND status = 'pending' RETURNING *`,
    [signupId],
  );
  const signup = rows[0];
  if (!signup) return toSignupStatus(await getSignup(b.ctx.pool, signupId));
  const started = performance.now();
  let tenantCode: string | null = null;
  try {
    const { tenantId, code } = await provisionForSignup(b, signup);
    tenantCode = code;
    await setSignupState(b.ctx.pool, signup.id, { status: 'provisioning', tenantId, tenantCode: code });
    await finishSignup(b, { ...signup, tenant_id: tenantId, tenant_code: code });
    await b.audit.record({ action: 'signups:provision', tenant: code, details: signupFacts(signup), outcome: 'ok', durationMs: Math.round(performance.now() - started) });
  } catch (error) {
    const message = isAppError(error) && error.code === 'ALREADY_EXISTS' ? `The subdomain "${signup.subdomain}" is already used; choose another.` : FAILED_MESSAGE;
    b.ctx.logger.error({ err: error, signupId: signup.id, tenant: tenantCode }, 'sign-up provisioning failed');
    await setSignupState(b.ctx.pool, signup.id, { status: 'failed', message });
    await b.audit
      .record({
        action: 'signups:provision',
        tenant: tenantCode,
        details: { ...signupFacts(signup), error: (error as Error).message },
        outcome: isAppError(error) ? error.code : 'INTERNAL',
        durationMs: Math.round(performance.now() - started),
      })
      .catch(() => undefined);
  }
  return toSignupStatus(await getSignup(b.ctx.pool, signup.id));
}

/**
 * The tenant: on the requested plan when that plan has a trial of its own, else on the
 * trial plan (its trial days) converting to the requested plan at the trial's end.
 */
async function provisionForSignup(b: SignupContext, signup: SignupRow): Promise<{ tenantId: string; code: string }> {
  const requested = signup.plan_code ? await currentPlan(b.ctx.pool, signup.plan_code) : null;
  const plan = requested && requested.trialDays !== null ? requested : await currentPlan(b.ctx.pool, SIGNUP_TRIAL_PLAN);
  const { tenant } = await provisionTenant(b.ctx, { companyName: signup.company_name, subdomain: signup.subdomain, plan: plan.code, adminEmail: signup.admin_email });
  // The password provisioning made is never shown to anyone: the tenant's own users sign
  // in to the ERP, which connects with credentials the operator manages (or rotates).
  if (requested && requested.code !== plan.code) {
    try {
      await applyPlanChange(b, { ref: tenant.tenantCode, plan: requested.code, expectedVersion: tenant.version, force: false });
    } catch (error) {
      // The trial still works; it converts to the default plan. Logged for the operator.
      b.ctx.logger.warn({ err: error, tenant: tenant.tenantCode, plan: requested.code }, 'sign-up: choosing the conversion plan failed');
    }
  }
  return { tenantId: tenant.id, code: tenant.tenantCode };
}

/**
 * After the tenant exists: the administrator's invitation, the welcome e-mail carrying it
 * (claimed under billing's welcome key, so the lifecycle never sends a second, generic
 * one), Stripe enrolment like any new tenant, and the sign-up marked ready. A welcome that
 * could not go out (SMTP down or not configured) leaves the sign-up ready: the onboarding
 * job retries it with a fresh link.
 */
export async function finishSignup(b: SignupContext, signup: SignupRow & { tenant_id: string; tenant_code: string }): Promise<void> {
  await sendSignupWelcome(b, signup.tenant_code, 'first');
  await onTenantCreated(b, signup.tenant_id);
  await setSignupState(b.ctx.pool, signup.id, { status: 'ready', message: READY_MESSAGE, tenantId: signup.tenant_id, tenantCode: signup.tenant_code });
}

/**
 * Invites the administrator (a new token each time: the link of an e-mail that never left
 * is useless anyway) and sends the welcome. 'first' claims the notice key; 'retry' re-sends
 * a claimed one that is not sent yet.
 */
export async function sendSignupWelcome(b: SignupContext, tenantCode: string, attempt: 'first' | 'retry', session?: MailerSession): Promise<NoticeOutcome> {
  const row = await getTenantRow(b.ctx.pool, tenantCode);
  const { signupInvitationDays } = await readSettings(b.ctx.pool, ['signupInvitationDays']);
  const invitation = newInvitation(b.clock.now(), signupInvitationDays);
  const invited = await inviteAccountAdmin(b.ctx, { serverId: row.server_id, databaseName: row.database_name }, row.admin_email, invitation);
  if (!invited) return { state: 'exists' };
  const facts = await loadNoticeFacts(b.ctx.pool, row.id);
  const notice = {
    idempotencyKey: noticeKeys.welcome(row.id),
    tenantId: row.id,
    tenantCode: row.tenant_code,
    kind: 'welcome' as const,
    recipient: facts.recipient,
    ...renderSignupWelcome(facts, invitationUrl(facts.signInUrl, invitation.token), invitation.expiresAt),
  };
  let outcome: NoticeOutcome;
  if (attempt === 'first') {
    outcome = await sendNoticeOnce(b, notice, session);
  } else {
    const own = session ?? new MailerSession(b);
    try {
      outcome = await deliverNotice(b, notice, own);
    } finally {
      if (!session) await own.close();
    }
  }
  if (outcome.state === 'sent') await recordWelcomeSent(b.ctx.pool, row.id, b.clock.now());
  return outcome;
}

/** What the audit log keeps of a sign-up: who asked, for what (the address is the rate limit's key). */
export function signupFacts(signup: Pick<SignupRow, 'id' | 'company_name' | 'subdomain' | 'admin_email' | 'plan_code' | 'client_address'>) {
  return {
    signupId: signup.id,
    companyName: signup.company_name,
    subdomain: signup.subdomain,
    adminEmail: signup.admin_email,
    plan: signup.plan_code,
    clientAddress: signup.client_address,
  };
}
