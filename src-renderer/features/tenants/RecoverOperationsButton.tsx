import { useState } from 'react';
import { Button, Tooltip } from '@mantine/core';
import { IconLifebuoy } from '@tabler/icons-react';
import { api } from '../../api/client';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useActionBlock } from '../../store/action-block';
import { BlockedAction } from '../offline/BlockedAction';
import { invalidate } from '../../store/invalidation';

/**
 * Reconcile on demand: finishes operations a crash interrupted (the console also does this
 * at start-up). Safe to press at any time — operations still running are left alone.
 */
export function RecoverOperationsButton() {
  const [busy, setBusy] = useState(false);
  const blocked = useActionBlock('tenants:reconcile');

  const run = async () => {
    setBusy(true);
    try {
      const report = await api().call('tenants:reconcile', {});
      const finished = report.rolledBack.length + report.resumed.length;
      if (report.failed.length > 0) {
        notifyError('Some interrupted operations could not be finished', new Error(report.failed.map((f) => `${f.kind} ${f.tenantCode}: ${f.message}`).join('\n')));
      } else if (finished === 0) {
        notifySuccess('Nothing to recover', report.skippedInProgress > 0 ? `${report.skippedInProgress} operation(s) are still running.` : 'No operation was interrupted.');
      } else {
        notifySuccess('Interrupted operations finished', `${report.rolledBack.length} rolled back, ${report.resumed.length} completed.`);
      }
      invalidate({ event: 'tenants:reconciled' });
    } catch (error) {
      notifyError('Recovery failed', error);
    } finally {
      setBusy(false);
    }
  };

  if (blocked) {
    return (
      <BlockedAction reason={blocked} testId="reconcile-blocked">
        <Button variant="default" leftSection={<IconLifebuoy size={18} stroke={1.8} />} disabled data-testid="reconcile">
          Recover
        </Button>
      </BlockedAction>
    );
  }
  return (
    <Tooltip label="Finish or roll back operations a crash interrupted" withArrow>
      <Button variant="default" leftSection={<IconLifebuoy size={18} stroke={1.8} />} loading={busy} onClick={() => void run()} data-testid="reconcile">
        Recover
      </Button>
    </Tooltip>
  );
}
