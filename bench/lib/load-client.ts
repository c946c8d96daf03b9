import { Agent, request } from 'node:http';
import pg from 'pg';

/**
 * A load generator in a process of its own (forked by load-process.ts): its clients' CPU
 * (HTTP and PostgreSQL protocol work, timers) is not spent on the event loop of the server
 * it measures. It opens the clients it is told to, then runs `total` calls from `clients`
 * concurrent loops and sends back each call's milliseconds and the wall time.
 */

export type LoadTarget =
  | { readonly kind: 'sql'; readonly config: pg.ClientConfig; readonly sql: string; readonly params: readonly unknown[] }
  | { readonly kind: 'http'; readonly url: string; readonly method: 'POST' | 'GET'; readonly headers: Record<string, string>; readonly body: string };

export type LoadRequest =
  | { readonly type: 'open'; readonly name: string; readonly target: LoadTarget; readonly clients: number }
  | { readonly type: 'run'; readonly name: string; readonly total: number }
  | { readonly type: 'close' };

export type LoadReply = { readonly type: 'opened' } | { readonly type: 'ran'; readonly samples: number[]; readonly wallMs: number } | { readonly type: 'closed' } | { readonly type: 'failed'; readonly message: string };

interface Opened {
  readonly clients: number;
  once(client: number): Promise<void>;
  close(): Promise<void>;
}

async function openSql(target: Extract<LoadTarget, { kind: 'sql' }>, clients: number): Promise<Opened> {
  const connections: pg.Client[] = [];
  for (let i = 0; i < clients; i += 1) {
    const client = new pg.Client(target.config);
    await client.connect();
    connections.push(client);
  }
  return {
    clients,
    once: async (client) => {
      await connections[client]!.query(target.sql, target.params as unknown[]);
    },
    close: async () => {
      await Promise.all(connections.map((client) => client.end().catch(() => undefined)));
    },
  };
}

function openHttp(target: Extract<LoadTarget, { kind: 'http' }>, clients: number): Opened {
  // node:http with keep-alive, one socket per client: lighter than fetch, no handshake per call.
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const url = new URL(target.url);
  const body = Buffer.from(target.body);
  const headers = { ...target.headers, 'content-length': String(body.length) };
  return {
    clients,
    once: () =>
      new Promise<void>((resolve, reject) => {
        const req = request({ agent, host: url.hostname, port: url.port, path: url.pathname, method: target.method, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${target.method} ${url.pathname} answered ${res.statusCode}: ${Buffer.concat(chunks).toString()}`))));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      }),
    close: async () => agent.destroy(),
  };
}

/** `total` calls from every opened client looping concurrently; each call's milliseconds. */
async function drive(opened: Opened, total: number): Promise<{ samples: number[]; wallMs: number }> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: opened.clients }, async (_unused, client) => {
      while (next < total) {
        next += 1;
        const t0 = performance.now();
        await opened.once(client);
        samples.push(performance.now() - t0);
      }
    }),
  );
  return { samples, wallMs: performance.now() - started };
}

const opened = new Map<string, Opened>();

async function handle(message: LoadRequest): Promise<LoadReply> {
  if (message.type === 'open') {
    opened.set(message.name, message.target.kind === 'sql' ? await openSql(message.target, message.clients) : openHttp(message.target, message.clients));
    return { type: 'opened' };
  }
  if (message.type === 'run') {
    const target = opened.get(message.name);
    if (!target) throw new Error(`No load target ${message.name} was opened.`);
    return { type: 'ran', ...(await drive(target, message.total)) };
  }
  await Promise.all([...opened.values()].map((target) => target.close()));
  opened.clear();
  return { type: 'closed' };
}

if (process.send) {
  process.on('message', (message: LoadRequest) => {
    handle(message).then(
      (reply) => process.send!(reply, () => (reply.type === 'closed' ? process.disconnect() : undefined)),
      (error: unknown) => process.send!({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies LoadReply),
    );
  });
}
