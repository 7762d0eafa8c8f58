import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { costOf, isPasswordHash, verifyPassword } from './passwords.ts';
import { runPasswordHashCommand, type PasswordHashIo } from './password-hash-command.ts';

/** `guardbell password-hash` as an operator runs it, with `input` on its standard input. */
function command(args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['bin/guardbell.js', 'password-hash', ...args], { env: { ...process.env, PASSWORD_HASH_COST: '14' } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
    child.stdin!.end(input);
  });
}

describe('guardbell password-hash', () => {
  it('prints the hash of the piped line at PASSWORD_HASH_COST, and nothing else', async () => {
    const { code, stdout, stderr } = await command([], 'a long password\n');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const hash = stdout.trimEnd();
    expect(stdout).toBe(`${hash}\n`);
    expect(isPasswordHash(hash)).toBe(true);
    expect(costOf(hash)!.N).toBe(2 ** 14);
    expect(await verifyPassword('a long password', hash)).toBe(true);
    expect(await verifyPassword('a long password\n', hash)).toBe(false);
  });

  it('refuses a password shorter than a provisioning file takes, and a password given as an argument', async () => {
    expect(await command([], 'short\n')).toEqual({ code: 1, stdout: '', stderr: 'guardbell: a password must be at least 8 characters\n' });
    const argued = await command(['a long password'], '');
    expect(argued.code).toBe(2);
    expect(argued.stdout).toBe('');
    expect(argued.stderr).toContain('reads the password from standard input');
  });
});

/** A terminal: what is typed arrives byte by byte; echo is the program's to turn off (raw mode). */
function terminal() {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, raw: false, setRawMode(on: boolean) { stdin.raw = on; return stdin; } });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const shown = { out: '', err: '' };
  stdout.on('data', (d: Buffer) => (shown.out += d.toString()));
  stderr.on('data', (d: Buffer) => (shown.err += d.toString()));
  const io = { stdin, stdout, stderr } as unknown as PasswordHashIo;
  return { io, stdin, shown };
}

describe('guardbell password-hash at a terminal', () => {
  const type = async (stdin: PassThrough & { raw: boolean }, text: string) => {
    for (const ch of text) {
      while (!stdin.raw) await new Promise((r) => setImmediate(r));
      stdin.write(ch);
      await new Promise((r) => setImmediate(r));
    }
  };

  it('asks twice without echo, takes a backspace, and prints only the hash', async () => {
    const { io, stdin, shown } = terminal();
    const done = runPasswordHashCommand([], io);
    await type(stdin, 'a long passwordx\u007f\r');
    await type(stdin, 'a long password\r');
    expect(await done).toBe(0);
    expect(stdin.raw).toBe(false);
    expect(shown.err).toBe('Password: \nAgain: \n');
    expect(shown.out).not.toContain('a long password');
    expect(await verifyPassword('a long password', shown.out.trimEnd())).toBe(true);
  });

  it('hashes nothing when the two differ, or on Ctrl-C', async () => {
    const differ = terminal();
    const first = runPasswordHashCommand([], differ.io);
    await type(differ.stdin, 'a long password\r');
    await type(differ.stdin, 'a long passwort\r');
    expect(await first).toBe(1);
    expect(differ.shown.out).toBe('');
    expect(differ.shown.err).toContain('the two passwords differ');

    const interrupted = terminal();
    const second = runPasswordHashCommand([], interrupted.io);
    await type(interrupted.stdin, 'a long\u0003');
    expect(await second).toBe(130);
    expect(interrupted.shown.out).toBe('');
  });
});
