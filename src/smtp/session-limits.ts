// What a stranger's SMTP session may not do: hold a connection forever, stall in DATA,
// hammer us with refused commands, spread one host's sessions over an IPv6 /64, or write
// a recipient whose syntax asks us to relay. Pure helpers; the listener applies them.
import { isIPv4 } from 'node:net';
import { Replies, type SmtpReply } from './reply.ts';

export interface SessionLimits {
  /** A session is closed with 421 after this long, whatever it is doing. */
  sessionMaxMs: number;
  /** DATA must end within this; a slow sender (one byte every few seconds) is cut off. */
  dataMaxMs: number;
  /** Refused commands (RCPT refusals, too many recipients) before 421 and close. */
  maxErrors: number;
}

/**
 * The key the per-client connection cap counts by: an IPv4 address, or the /64 of an IPv6
 * one (a single host or customer usually holds a whole /64, and can change addresses in
 * it at will). IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
export function clientKey(remoteAddress: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  if (mapped) return mapped[1]!;
  if (isIPv4(remoteAddress) || !remoteAddress.includes(':')) return remoteAddress;
  return `${expandIPv6(remoteAddress).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, "::" expanded, zone removed. */
function expandIPv6(address: string): string[] {
  const bare = address.split('%')[0]!.toLowerCase();
  const [head, tail] = bare.includes('::') ? bare.split('::') : [bare, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::1.2.3.4) is two groups; only the first four groups matter here.
  const fill = tail === undefined ? [] : Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...fill, ...right].map((g) => g.replace(/^0+(?=.)/, ''));
}

// RFC 5321 4.5.3.1: a local part has at most 64 octets, a path at most 256 (254 for the address).
const MAX_LOCAL_OCTETS = 64;
const MAX_ADDRESS_OCTETS = 254;

/**
 * Refusals that depend only on the recipient's spelling, checked before its domain:
 * - "user%other@us" and "other!user@us": the percent hack and bang paths ask a server to
 *   relay on (Postfix rewrites them and refuses the relay); we relay nothing: 550 5.7.1.
 * - over-long local parts or addresses (RFC 5321 4.5.3.1): 550 5.1.3.
 * - non-ASCII without SMTPUTF8 declared at MAIL FROM (RFC 6531 3.4): 553 5.6.7.
 */
export function recipientSpellingProblem(address: string, smtpUtf8: boolean): SmtpReply | undefined {
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  if (/[%!]/.test(local)) return Replies.relaySyntax();
  if (Buffer.byteLength(local) > MAX_LOCAL_OCTETS || Buffer.byteLength(address) > MAX_ADDRESS_OCTETS)
    return Replies.badRecipient();
  // Control characters: smtp-server refuses most already; this is the backstop.
  if (/[\u0000-\u001f\u007f]/.test(address)) return Replies.badRecipient();
  if (!smtpUtf8 && /[^\u0000-\u007f]/.test(address)) return Replies.utf8NotDeclared();
  return undefined;
}

/** RFC 5321 4.5.1: "postmaster" with no domain must be accepted, whatever its case. */
export function isBarePostmaster(address: string): boolean {
  return address.toLowerCase() === 'postmaster';
}
