import { z } from 'zod';

/**
 * The onboarding checklist, in order. A tenant's stage is the first milestone it has not
 * reached ('done' when it reached them all); the rule is SQL, once (the platform view
 * onboarding_progress).
 */
export const ONBOARDING_MILESTONES = ['welcome', 'sign_in', 'company', 'transaction', 'payment_method'] as const;
export const ONBOARDING_STAGES = [...ONBOARDING_MILESTONES, 'done'] as const;
export const onboardingStageSchema = z.enum(ONBOARDING_STAGES);
export type OnboardingStage = z.infer<typeof onboardingStageSchema>;
export type OnboardingMilestone = (typeof ONBOARDING_MILESTONES)[number];

const at = z.string().nullable();

export const onboardingSchema = z.object({
  tenantCode: z.string(),
  stage: onboardingStageSchema,
  /** When each milestone was first seen (ISO), null while it is not reached. */
  milestones: z.object({
    welcome: at,
    sign_in: at,
    company: at,
    transaction: at,
    payment_method: at,
  }),
  /** An active trial nobody has signed in to for longer than the onboarding_stalled_days setting. */
  stalled: z.boolean(),
  stalledDays: z.number().int(),
  /** When the one reminder e-mail went out (null: none yet). */
  nudgedAt: at,
  /** The self-service sign-up this tenant came from, if any. */
  signup: z.object({ id: z.string(), createdAt: z.string(), status: z.string() }).nullable(),
});
export type Onboarding = z.infer<typeof onboardingSchema>;

export const funnelWeekSchema = z.object({
  /** Monday of the week (UTC, YYYY-MM-DD) the sign-ups were made in. */
  week: z.string(),
  signups: z.number().int(),
  /** Of those: a tenant was made and someone signed in to it. */
  activated: z.number().int(),
  /** Of those: the tenant pays (its billing state is active). */
  converted: z.number().int(),
});
export type FunnelWeek = z.infer<typeof funnelWeekSchema>;

export const onboardingFunnelSchema = z.object({
  weeks: z.array(funnelWeekSchema),
  totals: z.object({ signups: z.number().int(), activated: z.number().int(), converted: z.number().int(), stalled: z.number().int() }),
});
export type OnboardingFunnel = z.infer<typeof onboardingFunnelSchema>;
