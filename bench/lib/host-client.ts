import { Agent, request } from 'node:http';
import { HOST_INVOKE_PATH, HOST_TOKEN_HEADER, HOST_TOKEN_PARAM } from '../../src-shared/contract/host-protocol';
import type { Result } from '../../src-shared/contract/errors';
import type { HostServer } from '../../src-main/host/host-server';

/**
 * Talks to host mode as the browser does: opens the printed token URL once, keeps the
 * token, then POSTs JSON to the invoke route with the same-origin headers, over
 * one kept-alive connection.
 */
export class HostClient {
  readonly #server: HostServer;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });
  #token: string | null = null;

  constructor(server: HostServer) {
    this.#server = server;
  }

  get #origin(): string {
    return `http://127.0.0.1:${this.#server.port}`;
  }

  #send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.#agent,
          host: '127.0.0.1',
          port: this.#server.port,
          method,
          path,
          headers: { host: `127.0.0.1:${this.#server.port}`, ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** GET the token URL, as the page loads; the page then keeps the token for its calls. */
  async signIn(): Promise<void> {
    const url = new URL(this.#server.url);
    const response = await this.#send('GET', `${url.pathname}${url.search}`, {});
    if (response.status !== 200) throw new Error(`Host mode sign-in failed: HTTP ${response.status}.`);
    this.#token = url.searchParams.get(HOST_TOKEN_PARAM);
  }

  async invoke(channel: string, input: unknown): Promise<Result<unknown>> {
    if (!this.#token) throw new Error('Call signIn() first.');
    const response = await this.#send(
      'POST',
      `${HOST_INVOKE_PATH}/${encodeURIComponent(channel)}`,
      { 'content-type': 'application/json', [HOST_TOKEN_HEADER]: this.#token, origin: this.#origin },
      JSON.stringify(input),
    );
    if (response.status !== 200) throw new Error(`POST ${channel}: HTTP ${response.status}: ${response.text.slice(0, 200)}`);
    return JSON.parse(response.text) as Result<unknown>;
  }

  close(): void {
    this.#agent.destroy();
  }
}
