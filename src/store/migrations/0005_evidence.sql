-- Evidence before action: what each recipient fact proves about its address, and why a fact
-- that could have changed a standing did not. Anyone can write to the MX; only our signed
-- token or an id the platform registered ties a report to one of our sends.

alter table bounce_events
  -- authenticated | weak | none; null on rows recorded before evidence was checked
  add column evidence text check (evidence in ('authenticated', 'weak', 'none')),
  -- why the fact was not applied: no-evidence | weak-evidence | not-the-send-recipient |
  -- too-many-addresses; null when applied, or when it could not change a standing anyway
  add column unapplied text check (unapplied in ('no-evidence', 'weak-evidence', 'not-the-send-recipient', 'too-many-addresses')),
  -- the address the report named, when the fact acts on another (a complaint about one of
  -- our sends acts on the send's recipient, never on a From: header)
  add column named_recipient text,
  -- who applied a fact by hand (`bounced apply`); null when bounced applied it itself
  add column applied_by text;

create index bounce_events_unapplied_idx on bounce_events (occurred_at) where unapplied is not null;

-- Facts that were recorded and not applied, with the sending MTA that brought them: the
-- operator's review queue. `bounced apply --event ID` applies one by hand.
create view unapplied_facts as
select e.id as event_id, e.occurred_at, e.raw_message_id, e.recipient, e.named_recipient, e.kind, e.reason, e.type,
       e.evidence, e.unapplied as why, e.correlation, e.sent_message_id, e.campaign,
       r.remote_ip, r.helo, r.mail_from, r.rcpt_to
  from bounce_events e
  join raw_messages r on r.id = e.raw_message_id
 where e.unapplied is not null and e.applied_by is null;

-- Why each address is on the list: the change that put it there, the message behind it,
-- the evidence that message carried, and who decided (bounced, or an operator).
create or replace view suppression_list as
select s.address, s.domain, s.state, s.last_reason as reason, s.quarantined_at, s.release_at, s.updated_at,
       h.raw_message_id, h.cause, h.actor, h.note, e.evidence, e.correlation, e.sent_message_id
  from address_standing s
  left join lateral (
    select raw_message_id, cause, actor, note from address_standing_history
     where address = s.address and to_state = s.state
     order by at desc, id desc limit 1
  ) h on true
  left join lateral (
    select evidence, correlation, sent_message_id from bounce_events
     where raw_message_id = h.raw_message_id and recipient = s.address
     limit 1
  ) e on true
 where s.state = 'complained'
    or (s.state = 'quarantined' and (s.release_at is null or s.release_at > now()));
