import { Alert, Badge, Button, Code, Group, Skeleton, Stack, Text } from '@mantine/core';
import { IconRefresh, IconShieldCheck } from '@tabler/icons-react';
import type { ServerCheckFinding } from '../../../src-shared/contract/server-check-channels';
import { api } from '../../api/client';
import { LoadErrorAlert } from '../../components/LoadErrorAlert';
import { useQuery } from '../../lib/use-query';

const SEVERITY_COLORS: Readonly<Record<ServerCheckFinding['severity'], string>> = { high: 'red', medium: 'orange', low: 'gray' };

const CHECK_LABELS: Readonly<Record<ServerCheckFinding['check'], string>> = {
  'public-connect': 'Database open to PUBLIC',
  'hba-trust': 'Trust authentication',
  'role-settings': 'Tenant changed its role settings',
  'role-password': 'Tenant changed its password',
};

/**
 * The server check (also `tenantctl doctor`): databases every tenant role may connect to,
 * trust lines in pg_hba.conf, and tenant roles that changed their own settings or password.
 * Read-only; each finding says what, why, and the fix to run.
 */
export function ServerCheckCard() {
  const check = useQuery(() => api().call('settings:serverCheck', {}), []);
  const report = check.value;

  if (check.error !== null && !check.loading) {
    return <LoadErrorAlert title="The server check could not run" message={check.error} onRetry={check.reload} data-testid="server-check-error" />;
  }
  if (!report) return <Skeleton h={96} data-testid="server-check-loading" />;
  return (
    <Stack gap="md" data-testid="server-check">
      {report.ok ? (
        <Alert color="teal" variant="light" icon={<IconShieldCheck size={18} />} title="No findings" data-testid="server-check-empty">
          <Text size="sm">No database is open to PUBLIC, pg_hba.conf has no trust line, and no tenant role changed its own password or settings.</Text>
        </Alert>
      ) : (
        <Stack gap="sm" data-testid="server-check-findings">
          <Text size="sm" fw={600}>
            {report.findings.length} finding{report.findings.length === 1 ? '' : 's'} on this server
          </Text>
          {report.findings.map((finding, index) => (
            <FindingRow key={`${finding.check}|${finding.subject}|${index}`} finding={finding} />
          ))}
        </Stack>
      )}
      <Group justify="flex-end">
        <Button variant="default" size="xs" leftSection={<IconRefresh size={14} />} onClick={check.reload} loading={check.loading} data-testid="server-check-rerun">
          Check again
        </Button>
      </Group>
    </Stack>
  );
}

function FindingRow({ finding }: { finding: ServerCheckFinding }) {
  return (
    <Stack gap={6} p="sm" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-sm)' }} data-testid="server-check-finding">
      <Group gap="xs" wrap="wrap">
        <Badge color={SEVERITY_COLORS[finding.severity]} variant="light" size="sm" style={{ flexShrink: 0 }} data-testid="server-check-severity">
          {finding.severity}
        </Badge>
        <Text size="sm" fw={600}>
          {CHECK_LABELS[finding.check]}
        </Text>
        <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {finding.subject}
        </Text>
      </Group>
      <Text size="sm">{finding.message}</Text>
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <Text size="xs" c="dimmed" fw={600} mt={6} style={{ flexShrink: 0 }}>
          Fix
        </Text>
        <Code block style={{ flex: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {finding.fix}
        </Code>
      </Group>
    </Stack>
  );
}
