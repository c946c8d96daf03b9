import { isIP } from 'node:net';
import { AppError } from '../base/app-error';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export const DEFAULT_API_LISTEN = '127.0.0.1:8787';

/** "127.0.0.1:8787", "[::1]:8787", "0.0.0.0:443", "localhost:8787"; port 0 = any free port. */
export function parseListenAddress(value: string): ListenAddress {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new AppError('VALIDATION', `--listen takes host:port (such as 127.0.0.1:8787 or [::1]:8787), not "${value.slice(0, 100)}".`);
  const host = match[1] ?? match[2]!;
  if (match[1] && isIP(host) !== 6) throw new AppError('VALIDATION', `"${host}" is not an IPv6 address.`);
  return { host, port };
}

/** Only this machine can reach it: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
  if (isIP(lower) === 4) return lower.startsWith('127.');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return mapped ? mapped[1]!.startsWith('127.') : false;
}

/** The refusal of issue 13: keys and tenants' passwords never cross a network in clear. */
export function requireTlsOffLoopback(address: ListenAddress, tls: boolean): void {
  if (tls || isLoopbackHost(address.host)) return;
  throw new AppError(
    'VALIDATION',
    `Refusing to serve the tenant API on ${address.host}:${address.port} without TLS: API keys and tenant passwords would cross the network in clear. Give --tls-cert and --tls-key, or listen on 127.0.0.1 (behind a TLS proxy).`,
  );
}
