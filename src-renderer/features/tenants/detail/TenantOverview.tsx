import { useEffect, type ReactNode } from 'react';
import { ActionIcon, Box, Code, CopyButton, DataList, Group, Paper, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import type { TenantDetail } from '../../../../src-shared/contract/models';
import { formatDateTime, formatLimit, formatRelative } from '../../../lib/format';
import { useReferenceStore } from '../../../store/reference-store';
import { useTenantPlanStore } from '../../../store/tenant-plan-store';
import type { LimitResource } from '../../../../src-shared/contract/plan-models';
import { StatusBadge } from '../badges';
import { DetailSection } from './DetailSection';
import { ResetPasswordButton } from './ResetPasswordButton';
import { OnboardingChecklist } from '../../onboarding/OnboardingChecklist';

/** The drawer's first tab: the tenant's plan, database, identity and dates at a glance. */
export function TenantOverview({ tenant }: { tenant: TenantDetail }) {
  const baseDomain = useReferenceStore((state) => state.settings?.baseDomain ?? '');
  const effective = useEffectiveLimits(tenant);
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
            <Limit label="Companies" plan={tenant.limits.companies} effective={effective?.companies} testId="limit-companies" />
            <Limit label="Users per company" plan={tenant.limits.usersPerCompany} effective={effective?.users} testId="limit-users" />
            <Limit label="Transactions / month" plan={tenant.limits.transactionsPerMonth} effective={effective?.transactions} testId="limit-transactions" />
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
          <Group justify="flex-end" mt="sm">
            <ResetPasswordButton tenant={tenant} />
          </Group>
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
        {tenant.status !== 'deleted' && <OnboardingChecklist tenant={tenant} />}
    </Stack>
  );
}

function dateWithRelative(iso: string | null): string {
  return iso ? `${formatDateTime(iso)} (${formatRelative(iso)})` : '—';
}

/**
 * The limits in force (plan, custom limits and allowances) as the tenant database has them;
 * undefined until read, or if it cannot be read (then the plan's limits are shown).
 */
function useEffectiveLimits(tenant: TenantDetail): Record<LimitResource, number | null> | undefined {
  const limits = useTenantPlanStore((state) => (state.tenantCode === tenant.tenantCode ? state.limits.value : null));
  useEffect(() => {
    useTenantPlanStore.getState().load(tenant.tenantCode, true);
  }, [tenant.tenantCode, tenant.version]);
  if (!limits || limits.plan !== tenant.plan || limits.planVersion !== tenant.planVersion) return undefined;
  const byResource = new Map(limits.resources.map((resource) => [resource.resource, resource.limit]));
  return { companies: byResource.get('companies') ?? null, users: byResource.get('users') ?? null, transactions: byResource.get('transactions') ?? null };
}

function Limit({ label, plan, effective, testId }: { label: string; plan: number | null; effective: number | null | undefined; testId: string }) {
  const value = effective === undefined ? plan : effective;
  const overridden = effective !== undefined && effective !== plan;
  return (
    <Paper p="sm" radius="md" bg="var(--mantine-color-default-hover)">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={650} size="lg" className="tabular" data-testid={testId}>
        {formatLimit(value)}
      </Text>
      {overridden && (
        <Text size="xs" c="dimmed" data-testid={`${testId}-plan`}>
          plan: {formatLimit(plan)} (override)
        </Text>
      )}
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

