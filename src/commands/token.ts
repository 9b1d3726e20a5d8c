// `bounced token mint --send-id ID [--ttl 14d] [--domain D]` and
// `bounced token verify TOKEN|ADDRESS`: keys come from TOKEN_KEYS, never the command line.
import { parseArgs } from 'node:util';
import type { Config } from '../config/index.ts';
import { mintToken, returnPathAddress, tokenInLocalPart, verifyToken } from '../correlate/token.ts';
import { parseDuration, UsageError } from './duration.ts';

export function runToken(args: string[], config: Config, out: (line: string) => void): number {
  const [action, ...rest] = args;
  const keyring = config.tokens.keyring;
  if (!keyring) throw new UsageError('TOKEN_KEYS is not set: tokens are signed with it (ID:SECRET[,ID:SECRET…])');
  if (action === 'mint') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { 'send-id': { type: 'string' }, ttl: { type: 'string', default: '14d' }, domain: { type: 'string' } },
    });
    if (!values['send-id'] || positionals.length) throw new UsageError('usage: bounced token mint --send-id ID [--ttl 14d] [--domain bounces.example.com]');
    const token = mintToken({ sendId: values['send-id'], ttlSeconds: parseDuration(values.ttl!, '--ttl'), key: keyring.current });
    const domain = values.domain ?? config.bounceDomains.find((d) => !d.startsWith('.')) ?? config.bounceDomains[0]!.slice(1);
    out(JSON.stringify({ token, returnPath: returnPathAddress(token, domain), messageId: `<${token}@${domain}>` }));
    return 0;
  }
  if (action === 'verify') {
    if (rest.length !== 1) throw new UsageError('usage: bounced token verify TOKEN|ADDRESS');
    const input = rest[0]!;
    const local = input.includes('@') ? input.slice(0, input.lastIndexOf('@')).replace(/^</, '') : input;
    const token = local.includes('+') ? tokenInLocalPart(local) : local;
    const check = token ? verifyToken(token, keyring.all) : ({ ok: false, problem: 'malformed' } as const);
    out(JSON.stringify(check.ok ? { valid: true, ...check.token } : { valid: false, problem: check.problem }));
    return check.ok ? 0 : 1;
  }
  throw new UsageError('usage: bounced token mint|verify …');
}
