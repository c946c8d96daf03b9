import { useState } from 'react';
import { Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { PriceChangeSchedule } from '../../../src-shared/contract/price-change-models';
import { api } from '../../api/client';
import { Modal } from '../../components/Modal';
import { notifyError } from '../../lib/notify';
import { useActionBlock } from '../../store/action-block';
import { BlockedAction } from '../offline/BlockedAction';

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');
const STATE_COLOR = { scheduled: 'blue', done: 'teal', canceled: 'gray' } as const;

/** Announced price changes: each with its date, notice and tenants; an open one can be canceled (confirmed). */
export function PriceChangesCard({ schedules, onChanged }: { schedules: readonly PriceChangeSchedule[]; onChanged: () => void }) {
  const blocked = useActionBlock('priceChanges:cancel');
  const [confirming, setConfirming] = useState<PriceChangeSchedule | null>(null);
  const [canceling, setCanceling] = useState(false);

  async function cancel(schedule: PriceChangeSchedule) {
    setCanceling(true);
    try {
      await api().call('priceChanges:cancel', { id: schedule.id });
      setConfirming(null);
      onChanged();
    } catch (error) {
      notifyError('The price change was not canceled', error);
    } finally {
      setCanceling(false);
    }
  }

  return (
    <Paper withBorder radius="lg" p="lg" component="section" aria-label="Scheduled price changes" data-testid="price-changes-card">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Scheduled price changes
        </Title>
        {schedules.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="price-changes-none">
            None. Schedule one from a plan with tenants on older versions.
          </Text>
        ) : (
          <Table verticalSpacing="xs" data-testid="price-changes-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Plan</Table.Th>
                <Table.Th>Move on</Table.Th>
                <Table.Th>Notice</Table.Th>
                <Table.Th>Tenants</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {schedules.map((s) => {
                const noticed = s.tenants.filter((t) => t.noticedAt !== null).length;
                const moved = s.tenants.filter((t) => t.state === 'moved').length;
                const problems = s.tenants.filter((t) => t.lastError !== null);
                return (
                  <Table.Tr key={s.id} data-testid={`price-change-${s.id}`}>
                    <Table.Td>
                      {s.planName} → v{s.toVersion}
                    </Table.Td>
                    <Table.Td className="tabular">{day(s.moveAt)}</Table.Td>
                    <Table.Td className="tabular">
                      {s.noticeDays} d ({day(s.noticeAt)})
                    </Table.Td>
                    <Table.Td className="tabular" title={problems.map((t) => `${t.tenantCode}: ${t.lastError}`).join('\n') || undefined}>
                      {s.tenants.length} · {noticed} noticed · {moved} moved{problems.length > 0 ? ` · ${problems.length} with a note` : ''}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={STATE_COLOR[s.state]}>
                        {s.state}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="right">
                      {s.state === 'scheduled' && (
                        <BlockedAction reason={blocked} testId={`price-change-cancel-blocked-${s.id}`}>
                          <Button size="xs" variant="default" color="red" disabled={blocked !== null} onClick={() => setConfirming(s)} data-testid={`price-change-cancel-${s.planCode}`}>
                            Cancel…
                          </Button>
                        </BlockedAction>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      {confirming && (
        <Modal opened onClose={() => setConfirming(null)} title={<Text fw={650}>Cancel the price change of {confirming.planName}?</Text>} data-testid="price-change-cancel-dialog">
          <Stack gap="md">
            <Text size="sm">
              {confirming.tenants.length} {confirming.tenants.length === 1 ? 'tenant stays' : 'tenants stay'} on {confirming.tenants.length === 1 ? 'its' : 'their'} current version: no notice goes out
              after this and nobody is moved on {day(confirming.moveAt)}.
              {confirming.tenants.some((t) => t.noticedAt !== null) ? ' Notices already sent cannot be taken back.' : ''}
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(null)} disabled={canceling}>
                Keep it
              </Button>
              <Button color="red" loading={canceling} onClick={() => void cancel(confirming)} data-testid="price-change-cancel-confirm">
                Cancel the price change
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </Paper>
  );
}
