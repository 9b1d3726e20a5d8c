// `npm run bench:views -- [--sends 5000000] [--events 1000000]`: how fast the views a
// platform and Grafana read answer at volume. Loads the sends (200 campaigns, in
// statements of 250,000 rows, as a platform's bulk registration would) and the events
// (60 days, half of them about a registered send) into a fresh database through the same
// triggers as production, then times each query: the median of 5 runs, warm; then how
// long retention takes to remove the sends older than 30 days.
// Postgres: BENCH_DATABASE_URL (a server where databases may be created) if set, else an
// embedded server in a temporary folder.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { pino } from 'pino';
import { createPool } from '../src/store/database.ts';
import { migrate } from '../src/store/migrate.ts';
import { ensureMonthlyPartitions } from '../src/store/partitions.ts';
import { applyRetention } from '../src/store/retention.ts';
import { median } from './support/load.ts';
import { benchPostgres, withFreshDatabase } from './support/postgres.ts';

const { values } = parseArgs({
  options: { sends: { type: 'string', default: '5000000' }, events: { type: 'string', default: '1000000' } },
});
const SENDS = Number(values.sends);
const EVENTS = Number(values.events);
const CHUNK = 250_000;

/** The SQL of Grafana's dashboard panels that read Postgres, with their time filter spelled out. */
function grafanaQueries(): Array<[string, string]> {
  const dashboard = JSON.parse(
    readFileSync(new URL('../deploy/grafana/dashboards/bounced.json', import.meta.url), 'utf8'),
  );
  const panels: Array<{ title?: string; targets?: Array<{ rawSql?: string }> }> = dashboard.panels ?? [];
  return panels.flatMap((p) =>
    (p.targets ?? [])
      .filter((t) => t.rawSql)
      .map((t): [string, string] => [
        `grafana: ${p.title}`,
        t.rawSql!.replace(/\$__timeFilter\((\w+)\)/g, `$1 > now() - interval '7 days'`),
      ]),
  );
}

const QUERIES: Array<[string, string]> = [
  ['campaign_bounce_rate, all campaigns', 'select * from campaign_bounce_rate'],
  ['campaign_bounce_rate, one campaign', `select * from campaign_bounce_rate where campaign = 'campaign-7'`],
  [
    'bounce_stats_daily, last 30 days by reason',
    `select reason, sum(events) from bounce_stats_daily where day > now() - interval '30 days' group by 1`,
  ],
  [
    'bounce_stats_daily, one domain',
    `select day, reason, sum(events) from bounce_stats_daily where recipient_domain = 'gmail.com' group by 1, 2`,
  ],
  [
    'sender_failures_daily, last 7 days',
    `select day, reason, sum(events) from sender_failures_daily where day > now() - interval '7 days' group by 1, 2`,
  ],
  [
    'suppression_list, 1,000 addresses checked',
    `select address from suppression_list where address = any(array(select 'user' || g || '@gmail.com'
     from generate_series(1, 1000) g))`,
  ],
  ['suppression_list, count', 'select count(*) from suppression_list'],
  ['events of one send', `select * from bounce_events where sent_message_id = 'send-4242@sender.example'`],
  ['unapplied_facts, newest 100', 'select * from unapplied_facts order by occurred_at desc limit 100'],
  ...grafanaQueries(),
];

async function time(pool: pg.Pool, sql: string): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 6; i++) {
    const started = process.hrtime.bigint();
    await pool.query(sql);
    if (i > 0) runs.push(Number(process.hrtime.bigint() - started) / 1e6); // the first warms the cache
  }
  return median(runs);
}

const postgres = await benchPostgres('views');
try {
  await withFreshDatabase(postgres.adminUrl, 'bounced_views', async (url) => {
    const pool = createPool(url, { max: 4, timeoutMs: 600_000 }, pino({ level: 'silent' }));
    try {
      await migrate(pool);
      await ensureMonthlyPartitions(pool, new Date());
      let started = Date.now();
      for (let at = 0; at < SENDS; at += CHUNK) {
        await pool.query(
          `insert into sent_messages (message_id, recipient, campaign, sent_at)
           select 'send-' || g || '@sender.example',
             'user' || g || '@' || (array['gmail.com','outlook.com','yahoo.com','orange.fr','web.de'])[1 + g % 5],
                  'campaign-' || (g % 200), now() - make_interval(days => (g % 60)::int)
             from generate_series($1::bigint, $2::bigint) g`,
          [at, Math.min(SENDS, at + CHUNK) - 1],
        );
      }
      console.log(`loaded ${SENDS} sends in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      started = Date.now();
      for (let at = 0; at < EVENTS; at += CHUNK) {
        // Half the events are about a registered send (every tenth send), the rest about no send.
        await pool.query(
          `insert into bounce_events (occurred_at, raw_message_id, recipient, recipient_domain, kind, action,
                                      reason, type, rule, sent_message_id, campaign, correlation, evidence,
                                      unapplied, standing_effect)
           select now() - make_interval(mins => (g % 86400)::int), g, 'user' || (g * 10) || '@' || d, d,
                  (array['bounce','bounce','bounce','delay','feedback'])[1 + g % 5], 'failed',
                  (array['userunknown','mailboxfull','blocked','expired','feedback'])[1 + g % 5],
                  (array['hard','soft','ignored','soft','ignored'])[1 + g % 5], 'bench',
                  case when g % 2 = 0 then 'send-' || (g * 10) || '@sender.example' end,
                  case when g % 2 = 0 then 'campaign-' || ((g * 10) % 200) end,
                  case when g % 2 = 0 then 'message-id' else 'none' end,
                  case when g % 2 = 0 then 'authenticated' else 'none' end,
                  case when g % 2 = 1 and g % 5 < 2 then 'no-evidence' end,
                  case when g % 2 = 0 and g % 5 = 0 then 'quarantined' else 'none' end
             from generate_series($1::bigint, $2::bigint) g,
                  lateral (select (array['gmail.com','outlook.com','yahoo.com','orange.fr','web.de'])
                                  [1 + (g * 10) % 5] as d) dom`,
          [at, Math.min(EVENTS, at + CHUNK) - 1],
        );
      }
      await pool.query(
        `insert into raw_messages (received_at, source, instance, mail_from, rcpt_to, size_bytes, sha256,
                                   dedupe_key, raw, decode_state)
         select now(), 'smtp', 'bench', '', '{b@bounces.example.com}', 1, sha256(g::text::bytea),
                sha256(g::text::bytea), 'x', 'decoded'
           from generate_series(0, $1::bigint - 1) g`,
        [Math.min(EVENTS, 100_000)],
      );
      await pool.query(
        `insert into address_standing (address, domain, state, quarantined_at, last_reason)
         select 'user' || (g * 10) || '@gmail.com', 'gmail.com', 'quarantined', now(),
         'userunknown' from generate_series(0, $1::bigint / 10) g`,
        [EVENTS],
      );
      await pool.query('analyze');
      console.log(`loaded ${EVENTS} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(`query times at ${SENDS} sends and ${EVENTS} events, median of 5 warm runs:`);
      for (const [name, sql] of QUERIES) console.log(`  ${(await time(pool, sql)).toFixed(1).padStart(8)} ms  ${name}`);

      // Retention at this volume: the sends older than 30 days (half of them) go, as the
      // server's daily pass removes them, in statements of 5,000 rows.
      const before = await pool.query(`select sum(sent)::bigint as sent from campaign_bounce_rate`);
      started = Date.now();
      const expired = await applyRetention(pool, new Date(), {
        rawBodyDays: 0,
        rawMessageDays: 0,
        sentMessageDays: 30,
        historyDays: 0,
        mailboxSeenDays: 0,
      });
      const seconds = (Date.now() - started) / 1000;
      const after = await pool.query(`select sum(sent)::bigint as sent from campaign_bounce_rate`);
      console.log(
        `retention: ${expired.sent_messages ?? 0} sends older than 30 days removed in ${seconds.toFixed(1)} s ` +
          `(${Math.round((expired.sent_messages ?? 0) / seconds)} rows/s); campaign_bounce_rate ` +
          `still counts ${after.rows[0].sent} sends (${before.rows[0].sent} before)`,
      );
    } finally {
      await pool.end();
    }
  });
} finally {
  await postgres.stop();
}
