import { useState } from 'react';
import { Alert, Button, Group, Loader, NumberInput, ScrollArea, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { PlanVersion } from '../../../src-shared/contract/plan-models';
import { PRICE_CHANGE_MAX_NOTICE_DAYS } from '../../../src-shared/contract/price-change-channels';
import { api } from '../../api/client';
import { Modal } from '../../components/Modal';
import { notifyError } from '../../lib/notify';
import { queryState, useQuery } from '../../lib/use-query';
import { useActionBlock } from '../../store/action-block';
import { BlockedAction } from '../offline/BlockedAction';

const DAY_MS = 86_400_000;
const isoDay = (at: number) => new Date(at).toISOString().slice(0, 10);

/**
 * Announces a move of the plan's grandfathered tenants to its current version: the date, the
 * notice lead, and main's preview of each tenant's price now and from the date (with the
 * limits it would be over). Main decides whether the date leaves room for the notice.
 */
export function SchedulePriceChangeModal({ plan, onClose, onScheduled }: { plan: PlanVersion; onClose: () => void; onScheduled: () => void }) {
  const blocked = useActionBlock('priceChanges:schedule');
  const [date, setDate] = useState(() => isoDay(Date.now() + 45 * DAY_MS));
  const [noticeDays, setNoticeDays] = useState<number>(30);
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const preview = queryState(useQuery(() => api().call('priceChanges:preview', { code: plan.code }), [plan.code]));
  const rows = preview.status === 'ready' ? preview.value.tenants : [];
  const dateOk = /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(date));
  const noticeOn = dateOk ? isoDay(Date.parse(date) - noticeDays * DAY_MS) : null;

  async function schedule() {
    setSaving(true);
    try {
      await api().call('priceChanges:schedule', { code: plan.code, at: new Date(`${date}T00:00:00Z`).toISOString(), noticeDays, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      onScheduled();
      onClose();
    } catch (error) {
      notifyError(`The price change of ${plan.name} was not scheduled`, error);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={<Text fw={650}>Schedule a price change: {plan.name} v{plan.version}</Text>} size="xl" data-testid="schedule-price-change-modal">
      <Stack gap="md">
        <Text size="sm">
          The tenants on older versions of {plan.name} move to version {plan.version} on the date (UTC). Each gets one e-mail {noticeDays} day{noticeDays === 1 ? '' : 's'} before
          {noticeOn ? `, on ${noticeOn}` : ''}; nobody is moved without it. Cancel any time before the date.
        </Text>
        <Group grow align="flex-start">
          <TextInput type="date" label="Move on" value={date} onChange={(event) => setDate(event.currentTarget.value)} error={dateOk ? null : 'Pick a date.'} data-testid="schedule-date" />
          <NumberInput
            label="Notice days before"
            min={0}
            max={PRICE_CHANGE_MAX_NOTICE_DAYS}
            allowDecimal={false}
            value={noticeDays}
            onChange={(value) => setNoticeDays(typeof value === 'number' ? value : 0)}
            data-testid="schedule-notice-days"
          />
        </Group>
        {preview.status === 'loading' ? (
          <Group gap="xs" justify="center" py="md">
            <Loader size="sm" />
            <Text size="sm" c="dimmed">
              Reading each tenant against the new version…
            </Text>
          </Group>
        ) : preview.status === 'error' ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="The change could not be previewed">
            {preview.message}
          </Alert>
        ) : (
          <ScrollArea.Autosize mah={300}>
            <Table verticalSpacing="xs" data-testid="schedule-preview">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Tenant</Table.Th>
                  <Table.Th>From</Table.Th>
                  <Table.Th>Price now</Table.Th>
                  <Table.Th>From the date</Table.Th>
                  <Table.Th>New limits</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr key={row.tenantCode} data-testid={`schedule-row-${row.tenantCode}`}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {row.companyName}
                      </Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {row.tenantCode}
                      </Text>
                    </Table.Td>
                    <Table.Td>v{row.from.version}</Table.Td>
                    <Table.Td className="tabular">{row.fromPrice.words}</Table.Td>
                    <Table.Td className="tabular" fw={600}>
                      {row.toPrice.words}
                    </Table.Td>
                    <Table.Td>
                      {row.problem ? (
                        <Text size="sm" c="red">
                          {row.problem}
                        </Text>
                      ) : row.violations.length === 0 ? (
                        <Text size="sm" c="teal">
                          Fits
                        </Text>
                      ) : (
                        <Text size="sm" c="orange">
                          {row.violations.map((v) => v.message).join('; ')} (moved anyway: new inserts over a limit are refused)
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        )}
        <TextInput label="Reason (optional)" placeholder="e.g. Price list 2027" value={reason} onChange={(event) => setReason(event.currentTarget.value)} data-testid="schedule-reason" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={saving}>
            Cancel
          </Button>
          <BlockedAction reason={blocked} testId="schedule-submit-blocked">
            <Button onClick={() => void schedule()} loading={saving} disabled={!dateOk || rows.length === 0 || blocked !== null} data-testid="schedule-submit">
              Schedule for {rows.length} {rows.length === 1 ? 'tenant' : 'tenants'}
            </Button>
          </BlockedAction>
        </Group>
      </Stack>
    </Modal>
  );
}
