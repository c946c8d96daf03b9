import { ActionIcon, Alert, Box, Button, Code, CopyButton, Group, Paper, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy, IconLink } from '@tabler/icons-react';
import type { TenantCredentials, TenantDetail } from '../../../../src-shared/contract/models';
import { useReferenceStore } from '../../../store/reference-store';
import { PlanBadge, StatusBadge } from '../badges';
import { StepList, type ProgressEvent } from './ProvisioningView';

interface CredentialsViewProps {
  readonly tenant: TenantDetail;
  readonly credentials: TenantCredentials;
  readonly steps: readonly ProgressEvent[];
  readonly elapsedMs: number;
  readonly onOpenTenant: () => void;
  readonly onDone: () => void;
}

/** postgresql://user:password@host:port/database, every part escaped. */
function connectionUrl(credentials: TenantCredentials): string {
  const host = credentials.host.includes(':') ? `[${credentials.host}]` : credentials.host;
  return `postgresql://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@${host}:${credentials.port}/${encodeURIComponent(credentials.database)}`;
}

export function CredentialsView({ tenant, credentials, steps, elapsedMs, onOpenTenant, onDone }: CredentialsViewProps) {
  const baseDomain = useReferenceStore((state) => state.settings?.baseDomain ?? '');

  return (
    <Stack gap="md" data-testid="credentials">
      <Paper withBorder p="md" radius="md">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Box>
            <Text fw={600} size="lg" data-testid="created-company">
              {tenant.companyName}
            </Text>
            <Text size="sm" c="dimmed">
              {tenant.subdomain}
              {baseDomain ? `.${baseDomain}` : ''} · <Code data-testid="created-code">{tenant.tenantCode}</Code>
            </Text>
          </Box>
          <Group gap={6} wrap="nowrap">
            <PlanBadge plan={tenant.plan} />
            <StatusBadge status={tenant.status} />
          </Group>
        </Group>
        {steps.length > 0 && (
          <Box mt="sm" pt="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
            <Text size="xs" c="dimmed" mb={8} data-testid="provisioned-summary">
              Provisioned in {(elapsedMs / 1000).toFixed(1)} s · {steps.length} {steps.length === 1 ? 'step' : 'steps'}
            </Text>
            <StepList steps={steps} compact />
          </Box>
        )}
      </Paper>

      <Alert
        color="yellow"
        variant="light"
        icon={<IconAlertTriangle size={18} />}
        title="Copy the password now — it is shown only once"
        data-testid="credentials-warning"
      >
        The console keeps no readable copy of this password. Store it in your password manager or hand it to the
        tenant over a secure channel; this window closes only when you say you have. A lost password can be
        replaced from the tenant's page (Reset database password).
      </Alert>

      <CredentialsTable credentials={credentials} />

      <Group justify="space-between" mt="xs">
        <CopyButton value={connectionUrl(credentials)} timeout={2000}>
          {({ copied, copy }) => (
            <Button
              variant="light"
              color={copied ? 'teal' : undefined}
              leftSection={copied ? <IconCheck size={16} /> : <IconLink size={16} />}
              onClick={copy}
              data-testid="copy-connection-url"
            >
              {copied ? 'Connection URL copied' : 'Copy connection URL'}
            </Button>
          )}
        </CopyButton>
        <Group gap="sm">
          <Button variant="default" onClick={onOpenTenant} data-testid="open-created-tenant">
            Stored — open tenant
          </Button>
          <Button onClick={onDone} leftSection={<IconCheck size={16} />} data-testid="credentials-done">
            I have stored it
          </Button>
        </Group>
      </Group>
    </Stack>
  );
}

/** Host, port, database, user and password, each with a copy button: shown once, by whoever has them. */
export function CredentialsTable({ credentials }: { credentials: TenantCredentials }) {
  const rows: ReadonlyArray<[string, string, string]> = [
    ['Host', credentials.host, 'host'],
    ['Port', String(credentials.port), 'port'],
    ['Database', credentials.database, 'database'],
    ['User', credentials.user, 'user'],
    ['Password', credentials.password, 'password'],
  ];
  return (
    <Table withTableBorder withColumnBorders={false} verticalSpacing={6} data-testid="credentials-table">
      <Table.Tbody>
        {rows.map(([label, value, key]) => (
          <Table.Tr key={key}>
            <Table.Td w={110}>
              <Text size="sm" c="dimmed">
                {label}
              </Text>
            </Table.Td>
            <Table.Td>
              <Code fz="sm" data-testid={`credential-${key}`} style={{ wordBreak: 'break-all' }}>
                {value}
              </Code>
            </Table.Td>
            <Table.Td w={48}>
              <CopyValue value={value} label={label} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function CopyValue({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value} timeout={2000}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : `Copy ${label.toLowerCase()}`} position="left">
          <ActionIcon
            variant="subtle"
            color={copied ? 'teal' : 'gray'}
            onClick={copy}
            aria-label={`Copy ${label.toLowerCase()}`}
            data-testid={`copy-${label.toLowerCase()}`}
          >
            {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}
