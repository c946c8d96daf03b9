import { z } from 'zod';

/**
 * The wire format of the sign-up routes (POST /api/signups, GET /api/signups/{id}; docs/signup.md).
 * Shape checks only, as in tenant-api-schemas.ts (400 when they fail): the sign-up module's
 * own rules — a reserved or malformed subdomain, an e-mail that is not one, a plan that cannot
 * be chosen — answer 422, after the request was counted against its address's rate limit.
 */

export const signupBodySchema = z
  .object({
    company_name: z.string().min(1).max(200),
    subdomain: z.string().min(1).max(63).describe('the tenant\'s address: <subdomain>.<base domain>; a DNS label, not a reserved one'),
    admin_email: z.string().min(3).max(254).describe('the first administrator: the invitation goes here'),
    plan: z.string().min(1).max(32).optional().describe('the plan the trial converts to (default: the trial plan)'),
  })
  .strict()
  .meta({ id: 'SignupRequest' });

export const signupAcceptedSchema = z
  .object({
    signup_id: z.string().describe('the sign-up\'s id (a UUID)'),
    status_url: z.string().describe('where to poll, relative to the API (also the Location header): /api/signups/{signup_id}'),
  })
  .meta({ id: 'SignupAccepted' });

export const signupStatusSchema = z
  .object({
    signup_id: z.string(),
    status: z.enum(['pending', 'provisioning', 'ready', 'failed']),
    tenant_code: z.string().optional().describe('once ready'),
    message: z.string().optional().describe('fit to show the applicant: why it failed, or what happens next'),
  })
  .meta({ id: 'SignupStatus' });

export const signupPathSchema = z.object({ id: z.uuid().describe('the signup_id') }).strict();
