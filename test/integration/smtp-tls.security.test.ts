import { networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mustUseTls } from '../../src-main/billing/notices/mailer';
import { call, callError } from '../support/core-calls';
import { embeddedTarget, useTestPlatform } from '../support/servers';

/** An address of this machine that is not loopback: what "another machine" looks like to the mailer. */
const lanAddress = Object.values(networkInterfaces()).flat().find((info) => info && info.family === 'IPv4' && !info.internal)?.address ?? null;

describe('SMTP: the password never travels in clear to another machine', () => {
  const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'smtptls');
  // Attack: a server (or a man in the middle) that offers no STARTTLS but accepts AUTH.
  const received: { username: string; password: string }[] = [];
  const delivered: string[] = [];
  let server: SMTPServer;
  let port = 0;

  beforeAll(async () => {
    server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        received.push({ username: auth.username ?? '', password: auth.password ?? '' });
        callback(null, { user: auth.username });
      },
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          delivered.push(session.envelope.rcptTo.map((rcpt) => rcpt.address).join(','));
          callback();
        });
      },
    });
    server.on('error', () => undefined);
    if (lanAddress) await new Promise<void>((resolve) => server.listen(0, lanAddress, () => resolve()));
    port = lanAddress ? (server.server.address() as AddressInfo).port : 0;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('decides TLS by where the server is and what the operator allowed', () => {
    expect(mustUseTls({ host: 'smtp.example.com', secure: false, allowPlaintext: false })).toBe(true);
    expect(mustUseTls({ host: '192.0.2.10', secure: false, allowPlaintext: false })).toBe(true);
    expect(mustUseTls({ host: 'smtp.example.com', secure: true, allowPlaintext: false })).toBe(false);
    expect(mustUseTls({ host: 'smtp.example.com', secure: false, allowPlaintext: true })).toBe(false);
    for (const host of ['127.0.0.1', '127.3.4.5', 'localhost', 'mail.localhost', '::1', '[::1]']) expect(mustUseTls({ host, secure: false, allowPlaintext: false }), host).toBe(false);
  });

  it('refuses to send (and to authenticate) to a non-loopback server without STARTTLS unless the operator opts out', async (context) => {
    if (!lanAddress) {
      console.log('[skip] SMTP without STARTTLS on another address: this machine has no non-loopback IPv4 address');
      context.skip();
    }
    await call(platform.core, 'billing:updateSettings', {
      smtp: { host: lanAddress!, port, secure: false, username: 'billing', from: 'Billing <billing@example.com>' },
      smtpPassword: 'smtp-secret-pw',
    });
    const refused = await callError(platform.core, 'billing:testEmail', { to: 'ops@example.com' });
    expect(refused.message).toMatch(/STARTTLS|TLS/i);
    expect(received).toEqual([]);
    expect(delivered).toEqual([]);

    const settings = await call(platform.core, 'billing:updateSettings', {
      smtp: { host: lanAddress!, port, secure: false, username: 'billing', from: 'Billing <billing@example.com>', allowPlaintext: true },
    });
    expect(settings.smtp.allowPlaintext).toBe(true);
    await call(platform.core, 'billing:testEmail', { to: 'ops@example.com' });
    expect(received).toEqual([{ username: 'billing', password: 'smtp-secret-pw' }]);
    expect(delivered).toEqual(['ops@example.com']);
  });

  it('refuses control characters in billing settings and a From that is not one address', async () => {
    const smtp = { host: '127.0.0.1', port: 25, secure: false, username: null };
    for (const from of ['billing@example.com\r\nBcc: victim@evil.example', 'not an address', 'a@example.com, b@example.com', 'Team: a@example.com;']) {
      const error = await callError(platform.core, 'billing:updateSettings', { smtp: { ...smtp, from } });
      expect(error.code, from).toBe('VALIDATION');
    }
    for (const seller of [{ name: 'Evil\u0007 Ltd', address: '' }, { name: 'Ltd \u202Egnp.exe', address: '' }, { name: 'Ok Ltd', address: 'Street 1\u0000' }]) {
      expect((await callError(platform.core, 'billing:updateSettings', { seller })).code).toBe('VALIDATION');
    }
    const before = await call(platform.core, 'billing:settings', {});
    expect(before.seller.name).not.toMatch(/Evil|gnp/);
    // A postal address keeps its line breaks; a display name with an accent is an address.
    const saved = await call(platform.core, 'billing:updateSettings', { seller: { name: 'Café Zur Post GmbH', address: 'Hauptstraße 1\n10115 Berlin' }, smtp: { ...smtp, from: 'Café Billing <billing@example.com>' } });
    expect(saved.seller.address).toBe('Hauptstraße 1\n10115 Berlin');
    expect(saved.smtp.from).toBe('Café Billing <billing@example.com>');
  });
});
