import { useState } from 'react';
import { Avatar, Box, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { IconChevronDown, IconKey, IconLogout } from '@tabler/icons-react';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useSessionStore } from '../../store/session-store';
import { RoleBadge } from '../operators/RoleBadge';
import { ChangePasswordForm } from './ChangePasswordForm';

const SIGNED_IN_BY: Readonly<Record<string, string>> = {
  local: 'as this computer’s local operator',
  password: 'with a password',
  environment: 'from TENANT_CONSOLE_OPERATOR',
  remembered: 'with a remembered password',
};

/** The header's "who is signed in": name and role, with sign-out and the operator's own password. */
export function UserMenu() {
  const session = useSessionStore((store) => store.state?.session ?? null);
  const [changing, setChanging] = useState(false);
  if (!session) return null;

  async function signOut() {
    try {
      await useSessionStore.getState().signOut();
    } catch (error) {
      notifyError('Could not sign out', error);
    }
  }

  return (
    <>
      <Menu position="bottom-end" width={260} withinPortal shadow="md">
        <Menu.Target>
          <UnstyledButton aria-label={`Signed in as ${session.operator}`} data-testid="user-menu" px={6} py={4} style={{ borderRadius: 'var(--mantine-radius-md)' }}>
            <Group gap={8} wrap="nowrap">
              <Avatar size={30} radius="xl" color="brand" variant="light">
                {session.operator.slice(0, 2).toUpperCase()}
              </Avatar>
              <Box visibleFrom="xs">
                <Text size="sm" fw={600} lh={1.15} data-testid="signed-in-operator">
                  {session.operator}
                </Text>
              </Box>
              <RoleBadge role={session.role} size="sm" data-testid="signed-in-role" />
              <IconChevronDown size={14} stroke={1.8} color="var(--mantine-color-dimmed)" />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Box px="sm" py={6}>
            <Text size="sm" fw={600}>
              {session.operator}
            </Text>
            <Text size="xs" c="dimmed">
              Signed in {SIGNED_IN_BY[session.signedInBy] ?? ''} · PostgreSQL role{' '}
              <Text span ff="monospace" inherit>
                {session.dbRole}
              </Text>
            </Text>
          </Box>
          <Menu.Divider />
          <Menu.Item leftSection={<IconKey size={16} />} onClick={() => setChanging(true)} data-testid="change-password-open">
            Change password…
          </Menu.Item>
          <Menu.Item leftSection={<IconLogout size={16} />} color="red" onClick={() => void signOut()} data-testid="sign-out">
            Sign out
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={changing} onClose={() => setChanging(false)} title="Change your password" data-testid="change-password-modal">
        {changing && (
          <ChangePasswordForm
            knownCurrent={null}
            submitLabel="Change password"
            onDone={() => {
              setChanging(false);
              notifySuccess('Password changed', 'Use the new password from your next sign-in on.');
            }}
          />
        )}
      </Modal>
    </>
  );
}
