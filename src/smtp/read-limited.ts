// Reads a DATA stream into memory up to a byte limit. Past the limit the rest is still read
// (so that the client finishes sending and can hear our 552) but thrown away, so an
// oversized message costs no memory beyond the limit.
import type { Readable } from 'node:stream';

export interface LimitedRead {
  /** The whole message, or null when it was over the limit. */
  raw: Buffer | null;
  bytes: number;
}

export function readLimited(stream: Readable, limit: number): Promise<LimitedRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) chunks.push(chunk);
      else if (chunks.length) chunks.length = 0;
    });
    stream.once('end', () => resolve({ raw: bytes <= limit ? Buffer.concat(chunks, bytes) : null, bytes }));
    stream.once('error', reject);
  });
}
