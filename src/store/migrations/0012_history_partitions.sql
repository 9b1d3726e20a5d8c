-- address_standing_history by month, so that retention drops old months whole (as it does
-- bounce_events). The suppression list's "why" (the change that put an address in its
-- state: the message, the cause, who) now lives on the standing itself, kept by a trigger
-- whoever writes the history, so that dropping old history never loses it.

alter table address_standing
  add column why_raw_message_id bigint,
  add column why_cause text,
  add column why_actor text,
  add column why_note text,
  add column why_at timestamptz;

with latest as (
  select distinct on (h.address) h.address, h.raw_message_id, h.cause, h.actor, h.note, h.at
    from address_standing_history h
    join address_standing s on s.address = h.address and s.state = h.to_state
   order by h.address, h.at desc, h.id desc)
update address_standing s
   set why_raw_message_id = l.raw_message_id, why_cause = l.cause, why_actor = l.actor, why_note = l.note, why_at = l.at
  from latest l
 where s.address = l.address;

-- Same columns, names and types as before; the why read from the standing.
create or replace view suppression_list as
select s.address, s.domain, s.state, s.last_reason as reason, s.quarantined_at, s.release_at, s.updated_at,
       s.why_raw_message_id as raw_message_id, s.why_cause as cause, s.why_actor as actor, s.why_note as note,
       e.evidence, e.correlation, e.sent_message_id
  from address_standing s
  left join lateral (
    select evidence, correlation, sent_message_id from bounce_events
     where raw_message_id = s.why_raw_message_id and recipient = s.address
     limit 1
  ) e on true
 where s.state = 'complained'
    or (s.state = 'quarantined' and (s.release_at is null or s.release_at > now()));

alter table address_standing_history rename to address_standing_history_unpartitioned;
alter index address_standing_history_pkey rename to address_standing_history_unpartitioned_pkey;
alter index address_standing_history_address_idx rename to address_standing_history_unpartitioned_address_idx;
drop index address_standing_history_state_idx;
drop index address_standing_history_at_idx;

create sequence address_standing_history_seq;
select setval('address_standing_history_seq', coalesce((select max(id) from address_standing_history_unpartitioned), 0) + 1, false);

create table address_standing_history (
  id             bigint not null default nextval('address_standing_history_seq'),
  address        text not null,
  at             timestamptz not null,
  from_state     text,
  to_state       text not null,
  reason         text,
  cause          text not null,                  -- event | reset | release | breaker | operator
  raw_message_id bigint,
  actor          text not null default 'bounced',
  note           text,
  primary key (id, at)
) partition by range (at);
alter sequence address_standing_history_seq owned by address_standing_history.id;
-- Anything outside the months made ahead (a very old report replayed) lands here.
create table address_standing_history_default partition of address_standing_history default;
create index address_standing_history_address_idx on address_standing_history (address, at);

-- A month for every month the history already spans, and the next two: rows then go to
-- their month, never to the default partition (which would block creating that month later).
do $$
declare
  first_month date := date_trunc('month', least((select min(at) from address_standing_history_unpartitioned), now() - interval '1 month') at time zone 'UTC');
  last_month date := date_trunc('month', (now() at time zone 'UTC') + interval '2 months');
  m date;
begin
  m := first_month;
  while m <= last_month loop
    execute format(
      'create table %I partition of address_standing_history for values from (%L) to (%L)',
      'address_standing_history_y' || to_char(m, 'YYYY') || 'm' || to_char(m, 'MM'),
      (m::timestamp at time zone 'UTC'), ((m + interval '1 month')::timestamp at time zone 'UTC'));
    m := m + interval '1 month';
  end loop;
end $$;

insert into address_standing_history (id, address, at, from_state, to_state, reason, cause, raw_message_id, actor, note)
select id, address, at, from_state, to_state, reason, cause, raw_message_id, actor, note
  from address_standing_history_unpartitioned;
drop table address_standing_history_unpartitioned;

-- The why of each address written in the same statement as its history.
create function bounced_standing_why() returns trigger language plpgsql as $$
begin
  with latest as (
    select distinct on (n.address) n.address, n.raw_message_id, n.cause, n.actor, n.note, n.at
      from new_rows n
      join address_standing s on s.address = n.address and s.state = n.to_state
     order by n.address, n.at desc, n.id desc)
  update address_standing s
     set why_raw_message_id = l.raw_message_id, why_cause = l.cause, why_actor = l.actor, why_note = l.note, why_at = l.at
    from latest l
   where s.address = l.address;
  return null;
end $$;

create trigger address_standing_history_why after insert on address_standing_history
  referencing new table as new_rows for each statement execute function bounced_standing_why();
