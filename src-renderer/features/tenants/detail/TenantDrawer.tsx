import { LoadErrorAlert } from '../../../components/LoadErrorAlert';
import { useState, type ReactNode } from 'react';
import {
  ActionIcon,
  Alert,
  Box,
  Button,
  Code,
  CopyButton,
  DataList,
  Drawer,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import {
  IconAlertTriangle,
  IconBan,
  IconCheck,
  IconCopy,
  IconPlayerPause,
  IconPlayerPlay,
  IconRefresh,
} from '@tabler/icons-react';
import type { TenantDetail } from '../../../../src-shared/contract/models';
import { statusActionProblem, type StatusAction } from '../../../../src-shared/domain/status';
import { formatDateTime, formatLimit, formatRelative } from '../../../lib/format';
import { useReferenceStore } from '../../../store/reference-store';
import { useTenantDetailStore } from '../../../store/tenant-detail-store';
import { PlanBadge, StatusBadge } from '../badges';
import { DetailSection } from './DetailSection';
import { StatusActionModal } from './StatusActionModals';
import { TenantActivity } from './TenantActivity';

export function TenantDrawer() {
  const selectedCode = useTenantDetailStore((state) => state.selectedCode);
  const detail = useTenantDetailStore((state) => state.detail);
  const status = useTenantDetailStore((state) => state.status);
  const error = useTenantDetailStore((state) => state.error);
  const { close, reload } = useTenantDetailStore.getState();
  const [action, setAction] = useState<{ kind: StatusAction; opened: boolean }>({ kind: 'suspend', opened: false });

  const tenant = detail && detail.tenantCode === selectedCode ? detail : null;

  return (
    <>
      <Drawer
        opened={selectedCode !== null}
        onClose={close}
        position="right"
        size={580}
        padding="lg"
        closeOnEscape={!action.opened}
        title={<DrawerTitle tenant={tenant} code={selectedCode} />}
        data-testid="tenant-drawer"
      >
        {tenant ? (
          <TenantDetailBody
            tenant={tenant}
            refreshing={status === 'loading'}
            onAction={(kind) => setAction({ kind, opened: true })}
            onReload={() => void reload()}
          />
        ) : status === 'error' ? (
          <LoadErrorAlert title="The tenant could not be loaded" message={error} onRetry={() => void reload()} data-testid="tenant-detail-error" />
        ) : (
          <DetailSkeleton />
        )}
      </Drawer>
      {tenant && (
        <StatusActionModal
          action={action.kind}
          opened={action.opened}
          tenant={tenant}
          onClose={() => setAction((current) => ({ ...current, opened: false }))}
        />
      )}
    </>
  );
}

function DrawerTitle({ tenant, code }: { tenant: TenantDetail | null; code: string | null }) {
  return (
    <Box>
      <Title order={3} size="h4" data-testid="detail-company">
        {tenant?.companyName ?? code ?? ''}
      </Title>
      {tenant && (
        <Text size="sm" c="dimmed" ff="monospace" data-testid="detail-code">
          {tenant.tenantCode}
        </Text>
      )}
    </Box>
  );
}

const ACTIONS: ReadonlyArray<{ kind: StatusAction; label: string; color: string; icon: ReactNode; variant: string }> = [
  { kind: 'suspend', label: 'Suspend', color: 'orange', icon: <IconPlayerPause size={16} />, variant: 'light' },
  { kind: 'activate', label: 'Activate', color: 'green', icon: <IconPlayerPlay size={16} />, variant: 'filled' },
  { kind: 'cancel', label: 'Cancel tenant', color: 'red', icon: <IconBan size={16} />, variant: 'subtle' },
];

function TenantDetailBody({
  tenant,
  refreshing,
  onAction,
  onReload,
}: {
  tenant: TenantDetail;
  refreshing: boolean;
  onAction: (kind: StatusAction) => void;
  onReload: () => void;
}) {
  const baseDomain = useReferenceStore((state) => state.settings?.baseDomain ?? '');
  const available = ACTIONS.filter((entry) => statusActionProblem(entry.kind, tenant.status) === null);

  return (
    <Stack gap="lg" data-testid="tenant-detail" data-status={tenant.status} data-version={tenant.version}>
      <Group justify="space-between" align="center" wrap="nowrap">
        <Group gap="xs">
          <StatusBadge status={tenant.status} size="lg" data-testid="detail-status" />
          <PlanBadge plan={tenant.plan} size="lg" />
        </Group>
        <Group gap={6} wrap="nowrap">
          <Text size="xs" c="dimmed">
            Updated {formatRelative(tenant.updatedAt)}
          </Text>
          <Tooltip label="Reload">
            <ActionIcon variant="subtle" color="gray" aria-label="Reload tenant" loading={refreshing} onClick={onReload}>
              <IconRefresh size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>

      {available.length > 0 && (
        <Group gap="xs" data-testid="detail-actions">
          {available.map((entry) => (
            <Button
              key={entry.kind}
              color={entry.color}
              variant={entry.variant}
              leftSection={entry.icon}
              onClick={() => onAction(entry.kind)}
              data-testid={`action-${entry.kind}`}
            >
              {entry.label}
            </Button>
          ))}
        </Group>
      )}

      {available.length === 0 && (
        <Text size="sm" c="dimmed">
          No status change is possible while the tenant is {tenant.status}.
        </Text>
      )}

      {(tenant.status === 'suspended' || tenant.status === 'cancelled') && (
        <Alert
          variant="light"
          color={tenant.status === 'suspended' ? 'red' : 'gray'}
          icon={<IconAlertTriangle size={18} />}
          title={tenant.status === 'suspended' ? 'Suspended — the tenant cannot log in' : 'Cancelled — deletion scheduled'}
          data-testid="detail-status-alert"
        >
          <Text size="sm" data-testid="detail-status-reason">
            {tenant.statusReason ?? 'No reason was recorded.'}
          </Text>
          {tenant.deletionScheduledAt && (
            <Text size="sm" mt={4}>
              The database will be deleted {formatRelative(tenant.deletionScheduledAt)} ({formatDateTime(tenant.deletionScheduledAt)}).
            </Text>
          )}
        </Alert>
      )}

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

      <TenantActivity tenantCode={tenant.tenantCode} />
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

function DetailSkeleton() {
  return (
    <Stack gap="lg" data-testid="tenant-detail-loading">
      <Group justify="space-between">
        <Skeleton h={26} w={180} />
        <Skeleton h={32} w={160} />
      </Group>
      {[0, 1, 2].map((index) => (
        <Skeleton key={index} h={130} radius="md" />
      ))}
    </Stack>
  );
}
