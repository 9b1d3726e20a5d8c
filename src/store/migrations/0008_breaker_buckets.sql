-- The outage breaker reads a domain's bounces in its window from per-minute counters kept
-- as the events are written, not by scanning bounce_events (a burst of n bounces cost n²).
-- Each database session counts in a slot of its own (its backend pid), so that concurrent
-- workers and instances never wait on one another's counter row; a read sums the slots.
create table domain_bounce_minutes (
  domain text        not null,
  minute timestamptz not null,   -- date_trunc('minute', occurred_at)
  slot   integer     not null,   -- pg_backend_pid() of the writer
  hard   integer     not null default 0,
  total  integer     not null default 0,
  primary key (domain, minute, slot)
);

-- The counts so far, from the events already recorded.
insert into domain_bounce_minutes (domain, minute, slot, hard, total)
select recipient_domain, date_trunc('minute', occurred_at), 0,
       count(*) filter (where type = 'hard'), count(*)
  from bounce_events
 where kind = 'bounce' and occurred_at > now() - interval '2 days'
 group by 1, 2;
