-- The rest of the suppression list's "why" on the standing too: the evidence, the correlation
-- and the send of the event that put the address in its state. suppression_list then reads
-- one table, without a lookup into bounce_events per row (counting 100,000 suppressed
-- addresses took 0.6 s), and keeps its columns.

alter table address_standing
  add column why_evidence text,
  add column why_correlation text,
  add column why_sent_message_id text;

with why as (
  select s.address, e.evidence, e.correlation, e.sent_message_id
    from address_standing s
    join lateral (
      select evidence, correlation, sent_message_id from bounce_events
       where raw_message_id = s.why_raw_message_id and recipient = s.address
       limit 1
    ) e on true
   where s.why_raw_message_id is not null)
update address_standing s
   set why_evidence = w.evidence, why_correlation = w.correlation, why_sent_message_id = w.sent_message_id
  from why w
 where s.address = w.address;

-- The event is written before the history in every writer (the decoder, `bounced apply`):
-- the trigger finds it in the same transaction.
create or replace function bounced_standing_why() returns trigger language plpgsql as $$
begin
  with latest as (
    select distinct on (n.address) n.address, n.raw_message_id, n.cause, n.actor, n.note, n.at
      from new_rows n
      join address_standing s on s.address = n.address and s.state = n.to_state
     order by n.address, n.at desc, n.id desc)
  update address_standing s
     set why_raw_message_id = l.raw_message_id, why_cause = l.cause, why_actor = l.actor, why_note = l.note,
         why_at = l.at, why_evidence = e.evidence, why_correlation = e.correlation,
         why_sent_message_id = e.sent_message_id
    from latest l
    left join lateral (
      select evidence, correlation, sent_message_id from bounce_events
       where raw_message_id = l.raw_message_id and recipient = l.address
       limit 1
    ) e on true
   where s.address = l.address;
  return null;
end $$;

create or replace view suppression_list as
select s.address, s.domain, s.state, s.last_reason as reason, s.quarantined_at, s.release_at, s.updated_at,
       s.why_raw_message_id as raw_message_id, s.why_cause as cause, s.why_actor as actor, s.why_note as note,
       s.why_evidence as evidence, s.why_correlation as correlation, s.why_sent_message_id as sent_message_id
  from address_standing s
 where s.state = 'complained'
    or (s.state = 'quarantined' and (s.release_at is null or s.release_at > now()));
