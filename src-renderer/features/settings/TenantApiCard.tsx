import { useEffect, useState } from 'react';
import { Anchor, Badge, Button, Code, Group, Stack, Text, TextInput } from '@mantine/core';
import { IconPlayerPlay, IconPlayerStop } from '@tabler/icons-react';
import type { ApiServerStatus } from '../../../src-shared/contract/api-key-channels';
import { mayCall } from '../../../src-shared/contract/operator-roles';
import { api } from '../../api/client';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useActionBlock } from '../../store/action-block';
import { useSessionRole } from '../../store/session-store';
import { BlockedAction } from '../offline/BlockedAction';

/**
 * The tenant API on this computer (docs/api.md): start and stop it, and where it listens. It
 * acts as the admin who started it; on the network it needs TLS (`tenantctl api serve`).
 */
export function TenantApiCard() {
  const role = useSessionRole();
  const startBlocked = useActionBlock('api:start');
  const stopBlocked = useActionBlock('api:stop');
  const [status, setStatus] = useState<ApiServerStatus | null>(null);
  const [listen, setListen] = useState('127.0.0.1:8787');
  const [busy, setBusy] = useState(false);
  const mayRead = role === null || mayCall(role, 'api:status');

  useEffect(() => {
    if (!mayRead) return;
    let live = true;
    void api()
      .call('api:status', {})
      .then((value) => live && setStatus(value))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [mayRead]);

  async function toggle() {
    setBusy(true);
    try {
      if (status?.running) {
        setStatus(await api().call('api:stop', {}));
        notifySuccess('Tenant API stopped', 'Calls with API keys are no longer answered by this console.');
      } else {
        const started = await api().call('api:start', { listen });
        setStatus(started);
        notifySuccess('Tenant API started', `Listening at ${started.url}.`);
      }
    } catch (error) {
      notifyError(status?.running ? 'The tenant API did not stop' : 'The tenant API did not start', error);
    } finally {
      setBusy(false);
    }
  }

  const running = status?.running ?? false;
  const blocked = running ? stopBlocked : startBlocked;
  return (
    <Stack gap="sm" data-testid="tenant-api-card">
      <Group gap={8}>
        {status ? (
          <Badge variant={running ? 'dot' : 'light'} color={running ? 'teal' : 'gray'} tt="none" data-testid="tenant-api-state">
            {running ? 'Running' : 'Stopped'}
          </Badge>
        ) : (
          <Text size="sm" c="dimmed" data-testid="tenant-api-state-hidden">
            {mayRead ? 'Reading its state…' : 'Its state is shown to admins.'}
          </Text>
        )}
        {running && status?.url && (
          <Text size="sm">
            at <Code data-testid="tenant-api-url">{status.url}</Code> as <b>{status.operator}</b> ·{' '}
            <Anchor size="sm" href={`${status.url}/api/openapi.json`} target="_blank" rel="noreferrer">
              OpenAPI
            </Anchor>
          </Text>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        For the sign-up website and the ERP: calls with an API key (Operators → API keys), acting as you, with your role’s rights. This computer only; to serve it on the
        network with TLS, use <Code>tenantctl api serve --listen … --tls-cert … --tls-key …</Code>.
      </Text>
      <Group gap="sm" align="flex-end" wrap="nowrap">
        <TextInput
          label="Listen on"
          value={listen}
          onChange={(event) => setListen(event.currentTarget.value)}
          disabled={running}
          style={{ flex: 1, maxWidth: 240 }}
          data-testid="tenant-api-listen"
        />
        <BlockedAction reason={blocked} testId="tenant-api-toggle-blocked">
          <Button
            variant={running ? 'default' : 'light'}
            leftSection={running ? <IconPlayerStop size={16} /> : <IconPlayerPlay size={16} />}
            loading={busy}
            disabled={blocked !== null}
            onClick={() => void toggle()}
            data-testid="tenant-api-toggle"
          >
            {running ? 'Stop' : 'Start'}
          </Button>
        </BlockedAction>
      </Group>
    </Stack>
  );
}
