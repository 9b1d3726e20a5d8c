// The sent-message registry, filled by the sending platform: in batches over HTTP
// (POST /v1/sent-messages), or directly with COPY into sent_messages.
import type { Pool } from 'pg';

export interface SentMessage {
  messageId: string;
  recipient: string;
  campaign?: string | null;
  sentAt?: string | null;
  sendId?: string | null;
  envelopeId?: string | null;
  metadata?: Record<string, unknown> | null;
}

export class SentMessageError extends Error {
  override name = 'SentMessageError';
}

export const MAX_BATCH = 10_000;

/** Checks one batch; throws a SentMessageError naming the first bad item. */
export function validateBatch(body: unknown): SentMessage[] {
  if (!Array.isArray(body)) throw new SentMessageError('expected a JSON array of sent messages');
  if (body.length > MAX_BATCH) throw new SentMessageError(`at most ${MAX_BATCH} messages per batch, got ${body.length}`);
  return body.map((item, i) => {
    const where = `item ${i}`;
    if (typeof item !== 'object' || item === null) throw new SentMessageError(`${where}: expected an object`);
    const m = item as Record<string, unknown>;
    const text = (name: string, required: boolean, max = 998): string | null => {
      const v = m[name];
      if (v === undefined || v === null || v === '') {
        if (required) throw new SentMessageError(`${where}: "${name}" is required`);
        return null;
      }
      if (typeof v !== 'string' || v.length > max) throw new SentMessageError(`${where}: "${name}" must be a string of at most ${max} characters`);
      return v;
    };
    const messageId = text('messageId', true)!.replace(/^<|>$/g, '');
    const recipient = text('recipient', true)!;
    if (!/^[^@\s]+@[^@\s]+$/.test(recipient)) throw new SentMessageError(`${where}: "recipient" is not an address`);
    const sentAt = text('sentAt', false);
    if (sentAt && Number.isNaN(Date.parse(sentAt))) throw new SentMessageError(`${where}: "sentAt" is not a date`);
    if (m.metadata !== undefined && m.metadata !== null && (typeof m.metadata !== 'object' || Array.isArray(m.metadata))) {
      throw new SentMessageError(`${where}: "metadata" must be an object`);
    }
    return {
      messageId,
      recipient: recipient.toLowerCase(),
      campaign: text('campaign', false, 200),
      sentAt,
      sendId: text('sendId', false, 200),
      envelopeId: text('envelopeId', false, 100),
      metadata: (m.metadata as Record<string, unknown> | undefined) ?? null,
    };
  });
}

/** Inserts a batch; messages already registered are left as they are. */
export async function registerSent(pool: Pool, batch: SentMessage[]): Promise<{ inserted: number; duplicates: number }> {
  if (batch.length === 0) return { inserted: 0, duplicates: 0 };
  const { rowCount } = await pool.query(
    `insert into sent_messages (message_id, recipient, campaign, sent_at, send_id, envelope_id, metadata)
     select m.message_id, m.recipient, m.campaign, coalesce(m.sent_at, now()), m.send_id, m.envelope_id, coalesce(m.metadata, '{}')
       from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::jsonb[])
            as m(message_id, recipient, campaign, sent_at, send_id, envelope_id, metadata)
     on conflict do nothing`,
    [
      batch.map((m) => m.messageId),
      batch.map((m) => m.recipient),
      batch.map((m) => m.campaign ?? null),
      batch.map((m) => m.sentAt ?? null),
      batch.map((m) => m.sendId ?? null),
      batch.map((m) => m.envelopeId ?? null),
      batch.map((m) => (m.metadata ? JSON.stringify(m.metadata) : null)),
    ],
  );
  return { inserted: rowCount ?? 0, duplicates: batch.length - (rowCount ?? 0) };
}
