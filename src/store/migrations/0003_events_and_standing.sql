-- What was sent (filled by the sending platform), what came back for each recipient, and
-- where each address stands. Addresses are stored in lower case.

-- The sent-message registry. COPY-friendly: every column but message_id and recipient has
-- a default. send_id is the id carried in signed return-path tokens.
create table sent_messages (
  message_id  text primary key,                  -- the Message-ID as sent, without < >
  send_id     text unique,                       -- the token's send id, when tokens are used
  recipient   text not null,                     -- lower case
  campaign    text,
  sent_at     timestamptz not null default now(),
  envelope_id text,                              -- ENVID (RFC 3461), when the platform sets one
  metadata    jsonb not null default '{}'
);
create index sent_messages_recipient_idx on sent_messages (recipient, sent_at desc);
create index sent_messages_envelope_id_idx on sent_messages (envelope_id) where envelope_id is not null;
create index sent_messages_campaign_idx on sent_messages (campaign, sent_at);

-- One row per recipient fact of a decoded message. Partitioned by month: old months are
-- dropped whole (BOUNCE_EVENTS_RETENTION_MONTHS). The unique key makes decoding twice
-- (a retry, two instances, reprocess) write once.
create table bounce_events (
  id               bigint generated always as identity,
  occurred_at      timestamptz not null,         -- when the report arrived (raw_messages.received_at)
  raw_message_id   bigint not null,
  recipient        text not null,
  recipient_domain text not null,
  kind             text not null,                -- bounce | delay | autoreply | feedback | delivered
  action           text not null,
  reason           text not null,
  type             text not null check (type in ('hard', 'soft', 'ignored')),
  rule             text not null,
  status           text,
  reply_code       text,
  diagnostic       text,
  remote_mta       text,
  feedback_type    text,
  sent_message_id  text,                         -- sent_messages.message_id, when linked
  send_id          text,
  campaign         text,
  correlation      text not null,                -- token | message-id | envelope-id | x-header | in-reply-to | recent-send | none
  standing_effect  text not null default 'none', -- what it did to the address: counted, quarantined, complained, held, none
  primary key (id, occurred_at),
  unique (raw_message_id, recipient, occurred_at)
) partition by range (occurred_at);
create table bounce_events_default partition of bounce_events default;
create index bounce_events_recipient_idx on bounce_events (recipient, occurred_at);
create index bounce_events_domain_idx on bounce_events (recipient_domain, occurred_at);
create index bounce_events_campaign_idx on bounce_events (campaign, occurred_at) where campaign is not null;

-- The suppression list's source of truth.
create table address_standing (
  address         text primary key,
  domain          text not null,
  state           text not null check (state in ('fine', 'soft_bouncing', 'quarantined', 'complained')),
  soft_count      integer not null default 0,    -- soft bounces counted (at most one a day)
  last_counted_at timestamptz,
  last_event_at   timestamptz,
  last_reason     text,
  quarantined_at  timestamptz,
  release_at      timestamptz,                   -- a mailboxfull quarantine lifts then
  updated_at      timestamptz not null default now()
);
create index address_standing_state_idx on address_standing (state) where state <> 'fine';

-- Every change of standing: who, what, when, why, and the event behind it.
create table address_standing_history (
  id             bigint generated always as identity primary key,
  address        text not null,
  at             timestamptz not null,
  from_state     text,
  to_state       text not null,
  reason         text,
  cause          text not null,                  -- event | reset | release | breaker | operator
  raw_message_id bigint,
  actor          text not null default 'bounced',
  note           text
);
create index address_standing_history_address_idx on address_standing_history (address, at);

-- Outage breaker: a receiving domain whose hard bounces burst is held, not quarantined.
create table domain_breakers (
  domain     text primary key,
  tripped_at timestamptz not null,
  hard_count integer not null,
  ratio      double precision not null,
  released_at timestamptz
);

-- What a campaign platform reads before a send.
create view suppression_list as
select address, domain, state, last_reason as reason, quarantined_at, release_at, updated_at
  from address_standing
 where state = 'complained'
    or (state = 'quarantined' and (release_at is null or release_at > now()));

create view bounce_stats_daily as
select date_trunc('day', occurred_at) as day, kind, reason, type, recipient_domain, count(*) as events
  from bounce_events
 group by 1, 2, 3, 4, 5;

create view campaign_bounce_rate as
select s.campaign,
       count(distinct s.message_id) as sent,
       count(distinct e.sent_message_id) filter (where e.kind = 'bounce') as bounced,
       count(distinct e.sent_message_id) filter (where e.type = 'hard') as hard_bounced,
       count(distinct e.sent_message_id) filter (where e.kind = 'feedback') as complaints,
       round(count(distinct e.sent_message_id) filter (where e.kind = 'bounce')::numeric / nullif(count(distinct s.message_id), 0), 4) as bounce_rate,
       round(count(distinct e.sent_message_id) filter (where e.kind = 'feedback')::numeric / nullif(count(distinct s.message_id), 0), 5) as complaint_rate
  from sent_messages s
  left join bounce_events e on e.sent_message_id = s.message_id
 where s.campaign is not null
 group by s.campaign;

-- Failures our side caused (reputation, authentication, block lists, rate): counted
-- against the sender, never the address.
create view sender_failures_daily as
select date_trunc('day', occurred_at) as day, reason, recipient_domain, count(*) as events
  from bounce_events
 where kind = 'bounce'
   and reason in ('blocked', 'badreputation', 'authfailure', 'requireptr', 'ratelimited', 'spamdetected',
                  'virusdetected', 'policyviolation', 'securityerror', 'norelaying', 'rejected', 'failedstarttls',
                  'contenterror', 'notcompliantrfc', 'emailtoolarge', 'syntaxerror')
 group by 1, 2, 3;
