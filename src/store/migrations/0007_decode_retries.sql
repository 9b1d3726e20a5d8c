-- A message whose decoding met a transient database fault (a deadlock, a serialization
-- failure, a statement timeout, a lost connection) goes back to the queue with its
-- attempts counted and a later time to try again; decode_error keeps the last fault.
-- 'failed' is only for a message that cannot be decoded.
alter table raw_messages add column next_attempt_at timestamptz;
