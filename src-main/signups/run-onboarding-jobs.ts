import { LOCK_NAMESPACE, LOCK_ONBOARDING_JOBS } from '../base/advisory-locks';
import { readStoredBillingSettings } from '../billing/billing-settings';
import { smtpConfigured } from '../billing/notices/mailer';
import { loadNoticeFacts } from '../billing/notices/notice-facts';
import { deliverNotice, MailerSession, sendNoticeOnce, type NoticeOutcome } from '../billing/notices/send-notice';
import { readSetting } from '../settings/settings-store';
import { onboardingNudgeKey } from './onboarding-keys';
import { stalledTrialsToNudge } from './onboarding-queries';
import { claimNudge, recordPaymentMethods } from './onboarding-store';
import { pruneSignupAttempts } from './rate-limit';
import type { SignupContext } from './signup-context';
import { finishSignup, runSignupJob, sendSignupWelcome } from './signup-job';
import { setSignupState, type SignupRow } from './signup-rows';
import { renderOnboardingNudge } from './welcome-mail';

export interface OnboardingRunReport {
  /** False: another console or tenantctl holds the run's lock; nothing was done. */
  readonly ran: boolean;
  readonly signupsResumed: number;
  readonly welcomesRetried: number;
  readonly paymentMethodsSeen: number;
  /** Tenant codes nudged in this run (the e-mail sent, or waiting for SMTP). */
  readonly nudged: readonly string[];
  readonly errors: readonly { tenantCode: string | null; message: string }[];
}

/** A sign-up still pending this long after it was made lost its job (a restart): run it. */
const PENDING_GRACE_MS = 60_000;
/** A provisioning longer than this was interrupted (provisioning itself takes seconds). */
const PROVISIONING_STALE_MS = 30 * 60_000;
const MAX_WELCOME_ATTEMPTS = 5;

/**
 * The onboarding job, one run under its platform lock (never two at once, never waited
 * for): sign-ups interrupted by a restart are resumed or failed, welcomes that could not go
 * out are retried with a fresh invitation, payment methods become milestones, each stalled
 * trial gets its one nudge (key onboarding_nudge:<tenant>: never a second, whoever runs),
 * and old rate-limit attempts are pruned.
 */
export async function runOnboardingJobs(b: SignupContext): Promise<OnboardingRunReport> {
  const lockSession = await b.ctx.pool.connect();
  let broken: Error | undefined;
  try {
    const { rows } = await lockSession.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [LOCK_NAMESPACE, LOCK_ONBOARDING_JOBS]);
    if (!rows[0]?.locked) return { ran: false, signupsResumed: 0, welcomesRetried: 0, paymentMethodsSeen: 0, nudged: [], errors: [] };
    try {
      return await runLocked(b);
    } finally {
      await lockSession.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, LOCK_ONBOARDING_JOBS]).catch((error: Error) => (broken = error));
    }
  } finally {
    lockSession.release(broken);
  }
}

async function runLocked(b: SignupContext): Promise<OnboardingRunReport> {
  const now = b.clock.now();
  const errors: { tenantCode: string | null; message: string }[] = [];
  const attempt = async <T>(tenantCode: string | null, work: () => Promise<T>): Promise<T | null> => {
    try {
      return await work();
    } catch (error) {
      errors.push({ tenantCode, message: (error as Error).message });
      b.ctx.logger.warn({ err: error, tenant: tenantCode }, 'onboarding job step failed');
      return null;
    }
  };

  const signupsResumed = (await attempt(null, () => resumeInterruptedSignups(b, attempt))) ?? 0;
  const settings = await readStoredBillingSettings(b.ctx.pool);
  const session = new MailerSession(b);
  let welcomesRetried = 0;
  const nudged: string[] = [];
  try {
    if (smtpConfigured(settings.smtp)) {
      for (const row of await unsentSignupWelcomes(b)) {
        const outcome = await attempt(row.tenant_code, () => sendSignupWelcome(b, row.tenant_code, 'retry', session));
        if (outcome?.state === 'sent') welcomesRetried += 1;
      }
      await attempt(null, () => retryUnsentNudges(b, session));
    }
    const stalledDays = await readSetting(b.ctx.pool, 'onboardingStalledDays');
    for (const trial of await stalledTrialsToNudge(b.ctx.pool, now)) {
      const outcome = await attempt(trial.tenantCode, () => nudge(b, trial.tenantId, stalledDays, now, session));
      if (outcome && outcome.state !== 'exists') nudged.push(trial.tenantCode);
    }
  } finally {
    await session.close();
  }
  const paymentMethodsSeen = (await attempt(null, () => recordPaymentMethods(b.ctx.pool, now))) ?? 0;
  await attempt(null, () => pruneSignupAttempts(b.ctx.pool, now));
  return { ran: true, signupsResumed, welcomesRetried, paymentMethodsSeen, nudged, errors };
}

/** The nudge: claimed on the tenant's checklist first (one per tenant, ever), then sent once under its key (audited by the notice). */
async function nudge(b: SignupContext, tenantId: string, stalledDays: number, now: Date, session: MailerSession): Promise<NoticeOutcome> {
  if (!(await claimNudge(b.ctx.pool, tenantId, now))) return { state: 'exists' };
  const facts = await loadNoticeFacts(b.ctx.pool, tenantId);
  return sendNoticeOnce(
    b,
    { idempotencyKey: onboardingNudgeKey(tenantId), tenantId, tenantCode: facts.tenantCode, kind: 'onboarding_nudge', recipient: facts.recipient, ...renderOnboardingNudge(facts, stalledDays) },
    session,
  );
}

async function retryUnsentNudges(b: SignupContext, session: MailerSession): Promise<void> {
  const { rows } = await b.ctx.pool.query<{ idempotency_key: string; tenant_id: string }>(
    `SELECT n.idempotency_key, n.tenant_id FROM billing_notices n
      WHERE n.kind = 'onboarding_nudge' AND n.state <> 'sent' AND n.attempts < $1 AND n.tenant_id IS NOT NULL
      ORDER BY n.created_at LIMIT 200`,
    [MAX_WELCOME_ATTEMPTS],
  );
  const stalledDays = await readSetting(b.ctx.pool, 'onboardingStalledDays');
  for (const row of rows) {
    const facts = await loadNoticeFacts(b.ctx.pool, row.tenant_id);
    await deliverNotice(
      b,
      { idempotencyKey: row.idempotency_key, tenantId: row.tenant_id, tenantCode: facts.tenantCode, kind: 'onboarding_nudge', recipient: facts.recipient, ...renderOnboardingNudge(facts, stalledDays) },
      session,
    );
  }
}

/** Ready sign-ups whose welcome (billing's welcome key) is claimed but not sent, under the retry cap. */
async function unsentSignupWelcomes(b: SignupContext): Promise<{ tenant_code: string }[]> {
  const { rows } = await b.ctx.pool.query<{ tenant_code: string }>(
    `SELECT t.tenant_code FROM signups s JOIN tenants t ON t.id = s.tenant_id
       JOIN billing_notices n ON n.idempotency_key = 'welcome:' || t.id
      WHERE s.status = 'ready' AND t.status = 'active' AND n.state <> 'sent' AND n.attempts < $1
      ORDER BY s.created_at LIMIT 200`,
    [MAX_WELCOME_ATTEMPTS],
  );
  return rows;
}

/**
 * Sign-ups a restart cut short. Pending ones run now. One stuck in provisioning: if its
 * tenant was made (active, by its subdomain), the invitation and welcome follow; if not,
 * provisioning was rolled back (reconcile does that) and the sign-up fails with a message
 * asking the applicant to try again.
 */
async function resumeInterruptedSignups(b: SignupContext, attempt: <T>(code: string | null, work: () => Promise<T>) => Promise<T | null>): Promise<number> {
  const now = Date.now();
  const { rows } = await b.ctx.pool.query<SignupRow & { live_tenant_id: string | null; live_tenant_code: string | null }>(
    `SELECT s.*, t.id AS live_tenant_id, t.tenant_code AS live_tenant_code
       FROM signups s LEFT JOIN tenants t ON t.subdomain = s.subdomain AND t.status = 'active'
      WHERE (s.status = 'pending' AND s.updated_at < $1) OR (s.status = 'provisioning' AND s.updated_at < $2)
      ORDER BY s.created_at LIMIT 100`,
    [new Date(now - PENDING_GRACE_MS), new Date(now - PROVISIONING_STALE_MS)],
  );
  let resumed = 0;
  for (const row of rows) {
    await attempt(row.live_tenant_code, async () => {
      if (row.status === 'pending') await runSignupJob(b, row.id);
      else if (row.live_tenant_id && row.live_tenant_code) await finishSignup(b, { ...row, tenant_id: row.live_tenant_id, tenant_code: row.live_tenant_code });
      else await setSignupState(b.ctx.pool, row.id, { status: 'failed', message: 'The account could not be created (interrupted). Please sign up again.' });
      resumed += 1;
    });
  }
  return resumed;
}
