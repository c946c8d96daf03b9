import { useState, type FormEvent } from 'react';
import { ActionIcon, Alert, Box, Button, Checkbox, Code, CopyButton, Group, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { IconAlertTriangle, IconCheck, IconCopy, IconKey } from '@tabler/icons-react';
import { API_SCOPES, apiKeyNameSchema, type ApiScope } from '../../../src-shared/contract/api-key-channels';
import { errorMessage } from '../../api/api-error';
import { useApiKeysStore } from '../../store/api-keys-store';

export const SCOPE_DESCRIPTIONS: Readonly<Record<ApiScope, string>> = {
  'tenants:read': 'list and read tenants, their usage, resolve hosts (the ERP’s router)',
  'tenants:write': 'create tenants and rotate their database passwords',
  'tenants:status': 'suspend, reactivate and cancel tenants',
  'limits:read': 'ask a tenant’s database whether it may create one more',
  signup: 'the website’s self-service trial sign-up',
};

/** Create an API key: a name, its scopes, an optional expiry. */
export function CreateApiKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650} size="lg">Create an API key</Text>} size={540} data-testid="create-api-key-modal">
      {opened && <CreateApiKeyForm onClose={onClose} />}
    </Modal>
  );
}

function CreateApiKeyForm({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiScope[]>(['tenants:read']);
  const [expires, setExpires] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const parsed = apiKeyNameSchema.safeParse(name);
  const nameProblem = name.trim() !== '' && !parsed.success ? (parsed.error.issues[0]?.message ?? 'Not a key name.') : null;
  const expiresAt = expires ? new Date(`${expires}T23:59:59Z`) : null;
  const expiryProblem = expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now()) ? 'The expiry must be a day in the future.' : null;
  const ready = parsed.success && scopes.length > 0 && !expiryProblem;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!ready || busy || !parsed.success) return;
    setBusy(true);
    setError(null);
    try {
      await useApiKeysStore.getState().create({ name: parsed.data, scopes, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) });
      onClose();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          description="Who uses it, e.g. website or erp-production; the audit log names calls api-key:<name>. Never reused."
          placeholder="website"
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={nameProblem}
          maxLength={63}
          autoCapitalize="off"
          autoCorrect="off"
          spellCheck={false}
          data-autofocus
          data-testid="api-key-name"
        />
        <Checkbox.Group label="Scopes" description="What calls with this key may do (never more than the operator serving the API may)." value={scopes} onChange={(value) => setScopes(value as ApiScope[])}>
          <Stack gap={6} mt={8}>
            {API_SCOPES.map((scope) => (
              <Checkbox
                key={scope}
                value={scope}
                label={<Text size="sm" ff="monospace">{scope}</Text>}
                description={SCOPE_DESCRIPTIONS[scope]}
                data-testid={`api-key-scope-${scope.replace(':', '-')}`}
              />
            ))}
          </Stack>
        </Checkbox.Group>
        <TextInput
          type="date"
          label="Expires (optional)"
          description="The key stops working at the end of that day (UTC). Empty: it never expires."
          value={expires}
          onChange={(event) => setExpires(event.currentTarget.value)}
          error={expiryProblem}
          data-testid="api-key-expires"
        />
        {error && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="create-api-key-error">
            {error}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} disabled={!ready} data-testid="create-api-key-submit">
            Create key
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The new key, shown once: it closes only through "I have stored it" (the console keeps only its hash). */
export function NewApiKeyModal() {
  const created = useApiKeysStore((state) => state.created);
  return (
    <Modal opened={created !== null} onClose={() => undefined} closeOnClickOutside={false} closeOnEscape={false} withCloseButton={false} size={520} data-testid="new-api-key-modal">
      {created && (
        <Stack gap="md">
          <Group gap="sm" wrap="nowrap">
            <IconKey size={26} stroke={1.6} color="var(--mantine-color-brand-6)" />
            <Box>
              <Text fw={650} size="lg">
                API key {created.info.name} created
              </Text>
              <Text size="xs" c="dimmed" ff="monospace">
                {created.info.scopes.join(' · ')}
              </Text>
            </Box>
          </Group>
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="Shown only once" data-testid="new-api-key-warning">
            Store it in the calling system’s secret store now. The console keeps only its SHA-256: a lost key cannot be shown again — revoke it and create another.
          </Alert>
          <Box>
            <Text size="xs" c="dimmed" mb={4}>
              Key (send as Authorization: Bearer …)
            </Text>
            <Group gap="xs" wrap="nowrap">
              <Code fz="sm" px="sm" py={8} style={{ flex: 1, wordBreak: 'break-all' }} data-testid="new-api-key">
                {created.key}
              </Code>
              <CopyButton value={created.key} timeout={2000}>
                {({ copied, copy }) => (
                  <Tooltip label={copied ? 'Copied' : 'Copy key'}>
                    <ActionIcon variant="light" size="lg" color={copied ? 'teal' : undefined} onClick={copy} aria-label="Copy key" data-testid="copy-new-api-key">
                      {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
                    </ActionIcon>
                  </Tooltip>
                )}
              </CopyButton>
            </Group>
          </Box>
          <Group justify="flex-end">
            <Button leftSection={<IconCheck size={16} />} onClick={() => useApiKeysStore.getState().storedCreated()} data-testid="new-api-key-stored">
              I have stored it
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
