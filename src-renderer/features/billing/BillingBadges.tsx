import { Badge, type BadgeProps } from '@mantine/core';
import type { BillingState, InvoiceState } from '../../../src-shared/contract/billing-models';
import { BILLING_STATE_COLORS, BILLING_STATE_LABELS, INVOICE_STATE_COLORS } from './billing-labels';

export function BillingStateBadge({ state, ...props }: { state: BillingState } & BadgeProps) {
  return (
    <Badge variant="light" color={BILLING_STATE_COLORS[state]} tt="none" data-state={state} {...props}>
      {BILLING_STATE_LABELS[state]}
    </Badge>
  );
}

export function InvoiceStateBadge({ state, overdue, ...props }: { state: InvoiceState; overdue: boolean } & BadgeProps) {
  if (overdue) {
    return (
      <Badge variant="filled" color="red" tt="none" data-state="overdue" {...props}>
        Overdue
      </Badge>
    );
  }
  return (
    <Badge variant="light" color={INVOICE_STATE_COLORS[state]} tt="none" data-state={state} {...props}>
      {state === 'uncollectible' ? 'Uncollectible' : state.charAt(0).toUpperCase() + state.slice(1)}
    </Badge>
  );
}
