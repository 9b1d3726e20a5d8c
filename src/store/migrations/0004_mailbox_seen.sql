-- Messages fetched from POP3/IMAP mailboxes: which were stored (and as what), and which
-- were removed from the mailbox. A session that breaks between the commit and the delete
-- finds the message here next time: it is not stored again, only removed.
create table mailbox_seen (
  mailbox        text not null,                 -- pop3://user@host:port/ or imap://user@host:port/FOLDER
  uidvalidity    text not null default '',      -- IMAP UIDVALIDITY; '' for POP3 (UIDL is stable)
  uid            text not null,                 -- IMAP UID or POP3 UIDL
  raw_message_id bigint not null,
  is_bounce      boolean not null,              -- decoded as anything but 'other'
  fetched_at     timestamptz not null default now(),
  removed_at     timestamptz,                   -- deleted, or moved aside
  primary key (mailbox, uidvalidity, uid)
);
