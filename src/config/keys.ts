// TOKEN_KEYS: the keys that sign and verify return-path tokens, as configuration gives them:
// "ID:SECRET,ID:SECRET", the first one current. A secret anyone could guess (short, or an
// example file's placeholder) would let a stranger mint tokens, so it is refused here, at
// start, with the variable named.

/** One signing key: an id carried in each token (so keys can rotate) and its secret. */
export interface SigningKey {
  /** 0-255. */
  id: number;
  secret: Buffer;
}

export interface Keyring {
  /** Mints with this one. */
  current: SigningKey;
  /** Verifies with any of these (the current one included). */
  all: SigningKey[];
}

export class KeyringError extends Error {
  override name = 'KeyringError';
}

/** The words of an example file's secret ("CHANGE-ME"): never a real one. */
export function isPlaceholderSecret(secret: string): boolean {
  return /change|placeholder/i.test(secret);
}

/** A secret shorter than this, or a placeholder, is refused: it would let anyone mint tokens. */
const MIN_SECRET_LENGTH = 32;

/**
 * TOKEN_KEYS: "ID:SECRET,ID:SECRET", the first one current. Secrets are at least 32
 * characters and no placeholder (take 32 random bytes, base64: `openssl rand -base64 32`).
 */
export function parseKeyring(value: string): Keyring {
  const all = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      const id = Number(entry.slice(0, colon));
      const secret = entry.slice(colon + 1);
      if (colon <= 0 || !Number.isInteger(id) || id < 0 || id > 255)
        throw new KeyringError(
          `key "${entry.slice(0, Math.max(colon, 0))}…": the id must be a whole number 0-255, as ID:SECRET`,
        );
      if (secret.length < MIN_SECRET_LENGTH)
        throw new KeyringError(
          `key ${id}: the secret must be at least ${MIN_SECRET_LENGTH} characters (openssl rand -base64 32)`,
        );
      if (isPlaceholderSecret(secret))
        throw new KeyringError(`key ${id}: the secret is a placeholder; generate one (openssl rand -base64 32)`);
      return { id, secret: Buffer.from(secret, 'utf8') };
    });
  if (all.length === 0) throw new KeyringError('no key given; expected ID:SECRET[,ID:SECRET…]');
  if (new Set(all.map((k) => k.id)).size !== all.length) throw new KeyringError('two keys have the same id');
  return { current: all[0]!, all };
}
