import { useEffect } from 'react';
import { Modal as MantineModal, type ModalProps } from '@mantine/core';
import { dialogOpened } from '../store/open-dialogs-store';

/**
 * Every dialog of the console: Mantine's Modal, counted while open so that a drawer below it
 * leaves Escape to it (store/open-dialogs-store.ts).
 */
export function Modal(props: ModalProps) {
  const { opened } = props;
  useEffect(() => (opened ? dialogOpened() : undefined), [opened]);
  return <MantineModal {...props} />;
}
