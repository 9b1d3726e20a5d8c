-- Counters kept as the rows are written, so that the views a platform and Grafana read
-- answer at once however many sends and events there are (they aggregated every row on
-- every read: 6.5 s for campaign_bounce_rate at 5M sends). Triggers keep them, whoever
-- writes: the decoder, `bounced reprocess`, or a platform loading sent_messages by COPY.
--
-- Each counter row has a slot (the writing session's pid modulo 8): concurrent writers
-- rarely wait on the same row, and a read sums the slots. Counters outlive the rows they
-- count: when old sends and events are dropped by retention, the campaign's figures stay.

-- Per campaign: sends registered, and sends that bounced, bounced hard, or were complained
-- about, each send counted once whatever number of reports came back about it.
create table campaign_counts (
  campaign     text not null,
  slot         smallint not null,
  sent         bigint not null default 0,
  bounced      bigint not null default 0,
  hard_bounced bigint not null default 0,
  complaints   bigint not null default 0,
  primary key (campaign, slot)
);

-- Which outcomes of a send have been counted: a second report about the same send and
-- outcome inserts nothing, and so counts nothing.
create table send_outcomes (
  sent_message_id text not null,
  outcome         text not null check (outcome in ('bounced', 'hard', 'complained')),
  campaign        text not null,
  at              timestamptz not null,
  primary key (sent_message_id, outcome)
);
create index send_outcomes_at_idx on send_outcomes (at);

-- Per UTC day, kind, reason, type and receiving domain: how many events.
create table bounce_counts_daily (
  day              date not null,
  kind             text not null,
  reason           text not null,
  type             text not null,
  recipient_domain text not null,
  slot             smallint not null,
  events           bigint not null,
  primary key (day, kind, reason, type, recipient_domain, slot)
);

create function bounced_count_sends() returns trigger language plpgsql as $$
begin
  insert into campaign_counts as c (campaign, slot, sent)
  select campaign, pg_backend_pid() % 8, count(*) from inserted_sends where campaign is not null group by campaign order by campaign
  on conflict (campaign, slot) do update set sent = c.sent + excluded.sent;
  return null;
end $$;

create trigger sent_messages_counted after insert on sent_messages
  referencing new table as inserted_sends for each statement execute function bounced_count_sends();

-- What an event says of its send, in the words of send_outcomes: the one rule both the
-- trigger and the backfill below count by.
create function bounced_send_outcomes(kind text, type text) returns setof text
language sql immutable as $$
  select 'bounced' where kind = 'bounce'
  union all select 'hard' where type = 'hard'
  union all select 'complained' where kind = 'feedback'
$$;

create function bounced_count_new_events() returns trigger language plpgsql as $$
begin
  insert into bounce_counts_daily as d (day, kind, reason, type, recipient_domain, slot, events)
  select (occurred_at at time zone 'UTC')::date, kind, reason, type, recipient_domain, pg_backend_pid() % 8, count(*)
    from new_events group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
  on conflict (day, kind, reason, type, recipient_domain, slot) do update set events = d.events + excluded.events;

  with outcomes as (
    insert into send_outcomes (sent_message_id, outcome, campaign, at)
    select distinct on (e.sent_message_id, o.outcome) e.sent_message_id, o.outcome, e.campaign, e.occurred_at
      from new_events e
     cross join bounced_send_outcomes(e.kind, e.type) as o(outcome)
     where e.sent_message_id is not null and e.campaign is not null
     order by e.sent_message_id, o.outcome, e.occurred_at
    on conflict do nothing
    returning campaign, outcome)
  insert into campaign_counts as c (campaign, slot, bounced, hard_bounced, complaints)
  select campaign, pg_backend_pid() % 8, count(*) filter (where outcome = 'bounced'),
         count(*) filter (where outcome = 'hard'), count(*) filter (where outcome = 'complained')
    from outcomes group by campaign order by campaign
  on conflict (campaign, slot) do update
    set bounced = c.bounced + excluded.bounced, hard_bounced = c.hard_bounced + excluded.hard_bounced,
        complaints = c.complaints + excluded.complaints;
  return null;
end $$;

-- A reclassified event (reprocess) moves from its old day counter to its new one. (Its
-- send's outcomes stay counted: a send found to have bounced did bounce.)
create function bounced_recount_events() returns trigger language plpgsql as $$
begin
  insert into bounce_counts_daily as d (day, kind, reason, type, recipient_domain, slot, events)
  select day, kind, reason, type, recipient_domain, pg_backend_pid() % 8, sum(n) from (
    select (occurred_at at time zone 'UTC')::date as day, kind, reason, type, recipient_domain, -1 as n from old_events
    union all
    select (occurred_at at time zone 'UTC')::date, kind, reason, type, recipient_domain, 1 from new_events
  ) moved group by 1, 2, 3, 4, 5 having sum(n) <> 0 order by 1, 2, 3, 4, 5
  on conflict (day, kind, reason, type, recipient_domain, slot) do update set events = d.events + excluded.events;
  return null;
end $$;

create trigger bounce_events_counted after insert on bounce_events
  referencing new table as new_events for each statement execute function bounced_count_new_events();
create trigger bounce_events_recounted after update on bounce_events
  referencing old table as old_events new table as new_events for each statement execute function bounced_recount_events();

-- What is there already, counted once.
insert into campaign_counts (campaign, slot, sent)
select campaign, 0, count(*) from sent_messages where campaign is not null group by campaign;
insert into send_outcomes (sent_message_id, outcome, campaign, at)
select distinct on (e.sent_message_id, o.outcome) e.sent_message_id, o.outcome, e.campaign, e.occurred_at
  from bounce_events e
 cross join bounced_send_outcomes(e.kind, e.type) as o(outcome)
 where e.sent_message_id is not null and e.campaign is not null
 order by e.sent_message_id, o.outcome, e.occurred_at;
insert into campaign_counts as c (campaign, slot, bounced, hard_bounced, complaints)
select campaign, 0, count(*) filter (where outcome = 'bounced'), count(*) filter (where outcome = 'hard'),
       count(*) filter (where outcome = 'complained')
  from send_outcomes group by campaign
on conflict (campaign, slot) do update
  set bounced = excluded.bounced, hard_bounced = excluded.hard_bounced, complaints = excluded.complaints;
insert into bounce_counts_daily (day, kind, reason, type, recipient_domain, slot, events)
select (occurred_at at time zone 'UTC')::date, kind, reason, type, recipient_domain, 0, count(*)
  from bounce_events group by 1, 2, 3, 4, 5;

-- The views keep their names and columns; they read the counters now. Days are UTC days.
drop view campaign_bounce_rate;
create view campaign_bounce_rate as
select campaign, sent, bounced, hard_bounced, complaints,
       round(bounced::numeric / nullif(sent, 0), 4) as bounce_rate,
       round(complaints::numeric / nullif(sent, 0), 5) as complaint_rate
  from (select campaign, sum(sent)::bigint as sent, sum(bounced)::bigint as bounced, sum(hard_bounced)::bigint as hard_bounced,
               sum(complaints)::bigint as complaints
          from campaign_counts group by campaign) c
 where sent > 0;

drop view bounce_stats_daily;
create view bounce_stats_daily as
select (day::timestamp at time zone 'UTC') as day, kind, reason, type, recipient_domain, sum(events)::bigint as events
  from bounce_counts_daily
 group by bounce_counts_daily.day, kind, reason, type, recipient_domain
having sum(events) <> 0;

drop view sender_failures_daily;
create view sender_failures_daily as
select (day::timestamp at time zone 'UTC') as day, reason, recipient_domain, sum(events)::bigint as events
  from bounce_counts_daily
 where kind = 'bounce'
   and reason in ('blocked', 'badreputation', 'authfailure', 'requireptr', 'ratelimited', 'spamdetected',
                  'virusdetected', 'policyviolation', 'securityerror', 'norelaying', 'rejected', 'failedstarttls',
                  'contenterror', 'notcompliantrfc', 'emailtoolarge', 'syntaxerror')
 group by bounce_counts_daily.day, reason, recipient_domain
having sum(events) <> 0;

-- The events of a send, for the platform and for the operator reading one send's story.
create index bounce_events_sent_message_idx on bounce_events (sent_message_id) where sent_message_id is not null;
-- The suppression list's history lookup: the latest change of an address to its state.
create index address_standing_history_state_idx on address_standing_history (address, to_state, at desc, id desc);
