import type { ReactNode } from 'react';
import { ActionIcon, Box, Code, CopyButton, DataList, Group, Paper, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import type { TenantDetail } from '../../../../src-shared/contract/models';
import { formatDateTime, formatLimit, formatRelative } from '../../../lib/format';
import { useReferenceStore } from '../../../store/reference-store';
import { StatusBadge } from '../badges';
import { DetailSection } from './DetailSection';

/** The drawer's first tab: the tenant's plan, database, identity and dates at a glance. */
export function TenantOverview({ tenant }: { tenant: TenantDetail }) {
  const baseDomain = useReferenceStore((state) => state.settings?.baseDomain ?? '');
  return (
    <Stack gap="lg" data-testid="tenant-overview">
        <DetailSection title="Plan and limits">
          <Group justify="space-between" mb="sm">
            <Text fw={600} data-testid="detail-plan-name">
              {tenant.planName}
            </Text>
            <Text size="xs" c="dimmed">
              plan version {tenant.planVersion}
            </Text>
          </Group>
          <SimpleGrid cols={3} spacing="sm">
            <Limit label="Companies" value={tenant.limits.companies} testId="limit-companies" />
            <Limit label="Users per company" value={tenant.limits.usersPerCompany} testId="limit-users" />
            <Limit label="Transactions / month" value={tenant.limits.transactionsPerMonth} testId="limit-transactions" />
          </SimpleGrid>
        </DetailSection>

        <DetailSection title="Database">
          <DataList orientation="horizontal" labelWidth={150} size="sm" withDivider>
            <Item label="Database" value={tenant.databaseName} copy mono testId="detail-database" />
            <Item label="Login role" value={tenant.dbRole} copy mono testId="detail-role" />
            <Item
              label="Server"
              value={`${tenant.server.host}:${tenant.server.port}`}
              hint={tenant.server.name}
              copy
              mono
              testId="detail-server"
            />
          </DataList>
        </DetailSection>

        <DetailSection title="Tenant">
          <DataList orientation="horizontal" labelWidth={150} size="sm" withDivider>
            <Item label="Tenant code" value={tenant.tenantCode} copy mono testId="detail-tenant-code" />
            <Item label="Address" value={baseDomain ? `${tenant.subdomain}.${baseDomain}` : tenant.subdomain} testId="detail-address" />
            <Item label="Admin email" value={tenant.adminEmail} copy testId="detail-email" />
          </DataList>
        </DetailSection>

        <DetailSection title="Status and dates">
          <DataList orientation="horizontal" labelWidth={150} size="sm" withDivider>
            <Item label="Status" value={<StatusBadge status={tenant.status} />} />
            <Item label="Status reason" value={tenant.statusReason ?? '—'} testId="detail-reason" />
            <Item label="Status changed" value={dateWithRelative(tenant.statusChangedAt)} testId="detail-status-changed" />
            <Item label="Trial ends" value={dateWithRelative(tenant.trialEndsAt)} testId="detail-trial-ends" />
            <Item label="Deletion scheduled" value={dateWithRelative(tenant.deletionScheduledAt)} testId="detail-deletion" />
            <Item label="Created" value={dateWithRelative(tenant.createdAt)} testId="detail-created" />
            <Item label="Updated" value={dateWithRelative(tenant.updatedAt)} testId="detail-updated" />
          </DataList>
        </DetailSection>

    </Stack>
  );
}

function dateWithRelative(iso: string | null): string {
  return iso ? `${formatDateTime(iso)} (${formatRelative(iso)})` : '—';
}

function Limit({ label, value, testId }: { label: string; value: number | null; testId: string }) {
  return (
    <Paper p="sm" radius="md" bg="var(--mantine-color-default-hover)">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={650} size="lg" className="tabular" data-testid={testId}>
        {formatLimit(value)}
      </Text>
    </Paper>
  );
}

function Item({
  label,
  value,
  hint,
  copy,
  mono,
  testId,
}: {
  label: string;
  value: ReactNode;
  hint?: string;
  copy?: boolean;
  mono?: boolean;
  testId?: string;
}) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue>
        <Group gap={6} wrap="nowrap" justify="space-between">
          <Box style={{ minWidth: 0 }}>
            {mono && typeof value === 'string' ? (
              <Code data-testid={testId}>{value}</Code>
            ) : (
              <Text size="sm" component="div" data-testid={testId} style={{ wordBreak: 'break-word' }}>
                {value}
              </Text>
            )}
            {hint && (
              <Text size="xs" c="dimmed">
                {hint}
              </Text>
            )}
          </Box>
          {copy && typeof value === 'string' && (
            <CopyButton value={value} timeout={1500}>
              {({ copied, copy: doCopy }) => (
                <Tooltip label={copied ? 'Copied' : `Copy ${label.toLowerCase()}`}>
                  <ActionIcon size="sm" variant="subtle" color={copied ? 'teal' : 'gray'} onClick={doCopy} aria-label={`Copy ${label.toLowerCase()}`}>
                    {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
          )}
        </Group>
      </DataList.ItemValue>
    </DataList.Item>
  );
}

