import { Alert, List, Text } from '@mantine/core';
import { IconAlertTriangle, IconShieldCheck } from '@tabler/icons-react';
import type { ChainReportInfo } from '../../../src-shared/contract/audit-models';
import { formatCount } from '../../lib/format';
import { useAuditStore } from '../../store/audit-store';

function Breaks({ report, where }: { report: ChainReportInfo; where: string }) {
  return (
    <>
      <Text size="sm" fw={600}>
        {where}: the chain is broken.
      </Text>
      <List size="sm" spacing={2} data-testid="verify-breaks">
        {report.breaks.map((entry) => (
          <List.Item key={`${entry.kind}-${entry.seq}`}>
            Event {entry.seq} {entry.kind}: {entry.message}
          </List.Item>
        ))}
        {report.moreBreaks && <List.Item>…and more.</List.Item>}
      </List>
    </>
  );
}

/** The answer of "Verify chain": ok with how much was checked, or which event broke and how. */
export function VerifyResult() {
  const { result, error } = useAuditStore((state) => state.verify);
  if (error) {
    return (
      <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="The chain could not be verified" data-testid="verify-result" data-ok="false">
        {error}
      </Alert>
    );
  }
  if (!result) return null;
  const ok = result.local.ok && (result.platform?.ok ?? true);
  return (
    <Alert
      color={ok ? 'teal' : 'red'}
      variant="light"
      icon={ok ? <IconShieldCheck size={18} /> : <IconAlertTriangle size={18} />}
      title={ok ? 'Chain verified — no event was edited, deleted, inserted or reordered' : 'The audit chain is broken'}
      withCloseButton
      onClose={() => useAuditStore.setState({ verify: { running: false, result: null, error: null } })}
      data-testid="verify-result"
      data-ok={ok ? 'true' : 'false'}
    >
      {result.local.ok ? (
        <Text size="sm">This console&apos;s log: {formatCount(result.local.checked)} events intact.</Text>
      ) : (
        <Breaks report={result.local} where="This console's log" />
      )}
      {result.platform && (result.platform.ok ? <Text size="sm">Its copy in the platform database: {formatCount(result.platform.checked)} events intact.</Text> : <Breaks report={result.platform} where="The platform copy" />)}
      {result.platformProblem && (
        <Text size="sm" c="dimmed">
          {result.platformProblem}
        </Text>
      )}
    </Alert>
  );
}
