import { useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Button, Checkbox, Group, List, Loader, ScrollArea, Stack, Table, Text, TextInput } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import type { MoveTenantsResult, PlanChangePreview, PlanVersion } from '../../../src-shared/contract/plan-models';
import { api } from '../../api/client';
import { queryState, useQuery } from '../../lib/use-query';
import { notifyError } from '../../lib/notify';
import { useActionBlock } from '../../store/action-block';
import { invalidate } from '../../store/invalidation';
import { useTenantDetailStore } from '../../store/tenant-detail-store';
import { BlockedAction } from '../offline/BlockedAction';

/**
 * Moves the grandfathered tenants of a plan to its current version: previews each tenant's
 * database against the new limits (main's exact numbers), lets the operator pick, and only
 * with Force moves those over the limits. Pinned to the version shown, so an edit made
 * meanwhile by someone else is not applied unseen.
 */
export function MoveTenantsModal({ plan, opened, onClose }: { plan: PlanVersion; opened: boolean; onClose: () => void }) {
  const blocked = useActionBlock('plans:moveTenants');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [force, setForce] = useState(false);
  const [reason, setReason] = useState('');
  const [moving, setMoving] = useState(false);
  const [result, setResult] = useState<MoveTenantsResult | null>(null);

  const query = useQuery(() => api().call('plans:previewMove', { code: plan.code, version: plan.version }), [opened, plan.code, plan.version], { enabled: opened });
  const preview = queryState(query);

  useEffect(() => {
    if (!opened) return;
    setForce(false);
    setReason('');
    setResult(null);
  }, [opened, plan.code, plan.version]);

  // Every readable tenant is proposed; an unreadable one cannot be checked, so it is left out.
  const answer = query.loading ? null : query.value;
  useEffect(() => {
    if (answer) setSelected(new Set(answer.filter((row) => row.problem === null).map((row) => row.tenantCode)));
  }, [answer]);

  const rows: readonly PlanChangePreview[] = preview.status === 'ready' ? preview.value : [];
  const chosen = rows.filter((row) => selected.has(row.tenantCode));
  const overChosen = chosen.filter((row) => row.violations.length > 0).length;
  const overTotal = rows.filter((row) => row.violations.length > 0).length;

  const toggle = (code: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(code);
      else next.delete(code);
      return next;
    });

  async function move() {
    setMoving(true);
    try {
      const outcome = await api().call('plans:moveTenants', {
        code: plan.code,
        version: plan.version,
        tenants: chosen.map((row) => row.tenantCode),
        force: force && overChosen > 0,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      setResult(outcome);
      invalidate({ event: 'plan:tenantsMoved', tenantCodes: outcome.moved.map((m) => m.tenantCode) });
    } catch (error) {
      notifyError(`Tenants were not moved to ${plan.name} v${plan.version}`, error);
    } finally {
      setMoving(false);
    }
  }

  const showTenant = (code: string) => {
    onClose();
    useTenantDetailStore.getState().open(code);
  };

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={<Text fw={650}>Move tenants to {plan.name} version {plan.version}</Text>}
      size="xl"
      data-testid="move-tenants-modal"
    >
      {result ? (
        <MoveResult result={result} onShowTenant={showTenant} onClose={onClose} />
      ) : preview.status === 'loading' ? (
        <Group gap="xs" py="lg" justify="center">
          <Loader size="sm" />
          <Text size="sm" c="dimmed">
            Reading every tenant database against the new limits…
          </Text>
        </Group>
      ) : preview.status === 'error' ? (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="The move could not be previewed">
          {preview.message}
        </Alert>
      ) : rows.length === 0 ? (
        <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} data-testid="move-none">
          Every tenant on {plan.name} is already on version {plan.version}.
        </Alert>
      ) : (
        <Stack gap="md">
          <Text size="sm">
            {rows.length} {rows.length === 1 ? 'tenant is' : 'tenants are'} on an older version.{' '}
            {overTotal === 0 ? 'All fit the new limits.' : `${overTotal} would be over the new limits (numbers read from their databases now).`}
          </Text>
          <ScrollArea.Autosize mah={340}>
            <Table verticalSpacing="xs" highlightOnHover data-testid="move-preview">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36} />
                  <Table.Th>Tenant</Table.Th>
                  <Table.Th>From</Table.Th>
                  <Table.Th>Against the new limits</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr key={row.tenantCode} data-testid={`move-row-${row.tenantCode}`}>
                    <Table.Td>
                      <Checkbox
                        aria-label={`Move ${row.companyName}`}
                        checked={selected.has(row.tenantCode)}
                        disabled={row.problem !== null}
                        onChange={(event) => toggle(row.tenantCode, event.currentTarget.checked)}
                        data-testid={`move-select-${row.tenantCode}`}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {row.companyName}
                      </Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {row.tenantCode}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color="gray">
                        v{row.from.version}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {row.problem ? (
                        <Text size="sm" c="red">
                          {row.problem}
                        </Text>
                      ) : row.violations.length === 0 ? (
                        <Text size="sm" c="teal" data-testid="move-fits">
                          Fits
                        </Text>
                      ) : (
                        <Stack gap={2}>
                          {row.violations.map((violation) => (
                            <Text key={`${violation.resource}-${violation.message}`} size="sm" c="orange" data-testid="move-violation">
                              {violation.message}
                            </Text>
                          ))}
                        </Stack>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
          {overChosen > 0 && (
            <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="move-over-alert">
              <Text size="sm">
                {overChosen} of the {chosen.length} chosen {overChosen === 1 ? 'is' : 'are'} over the new limits. Without Force {overChosen === 1 ? 'it stays on its' : 'they stay on their'}{' '}
                version; with Force the data stays and new inserts over a limit are refused.
              </Text>
              <Checkbox mt="sm" label="Force: also move the tenants over the new limits" checked={force} onChange={(event) => setForce(event.currentTarget.checked)} data-testid="move-force" />
            </Alert>
          )}
          <TextInput label="Reason (optional)" placeholder="e.g. New price list from July" value={reason} onChange={(event) => setReason(event.currentTarget.value)} data-testid="move-reason" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={moving}>
              Cancel
            </Button>
            <BlockedAction reason={blocked} testId="move-submit-blocked">
              <Button
                onClick={() => void move()}
                loading={moving}
                disabled={chosen.length === 0 || blocked !== null}
                color={force && overChosen > 0 ? 'orange' : undefined}
                data-testid="move-submit"
              >
                Move {chosen.length} {chosen.length === 1 ? 'tenant' : 'tenants'}
              </Button>
            </BlockedAction>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function MoveResult({ result, onShowTenant, onClose }: { result: MoveTenantsResult; onShowTenant: (code: string) => void; onClose: () => void }) {
  const forced = result.moved.filter((m) => m.forced).length;
  const clean = result.refused.length === 0 && result.failed.length === 0;
  return (
    <Stack gap="md" data-testid="move-result">
      <Alert
        color={clean ? 'teal' : 'orange'}
        variant="light"
        icon={clean ? <IconCircleCheck size={18} /> : <IconAlertTriangle size={18} />}
        title={`${result.moved.length} moved${forced > 0 ? ` (${forced} forced)` : ''}, ${result.refused.length} refused, ${result.failed.length} failed`}
        data-testid="move-result-summary"
      >
        {clean ? 'The new limits are in force in every moved tenant database.' : 'Refused and failed tenants stay on their version; nothing was half-applied.'}
      </Alert>
      {result.moved.length > 0 && <Outcome title="Moved" entries={result.moved.map((m) => ({ tenantCode: m.tenantCode, message: m.forced ? 'forced: over the new limits' : null }))} onShowTenant={onShowTenant} testId="move-result-moved" />}
      {result.refused.length > 0 && <Outcome title="Refused (over the new limits, not forced)" entries={result.refused} onShowTenant={onShowTenant} testId="move-result-refused" />}
      {result.failed.length > 0 && <Outcome title="Failed" entries={result.failed} onShowTenant={onShowTenant} testId="move-result-failed" />}
      <Group justify="flex-end">
        <Button onClick={onClose} data-testid="move-done">
          Done
        </Button>
      </Group>
    </Stack>
  );
}

function Outcome({ title, entries, onShowTenant, testId }: { title: string; entries: readonly { tenantCode: string; message: string | null }[]; onShowTenant: (code: string) => void; testId: string }) {
  return (
    <div data-testid={testId}>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" mb={4} style={{ letterSpacing: '0.05em' }}>
        {title}
      </Text>
      <List size="sm" spacing={2}>
        {entries.map((entry) => (
          <List.Item key={entry.tenantCode}>
            <Anchor component="button" type="button" size="sm" ff="monospace" onClick={() => onShowTenant(entry.tenantCode)}>
              {entry.tenantCode}
            </Anchor>
            {entry.message && (
              <Text span size="sm" c="dimmed">
                {' '}
                — {entry.message}
              </Text>
            )}
          </List.Item>
        ))}
      </List>
    </div>
  );
}
