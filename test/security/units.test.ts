/** The pure and in-process parts of the hardening: throttle, password hashing, zip limits, path and origin checks. */
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../api/config.ts';
import { LoginThrottle } from '../../api/auth/login-throttle.ts';
import { costOf, HashingBusy, OWASP_SCRYPT, PasswordHasher } from '../../api/auth/passwords.ts';
import { maskPhone, selfGrantProblem } from '../../api/auth/policy.ts';
import { isLoopback } from '../../api/http/headers.ts';
import { originAllowed } from '../../api/http/origin.ts';
import { importTemplate } from '../../api/areas/statistics/import-workbook.ts';
import { parseListen } from '../../api/devices/mosquitto-acl-command.ts';
import { DEFAULT_BROKER_LIMITS, mosquittoConf, mosquittoFiles, verifyMosquittoPasswordLine } from '../../gateway/broker/mosquitto-acl.ts';
import { declaredZipProblem, inflatedZipProblem, type ZipLimits } from '../../api/areas/statistics/zip-limits.ts';

describe('login throttle', () => {
  it('lets 5 failures of a username through, then makes each attempt wait, doubling up to a minute', () => {
    const t = new LoginThrottle();
    const at = 1_000_000;
    for (let i = 0; i < 5; i++) {
      expect(t.waitMs('guard', '10.0.0.1', at)).toBe(0);
      t.failed('guard', '10.0.0.1', at);
    }
    expect(t.waitMs('guard', '10.0.0.9', at)).toBe(1_000);
    expect(t.waitMs('GUARD', '10.0.0.9', at + 400)).toBe(600);
    expect(t.waitMs('guard', '10.0.0.9', at + 1_000)).toBe(0);
    for (let i = 0; i < 20; i++) t.failed('guard', `10.0.1.${i}`, at + 1_000);
    expect(t.waitMs('guard', '10.0.2.1', at + 1_000)).toBe(60_000);
    // Another username from a fresh address is not held up; forgotten after 15 quiet minutes.
    expect(t.waitMs('manager', '10.0.3.1', at)).toBe(0);
    expect(t.waitMs('guard', '10.0.2.1', at + 1_000 + 15 * 60_000 + 1)).toBe(0);
  });

  it('throttles an address that tries many usernames, and a right password clears only the username', () => {
    const t = new LoginThrottle();
    for (let i = 0; i < 20; i++) t.failed(`user${i}`, '10.0.0.7', 0);
    expect(t.waitMs('someone-new', '10.0.0.7', 0)).toBe(1_000);
    expect(t.waitMs('someone-new', '10.0.0.8', 0)).toBe(0);
    for (let i = 0; i < 6; i++) t.failed('guard', '10.0.0.8', 0);
    t.succeeded('guard');
    expect(t.waitMs('guard', '10.0.0.9', 0)).toBe(0);
  });
});

describe('password hashing', () => {
  it("hashes people's passwords at OWASP's scrypt parameters by default (N=2^17, r=8, p=1)", async () => {
    expect(OWASP_SCRYPT).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    expect(new PasswordHasher().cost).toEqual(OWASP_SCRYPT);
    expect(configFromEnv({}).passwordHashLog2N).toBe(17);
    const hash = await new PasswordHasher().hash('correct-horse');
    expect(costOf(hash)).toEqual(OWASP_SCRYPT);
  });

  it('verifies an older, cheaper hash and asks for its upgrade; an unknown user is checked at the same cost', async () => {
    const old = await new PasswordHasher({ log2N: 13 }).hash('correct-horse');
    const hasher = new PasswordHasher({ log2N: 14 });
    expect(await hasher.verify('correct-horse', old)).toEqual({ ok: true, upgrade: true });
    expect(await hasher.verify('wrong-horse', old)).toEqual({ ok: false, upgrade: false });
    const current = await hasher.hash('correct-horse');
    expect(await hasher.verify('correct-horse', current)).toEqual({ ok: true, upgrade: false });
    expect(await hasher.verify('correct-horse', null)).toEqual({ ok: false, upgrade: false });
    // The same work for a user who does not exist, over a few rounds each, interleaved. Measured as this process's CPU
    // time (scrypt runs in libuv's pool, inside the process): a loaded machine stretches the wall clock, not the work.
    const time = async (stored: string | null) => {
      const start = process.cpuUsage();
      await hasher.verify('guess', stored);
      const used = process.cpuUsage(start);
      return used.user + used.system;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await time(current));
      unknown.push(await time(null));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[2]!;
    expect(median(unknown) / median(known)).toBeGreaterThan(0.5);
    expect(median(unknown) / median(known)).toBeLessThan(2);
  });

  it('computes at most `concurrency` hashes at once and refuses at once past the waiting room', async () => {
    const hasher = new PasswordHasher({ log2N: 14, concurrency: 1, maxWaiting: 1 });
    const stored = await hasher.hash('x'.repeat(8));
    const first = hasher.verify('a'.repeat(8), stored);
    const second = hasher.verify('b'.repeat(8), stored);
    await expect(hasher.verify('c'.repeat(8), stored)).rejects.toBeInstanceOf(HashingBusy);
    expect((await first).ok).toBe(false);
    expect((await second).ok).toBe(false);
    expect((await hasher.verify('x'.repeat(8), stored)).ok).toBe(true);
  });
});

describe('policy', () => {
  it('nobody grants themselves counselor, legal or auditor; others may be given them', () => {
    expect(selfGrantProblem('admin-1', 'admin-1', ['admin'], ['admin', 'counselor'])).toMatch(/counselor/);
    expect(selfGrantProblem('admin-1', 'admin-1', ['admin'], ['admin', 'legal', 'auditor'])).toMatch(/legal, auditor/);
    expect(selfGrantProblem('admin-1', 'admin-1', ['admin', 'legal'], ['admin', 'legal'])).toBeNull();
    expect(selfGrantProblem('admin-1', 'admin-1', ['admin'], ['admin', 'manager'])).toBeNull();
    expect(selfGrantProblem('admin-1', 'guard-a', ['guard'], ['counselor'])).toBeNull();
  });

  it('masks a phone number to its last two digits', () => {
    expect(maskPhone('+821000000021')).toBe('•••••••••••21');
    expect(maskPhone('112')).toBe('•••');
  });

  it('origin and loopback checks', () => {
    expect(originAllowed('http://127.0.0.1:8080', '127.0.0.1:8080')).toBe(true);
    expect(originAllowed('https://guardbell.example', 'guardbell.example')).toBe(true);
    expect(originAllowed('http://evil.example', '127.0.0.1:8080')).toBe(false);
    expect(originAllowed('null', '127.0.0.1:8080')).toBe(false);
    expect(originAllowed('http://127.0.0.1:8080', undefined)).toBe(false);
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('10.0.0.5')).toBe(false);
    expect(isLoopback('::ffff:192.168.1.2')).toBe(false);
  });
});

describe('Excel zip limits', () => {
  const limits: ZipLimits = { maxEntries: 100, maxEntryBytes: 4 * 1024 * 1024, maxTotalBytes: 6 * 1024 * 1024, maxRatio: 100, ratioFromBytes: 1024 * 1024 };
  const bomb = () => zipSync({ '[Content_Types].xml': new Uint8Array(10), 'xl/worksheets/sheet1.xml': new Uint8Array(16 * 1024 * 1024) }, { level: 9 });

  it('refuses a bomb by its central directory before inflating anything', () => {
    const zip = bomb();
    expect(zip.length).toBeLessThan(100_000);
    expect(declaredZipProblem(zip, limits)).toMatch(/sheet1\.xml unpacks to 16\.0 MiB/);
  });

  it('refuses a bomb whose directory lies about its sizes, while inflating it, at the limit', () => {
    const zip = bomb();
    lieAboutSizes(zip, 1_000);
    expect(declaredZipProblem(zip, limits)).toBeNull();
    expect(inflatedZipProblem(zip, limits)).toMatch(/sheet1\.xml unpacks to more than 4\.0 MiB/);
  });

  it('passes the real import template', async () => {
    const template = new Uint8Array(await importTemplate([{ id: 's', name: 'S', timezone: 'Asia/Seoul', counters: [{ id: 'c', name: 'C' }] }]));
    expect(declaredZipProblem(template)).toBeNull();
    expect(inflatedZipProblem(template)).toBeNull();
    expect(declaredZipProblem(new Uint8Array([1, 2, 3]))).toMatch(/not an Excel workbook/);
  });
});

/** Rewrites every central directory and local header's uncompressed size (a crafted zip can say anything). */
function lieAboutSizes(zip: Uint8Array, size: number): void {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let i = 0; i + 4 <= zip.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x02014b50) view.setUint32(i + 24, size, true);
    if (sig === 0x04034b50) view.setUint32(i + 22, size, true);
  }
}

describe('generated Mosquitto configuration', () => {
  const base = { dir: '/etc/mosquitto/gb', listen: { port: 8883 }, gatewayListen: { host: '10.0.0.5', port: 8884 }, limits: DEFAULT_BROKER_LIMITS };
  it('ties client ids to usernames on the devices\' listener only, and puts TLS under both listeners', () => {
    const conf = mosquittoConf({ ...base, tls: { certfile: '/c.crt', keyfile: '/c.key', cafile: '/ca.crt' } });
    const [head, devices, gateway] = conf.split(/\n(?=listener )/);
    expect(head).toMatch(/^per_listener_settings true$/m);
    expect(head).toMatch(/^set_tcp_nodelay true$/m);
    expect(head).toContain(`max_packet_size ${DEFAULT_BROKER_LIMITS.maxPacketBytes}`);
    expect(devices).toMatch(/^listener 8883\ncafile \/ca.crt\ncertfile \/c.crt\nkeyfile \/c.key\nallow_anonymous false\nuse_username_as_clientid true\npassword_file \/etc\/mosquitto\/gb\/passwd\n/);
    expect(gateway).toMatch(/^listener 8884 10.0.0.5\ncafile/);
    expect(gateway).toContain('password_file /etc/mosquitto/gb/gateway-passwd');
    expect(gateway).not.toContain('use_username_as_clientid');
  });
  it('keeps the gateway out of the devices\' password file, and refuses one port for both listeners', () => {
    const files = mosquittoFiles({ topicRoot: 'gb/v1', gateway: { username: 'gw', password: 'gw-password-0123' }, bells: [{ username: 'B-1', password: 'b1-password-0123' }], dir: '/d' });
    expect(files.passwd.split('\n')[0]).toMatch(/^B-1:\$7\$101\$/);
    expect(verifyMosquittoPasswordLine(files.passwd.split('\n')[0]!, 'b1-password-0123')).toBe(true);
    expect(files.passwd).not.toMatch(/^gw:/m);
    expect(files.gatewayPasswd).toMatch(/^gw:\$7\$1000\$/);
    expect(verifyMosquittoPasswordLine(files.gatewayPasswd.trim(), 'gw-password-0123')).toBe(true);
    expect(() => mosquittoFiles({ topicRoot: 'gb/v1', gateway: { username: 'gw', password: 'x' }, bells: [], dir: '/d', listen: { port: 1883 }, gatewayListen: { port: 1883 } })).toThrow(/two ports/);
  });
  it('reads [HOST:]PORT', () => {
    expect(parseListen('--listen', '1883')).toEqual({ port: 1883 });
    expect(parseListen('--listen', '127.0.0.1:1884')).toEqual({ host: '127.0.0.1', port: 1884 });
    expect(parseListen('--listen', '[::1]:1884')).toEqual({ host: '::1', port: 1884 });
    expect(() => parseListen('--listen', 'host:99999')).toThrow(/expected \[HOST:\]PORT/);
  });
});
