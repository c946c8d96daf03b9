import { useEffect, useRef } from 'react';
import { Badge, Box, Center, Loader, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { AuditEvent } from '../../../src-shared/contract/audit-models';
import { formatAuditTime, operatorRoleOf } from './audit-format';
import { OPERATOR_ROLE_LABELS } from '../../../src-shared/contract/operator-roles';
import { ROLE_COLORS } from '../operators/RoleBadge';
import { useAuditStore } from '../../store/audit-store';
import classes from './AuditList.module.css';

const ROW_HEIGHT = 40;
// Start fetching the next page this many rows before the end, so scrolling never waits.
const PREFETCH_ROWS = 60;

export function OutcomeBadge({ outcome }: { outcome: string }) {
  return (
    <Badge variant="light" color={outcome === 'ok' ? 'teal' : 'red'} radius="sm" tt="none" size="sm">
      {outcome === 'ok' ? 'OK' : outcome}
    </Badge>
  );
}

/**
 * The log as a virtual list: only the rows on screen exist in the DOM, and pages are
 * fetched by keyset (`nextCursor`) as the end comes near — a million events scroll as
 * smoothly as a hundred.
 */
export function AuditList() {
  const rows = useAuditStore((state) => state.rows);
  const nextCursor = useAuditStore((state) => state.nextCursor);
  const loadingMore = useAuditStore((state) => state.loadingMore);
  const viewport = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => viewport.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (nextCursor && lastIndex >= rows.length - PREFETCH_ROWS) void useAuditStore.getState().loadMore();
  }, [lastIndex, rows.length, nextCursor]);

  return (
    <Box data-testid="audit-list" data-loaded={rows.length}>
      <div className={classes.header} role="row">
        <span>Time</span>
        <span>Action</span>
        <span>Tenant</span>
        <span>Operator</span>
        <span>Outcome</span>
        <span style={{ textAlign: 'right' }}>Duration</span>
      </div>
      <div ref={viewport} className={classes.viewport} data-testid="audit-viewport">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const event = rows[item.index]!;
            return <AuditRow key={event.id} event={event} top={item.start} />;
          })}
        </div>
        {loadingMore && (
          <Center py="xs">
            <Loader size="xs" type="dots" aria-label="Loading older events" />
          </Center>
        )}
      </div>
    </Box>
  );
}

function AuditRow({ event, top }: { event: AuditEvent; top: number }) {
  const role = operatorRoleOf(event.details);
  return (
    <button
      type="button"
      className={classes.row}
      style={{ top, height: ROW_HEIGHT }}
      onClick={() => useAuditStore.getState().select(event)}
      data-testid="audit-row"
      data-action={event.action}
      data-outcome={event.outcome}
      data-seq={event.seq}
    >
      <span className={classes.cell}>{formatAuditTime(event.time)}</span>
      <span className={`${classes.cell} ${classes.mono}`}>{event.action}</span>
      <span className={`${classes.cell} ${classes.mono}`}>{event.tenant ?? '—'}</span>
      <span className={classes.cell} title={`${event.operator}${role ? `, ${OPERATOR_ROLE_LABELS[role]}` : ''} (OS user ${event.osUser})`} data-testid="audit-operator-cell">
        {event.operator}
        {role && (
          <Badge size="xs" variant="light" color={ROLE_COLORS[role]} tt="none" ml={6} radius="sm" data-testid="audit-operator-role">
            {OPERATOR_ROLE_LABELS[role]}
          </Badge>
        )}
        <Text span size="xs" c="dimmed">
          {' '}
          · {event.osUser}
        </Text>
      </span>
      <span className={classes.cell}>
        <OutcomeBadge outcome={event.outcome} />
      </span>
      <span className={classes.cell} style={{ textAlign: 'right' }}>
        {event.durationMs} ms
      </span>
    </button>
  );
}
