import { Badge, type BadgeProps, type MantineColor } from '@mantine/core';
import type { TenantStatus } from '../../../src-shared/domain/status';
import { planByCode, useReferenceStore } from '../../store/reference-store';

const PLAN_COLORS: Readonly<Record<string, MantineColor>> = {
  trial: 'orange',
  starter: 'blue',
  professional: 'green',
  enterprise: 'violet',
};

export const STATUS_COLORS: Readonly<Record<TenantStatus, MantineColor>> = {
  active: 'green',
  suspended: 'red',
  cancelled: 'gray',
  provisioning: 'blue',
  // A shade that reads on both light and dark backgrounds (plain 'dark' vanishes in the dark theme).
  deleted: 'dark.2',
};

export const STATUS_LABELS: Readonly<Record<TenantStatus, string>> = {
  active: 'Active',
  suspended: 'Suspended',
  cancelled: 'Cancelled',
  provisioning: 'Provisioning',
  deleted: 'Deleted',
};

export function planColor(code: string): MantineColor {
  return PLAN_COLORS[code] ?? 'gray';
}

export function PlanBadge({ plan, ...props }: { plan: string } & BadgeProps) {
  const name = useReferenceStore((state) => planByCode(state.plans, plan)?.name) ?? plan;
  return (
    <Badge variant="light" color={planColor(plan)} tt="none" data-testid="plan-badge" data-plan={plan} {...props}>
      {name}
    </Badge>
  );
}

export function StatusBadge({ status, ...props }: { status: TenantStatus } & BadgeProps) {
  return (
    <Badge
      variant="dot"
      color={STATUS_COLORS[status]}
      tt="none"
      data-testid="status-badge"
      data-status={status}
      {...props}
    >
      {STATUS_LABELS[status]}
    </Badge>
  );
}
