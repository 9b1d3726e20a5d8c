// The shared bounce corpus (../shared beside the checkout, read-only).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toCrlf } from './smtp-client.ts';

export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/corpus/sisimai/maildir/bsd/', import.meta.url));

export function corpusFiles(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.eml'))
    .sort();
}

/** A corpus message as an MTA would send it over SMTP (CRLF line ends). */
export function corpusMessage(name: string): Buffer {
  return toCrlf(readFileSync(CORPUS_DIR + name));
}
