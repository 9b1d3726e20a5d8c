// The reason vocabulary (Sisimai v5.6+, 34 values; shared/corpus/sisimai/README.md) and
// what each means for the address: `hard` = the address is bad (quarantine now); `soft` =
// it may work later (count it); `ignored` = not the address's fault (the sender, the
// message, or not a failure at all).

export const REASONS = [
  // recipient address / mailbox
  'userunknown',
  'hostunknown',
  'hasmoved',
  'filtered',
  'mailboxfull',
  'suspend',
  'suppressed',
  'rejected',
  // message content
  'contenterror',
  'emailtoolarge',
  'notcompliantrfc',
  'policyviolation',
  'securityerror',
  'virusdetected',
  'spamdetected',
  // sending host / connection
  'authfailure',
  'badreputation',
  'blocked',
  'requireptr',
  'ratelimited',
  'norelaying',
  'failedstarttls',
  'notaccept',
  'expired',
  'networkerror',
  'systemerror',
  'systemfull',
  'mailererror',
  'syntaxerror',
  // not failures / undecided
  'delivered',
  'feedback',
  'vacation',
  'onhold',
  'undefined',
] as const;

export type Reason = (typeof REASONS)[number];
export type BounceType = 'hard' | 'soft' | 'ignored';

const HARD = new Set<Reason>(['userunknown', 'hostunknown', 'hasmoved']);
const SOFT = new Set<Reason>([
  'filtered',
  'mailboxfull',
  'suspend',
  'suppressed',
  'expired',
  'networkerror',
  'systemerror',
  'systemfull',
  'mailererror',
  'onhold',
  'undefined',
]);

/**
 * `notaccept` (null MX, 556, 5.3.2: the domain takes no mail at all) is hard only when
 * permanent; every sender-side reason is `ignored`, so an outage on our side or a
 * reputation problem never quarantines good addresses.
 */
export function bounceType(reason: Reason, status: string | null, replyCode: string | null): BounceType {
  if (HARD.has(reason)) return 'hard';
  if (reason === 'notaccept') return (status ?? replyCode ?? '5').startsWith('5') ? 'hard' : 'soft';
  if (SOFT.has(reason)) return 'soft';
  return 'ignored';
}

export function isReason(value: string): value is Reason {
  return (REASONS as readonly string[]).includes(value);
}
