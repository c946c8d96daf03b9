import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadReply, LoadRequest, LoadTarget } from './load-client';

const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));
const CLIENT = fileURLToPath(new URL('./load-client.ts', import.meta.url));

/** The parent's handle on load-client.ts in its own process: one request at a time. */
export interface LoadProcess {
  open(name: string, target: LoadTarget, clients: number): Promise<void>;
  run(name: string, total: number): Promise<{ samples: number[]; wallMs: number }>;
  close(): Promise<void>;
}

export async function startLoadProcess(): Promise<LoadProcess> {
  const child: ChildProcess = fork(RUN_TS, [CLIENT], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let exited: Error | null = null;
  const waiting: ((reply: LoadReply) => void)[] = [];
  child.on('message', (reply: LoadReply) => waiting.shift()?.(reply));
  child.on('exit', (code, signal) => {
    exited = new Error(`The load process stopped (${signal ?? `exit code ${code}`}).`);
    for (const wake of waiting.splice(0)) wake({ type: 'failed', message: exited.message });
  });
  const ask = async (request: LoadRequest): Promise<LoadReply> => {
    if (exited) throw exited;
    const reply = await new Promise<LoadReply>((resolve) => {
      waiting.push(resolve);
      child.send(request);
    });
    if (reply.type === 'failed') throw new Error(`load process: ${reply.message}`);
    return reply;
  };
  return {
    async open(name, target, clients) {
      await ask({ type: 'open', name, target, clients });
    },
    async run(name, total) {
      const reply = await ask({ type: 'run', name, total });
      if (reply.type !== 'ran') throw new Error(`load process: unexpected reply ${reply.type}`);
      return { samples: reply.samples, wallMs: reply.wallMs };
    },
    async close() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        await ask({ type: 'close' });
      } finally {
        child.kill();
        await gone;
      }
    },
  };
}
