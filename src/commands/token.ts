// `bounced token mint --send-id ID [--recipient ADDRESS] [--ttl 14d] [--domain D]` and
// `bounced token verify TOKEN|ADDRESS [--recipient ADDRESS]`: keys come from TOKEN_KEYS,
// never the command line. A token minted with --recipient is bound to that address: a
// bounce through it changes that address's standing and no other.
import { parseArgs } from 'node:util';
import type { Config } from '../config/index.ts';
import {
  mintToken,
  returnPathAddress,
  tokenInLocalPart,
  tokenNamesRecipient,
  verifyToken,
} from '../correlate/token.ts';
import { parseDuration, UsageError } from './duration.ts';

export function runToken(args: string[], config: Config, out: (line: string) => void): number {
  const [action, ...rest] = args;
  const keyring = config.tokens.keyring;
  if (!keyring) throw new UsageError('TOKEN_KEYS is not set: tokens are signed with it (ID:SECRET[,ID:SECRET…])');
  if (action === 'mint') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        'send-id': { type: 'string' },
        recipient: { type: 'string' },
        ttl: { type: 'string', default: '14d' },
        domain: { type: 'string' },
      },
    });
    if (!values['send-id'] || positionals.length)
      throw new UsageError(
        'usage: bounced token mint --send-id ID [--recipient ADDRESS] [--ttl 14d] [--domain bounces.example.com]',
      );
    const token = mintToken({
      sendId: values['send-id'],
      recipient: values.recipient,
      ttlSeconds: parseDuration(values.ttl!, '--ttl'),
      key: keyring.current,
    });
    const domain =
      values.domain ?? config.bounceDomains.find((d) => !d.startsWith('.')) ?? config.bounceDomains[0]!.slice(1);
    out(JSON.stringify({ token, returnPath: returnPathAddress(token, domain), messageId: `<${token}@${domain}>` }));
    return 0;
  }
  if (action === 'verify') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { recipient: { type: 'string' } },
    });
    if (positionals.length !== 1)
      throw new UsageError('usage: bounced token verify TOKEN|ADDRESS [--recipient ADDRESS]');
    const input = positionals[0]!;
    const local = input.includes('@') ? input.slice(0, input.lastIndexOf('@')).replace(/^</, '') : input;
    const token = local.includes('+') ? tokenInLocalPart(local) : local;
    const check = token ? verifyToken(token, keyring.all) : ({ ok: false, problem: 'malformed' } as const);
    if (!check.ok) {
      out(JSON.stringify({ valid: false, problem: check.problem }));
      return 1;
    }
    const recipientMatches =
      values.recipient === undefined ? undefined : tokenNamesRecipient(check.token, values.recipient, keyring.all);
    out(
      JSON.stringify({
        valid: true,
        ...check.token,
        recipientBound: check.token.recipientTag !== undefined,
        recipientMatches,
      }),
    );
    return recipientMatches === false ? 1 : 0;
  }
  throw new UsageError('usage: bounced token mint|verify …');
}
