// A self-signed certificate for a test's TLS server (openssl, from Debian), valid two days.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function selfSignedCertificate(
  folder: string,
  commonName: string,
  altNames?: string,
): { certFile: string; keyFile: string } {
  const certFile = join(folder, 'cert.pem');
  const keyFile = join(folder, 'key.pem');
  const san = altNames ? ['-addext', `subjectAltName=${altNames}`] : [];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${commonName}`,
      ...san,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile };
}
