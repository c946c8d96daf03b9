import { OPERATOR_ROLES, type OperatorRole } from '../../../src-shared/contract/operator-roles';

const timeFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Audit times to the second: several actions a minute is normal. */
export function formatAuditTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : timeFormat.format(date);
}

/** The details JSON, indented; as stored if it is not JSON. */
export function prettyDetails(details: string): string {
  try {
    return JSON.stringify(JSON.parse(details), null, 2);
  } catch {
    return details;
  }
}

/** The role the operator acted in (dispatch records it in the details as `operatorRole`), or null for older events and work outside a call. */
export function operatorRoleOf(details: string): OperatorRole | null {
  try {
    const role = (JSON.parse(details) as { operatorRole?: unknown } | null)?.operatorRole;
    return (OPERATOR_ROLES as readonly unknown[]).includes(role) ? (role as OperatorRole) : null;
  } catch {
    return null;
  }
}
