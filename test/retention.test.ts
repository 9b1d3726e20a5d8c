// Retention: each kind of row past its days is removed, in batches (here of 3, so that
// every step loops) or, for the standing history, by whole months, and nothing else: not
// what is still to be decoded, not a failed message's bytes, not why an address is
// suppressed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ensureMonthlyPartitions } from '../src/store/partitions.ts';
import { applyRetention } from '../src/store/retention.ts';
import { useTestDatabase } from './support/db.ts';

const fixture = useTestDatabase(2);

const NOW = new Date('2026-12-04T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

async function rawMessage(tag: string, age: number, state: 'pending' | 'decoded' | 'failed'): Promise<string> {
  const { rows } = await fixture.pool.query(
    `insert into raw_messages (received_at, source, instance, mail_from, rcpt_to, size_bytes, sha256, dedupe_key,
                               raw, decode_state)
     values ($1, 'smtp', 'test', '', '{b@bounces.example.com}', 4, sha256($2::bytea),
     sha256($2::bytea), $2::bytea, $3) returning id::text`,
    [daysAgo(age), Buffer.from(tag), state],
  );
  return rows[0].id;
}

test('rows past their retention go in batches; pending, failed bodies and each latest change stay', async () => {
  const ids: Record<string, string> = {};
  for (const [tag, age, state] of [
    ['new-decoded', 5, 'decoded'],
    ['body-old', 40, 'decoded'],
    ['body-old-2', 41, 'decoded'],
    ['body-old-3', 42, 'decoded'],
    ['body-old-4', 43, 'decoded'],
    ['failed-old', 40, 'failed'],
    ['pending-old', 500, 'pending'],
    ['row-old', 450, 'decoded'],
    ['failed-very-old', 460, 'failed'],
  ] as const)
    ids[tag] = await rawMessage(tag, age, state);

  await fixture.pool.query(
    `insert into sent_messages (message_id, recipient, campaign, sent_at)
     select 's' || g || '@x.example', 'r' || g || '@y.example', 'c',
       $1::timestamptz - make_interval(days => g * 50) from generate_series(0, 6) g`,
    [NOW],
  ); // sent 0, 50, 100 … 300 days ago: at 180 days, those of 200, 250 and 300 go
  await fixture.pool.query(
    `insert into send_outcomes (sent_message_id, outcome, campaign, at)
     values ('s0@x.example', 'bounced', 'c', $1), ('s4@x.example', 'bounced', 'c', $2),
     ('s5@x.example', 'hard', 'c', $2)`,
    [daysAgo(1), daysAgo(200)],
  );
  // Ann: three changes, all old, the last of which put her where she stands; Bob: an old
  // change and a new one. The month of 850 days ago has a partition of its own (dropped
  // whole); the other old changes are in the default partition (deleted in batches).
  await ensureMonthlyPartitions(fixture.pool, daysAgo(850), 0, 'address_standing_history');
  await fixture.pool.query(
    `insert into address_standing (address, domain, state, last_reason, quarantined_at)
     values ('ann@y.example', 'y.example', 'quarantined', 'userunknown', $1)`,
    [daysAgo(800)],
  );
  await fixture.pool.query(
    `insert into address_standing_history (address, at, from_state, to_state, reason, cause, raw_message_id, actor)
     values ('ann@y.example', $1, 'fine', 'soft_bouncing', 'mailboxfull', 'event', 1, 'bounced'),
            ('ann@y.example', $2, 'soft_bouncing', 'fine', null, 'reset', 1, 'bounced'),
            ('ann@y.example', $3, 'fine', 'quarantined', 'userunknown', 'event', 2, 'bounced'),
            ('bob@y.example', $1, 'fine', 'quarantined', 'userunknown', 'event', 3, 'bounced'),
            ('bob@y.example', $4, 'quarantined', 'fine', null, 'release', 3, 'operator')`,
    [daysAgo(900), daysAgo(850), daysAgo(800), daysAgo(10)],
  );
  await fixture.pool.query(
    `insert into mailbox_seen (mailbox, uid, raw_message_id, is_bounce, fetched_at, removed_at)
     values ('pop3://a@h:995/', '1', 1, true, $1, $1), ('pop3://a@h:995/', '2', 1, true, $1, null),
     ('pop3://a@h:995/', '3', 1, true, $2, $2)`,
    [daysAgo(100), daysAgo(5)],
  );

  const dropped = await applyRetention(
    fixture.pool,
    NOW,
    { rawBodyDays: 30, rawMessageDays: 400, sentMessageDays: 180, historyDays: 730, mailboxSeenDays: 90 },
    3,
  );
  // Five bodies: the four decoded 40-43 days ago, and the 450-day-old one (whose row goes next).
  assert.deepEqual(dropped, {
    raw_bodies: 5,
    raw_messages: 2,
    sent_messages: 3,
    send_outcomes: 2,
    standing_history: 3,
    standing_history_months: 2,
    mailbox_seen: 1,
  });

  const raws = await fixture.pool.query(
    `select id::text, raw is not null as has_body, raw_dropped_at is not null as dropped from raw_messages
     order by id`,
  );
  const byId = new Map(raws.rows.map((r) => [r.id, r]));
  assert.equal(byId.get(ids['new-decoded']!)?.has_body, true);
  for (const tag of ['body-old', 'body-old-2', 'body-old-3', 'body-old-4'])
    assert.deepEqual(byId.get(ids[tag]!), { id: ids[tag], has_body: false, dropped: true });
  assert.equal(byId.get(ids['failed-old']!)?.has_body, true, 'a failed message keeps its bytes for reprocess');
  assert.equal(byId.get(ids['pending-old']!)?.has_body, true, 'a message still to decode is never touched');
  assert.equal(byId.has(ids['row-old']!), false);
  assert.equal(byId.has(ids['failed-very-old']!), false);

  const sent = await fixture.pool.query(`select message_id from sent_messages order by sent_at desc`);
  assert.deepEqual(
    sent.rows.map((r) => r.message_id),
    ['s0@x.example', 's1@x.example', 's2@x.example', 's3@x.example'],
  );
  const outcomes = await fixture.pool.query(`select sent_message_id from send_outcomes`);
  assert.deepEqual(outcomes.rows, [{ sent_message_id: 's0@x.example' }]);
  const history = await fixture.pool.query(
    `select address, to_state from address_standing_history order by address, at`,
  );
  assert.deepEqual(history.rows, [{ address: 'bob@y.example', to_state: 'fine' }]);
  // Why Ann is suppressed outlives her history.
  const why = await fixture.pool.query(
    `select state, raw_message_id::int, cause, actor from suppression_list where address = 'ann@y.example'`,
  );
  assert.deepEqual(why.rows, [{ state: 'quarantined', raw_message_id: 2, cause: 'event', actor: 'bounced' }]);
  const seen = await fixture.pool.query(`select uid from mailbox_seen order by uid`);
  assert.deepEqual(
    seen.rows.map((r) => r.uid),
    ['2', '3'],
  );

  // The campaign's figures outlive its sends.
  const rate = await fixture.pool.query(`select sent from campaign_bounce_rate where campaign = 'c'`);
  assert.deepEqual(rate.rows, [{ sent: '7' }]);
  // A second pass finds nothing more.
  assert.deepEqual(
    await applyRetention(
      fixture.pool,
      NOW,
      { rawBodyDays: 30, rawMessageDays: 400, sentMessageDays: 180, historyDays: 730, mailboxSeenDays: 90 },
      3,
    ),
    {},
  );
});

test('0 days keeps everything of a kind', async () => {
  const id = await rawMessage('kept-forever', 5000, 'decoded');
  await applyRetention(
    fixture.pool,
    NOW,
    { rawBodyDays: 0, rawMessageDays: 0, sentMessageDays: 0, historyDays: 0, mailboxSeenDays: 0 },
    3,
  );
  const { rows } = await fixture.pool.query(`select raw is not null as has_body from raw_messages where id = $1`, [id]);
  assert.deepEqual(rows, [{ has_body: true }]);
});
