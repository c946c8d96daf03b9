import { useEffect, useState } from 'react';
import { Alert, Badge, Box, Button, EmptyState, Group, Paper, Skeleton, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { IconAlertTriangle, IconKey, IconKeyOff, IconPlus } from '@tabler/icons-react';
import type { ApiKeyInfo } from '../../../src-shared/contract/api-key-channels';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useActionBlock } from '../../store/action-block';
import { useApiKeysStore } from '../../store/api-keys-store';
import { BlockedAction } from '../offline/BlockedAction';
import { CreateApiKeyModal, NewApiKeyModal, SCOPE_DESCRIPTIONS } from './CreateApiKeyModal';

function keyState(key: ApiKeyInfo, now = Date.now()): { label: string; color: string } {
  if (key.revokedAt) return { label: 'Revoked', color: 'gray' };
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return { label: 'Expired', color: 'orange' };
  return { label: 'Active', color: 'teal' };
}

/** The tenant API's keys (docs/api.md): everyone lists them, admins create (shown once) and revoke. */
export function ApiKeysSection() {
  const { rows, status, error } = useApiKeysStore();
  const createBlocked = useActionBlock('apiKeys:create');
  const revokeBlocked = useActionBlock('apiKeys:revoke');
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKeyInfo | null>(null);

  useEffect(() => {
    void useApiKeysStore.getState().load();
  }, []);

  return (
    <Stack gap="sm" data-testid="api-keys-section">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Box>
          <Title order={3}>API keys</Title>
          <Text c="dimmed" size="sm" mt={4} maw={720}>
            Keys for the tenant API (the sign-up website, the ERP). Each is shown once and stored as a hash; its scopes limit what calls with it may do.
          </Text>
        </Box>
        <BlockedAction reason={createBlocked} testId="create-api-key-blocked">
          <Button variant="light" leftSection={<IconPlus size={18} stroke={1.8} />} onClick={() => setCreating(true)} disabled={createBlocked !== null} data-testid="create-api-key">
            Create API key
          </Button>
        </BlockedAction>
      </Group>
      <Paper withBorder shadow="xs" style={{ overflow: 'hidden' }}>
        {status === 'error' && rows.length === 0 ? (
          <Alert color="red" variant="light" radius={0} icon={<IconAlertTriangle size={18} />} data-testid="api-keys-error">
            {error}
          </Alert>
        ) : status !== 'ready' && rows.length === 0 ? (
          <Stack gap="sm" p="md">
            <Skeleton h={40} />
            <Skeleton h={40} />
          </Stack>
        ) : rows.length === 0 ? (
          <EmptyState py={48} variant="light" icon={<IconKey size={28} />} title="No API keys yet" description="Create one for each system that calls the tenant API." data-testid="api-keys-empty" />
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="sm" horizontalSpacing="md" data-testid="api-keys-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Scopes</Table.Th>
                  <Table.Th w={110}>Status</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th w={110} aria-label="Actions" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((key) => {
                  const state = keyState(key);
                  return (
                    <Table.Tr key={key.name} data-testid="api-key-row" data-name={key.name} data-state={state.label.toLowerCase()}>
                      <Table.Td>
                        <Text fw={600} size="sm" c={key.revokedAt ? 'dimmed' : undefined}>
                          {key.name}
                        </Text>
                        <Text size="xs" c="dimmed" ff="monospace">
                          {key.prefix}…
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {key.scopes.map((scope) => (
                            <Tooltip key={scope} label={SCOPE_DESCRIPTIONS[scope]}>
                              <Badge variant="light" tt="none" size="sm" ff="monospace">
                                {scope}
                              </Badge>
                            </Tooltip>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Tooltip label={key.revokedAt ? `Revoked ${formatDateTime(key.revokedAt)}${key.revokedBy ? ` by ${key.revokedBy}` : ''}` : state.label} disabled={!key.revokedAt}>
                          <Badge variant={state.label === 'Active' ? 'dot' : 'light'} color={state.color} tt="none" data-testid="api-key-status">
                            {state.label}
                          </Badge>
                        </Tooltip>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c={key.lastUsedAt ? undefined : 'dimmed'} title={formatDateTime(key.lastUsedAt)} data-testid="api-key-last-used">
                          {key.lastUsedAt ? formatRelative(key.lastUsedAt) : 'Never'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c={key.expiresAt ? undefined : 'dimmed'}>
                          {key.expiresAt ? formatDate(key.expiresAt) : 'Never'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatDate(key.createdAt)}</Text>
                        <Text size="xs" c="dimmed">
                          {key.createdBy ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {!key.revokedAt && (
                          <BlockedAction reason={revokeBlocked}>
                            <Button
                              size="compact-sm"
                              variant="subtle"
                              color="red"
                              leftSection={<IconKeyOff size={14} />}
                              disabled={revokeBlocked !== null}
                              onClick={() => setRevoking(key)}
                              data-testid="revoke-api-key"
                            >
                              Revoke
                            </Button>
                          </BlockedAction>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <CreateApiKeyModal opened={creating} onClose={() => setCreating(false)} />
      <NewApiKeyModal />
      <RevokeApiKeyModal apiKey={revoking} onClose={() => setRevoking(null)} />
    </Stack>
  );
}

function RevokeApiKeyModal({ apiKey, onClose }: { apiKey: ApiKeyInfo | null; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  async function confirm() {
    if (!apiKey) return;
    setBusy(true);
    try {
      await useApiKeysStore.getState().revoke(apiKey.name);
      notifySuccess('API key revoked', `Calls with ${apiKey.name} are refused from now on.`);
      onClose();
    } catch (error) {
      notifyError(`${apiKey.name} was not revoked`, error);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened={apiKey !== null} onClose={onClose} title={<Text fw={650} size="lg">Revoke API key</Text>} size={460} data-testid="revoke-api-key-modal">
      {apiKey && (
        <Stack gap="md">
          <Text size="sm">
            Every call with <b>{apiKey.name}</b> ({apiKey.prefix}…) is refused with 401 from the next request on. This cannot be undone, and the name is not reused: create a new key
            for the system that used it.
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Keep it
            </Button>
            <Button color="red" loading={busy} onClick={() => void confirm()} data-testid="revoke-api-key-confirm">
              Revoke key
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
