import { ActionIcon, Badge, Group, Menu, Select, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconDots, IconKey, IconUserCheck, IconUserOff } from '@tabler/icons-react';
import type { Operator } from '../../../src-shared/contract/operator-channels';
import { OPERATOR_ROLE_LABELS, OPERATOR_ROLES, type OperatorRole } from '../../../src-shared/contract/operator-roles';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useActionBlocks } from '../../store/action-block';
import { useOperatorsStore } from '../../store/operators-store';
import { BlockedAction } from '../offline/BlockedAction';
import type { OperatorAction } from './OperatorActionModal';
import { RoleBadge } from './RoleBadge';

const ROLE_OPTIONS = OPERATOR_ROLES.map((role) => ({ value: role, label: OPERATOR_ROLE_LABELS[role] }));

async function changeRole(operator: Operator, role: OperatorRole) {
  if (role === operator.role) return;
  try {
    await useOperatorsStore.getState().setRole(operator.name, role);
    notifySuccess('Role changed', `${operator.name} is now ${OPERATOR_ROLE_LABELS[role]}; it applies to their very next action.`);
  } catch (error) {
    // E.g. the last admin: main's message says what to do instead.
    notifyError(`${operator.name}'s role was not changed`, error);
  }
}

async function enable(operator: Operator) {
  try {
    await useOperatorsStore.getState().setEnabled(operator.name, true);
    notifySuccess('Operator enabled', `${operator.name} can sign in again.`);
  } catch (error) {
    notifyError(`${operator.name} was not enabled`, error);
  }
}

function StatusBadge({ operator }: { operator: Operator }) {
  if (operator.disabled) {
    return (
      <Badge variant="light" color="gray" tt="none" data-testid="operator-status">
        Disabled
      </Badge>
    );
  }
  if (operator.mustChangePassword) {
    return (
      <Tooltip label="Signs in with a one-time password, then chooses their own">
        <Badge variant="light" color="yellow" tt="none" data-testid="operator-status">
          One-time password
        </Badge>
      </Tooltip>
    );
  }
  return (
    <Badge variant="dot" color="teal" tt="none" data-testid="operator-status">
      Active
    </Badge>
  );
}

/** Every operator of this platform: role (PostgreSQL's memberships), status, last sign-in, who added them. */
export function OperatorsTable({ rows, me, onAction }: { rows: readonly Operator[]; me: string | null; onAction: (action: OperatorAction, operator: Operator) => void }) {
  const blockOf = useActionBlocks();
  const roleBlocked = blockOf('operators:setRole');
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover data-testid="operators-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Operator</Table.Th>
            <Table.Th w={170}>Role</Table.Th>
            <Table.Th w={160}>Status</Table.Th>
            <Table.Th>Last sign-in</Table.Th>
            <Table.Th>Added</Table.Th>
            <Table.Th w={56} aria-label="Actions" />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((operator) => (
            <Table.Tr key={operator.name} data-testid="operator-row" data-name={operator.name} data-role={operator.role ?? ''} data-disabled={operator.disabled}>
              <Table.Td>
                <Group gap={8} wrap="nowrap">
                  <Text fw={600} size="sm" c={operator.disabled ? 'dimmed' : undefined}>
                    {operator.name}
                  </Text>
                  {operator.name === me && (
                    <Badge size="xs" variant="outline" color="gray" tt="none">
                      you
                    </Badge>
                  )}
                </Group>
                <Text size="xs" c="dimmed" ff="monospace">
                  {operator.dbRole}
                </Text>
              </Table.Td>
              <Table.Td>
                {operator.role === null ? (
                  <RoleBadge role={null} />
                ) : (
                  <BlockedAction reason={roleBlocked}>
                    <Select
                      size="xs"
                      w={130}
                      data={ROLE_OPTIONS}
                      value={operator.role}
                      onChange={(value) => value && void changeRole(operator, value as OperatorRole)}
                      allowDeselect={false}
                      disabled={roleBlocked !== null || operator.disabled}
                      aria-label={`Role of ${operator.name}`}
                      comboboxProps={{ withinPortal: true }}
                      data-testid="operator-role-select"
                    />
                  </BlockedAction>
                )}
              </Table.Td>
              <Table.Td>
                <StatusBadge operator={operator} />
              </Table.Td>
              <Table.Td>
                {operator.lastSignInAt ? (
                  <Text size="sm" title={formatDateTime(operator.lastSignInAt)} data-testid="operator-last-sign-in">
                    {formatRelative(operator.lastSignInAt)}
                  </Text>
                ) : (
                  <Text size="sm" c="dimmed" data-testid="operator-last-sign-in">
                    Never
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Stack gap={0}>
                  <Text size="sm">{formatDate(operator.createdAt)}</Text>
                  <Text size="xs" c="dimmed" truncate maw={220}>
                    {operator.createdBy ? `by ${operator.createdBy}` : 'by the console'}
                  </Text>
                </Stack>
              </Table.Td>
              <Table.Td>
                <RowMenu operator={operator} blockOf={blockOf} onAction={onAction} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function RowMenu({ operator, blockOf, onAction }: { operator: Operator; blockOf: ReturnType<typeof useActionBlocks>; onAction: (action: OperatorAction, operator: Operator) => void }) {
  const resetBlocked = blockOf('operators:resetPassword');
  const switchBlocked = blockOf(operator.disabled ? 'operators:enable' : 'operators:disable');
  const reasons = [...new Set([resetBlocked, switchBlocked].filter((reason): reason is string => reason !== null))];
  return (
    <Menu position="bottom-end" withinPortal width={220}>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${operator.name}`} data-testid="operator-actions">
          <IconDots size={16} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item leftSection={<IconKey size={14} />} disabled={resetBlocked !== null} onClick={() => onAction('reset', operator)} data-testid="operator-reset-password">
          Reset password…
        </Menu.Item>
        {operator.disabled ? (
          <Menu.Item leftSection={<IconUserCheck size={14} />} disabled={switchBlocked !== null} onClick={() => void enable(operator)} data-testid="operator-enable">
            Enable
          </Menu.Item>
        ) : (
          <Menu.Item leftSection={<IconUserOff size={14} />} color="red" disabled={switchBlocked !== null} onClick={() => onAction('disable', operator)} data-testid="operator-disable">
            Disable…
          </Menu.Item>
        )}
        {reasons.map((reason) => (
          <Menu.Label key={reason} maw={220}>
            {reason}
          </Menu.Label>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
