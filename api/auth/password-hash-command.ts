/**
 * `guardbell password-hash`: a person's password hashed as the system stores it, for a provisioning file's
 * `passwordHash`. The file then holds no password, and a start that applies it compares strings instead of
 * computing scrypt for every person. The password is read from standard input, never from the command line
 * (which `ps` and the shell's history show): typed twice without echo at a terminal, or piped in one line.
 */
import { text } from 'node:stream/consumers';
import { configFromEnv } from '../config.ts';
import { PASSWORD_MIN_LENGTH } from '../provisioning/document.ts';
import { PasswordHasher } from './passwords.ts';

export const PASSWORD_HASH_USAGE = 'usage: guardbell password-hash   (reads the password from standard input; PASSWORD_HASH_COST as in the README)';

export interface PasswordHashIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function runPasswordHashCommand(argv: readonly string[], io: PasswordHashIo = process): Promise<number> {
  if (argv.length > 0) {
    io.stderr.write(`${PASSWORD_HASH_USAGE}\n`);
    return 2;
  }
  const { passwordHashLog2N } = configFromEnv();
  let password: string | undefined;
  if (io.stdin.isTTY) {
    password = await promptSilently(io, 'Password: ');
    const again = password === undefined ? undefined : await promptSilently(io, 'Again: ');
    if (password === undefined || again === undefined) return 130;
    if (again !== password) {
      io.stderr.write('guardbell: the two passwords differ; nothing was hashed\n');
      return 1;
    }
  } else password = firstLine(await text(io.stdin));
  if (password.length < PASSWORD_MIN_LENGTH) {
    io.stderr.write(`guardbell: a password must be at least ${PASSWORD_MIN_LENGTH} characters\n`);
    return 1;
  }
  io.stdout.write(`${await new PasswordHasher({ log2N: passwordHashLog2N }).hash(password)}\n`);
  return 0;
}

/** The input up to its first line break: `echo … |` and a file with a final newline mean the line, not the break. */
function firstLine(text: string): string {
  const end = text.search(/\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}

/** One line from the terminal without echo; undefined on Ctrl-C or Ctrl-D. */
function promptSilently(io: PasswordHashIo, prompt: string): Promise<string | undefined> {
  const { stdin } = io;
  io.stderr.write(prompt);
  return new Promise((resolve) => {
    let typed = '';
    const done = (value: string | undefined) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      io.stderr.write('\n');
      resolve(value);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(typed);
        if (ch === '\u0003' || ch === '\u0004') return done(undefined);
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
