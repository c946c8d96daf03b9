import type { OnboardingMilestone, OnboardingStage } from '../../../src-shared/contract/onboarding-models';
import type { OnboardingFilter } from '../../store/tenants-store';
import type { FilterOption } from './FilterMenu';

/** Each checklist step as the operator reads it. */
export const MILESTONE_LABELS: Readonly<Record<OnboardingMilestone, string>> = {
  welcome: 'Welcome e-mail sent',
  sign_in: 'First sign-in',
  company: 'First company',
  transaction: 'First transaction',
  payment_method: 'Payment method',
};

/** A stage is the step a tenant is waiting at. */
export const STAGE_LABELS: Readonly<Record<OnboardingStage, string>> = {
  welcome: 'Waiting: welcome e-mail',
  sign_in: 'Waiting: first sign-in',
  company: 'Waiting: first company',
  transaction: 'Waiting: first transaction',
  payment_method: 'Waiting: payment method',
  done: 'Onboarded',
};

export const ONBOARDING_FILTER_OPTIONS: readonly FilterOption<OnboardingFilter>[] = [
  { value: 'stalled', label: 'Stalled trials', color: 'red' },
  { value: 'welcome', label: STAGE_LABELS.welcome, color: 'gray' },
  { value: 'sign_in', label: STAGE_LABELS.sign_in, color: 'yellow' },
  { value: 'company', label: STAGE_LABELS.company, color: 'orange' },
  { value: 'transaction', label: STAGE_LABELS.transaction, color: 'grape' },
  { value: 'payment_method', label: STAGE_LABELS.payment_method, color: 'blue' },
  { value: 'done', label: STAGE_LABELS.done, color: 'teal' },
];
