import { InvalidArgumentError } from 'commander';
import { operatorNameSchema } from '../../src-shared/contract/operator-channels';
import { OPERATOR_ROLES, type OperatorRole } from '../../src-shared/contract/operator-roles';

/** An operator's name, checked (and lower-cased) by the contract's own rule before anything opens. */
export function operatorNameArgument(value: string): string {
  const parsed = operatorNameSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'Not a valid operator name.');
  return parsed.data;
}

export function roleArgument(value: string): OperatorRole {
  const role = value.trim().toLowerCase();
  if (!(OPERATOR_ROLES as readonly string[]).includes(role)) throw new InvalidArgumentError(`Role must be one of ${OPERATOR_ROLES.join(', ')}.`);
  return role as OperatorRole;
}
