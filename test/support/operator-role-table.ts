import { CHANNEL_NAMES, channels } from '../../src-shared/contract/channels';
import { CHANNEL_PERMISSIONS, OPERATOR_ROLE_LABELS, OPERATOR_ROLES, mayCall } from '../../src-shared/contract/operator-roles';

export const ROLE_TABLE_START = '<!-- role-table:start (generated from CHANNEL_PERMISSIONS; test/unit/operators-doc.test.ts checks it) -->';
export const ROLE_TABLE_END = '<!-- role-table:end -->';

/**
 * docs/operators.md's table of who may do what, rendered from the contract: one row per
 * channel, ✓ where the role may call it. The doc holds this text between the markers.
 */
export function renderRoleTable(): string {
  const header = `| Channel | What it does | Changes data | ${OPERATOR_ROLES.map((role) => OPERATOR_ROLE_LABELS[role]).join(' | ')} |`;
  const rule = `|---|---|---|${OPERATOR_ROLES.map(() => ':-:').join('|')}|`;
  const rows = CHANNEL_NAMES.map((channel) => {
    const permission = CHANNEL_PERMISSIONS[channel];
    const who = permission.role === 'anyone' ? OPERATOR_ROLES.map(() => 'anyone') : OPERATOR_ROLES.map((role) => (mayCall(role, channel) ? '✓' : '—'));
    return `| \`${channel}\` | ${permission.action} | ${channels[channel].mutates ? 'yes' : ''} | ${who.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}
