import { Alert, Button, Group, Progress, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import type { ServerConnections } from '../../../src-shared/contract/server-channels';
import { api } from '../../api/client';
import { LoadErrorAlert } from '../../components/LoadErrorAlert';
import { formatCount } from '../../lib/format';
import { useQuery } from '../../lib/use-query';

/**
 * Connections per PostgreSQL server: sessions open against max_connections, the slots kept
 * for the console (no tenant can take them), and the tenants holding the most sessions
 * against their plan's connection limit. A reading, not a live feed: Refresh reads again.
 */
export function ServerConnectionsCard() {
  const servers = useQuery(() => api().call('servers:connections', {}), []);

  if (servers.error !== null && !servers.loading) {
    return <LoadErrorAlert title="Connections could not be read" message={servers.error} onRetry={servers.reload} data-testid="server-connections-error" />;
  }
  if (!servers.value) return <Skeleton h={120} data-testid="server-connections-loading" />;
  return (
    <Stack gap="lg" data-testid="server-connections">
      {servers.value.map((server) => (
        <ServerFigures key={server.serverId} server={server} />
      ))}
      <Group justify="flex-end">
        <Button variant="default" size="xs" leftSection={<IconRefresh size={14} />} onClick={servers.reload} loading={servers.loading} data-testid="server-connections-refresh">
          Refresh
        </Button>
      </Group>
    </Stack>
  );
}

function ServerFigures({ server }: { server: ServerConnections }) {
  const tenantSlots = Math.max(server.maxConnections - server.reservedForConsole, 0);
  const percent = (value: number) => (server.maxConnections > 0 ? (100 * value) / server.maxConnections : 0);
  const others = Math.max(server.used - server.usedByTenants - server.usedByConsole, 0);
  return (
    <Stack gap="xs" data-testid={`server-connections-${server.name}`}>
      <Group justify="space-between" align="baseline">
        <Text fw={600} size="sm">
          {server.name} <Text span c="dimmed" size="xs">({server.kind})</Text>
        </Text>
        <Text size="sm" className="tabular" data-testid="connections-used">
          {formatCount(server.used)} / {formatCount(server.maxConnections)} in use
        </Text>
      </Group>
      <Progress.Root size="lg" aria-label="Connections in use">
        <Progress.Section value={percent(server.usedByTenants)} color="blue" title="Tenants" />
        <Progress.Section value={percent(server.usedByConsole)} color="teal" title="This console" />
        <Progress.Section value={percent(others)} color="gray" title="Other" />
      </Progress.Root>
      <Text size="xs" c="dimmed" className="tabular" data-testid="connections-breakdown">
        Tenants {formatCount(server.usedByTenants)} · console {formatCount(server.usedByConsole)} · other {formatCount(others)} ·{' '}
        <span data-testid="connections-reserved">{formatCount(server.reservedForConsole)} reserved for the console</span> · tenants may use{' '}
        {formatCount(tenantSlots)} · their limits add up to {formatCount(server.tenantLimitSum)}
      </Text>
      {server.warning && (
        <Alert variant="light" color="orange" icon={<IconAlertTriangle size={16} />} data-testid="connections-warning">
          {server.warning}
        </Alert>
      )}
      {server.topTenants.length === 0 ? (
        <Text size="xs" c="dimmed" data-testid="connections-no-tenants">
          No tenant has a session open.
        </Text>
      ) : (
        <Table withTableBorder fz="xs" verticalSpacing={4} data-testid="connections-top-tenants">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Tenant</Table.Th>
              <Table.Th ta="right">Sessions</Table.Th>
              <Table.Th ta="right">Plan limit</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {server.topTenants.map((tenant) => (
              <Table.Tr key={tenant.tenantCode} data-testid={`connections-tenant-${tenant.tenantCode}`}>
                <Table.Td ff="monospace">{tenant.tenantCode}</Table.Td>
                <Table.Td ta="right" className="tabular" c={tenant.limit >= 0 && tenant.used >= tenant.limit ? 'red' : undefined}>
                  {formatCount(tenant.used)}
                </Table.Td>
                <Table.Td ta="right" className="tabular">
                  {tenant.limit < 0 ? 'Unlimited' : formatCount(tenant.limit)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
