// A real Dovecot (Debian's dovecot-pop3d/-imapd) started by the tests on loopback ports,
// with its own configuration, users and Maildir, and a self-signed certificate.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from './certificate.ts';
import { freePort } from './net.ts';

export const DOVECOT = '/usr/sbin/dovecot';

export interface Dovecot {
  ports: { pop3: number; pop3s: number; imap: number; imaps: number };
  user: string;
  password: string;
  certFile: string;
  /** Puts a message in the user's INBOX (Maildir new/). */
  deliver(raw: Buffer, name: string): void;
  /** Messages left in the INBOX (cur/ and new/). */
  count(): number;
  stop(): Promise<void>;
}

function ids(user: string): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
  return { uid, gid };
}

function groupName(gid: number): string {
  return spawnSync('getent', ['group', String(gid)], { encoding: 'utf8' }).stdout.split(':')[0] || String(gid);
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startDovecot(): Promise<Dovecot> {
  const root = mkdtempSync(join(tmpdir(), 'bounced-dovecot-'));
  chmodSync(root, 0o755);
  // As root, Dovecot drops to unprivileged users of its own; as anyone else, everything runs
  // as that user, and the mailbox is theirs.
  const asRoot = process.getuid?.() === 0;
  const mailUser = asRoot ? ids('nobody') : { uid: process.getuid!(), gid: process.getgid!() };
  const unprivileged = asRoot
    ? ''
    : `default_login_user = ${userInfo().username}\ndefault_internal_user = ${userInfo().username}\n` +
      `default_internal_group = ${groupName(mailUser.gid)}\nservice anvil {\n  chroot =\n}\n`;
  // Only root may chroot: an unprivileged Dovecot's login processes run without one.
  const loginChroot = asRoot ? '' : '  chroot =\n';
  const home = join(root, 'home', 'bounces');
  for (const d of ['new', 'cur', 'tmp']) mkdirSync(join(home, 'Maildir', d), { recursive: true });
  for (const p of [
    join(root, 'home'),
    home,
    join(home, 'Maildir'),
    ...['new', 'cur', 'tmp'].map((d) => join(home, 'Maildir', d)),
  ]) {
    if (asRoot) chownSync(p, mailUser.uid, mailUser.gid);
  }
  const { certFile, keyFile } = selfSignedCertificate(root, 'localhost', 'IP:127.0.0.1,DNS:localhost');
  const password = 'mailbox-secret-1';
  writeFileSync(join(root, 'passwd'), `bounces:{PLAIN}${password}\n`);
  const ports = { pop3: await freePort(), pop3s: await freePort(), imap: await freePort(), imaps: await freePort() };
  writeFileSync(
    join(root, 'dovecot.conf'),
    `
protocols = pop3 imap
listen = 127.0.0.1
base_dir = ${root}/run
state_dir = ${root}/state
instance_name = bounced-test-${ports.pop3}
log_path = ${root}/dovecot.log
ssl = yes
ssl_cert = <${certFile}
ssl_key = <${keyFile}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
${unprivileged}passdb {
  driver = passwd-file
  args = scheme=PLAIN ${root}/passwd
}
userdb {
  driver = static
  args = uid=${mailUser.uid} gid=${mailUser.gid} home=${root}/home/%u
}
service pop3-login {
${loginChroot}  inet_listener pop3 {
    port = ${ports.pop3}
  }
  inet_listener pop3s {
    port = ${ports.pop3s}
    ssl = yes
  }
}
service imap-login {
${loginChroot}  inet_listener imap {
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = ${ports.imaps}
    ssl = yes
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
  );
  mkdirSync(join(root, 'run'), { recursive: true });
  mkdirSync(join(root, 'state'), { recursive: true });
  const proc: ChildProcess = spawn(DOVECOT, ['-F', '-c', join(root, 'dovecot.conf')], { stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  while (!(await listening(ports.imaps)) || !(await listening(ports.pop3))) {
    if (proc.exitCode !== null || Date.now() > deadline)
      throw new Error(`dovecot did not start; see ${root}/dovecot.log`);
    await new Promise((r) => setTimeout(r, 100));
  }
  let serial = 0;
  return {
    ports,
    user: 'bounces',
    password,
    certFile,
    deliver(raw, name) {
      const file = join(
        home,
        'Maildir',
        'new',
        `${Date.now()}.${process.pid}_${serial++}.${name.replace(/[^a-z0-9]/gi, '')}`,
      );
      writeFileSync(file, raw);
      if (asRoot) chownSync(file, mailUser.uid, mailUser.gid);
    },
    count: () => ['new', 'cur'].reduce((n, d) => n + readdirSync(join(home, 'Maildir', d)).length, 0),
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await once(proc, 'exit');
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
