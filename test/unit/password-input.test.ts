import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliContext, type CliReader } from '../../src-main/cli/cli-context';
import { CliError } from '../../src-main/cli/output';
import { readPassword } from '../../src-main/cli/password-input';

/** A run whose stdin is `stdin`; what it writes is collected. */
function contextWith(stdin: CliReader) {
  const written = { stdout: '', stderr: '' };
  const cli = new CliContext({
    stdout: { write: (text: string) => (written.stdout += text) },
    stderr: { write: (text: string) => (written.stderr += text) },
    stdin,
    env: {},
  });
  return { cli, written };
}

/** A terminal: keys arrive as typed (one chunk each); its raw-mode switches are recorded. */
function terminal(keys: readonly string[]): { stdin: CliReader; rawModes: boolean[] } {
  const rawModes: boolean[] = [];
  const stdin = Object.assign(Readable.from(keys.map((key) => Buffer.from(key))), { isTTY: true, setRawMode: (raw: boolean) => rawModes.push(raw) });
  return { stdin, rawModes };
}

async function failure(promise: Promise<unknown>): Promise<CliError['error']> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CliError);
  return (error as CliError).error;
}

describe('readPassword', () => {
  it('prompts on a terminal in raw mode, echoes nothing, and honours backspace', async () => {
    const { stdin, rawModes } = terminal(['s', 'e', 'x', '\u007f', 'c', 'r', 'e', 't', ' ', 'p', 'w', '\r', 'after enter']);
    const { cli, written } = contextWith(stdin);
    expect(await readPassword(cli, 'Password for alice: ')).toBe('secret pw');
    expect(rawModes).toEqual([true, false]);
    expect(written.stderr).toBe('Password for alice: \n');
    expect(written.stdout).toBe('');
  });

  it('drops an arrow key, and Ctrl-C cancels (exit 130) with the terminal restored', async () => {
    const { cli } = contextWith(terminal(['a', '\u001b[D', 'b', '\n']).stdin);
    expect(await readPassword(cli, 'Password: ')).toBe('ab');

    const { stdin, rawModes } = terminal(['a', '\u0003', 'b', '\r']);
    expect(await failure(readPassword(contextWith(stdin).cli, 'Password: '))).toEqual({ code: 'CANCELLED', message: 'Cancelled: not signed in.' });
    expect(rawModes).toEqual([true, false]);
  });

  it('takes the first line of a pipe as typed (spaces kept), and refuses an empty one', async () => {
    const pipe = (text: string) => Object.assign(Readable.from(text === '' ? [] : [Buffer.from(text)]), { isTTY: false });
    expect(await readPassword(contextWith(pipe('  spaced pw \r\nsecond line\n')).cli, 'unused')).toBe('  spaced pw ');
    expect(await readPassword(contextWith(pipe('no newline at the end')).cli, 'unused')).toBe('no newline at the end');
    expect((await failure(readPassword(contextWith(pipe('')).cli, 'unused'))).message).toMatch(/No password on standard input/);
    expect((await failure(readPassword(contextWith(pipe('\nsecond')).cli, 'unused'))).code).toBe('VALIDATION');
  });

  it('does not wait for the rest of a pipe once the first line is in', async () => {
    const stream = new PassThrough();
    stream.write('first\n');
    // The writer never ends the pipe: the password is read anyway.
    const { cli } = contextWith(Object.assign(stream, { isTTY: false }));
    expect(await readPassword(cli, 'unused')).toBe('first');
  });
});
