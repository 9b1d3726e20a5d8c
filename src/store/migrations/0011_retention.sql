-- Retention (src/store/retention.ts): a decoded message's bytes may be dropped before its
-- row (RAW_BODY_RETENTION_DAYS); the row keeps its envelope, report and when the bytes went.
alter table raw_messages alter column raw drop not null;
alter table raw_messages add column raw_dropped_at timestamptz;
-- What retention looks rows up by.
create index sent_messages_sent_at_idx on sent_messages (sent_at);
create index address_standing_history_at_idx on address_standing_history (at);
