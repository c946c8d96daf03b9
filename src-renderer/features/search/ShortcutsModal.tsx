import { Fragment } from 'react';
import { Kbd, Table, Text } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { shortcutList } from '../../navigation/shortcuts';
import { useSearchStore } from '../../store/search-store';
import { keyboardContext } from './use-shortcuts';

/** `?`: every keyboard shortcut, with this machine's key names (⌘ on a Mac). */
export function ShortcutsModal() {
  const opened = useSearchStore((state) => state.shortcutsOpen);
  const context = keyboardContext();
  return (
    <Modal opened={opened} onClose={() => useSearchStore.getState().setShortcutsOpen(false)} title="Keyboard shortcuts" size="lg" data-testid="shortcuts-dialog">
      <Table verticalSpacing="xs" data-testid="shortcuts-list">
        <Table.Tbody>
          {shortcutList(context).map((shortcut) => (
            <Table.Tr key={shortcut.what}>
              <Table.Td w={150} style={{ whiteSpace: 'nowrap' }}>
                {shortcut.keys.map((key, index) => (
                  <Fragment key={key}>
                    {index > 0 && ' '}
                    <Kbd>{key}</Kbd>
                  </Fragment>
                ))}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{shortcut.what}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
