// Signed return-path tokens. The sending platform puts one in the envelope sender of each
// message (b+TOKEN@bounces.example.com), and may use it as the Message-ID; a bounce then
// names the send it belongs to, and a forged address can be refused at RCPT time.
//
// Layout, before base32: version+flags (1) | key id (1) | expiry, unix seconds (4) |
// [version 2: recipient tag (4)] | send id (1-24 bytes; a UUID packed in 16) |
// HMAC-SHA256 truncated to 10 bytes (80 bits).
// Base32 (RFC 4648, lower case, no padding) keeps it case-insensitive: some MTAs lower-case
// local parts. A 20-character send id gives a 58-character token, within the 64 of a local part.
//
// Version 2 binds the token to the address it was sent to: the recipient tag is a keyed
// hash of that address (so the return path does not reveal it), covered by the MAC. A token
// read from one newsletter's Return-Path then authenticates bounces about that recipient
// only: a forged report naming anyone else is recorded and changes nothing. Version 1
// tokens (no recipient) still verify; the recipient of their send must come from the
// sent-message registry.
//
// This module is what the sending side imports: mintToken() and returnPathAddress().
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenKey {
  /** 0-255, carried in the token so that keys can be rotated. */
  id: number;
  secret: Buffer;
}

export interface ReturnPathToken {
  sendId: string;
  expiresAt: Date;
  keyId: number;
  /** Version 2: the keyed hash of the recipient the token was minted for (hex). */
  recipientTag?: string;
}

export type TokenProblem = 'malformed' | 'unknown-key' | 'bad-signature' | 'expired';

export type TokenCheck = { ok: true; token: ReturnPathToken } | { ok: false; problem: TokenProblem };

const VERSION_UNBOUND = 1;
const VERSION_BOUND = 2;
const FLAG_UUID = 0x10;
const MAC_BYTES = 10;
const TAG_BYTES = 4;
const MAX_SEND_ID_BYTES = 24;
/** A bound token with a longer send id would make "b+TOKEN" longer than a 64-octet local part. */
const MAX_BOUND_SEND_ID_BYTES = 18;
const DOMAIN_SEPARATION = Buffer.from('bounced-return-path-token-v1');
const RECIPIENT_SEPARATION = Buffer.from('bounced-return-path-recipient-v2');
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class TokenError extends Error {
  override name = 'TokenError';
}

export function base32Encode(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer | null {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text.toLowerCase()) {
    const index = ALPHABET.indexOf(ch);
    if (index < 0) return null;
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  // Only the canonical spelling: leftover bits must be zero, so that no two strings are
  // the same token.
  if (bits >= 5 || (value & ((1 << bits) - 1)) !== 0) return null;
  return Buffer.from(bytes);
}

function mac(key: TokenKey, signed: Buffer): Buffer {
  return createHmac('sha256', key.secret).update(DOMAIN_SEPARATION).update(signed).digest().subarray(0, MAC_BYTES);
}

/** The keyed hash of a recipient address, compared case-insensitively. */
function recipientTag(key: TokenKey, recipient: string): Buffer {
  return createHmac('sha256', key.secret)
    .update(RECIPIENT_SEPARATION)
    .update(recipient.trim().toLowerCase())
    .digest()
    .subarray(0, TAG_BYTES);
}

function encodeSendId(sendId: string, max: number): { flags: number; bytes: Buffer } {
  if (UUID.test(sendId)) return { flags: FLAG_UUID, bytes: Buffer.from(sendId.replace(/-/g, ''), 'hex') };
  const bytes = Buffer.from(sendId, 'utf8');
  if (bytes.length === 0 || bytes.length > max) {
    throw new TokenError(
      `a send id must be a UUID or 1-${max} bytes of UTF-8` +
        `${max < MAX_SEND_ID_BYTES ? ' when the token names its recipient' : ''}, got ${bytes.length} bytes`,
    );
  }
  return { flags: 0, bytes };
}

function decodeSendId(flags: number, bytes: Buffer): string {
  if (flags & FLAG_UUID) {
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return bytes.toString('utf8');
}

export interface MintOptions {
  sendId: string;
  /**
   * The address this send goes to. Binds the token to it (version 2): bounces through the
   * token then act on this address only. Leave it out only when the sent-message registry
   * names each send's recipient.
   */
  recipient?: string;
  /** Lifetime of the token; bounces can arrive days after the send (default 14 days). */
  ttlSeconds?: number;
  key: TokenKey;
  now?: Date;
}

/** A token for one send; put it in the return path with returnPathAddress(). */
export function mintToken(opts: MintOptions): string {
  const bound = opts.recipient !== undefined;
  if (bound && !/^[^@\s]+@[^@\s]+$/.test(opts.recipient!.trim()))
    throw new TokenError(`the recipient must be an address, got ${JSON.stringify(opts.recipient)}`);
  const { flags, bytes } = encodeSendId(opts.sendId, bound ? MAX_BOUND_SEND_ID_BYTES : MAX_SEND_ID_BYTES);
  const now = opts.now ?? new Date();
  const expiry = Math.floor(now.getTime() / 1000) + (opts.ttlSeconds ?? 14 * 86_400);
  if (opts.key.id < 0 || opts.key.id > 255) throw new TokenError('a key id must be 0-255');
  const head = Buffer.alloc(6);
  head.writeUInt8((bound ? VERSION_BOUND : VERSION_UNBOUND) | flags, 0);
  head.writeUInt8(opts.key.id, 1);
  head.writeUInt32BE(expiry, 2);
  const signed = Buffer.concat(bound ? [head, recipientTag(opts.key, opts.recipient!), bytes] : [head, bytes]);
  return base32Encode(Buffer.concat([signed, mac(opts.key, signed)]));
}

/** "b+TOKEN@bounces.example.com" */
export function returnPathAddress(token: string, domain: string, prefix = 'b'): string {
  return `${prefix}+${token}@${domain}`;
}

/**
 * Checks a token (any case); a valid one names its send. `now: null` skips the expiry
 * check: a bounce for an authentic token may arrive after the token stopped opening the
 * door at RCPT, and still belongs to its send.
 */
export function verifyToken(token: string, keys: TokenKey[], now: Date | null = new Date()): TokenCheck {
  const bytes = base32Decode(token);
  if (!bytes || bytes.length < 6 + 1 + MAC_BYTES) return { ok: false, problem: 'malformed' };
  const versionAndFlags = bytes.readUInt8(0);
  const version = versionAndFlags & 0x0f;
  if (version !== VERSION_UNBOUND && version !== VERSION_BOUND) return { ok: false, problem: 'malformed' };
  const idStart = version === VERSION_BOUND ? 6 + TAG_BYTES : 6;
  if (bytes.length < idStart + 1 + MAC_BYTES) return { ok: false, problem: 'malformed' };
  const key = keys.find((k) => k.id === bytes.readUInt8(1));
  if (!key) return { ok: false, problem: 'unknown-key' };
  const signed = bytes.subarray(0, bytes.length - MAC_BYTES);
  const expected = mac(key, signed);
  if (!timingSafeEqual(expected, bytes.subarray(bytes.length - MAC_BYTES)))
    return { ok: false, problem: 'bad-signature' };
  const expiresAt = new Date(bytes.readUInt32BE(2) * 1000);
  if (now && expiresAt.getTime() < now.getTime()) return { ok: false, problem: 'expired' };
  const sendId = decodeSendId(versionAndFlags, signed.subarray(idStart));
  if (version === VERSION_UNBOUND) return { ok: true, token: { sendId, expiresAt, keyId: key.id } };
  return {
    ok: true,
    token: { sendId, expiresAt, keyId: key.id, recipientTag: signed.subarray(6, idStart).toString('hex') },
  };
}

/**
 * Whether a verified token was minted for this address: true or false for a bound
 * (version 2) token, null when the token names no recipient.
 */
export function tokenNamesRecipient(token: ReturnPathToken, address: string, keys: TokenKey[]): boolean | null {
  if (token.recipientTag === undefined) return null;
  const key = keys.find((k) => k.id === token.keyId);
  if (!key) return false;
  return timingSafeEqual(recipientTag(key, address), Buffer.from(token.recipientTag, 'hex'));
}

/** The token in a local part "b+TOKEN" (the prefix is whatever stands before the "+"). */
export function tokenInLocalPart(localPart: string): string | null {
  const plus = localPart.indexOf('+');
  if (plus < 0) return null;
  const token = localPart.slice(plus + 1);
  return /^[a-z2-7]+$/i.test(token) ? token : null;
}
