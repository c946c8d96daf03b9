import type { Handlers } from '../base/handler-types';
import type { SignupContext } from './signup-context';
import { getOnboarding, onboardingFunnel } from './onboarding-queries';

type OnboardingChannel = 'onboarding:get' | 'onboarding:funnel';

/** The onboarding channels: reads on the caller's own connection (b.ctx is the operator's). */
export function createOnboardingHandlers(b: SignupContext): Pick<Handlers, OnboardingChannel> {
  return {
    'onboarding:get': async ({ ref }) => getOnboarding(b.ctx.pool, ref, b.clock.now()),
    'onboarding:funnel': async ({ weeks }) => onboardingFunnel(b.ctx.pool, weeks, b.clock.now()),
  };
}
