import { Badge, type BadgeProps } from '@mantine/core';
import { OPERATOR_ROLE_LABELS, type OperatorRole } from '../../../src-shared/contract/operator-roles';

export const ROLE_COLORS: Readonly<Record<OperatorRole, string>> = {
  viewer: 'gray',
  support: 'teal',
  billing: 'grape',
  admin: 'brand',
};

/** What each role may do, in the words the Add dialog and the Settings card use (docs/operators.md has the grants). */
export const ROLE_DESCRIPTIONS: Readonly<Record<OperatorRole, string>> = {
  viewer: 'Sees everything, changes nothing.',
  support: 'Suspends and activates tenants, backs up and exports, collects usage.',
  billing: 'Invoices, payments, plan changes and billing settings.',
  admin: 'Everything: provisioning, deletion, plans, settings and operators.',
};

/** A console role as a badge; null: the operator's login role holds no console role (changed outside the console). */
export function RoleBadge({ role, ...props }: { role: OperatorRole | null } & Omit<BadgeProps, 'color' | 'children'>) {
  if (role === null) {
    return (
      <Badge variant="light" color="red" tt="none" {...props}>
        No role
      </Badge>
    );
  }
  return (
    <Badge variant="light" color={ROLE_COLORS[role]} tt="none" data-role={role} {...props}>
      {OPERATOR_ROLE_LABELS[role]}
    </Badge>
  );
}
