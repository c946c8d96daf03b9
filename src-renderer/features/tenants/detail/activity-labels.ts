import type { MantineColor } from '@mantine/core';
import {
  IconArchive,
  IconArrowBackUp,
  IconBan,
  IconDatabaseImport,
  IconDatabasePlus,
  IconFileZip,
  IconPlayerPause,
  IconPlayerPlay,
  IconPoint,
  IconTrash,
  IconX,
  type Icon,
} from '@tabler/icons-react';
import type { TenantOperation } from '../../../../src-shared/contract/models';

type OperationState = TenantOperation['state'];

interface KindLook {
  /** How a finished operation reads: "Suspended". */
  readonly done: string;
  /** What the operation is called when it did not finish: "Suspension failed". */
  readonly noun: string;
  readonly icon: Icon;
  readonly color: MantineColor;
}

// The colours of the drawer's action buttons, so an entry looks like the button that made it.
const KINDS: Readonly<Record<string, KindLook>> = {
  provision: { done: 'Provisioned', noun: 'Provisioning', icon: IconDatabasePlus, color: 'blue' },
  suspend: { done: 'Suspended', noun: 'Suspension', icon: IconPlayerPause, color: 'orange' },
  activate: { done: 'Activated', noun: 'Activation', icon: IconPlayerPlay, color: 'green' },
  cancel: { done: 'Cancelled', noun: 'Cancellation', icon: IconBan, color: 'red' },
  backup: { done: 'Backed up', noun: 'Backup', icon: IconArchive, color: 'blue' },
  restore: { done: 'Restored', noun: 'Restore', icon: IconDatabaseImport, color: 'violet' },
  export: { done: 'Exported', noun: 'Export', icon: IconFileZip, color: 'gray' },
  delete: { done: 'Deleted', noun: 'Deletion', icon: IconTrash, color: 'red' },
};

function kindLook(kind: string): KindLook {
  const known = KINDS[kind];
  if (known) return known;
  const name = kind ? `${kind[0]!.toUpperCase()}${kind.slice(1)}` : 'Operation';
  return { done: name, noun: name, icon: IconPoint, color: 'gray' };
}

export const STATE_LABELS: Readonly<Record<OperationState, string>> = {
  running: 'Running',
  done: 'Done',
  rolled_back: 'Rolled back',
  failed: 'Failed',
};

export const STATE_COLORS: Readonly<Record<OperationState, MantineColor>> = {
  running: 'blue',
  done: 'teal',
  rolled_back: 'yellow',
  failed: 'red',
};

interface OperationLook {
  readonly title: string;
  readonly icon: Icon;
  readonly color: MantineColor;
}

/** "Suspended — Unpaid invoice", "Provisioning rolled back", "Activation in progress". */
export function operationLook(operation: Pick<TenantOperation, 'kind' | 'state' | 'reason'>): OperationLook {
  const look = kindLook(operation.kind);
  const suffix = operation.reason ? ` — ${operation.reason}` : '';
  switch (operation.state) {
    case 'done':
      return { title: `${look.done}${suffix}`, icon: look.icon, color: look.color };
    case 'running':
      return { title: `${look.noun} in progress${suffix}`, icon: look.icon, color: 'blue' };
    case 'rolled_back':
      return { title: `${look.noun} rolled back${suffix}`, icon: IconArrowBackUp, color: 'yellow' };
    case 'failed':
      return { title: `${look.noun} failed${suffix}`, icon: IconX, color: 'red' };
  }
}
