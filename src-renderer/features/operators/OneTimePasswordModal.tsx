import { ActionIcon, Alert, Box, Button, Code, CopyButton, Group, Stack, Text, Tooltip } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { IconAlertTriangle, IconCheck, IconCopy, IconShieldLock } from '@tabler/icons-react';
import { useOperatorsStore } from '../../store/operators-store';
import { useSessionStore } from '../../store/session-store';
import { RoleBadge } from './RoleBadge';

/**
 * The one-time password of a new operator (or a reset), shown once. It closes only through
 * "I have stored it": no click outside, no Escape, no close button — the console keeps no
 * readable copy, so a slip would mean another reset.
 */
export function OneTimePasswordModal() {
  const oneTime = useOperatorsStore((state) => state.oneTime);
  const server = useSessionStore((store) => (store.state ? `${store.state.server} / ${store.state.platformDatabase}` : ''));
  return (
    <Modal
      opened={oneTime !== null}
      onClose={() => undefined}
      closeOnClickOutside={false}
      closeOnEscape={false}
      withCloseButton={false}
      size={480}
      data-testid="one-time-password-modal"
    >
      {oneTime && (
        <Stack gap="md">
          <Group gap="sm" wrap="nowrap">
            <IconShieldLock size={26} stroke={1.6} color="var(--mantine-color-brand-6)" />
            <Box>
              <Text fw={650} size="lg">
                {oneTime.reason === 'added' ? `${oneTime.operator.name} can now sign in` : `New one-time password for ${oneTime.operator.name}`}
              </Text>
              <Group gap={6}>
                <RoleBadge role={oneTime.operator.role} size="sm" />
                <Text size="xs" c="dimmed" ff="monospace">
                  {oneTime.operator.dbRole}
                </Text>
              </Group>
            </Box>
          </Group>
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="Shown only once" data-testid="one-time-password-warning">
            Hand it to {oneTime.operator.name} over a secure channel. At the first sign-in they choose their own password, and this one stops working.
          </Alert>
          <Box>
            <Text size="xs" c="dimmed" mb={4}>
              One-time password
            </Text>
            <Group gap="xs" wrap="nowrap">
              <Code fz="md" px="sm" py={8} style={{ flex: 1, wordBreak: 'break-all', letterSpacing: '0.03em' }} data-testid="one-time-password">
                {oneTime.password}
              </Code>
              <CopyButton value={oneTime.password} timeout={2000}>
                {({ copied, copy }) => (
                  <Tooltip label={copied ? 'Copied' : 'Copy password'}>
                    <ActionIcon variant="light" size="lg" color={copied ? 'teal' : undefined} onClick={copy} aria-label="Copy password" data-testid="copy-one-time-password">
                      {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
                    </ActionIcon>
                  </Tooltip>
                )}
              </CopyButton>
            </Group>
            {server && (
              <Text size="xs" c="dimmed" mt={6}>
                Sign in to{' '}
                <Text span ff="monospace" inherit>
                  {server}
                </Text>{' '}
                as <b>{oneTime.operator.name}</b>.
              </Text>
            )}
          </Box>
          <Group justify="flex-end">
            <Button leftSection={<IconCheck size={16} />} onClick={() => useOperatorsStore.getState().storedOneTime()} data-testid="one-time-password-stored">
              I have stored it
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
