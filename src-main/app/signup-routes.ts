import type { z } from 'zod';
import type { ApiOperation } from '../../src-shared/api/openapi';
import { signupAcceptedSchema, signupBodySchema, signupPathSchema, signupStatusSchema } from '../../src-shared/api/signup-api-schemas';
import type { AuditService } from '../audit/audit-service';
import { isAppError } from '../base/app-error';
import { requestSignup, signupStatus } from '../signups/request-signup';
import type { SignupContext } from '../signups/signup-context';
import { isSignupRateLimited } from '../signups/signup-errors';
import { ApiError, apiErrorOf } from '../tenant-api/api-errors';
import { defineRoute, type ApiCaller, type ApiRoute } from '../tenant-api/api-route';

/*
 * The sign-up module's routes on the tenant API. They live here, in the composition layer,
 * because signups and tenant-api stand on one floor and may not import each other; the console
 * core hands them to every tenant API server it starts (TenantApiCore.apiRoutes).
 */

const createSignupOperation: ApiOperation = {
  operationId: 'createSignup',
  scope: 'signup',
  method: 'post',
  path: '/api/signups',
  summary: "Self-service sign-up from the operator's website: a trial tenant is provisioned in the background; poll the status URL",
  body: signupBodySchema,
  success: { status: 202, schema: signupAcceptedSchema, description: 'accepted (also for a repeat of a sign-up under way: the same signup_id, no second tenant); Location is the status URL' },
  errors: [400, 409, 422],
};

const signupStatusOperation: ApiOperation = {
  operationId: 'signupStatus',
  scope: 'signup',
  method: 'get',
  path: '/api/signups/{id}',
  summary: "A sign-up's progress: pending, provisioning, ready (with the tenant code) or failed (with a message fit to show the applicant)",
  params: signupPathSchema,
  success: { status: 200, schema: signupStatusSchema, description: 'the status' },
  errors: [400, 404],
};

/**
 * The sign-up context of one call: the module's own audit events (signups:request, and the
 * provisioning job's signups:provision) are recorded under the key's name, as the API's
 * changes are.
 */
function onBehalfOf(b: SignupContext, caller: ApiCaller): SignupContext {
  const audit: AuditService = { ...b.audit, record: (entry) => b.audit.record({ ...entry, operator: entry.operator ?? `api-key:${caller.name}` }) };
  return { ...b, audit };
}

/** The sign-up module's refusals in the API's one error shape (docs/api.md). */
function toApiError(error: unknown): unknown {
  if (isSignupRateLimited(error)) {
    return new ApiError(429, 'rate_limited', error.message, { 'retry-after': String(error.retryAfterSeconds) });
  }
  if (isAppError(error)) return apiErrorOf({ code: error.code, message: error.message });
  return error;
}

/**
 * POST /api/signups (202, Location: the status URL; 429 with Retry-After past the client
 * address's hourly limit) and GET /api/signups/{id}, both with scope `signup`. The sign-up
 * runs as the console (like billing's jobs), not through the serving operator's grants: the
 * key's `signup` scope is what lets a website start one.
 */
export function signupRoutes(signups: SignupContext): readonly ApiRoute[] {
  return [
    defineRoute<undefined, undefined, z.output<typeof signupBodySchema>>(createSignupOperation, async (call) => {
      try {
        const accepted = await requestSignup(onBehalfOf(signups, call.caller), call.body, { clientAddress: call.clientAddress });
        // The job records its own outcome; the applicant follows it at the status URL.
        void accepted.settled;
        return { status: 202, headers: { location: accepted.status_url_path }, body: { signup_id: accepted.signup_id, status_url: accepted.status_url_path } };
      } catch (error) {
        throw toApiError(error);
      }
    }),
    defineRoute<z.output<typeof signupPathSchema>>(signupStatusOperation, async (call) => {
      try {
        const status = await signupStatus(signups, call.params.id);
        if (status.tenant_code) call.concerns(status.tenant_code);
        return { body: status };
      } catch (error) {
        throw toApiError(error);
      }
    }),
  ];
}
