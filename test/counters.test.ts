// The views a platform and Grafana read answer from counters kept by triggers. Whatever
// writes the rows (many statements at once, a COPY-sized insert, a duplicate registration,
// several reports about one send, a reclassification), the counters must say exactly what
// aggregating every row says: here the views are compared with the aggregations they
// replaced, written out in full, over a random mix written by four sessions at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestDatabase } from './support/db.ts';

const fixture = useTestDatabase(6);

// The definitions the views had before the counters: every row aggregated on every read.
const CAMPAIGNS_FROM_ROWS = `
  select s.campaign,
         count(distinct s.message_id)::bigint as sent,
         (count(distinct e.sent_message_id) filter (where e.kind = 'bounce'))::bigint as bounced,
         (count(distinct e.sent_message_id) filter (where e.type = 'hard'))::bigint as hard_bounced,
         (count(distinct e.sent_message_id) filter (where e.kind = 'feedback'))::bigint as complaints
    from sent_messages s left join bounce_events e on e.sent_message_id = s.message_id
   where s.campaign is not null group by s.campaign order by 1`;
const DAILY_FROM_ROWS = `
  select (date_trunc('day', occurred_at at time zone 'UTC') at time zone 'UTC') as day, kind, reason, type,
    recipient_domain, count(*)::bigint as events
    from bounce_events group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`;
const SENDER_FROM_ROWS = `
  select (date_trunc('day', occurred_at at time zone 'UTC') at time zone 'UTC') as day, reason,
    recipient_domain, count(*)::bigint as events
    from bounce_events where kind = 'bounce' and reason in ('blocked', 'badreputation', 'ratelimited')
   group by 1, 2, 3 order by 1, 2, 3`;

/** A deterministic pseudo-random sequence, so that a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

test('campaign_bounce_rate and the daily views equal the aggregation of every row', async () => {
  const rnd = random(20261204);
  const campaigns = ['spring', 'summer', 'autumn'];
  // 3,000 sends, registered by four sessions at once in statements of 1 to 400 rows, a third
  // of them registered a second time (which inserts nothing), some without a campaign.
  const sends = Array.from({ length: 3000 }, (_, i) => ({
    id: `m${i}@sender.example`,
    recipient: `r${i}@d${i % 7}.example`,
    campaign: i % 50 === 0 ? null : campaigns[i % 3]!,
  }));
  const chunks: (typeof sends)[] = [];
  for (let at = 0; at < sends.length; ) {
    const size = 1 + Math.floor(rnd() * 400);
    chunks.push(sends.slice(at, at + size));
    at += size;
  }
  chunks.push(sends.filter((_, i) => i % 3 === 0));
  const register = (chunk: typeof sends) =>
    fixture.pool.query(
      `insert into sent_messages (message_id, recipient, campaign) select *
       from unnest($1::text[], $2::text[], $3::text[]) on conflict do nothing`,
      [chunk.map((s) => s.id), chunk.map((s) => s.recipient), chunk.map((s) => s.campaign)],
    );
  await Promise.all(
    [0, 1, 2, 3].map(async (lane) => {
      for (const c of chunks.filter((_, i) => i % 4 === lane)) await register(c);
    }),
  );

  // 4,000 events over three days: bounces (hard and soft, some caused by the sender), delays
  // and complaints; a send may come back several times; some events are about no send.
  const kinds = [
    ['bounce', 'userunknown', 'hard'],
    ['bounce', 'mailboxfull', 'soft'],
    ['bounce', 'blocked', 'ignored'],
    ['bounce', 'ratelimited', 'ignored'],
    ['delay', 'expired', 'soft'],
    ['feedback', 'feedback', 'ignored'],
  ] as const;
  const events = Array.from({ length: 4000 }, (_, i) => {
    // A third of the sends, so that many come back twice.
    const send = rnd() < 0.9 ? sends[Math.floor(rnd() * 900)]! : null;
    const [kind, reason, type] = kinds[Math.floor(rnd() * kinds.length)]!;
    return {
      at: new Date(Date.UTC(2026, 10, 28 + Math.floor(rnd() * 3), Math.floor(rnd() * 24), 59, 59)),
      raw: String(i),
      recipient: send?.recipient ?? `stranger${i}@x.example`,
      kind,
      reason,
      type,
      sentId: send?.id ?? null,
      campaign: send?.campaign ?? null,
    };
  });
  const write = (rows: typeof events) =>
    fixture.pool.query(
      `insert into bounce_events (occurred_at, raw_message_id, recipient, recipient_domain, kind, action, reason,
                                  type, rule, sent_message_id, campaign, correlation, evidence)
       select at, raw, r, split_part(r, '@', 2), k, 'failed', re, t, 'test', s, c, 'message-id', 'authenticated'
         from unnest($1::timestamptz[],
           $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           as u(at, raw, r, k, re, t, s, c)`,
      [
        rows.map((e) => e.at),
        rows.map((e) => e.raw),
        rows.map((e) => e.recipient),
        rows.map((e) => e.kind),
        rows.map((e) => e.reason),
        rows.map((e) => e.type),
        rows.map((e) => e.sentId),
        rows.map((e) => e.campaign),
      ],
    );
  await Promise.all(
    [0, 1, 2, 3].map(async (lane) => {
      const mine = events.filter((_, i) => i % 4 === lane);
      for (let at = 0; at < mine.length; at += 97) await write(mine.slice(at, at + 97));
    }),
  );
  // A reclassification (what `bounced reprocess` does): soft full mailboxes were blocks.
  await fixture.pool.query(
    `update bounce_events set reason = 'blocked', type = 'ignored' where reason = 'mailboxfull'
     and raw_message_id % 2 = 0`,
  );

  const viewed = await fixture.pool.query(
    'select campaign, sent, bounced, hard_bounced, complaints from campaign_bounce_rate order by 1',
  );
  const counted = await fixture.pool.query(CAMPAIGNS_FROM_ROWS);
  assert.equal(counted.rows.length, 3);
  assert.ok(
    counted.rows.every((r) => Number(r.bounced) > 100 && Number(r.complaints) > 10),
    'the mix reaches every column',
  );
  assert.deepEqual(viewed.rows, counted.rows);

  const daily = await fixture.pool.query(
    'select day, kind, reason, type, recipient_domain, events from bounce_stats_daily order by 1, 2, 3, 4, 5',
  );
  assert.deepEqual(daily.rows, (await fixture.pool.query(DAILY_FROM_ROWS)).rows);
  assert.equal(
    daily.rows.reduce((a, r) => a + Number(r.events), 0),
    4000,
  );

  const sender = await fixture.pool.query(
    `select day, reason, recipient_domain, events from sender_failures_daily
     where reason in ('blocked', 'badreputation', 'ratelimited') order by 1, 2, 3`,
  );
  assert.deepEqual(sender.rows, (await fixture.pool.query(SENDER_FROM_ROWS)).rows);
});
