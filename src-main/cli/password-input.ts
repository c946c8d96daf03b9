import { StringDecoder } from 'node:string_decoder';
import type { CliContext } from './cli-context';
import { CliError } from './output';

const ENTER = new Set(['\r', '\n']);
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const ESCAPE = '\u001b';
const ERASE = new Set(['\u007f', '\b']);

/**
 * Reads a password: typed at a prompt without echo on a terminal (raw mode: nothing the
 * user types reaches the screen), else the first line of standard input (cron, scripts:
 * `printf '%s\n' "$PW" | tenantctl login`). Never from argv, which other users can read.
 * The password is kept as typed (spaces count); only the line ending is removed.
 */
export async function readPassword(cli: CliContext, prompt: string): Promise<string> {
  const password = cli.io.stdin.isTTY ? await promptWithoutEcho(cli, prompt) : await firstLineOfStdin(cli);
  if (password === '') throw new CliError({ code: 'VALIDATION', message: 'Enter the password (an empty one is never valid).' });
  return password;
}

async function firstLineOfStdin(cli: CliContext): Promise<string> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  const chunks = cli.io.stdin[Symbol.asyncIterator]();
  try {
    // Stop at the first line ending: whatever follows is not read (nor waited for).
    while (!/\r?\n/.test(text)) {
      const next = await chunks.next();
      if (next.done) break;
      text += typeof next.value === 'string' ? next.value : decoder.write(next.value);
    }
  } finally {
    await chunks.return?.();
  }
  text += decoder.end();
  if (text === '') throw new CliError({ code: 'VALIDATION', message: 'No password on standard input: type it at the prompt, or pipe it as the first line.' });
  return text.split(/\r?\n/)[0]!;
}

async function promptWithoutEcho(cli: CliContext, prompt: string): Promise<string> {
  const { stdin } = cli.io;
  const decoder = new StringDecoder('utf8');
  cli.err(prompt);
  stdin.setRawMode?.(true);
  const chunks = stdin[Symbol.asyncIterator]();
  let typed: string[] = [];
  try {
    for (;;) {
      const next = await chunks.next();
      if (next.done) return typed.join('');
      const text = typeof next.value === 'string' ? next.value : decoder.write(next.value);
      for (const char of text) {
        if (ENTER.has(char)) return typed.join('');
        // Raw mode turns Ctrl-C into a character: it still means stop.
        if (char === CTRL_C) throw new CliError({ code: 'CANCELLED', message: 'Cancelled: not signed in.' });
        if (char === CTRL_D) return typed.join('');
        if (ERASE.has(char)) typed = typed.slice(0, -1);
        // An arrow or function key arrives as one escape sequence: none of it is the password.
        else if (char === ESCAPE) break;
        else if (char >= ' ') typed.push(char);
      }
    }
  } finally {
    stdin.setRawMode?.(false);
    cli.err('\n');
    await chunks.return?.();
  }
}
