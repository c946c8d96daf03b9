import { z } from 'zod';
import { companyNameSchema, emailSchema, planCodeSchema } from '../../src-shared/domain/tenant-fields';
import { subdomainSchema } from '../../src-shared/domain/subdomain';
import { AppError } from '../base/app-error';
import { describeValidationError } from '../base/validation-message';
import { readSettings } from '../settings/settings-store';
import { currentPlan, isSubdomainTaken } from '../tenants/tenant-queries';
import { admitSignupAttempt } from './rate-limit';
import type { SignupContext } from './signup-context';
import { runSignupJob, signupFacts, SIGNUP_TRIAL_PLAN } from './signup-job';
import { findSignup, liveSignupFor, toSignupStatus, type SignupRow, type SignupStatus } from './signup-rows';

/** The sign-up form, as the tenant API receives it (snake_case JSON). */
export const signupRequestSchema = z
  .object({
    company_name: companyNameSchema,
    subdomain: subdomainSchema,
    admin_email: emailSchema,
    /** The plan the trial converts to (or runs on, when the plan has a trial of its own); default: the trial plan. */
    plan: planCodeSchema.optional(),
  })
  .strict();
export type SignupRequest = z.input<typeof signupRequestSchema>;

export interface SignupRequestMeta {
  /** The applicant's address as the HTTP layer saw it (after any trusted proxy): the rate limit's key. */
  readonly clientAddress: string;
}

export interface SignupAccepted {
  readonly signup_id: string;
  /** Where the applicant polls: GET it for {status, tenant_code?, message?}. */
  readonly status_url_path: string;
  /** False when this was a repeat of a sign-up already under way (a double submit): no second tenant. */
  readonly created: boolean;
  /** Settles when the provisioning job has (for in-process callers and tests; the HTTP layer answers 202 without waiting). */
  readonly settled: Promise<SignupStatus>;
}

const clientAddressSchema = z.string().trim().min(1).max(100);

/**
 * A self-service sign-up (the tenant API's POST /api/signups, answered 202): counted against
 * the client address's hourly limit (SignupRateLimitedError → 429 with Retry-After), checked
 * (VALIDATION: bad or reserved subdomain, unknown plan; ALREADY_EXISTS: subdomain taken —
 * nothing is created either way), recorded, and provisioned by a background job. The same
 * subdomain, e-mail and company submitted again while the first is pending or done returns
 * the first sign-up: a double submit never makes two tenants (the platform's unique index
 * on live sign-ups' subdomains decides races).
 */
export async function requestSignup(b: SignupContext, request: unknown, meta: SignupRequestMeta): Promise<SignupAccepted> {
  const clientAddress = clientAddressSchema.safeParse(meta.clientAddress);
  if (!clientAddress.success) throw new AppError('VALIDATION', 'The client address is missing.');
  const { signupRequestsPerHour } = await readSettings(b.ctx.pool, ['signupRequestsPerHour']);
  await admitSignupAttempt(b.ctx.pool, clientAddress.data, signupRequestsPerHour, b.clock.now());

  const parsed = signupRequestSchema.safeParse(request);
  if (!parsed.success) throw new AppError('VALIDATION', describeValidationError(parsed.error));
  const input = parsed.data;
  if (input.plan) await checkPlan(b, input.plan);

  const existing = await liveSignupFor(b.ctx.pool, input.subdomain);
  if (existing) return repeatOrRefuse(b, existing, input);
  if (await isSubdomainTaken(b.ctx.pool, input.subdomain)) throw taken(input.subdomain);

  const { rows } = await b.ctx.pool.query<SignupRow>(
    `INSERT INTO signups (company_name, subdomain, admin_email, plan_code, client_address) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (subdomain) WHERE status <> 'failed' DO NOTHING RETURNING *`,
    [input.company_name, input.subdomain, input.admin_email, input.plan ?? null, clientAddress.data],
  );
  const signup = rows[0];
  if (!signup) {
    // Another request for the same subdomain won the race a moment ago.
    const winner = await liveSignupFor(b.ctx.pool, input.subdomain);
    if (!winner) throw new AppError('CONFLICT', 'The sign-up could not be recorded; please try again.');
    return repeatOrRefuse(b, winner, input);
  }
  await b.audit.record({ action: 'signups:request', details: signupFacts(signup), outcome: 'ok' });
  return accepted(signup, true, startSignupJob(b, signup.id));
}

/** The sign-up's status (the status URL): NOT_FOUND for an unknown or malformed id. */
export async function signupStatus(b: Pick<SignupContext, 'ctx'>, signupId: string): Promise<SignupStatus> {
  const row = await findSignup(b.ctx.pool, signupId);
  if (!row) throw new AppError('NOT_FOUND', 'No such sign-up.');
  return toSignupStatus(row);
}

/** Sign-up jobs running in this process, by sign-up: a repeat request follows the running one. */
const running = new Map<string, Promise<SignupStatus>>();

/** The provisioning job, started now and not awaited; it records its own outcome and never rejects. */
function startSignupJob(b: SignupContext, signupId: string): Promise<SignupStatus> {
  const already = running.get(signupId);
  if (already) return already;
  const job = runSignupJob(b, signupId)
    .catch((error: unknown) => {
      b.ctx.logger.error({ err: error, signupId }, 'sign-up job failed');
      return { signup_id: signupId, status: 'failed' as const, message: 'The account could not be created. Please try again later or contact support.' };
    })
    .finally(() => running.delete(signupId));
  running.set(signupId, job);
  return job;
}

function accepted(signup: SignupRow, created: boolean, settled: Promise<SignupStatus>): SignupAccepted {
  return { signup_id: signup.id, status_url_path: `/api/signups/${signup.id}`, created, settled };
}

/** The same applicant again (same e-mail and company): the first sign-up. Anyone else: the subdomain is taken. */
function repeatOrRefuse(b: SignupContext, existing: SignupRow, input: z.output<typeof signupRequestSchema>): SignupAccepted {
  const same = existing.admin_email === input.admin_email && existing.company_name === input.company_name && existing.plan_code === (input.plan ?? null);
  if (!same) throw taken(input.subdomain);
  const settled =
    existing.status === 'pending' ? startSignupJob(b, existing.id) : (running.get(existing.id) ?? Promise.resolve(toSignupStatus(existing)));
  return accepted(existing, false, settled);
}

function taken(subdomain: string): AppError {
  return new AppError('ALREADY_EXISTS', `The subdomain "${subdomain}" is already taken; choose another.`);
}

/** A plan the applicant may ask for: a current plan with a trial of its own, or one a trial can convert to (a recurring price). */
async function checkPlan(b: SignupContext, code: string): Promise<void> {
  if (code === SIGNUP_TRIAL_PLAN) return;
  const plan = await currentPlan(b.ctx.pool, code);
  const convertible = plan.priceCents !== null && plan.priceCents > 0 && plan.interval !== 'none';
  if (plan.trialDays === null && !convertible) {
    throw new AppError('VALIDATION', `The plan "${code}" cannot be chosen at sign-up; contact sales.`);
  }
}
