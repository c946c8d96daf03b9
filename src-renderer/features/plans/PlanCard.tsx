import { useState } from 'react';
import { Badge, Button, Divider, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconArrowsExchange, IconCalendarEvent, IconPencil } from '@tabler/icons-react';
import type { PlanVersion } from '../../../src-shared/contract/plan-models';
import { formatCount, formatDate, formatLimit, formatMoney, formatPrice } from '../../lib/format';
import { useActionBlocks } from '../../store/action-block';
import type { PlanFamily } from '../../store/plans-store';
import { BlockedAction } from '../offline/BlockedAction';
import { EditPlanModal } from './EditPlanModal';
import { MoveTenantsModal } from './MoveTenantsModal';
import { SchedulePriceChangeModal } from './SchedulePriceChangeModal';
import classes from './PlanCard.module.css';

const limitsOf = (v: PlanVersion) => `${formatLimit(v.limits.companies)} · ${formatLimit(v.limits.usersPerCompany)} · ${formatLimit(v.limits.transactionsPerMonth)}`;

/** One plan: its current version's terms, every version with its tenants, and the two actions. */
export function PlanCard({ family, onPriceChangeScheduled, hasOpenPriceChange = false }: { family: PlanFamily; onPriceChangeScheduled?: () => void; hasOpenPriceChange?: boolean }) {
  const blockOf = useActionBlocks();
  const moveBlocked = blockOf('plans:moveTenants');
  const editBlocked = blockOf('plans:update');
  const [editing, setEditing] = useState(false);
  const [moving, setMoving] = useState(false);
  const [scheduling, setScheduling] = useState(false);
  const scheduleBlocked = blockOf('priceChanges:schedule');
  const { current } = family;
  const total = family.versions.reduce((sum, v) => sum + v.tenantCount, 0);

  return (
    <Paper withBorder radius="lg" p="lg" component="section" aria-label={`Plan ${current.name}`} data-testid={`plan-card-${family.code}`}>
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Group gap="xs">
              <Title order={3} size="h4">
                {current.name}
              </Title>
              <Badge variant="light" tt="none" data-testid={`plan-version-${family.code}`}>
                v{current.version}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed" ff="monospace">
              {family.code}
            </Text>
          </div>
          <div style={{ textAlign: 'right' }}>
            <Text fw={650} size="lg" className="tabular">
              {formatPrice(current)}
            </Text>
            <Text size="xs" c="dimmed" data-testid={`plan-tenants-${family.code}`}>
              {formatCount(total)} {total === 1 ? 'tenant' : 'tenants'}
              {family.grandfathered > 0 && ` · ${formatCount(family.grandfathered)} on older versions`}
            </Text>
          </div>
        </Group>

        <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm" verticalSpacing="sm">
          <Term label="Companies" value={formatLimit(current.limits.companies)} />
          <Term label="Users per company" value={formatLimit(current.limits.usersPerCompany)} testId={`plan-users-${family.code}`} />
          <Term label="Transactions / month" value={formatLimit(current.limits.transactionsPerMonth)} />
          <Term label="Trial" value={current.trialDays === null ? 'None' : `${current.trialDays} days`} />
          <Term label="Overage" value={current.overagePriceCents === null ? 'None' : `${formatMoney(current.overagePriceCents, current.currency)} / unit`} />
          <Term label="Support" value={current.supportLevel} />
          <Term label="Database connections" value={formatCount(current.connectionLimit)} testId={`plan-connections-${family.code}`} />
        </SimpleGrid>

        <Divider label="Versions" labelPosition="left" />
        <Table verticalSpacing={4} fz="sm" className={classes.versions} data-testid={`plan-versions-${family.code}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Version</Table.Th>
              <Table.Th>Since</Table.Th>
              <Table.Th>Price</Table.Th>
              <Table.Th title="Companies · users per company · transactions a month">Limits</Table.Th>
              <Table.Th ta="right">Tenants</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {family.versions.map((v) => (
              <Table.Tr key={v.version} data-testid={`plan-version-row-${family.code}-${v.version}`}>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm" fw={v.isCurrent ? 600 : 400}>
                      v{v.version}
                    </Text>
                    {v.isCurrent ? (
                      <Badge size="xs" variant="light" color="teal" className={classes.badge}>
                        current
                      </Badge>
                    ) : v.tenantCount > 0 ? (
                      <Badge size="xs" variant="light" color="gray" className={classes.badge}>
                        grandfathered
                      </Badge>
                    ) : null}
                  </Group>
                </Table.Td>
                <Table.Td c="dimmed">{formatDate(v.createdAt)}</Table.Td>
                <Table.Td className="tabular">{formatPrice(v)}</Table.Td>
                <Table.Td className={`tabular ${classes.wrap}`}>{limitsOf(v)}</Table.Td>
                <Table.Td ta="right" className="tabular" data-testid="version-tenant-count">
                  {formatCount(v.tenantCount)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>

        <Group justify="flex-end" gap="sm">
          <BlockedAction reason={scheduleBlocked} testId={`plan-schedule-blocked-${family.code}`}>
            <Button
              variant="default"
              leftSection={<IconCalendarEvent size={16} />}
              onClick={() => setScheduling(true)}
              disabled={family.grandfathered === 0 || hasOpenPriceChange || scheduleBlocked !== null}
              title={hasOpenPriceChange ? 'A price change is already scheduled for this plan.' : family.grandfathered === 0 ? 'Every tenant is on the current version.' : undefined}
              data-testid={`plan-schedule-${family.code}`}
            >
              Schedule price change…
            </Button>
          </BlockedAction>
          <BlockedAction reason={moveBlocked} testId={`plan-move-blocked-${family.code}`}>
            <Button
              variant="default"
              leftSection={<IconArrowsExchange size={16} />}
              onClick={() => setMoving(true)}
              disabled={family.grandfathered === 0 || moveBlocked !== null}
              title={family.grandfathered === 0 ? 'Every tenant is on the current version.' : undefined}
              data-testid={`plan-move-${family.code}`}
            >
              Move tenants to v{current.version}…
            </Button>
          </BlockedAction>
          <BlockedAction reason={editBlocked} testId={`plan-edit-blocked-${family.code}`}>
            <Button leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)} disabled={editBlocked !== null} data-testid={`plan-edit-${family.code}`}>
              Edit plan
            </Button>
          </BlockedAction>
        </Group>
      </Stack>
      {/* Mounted only while open: one card's modal never shadows another's. */}
      {editing && <EditPlanModal plan={current} grandfathered={family.grandfathered} opened onClose={() => setEditing(false)} />}
      {moving && <MoveTenantsModal plan={current} opened onClose={() => setMoving(false)} />}
      {scheduling && <SchedulePriceChangeModal plan={current} onClose={() => setScheduling(false)} onScheduled={() => onPriceChangeScheduled?.()} />}
    </Paper>
  );
}

function Term({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={500} className="tabular" data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}
