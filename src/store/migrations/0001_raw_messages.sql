-- The durable spool: every message accepted over SMTP, stored before the 250 reply.
-- Rows not yet decoded (decode_state = 'pending') are the decoding queue.
create table raw_messages (
  id              bigint generated always as identity primary key,
  received_at     timestamptz not null,            -- end of DATA, on the receiving instance
  stored_at       timestamptz not null default now(),
  source          text not null default 'smtp',    -- how it arrived: smtp (later: pop3, imap)
  instance        text not null,                   -- INSTANCE_NAME of the receiver
  smtp_session_id text,
  mail_from       text not null,                   -- '' for the null reverse-path MAIL FROM:<>
  rcpt_to         text[] not null,                 -- envelope recipients, as given
  remote_ip       inet,
  helo            text,                            -- the name the client gave in HELO/EHLO
  tls_protocol    text,                            -- e.g. 'TLSv1.3'; null for plain text
  size_bytes      integer not null,
  sha256          bytea not null,                  -- of raw
  -- sha256 of envelope + raw: a client that retries after a lost 250 sends the same
  -- envelope and bytes, and must be stored once.
  dedupe_key      bytea not null unique,
  raw             bytea not null,                  -- the message exactly as received
  decode_state    text not null default 'pending'
                  check (decode_state in ('pending', 'decoded', 'failed')),
  decode_attempts integer not null default 0,
  decoded_at      timestamptz,
  decode_error    text
);

create index raw_messages_pending_idx on raw_messages (id) where decode_state = 'pending';
create index raw_messages_received_at_idx on raw_messages (received_at);

comment on table raw_messages is 'Every accepted message, byte for byte, with its SMTP envelope; the decode queue';
