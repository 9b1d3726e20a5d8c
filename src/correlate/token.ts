// Signed return-path tokens. The sending platform puts one in the envelope sender of each
// message (b+TOKEN@bounces.example.com), and may use it as the Message-ID; a bounce then
// names the send it belongs to, and a forged address can be refused at RCPT time.
//
// Layout, before base32: version+flags (1) | key id (1) | expiry, unix seconds (4) |
// send id (1-24 bytes; a UUID packed in 16) | HMAC-SHA256 truncated to 10 bytes (80 bits).
// Base32 (RFC 4648, lower case, no padding) keeps it case-insensitive: some MTAs lower-case
// local parts. A 20-character send id gives a 58-character token, within the 64 of a local part.
//
// This module is what the sending side imports: mintToken() and returnPathAddress().
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenKey {
  /** 0-255, carried in the token so that keys can be rotated. */
  id: number;
  secret: Buffer;
}

export interface TokenKeyring {
  /** Mints with this one. */
  current: TokenKey;
  /** Verifies with any of these (the current one included). */
  all: TokenKey[];
}

export interface ReturnPathToken {
  sendId: string;
  expiresAt: Date;
  keyId: number;
}

export type TokenProblem = 'malformed' | 'unknown-key' | 'bad-signature' | 'expired';

export type TokenCheck = { ok: true; token: ReturnPathToken } | { ok: false; problem: TokenProblem };

const VERSION = 1;
const FLAG_UUID = 0x10;
const MAC_BYTES = 10;
const MAX_SEND_ID_BYTES = 24;
const DOMAIN_SEPARATION = Buffer.from('bounced-return-path-token-v1');
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

function encodeSendId(sendId: string): { flags: number; bytes: Buffer } {
  if (UUID.test(sendId)) return { flags: FLAG_UUID, bytes: Buffer.from(sendId.replace(/-/g, ''), 'hex') };
  const bytes = Buffer.from(sendId, 'utf8');
  if (bytes.length === 0 || bytes.length > MAX_SEND_ID_BYTES) {
    throw new TokenError(`a send id must be a UUID or 1-${MAX_SEND_ID_BYTES} bytes of UTF-8, got ${bytes.length} bytes`);
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
  /** Lifetime of the token; bounces can arrive days after the send (default 14 days). */
  ttlSeconds?: number;
  key: TokenKey;
  now?: Date;
}

/** A token for one send; put it in the return path with returnPathAddress(). */
export function mintToken(opts: MintOptions): string {
  const { flags, bytes } = encodeSendId(opts.sendId);
  const now = opts.now ?? new Date();
  const expiry = Math.floor(now.getTime() / 1000) + (opts.ttlSeconds ?? 14 * 86_400);
  if (opts.key.id < 0 || opts.key.id > 255) throw new TokenError('a key id must be 0-255');
  const head = Buffer.alloc(6);
  head.writeUInt8(VERSION | flags, 0);
  head.writeUInt8(opts.key.id, 1);
  head.writeUInt32BE(expiry, 2);
  const signed = Buffer.concat([head, bytes]);
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
  if ((versionAndFlags & 0x0f) !== VERSION) return { ok: false, problem: 'malformed' };
  const key = keys.find((k) => k.id === bytes.readUInt8(1));
  if (!key) return { ok: false, problem: 'unknown-key' };
  const signed = bytes.subarray(0, bytes.length - MAC_BYTES);
  const expected = mac(key, signed);
  if (!timingSafeEqual(expected, bytes.subarray(bytes.length - MAC_BYTES))) return { ok: false, problem: 'bad-signature' };
  const expiresAt = new Date(bytes.readUInt32BE(2) * 1000);
  if (now && expiresAt.getTime() < now.getTime()) return { ok: false, problem: 'expired' };
  return { ok: true, token: { sendId: decodeSendId(versionAndFlags, signed.subarray(6)), expiresAt, keyId: key.id } };
}

/** The token in a local part "b+TOKEN" (the prefix is whatever stands before the "+"). */
export function tokenInLocalPart(localPart: string): string | null {
  const plus = localPart.indexOf('+');
  if (plus < 0) return null;
  const token = localPart.slice(plus + 1);
  return /^[a-z2-7]+$/i.test(token) ? token : null;
}

/**
 * TOKEN_KEYS: "ID:SECRET,ID:SECRET", the first one current. Secrets are at least 16
 * characters (take 32 random bytes, base64).
 */
export function parseKeyring(value: string): TokenKeyring {
  const all = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      const id = Number(entry.slice(0, colon));
      const secret = entry.slice(colon + 1);
      if (colon <= 0 || !Number.isInteger(id) || id < 0 || id > 255) throw new TokenError(`key "${entry.slice(0, Math.max(colon, 0))}…": the id must be a whole number 0-255, as ID:SECRET`);
      if (secret.length < 16) throw new TokenError(`key ${id}: the secret must be at least 16 characters`);
      return { id, secret: Buffer.from(secret, 'utf8') };
    });
  if (all.length === 0) throw new TokenError('no key given; expected ID:SECRET[,ID:SECRET…]');
  if (new Set(all.map((k) => k.id)).size !== all.length) throw new TokenError('two keys have the same id');
  return { current: all[0]!, all };
}
