import { z } from 'zod';
import { tenantRefSchema } from '../domain/tenant-fields';
import type { ChannelGroup } from './channel-definition';
import { onboardingFunnelSchema, onboardingSchema } from './onboarding-models';

/** Self-service sign-ups and the onboarding checklist (reads; the sign-up itself comes through the tenant API). */
export const onboardingChannels = {
  /** One tenant's checklist (the tenant drawer). */
  'onboarding:get': {
    input: z.object({ ref: tenantRefSchema }).strict(),
    output: onboardingSchema,
    mutates: false,
  },
  /** Sign-ups → activated → converted, per week of sign-up (the Usage page's chart). */
  'onboarding:funnel': {
    input: z.object({ weeks: z.number().int().min(1).max(52).default(12) }).strict(),
    output: onboardingFunnelSchema,
    mutates: false,
  },
} as const satisfies ChannelGroup;
