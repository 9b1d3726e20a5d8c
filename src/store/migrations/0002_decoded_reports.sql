-- The decoding stage writes what it read next to the raw message, and operators can add
-- classification rules without a release.
alter table raw_messages
  add column report      jsonb,    -- the decoded Report (kind, recipients with reason/type/rule, original headers)
  add column report_kind text;     -- bounce | delay | autoreply | feedback | delivered | other

create index raw_messages_report_kind_idx on raw_messages (report_kind, received_at);

create table classification_rules (
  id             text primary key,           -- stored with each fact as custom.<id>
  reason         text not null check (reason in (
                   'userunknown', 'hostunknown', 'hasmoved', 'filtered', 'mailboxfull', 'suspend', 'suppressed', 'rejected',
                   'contenterror', 'emailtoolarge', 'notcompliantrfc', 'policyviolation', 'securityerror', 'virusdetected', 'spamdetected',
                   'authfailure', 'badreputation', 'blocked', 'requireptr', 'ratelimited', 'norelaying', 'failedstarttls', 'notaccept',
                   'expired', 'networkerror', 'systemerror', 'systemfull', 'mailererror', 'syntaxerror',
                   'delivered', 'feedback', 'vacation', 'onhold', 'undefined')),
  text_pattern   text,                       -- a case-insensitive regular expression over the diagnostic text
  status_pattern text,                       -- or over the enhanced status code
  example        text not null default '',   -- the real reply it was written for
  position       integer not null default 0, -- lower first; all operator rules come before the built-in ones
  enabled        boolean not null default true,
  created_at     timestamptz not null default now(),
  check (text_pattern is not null or status_pattern is not null)
);

comment on table classification_rules is 'Operators'' bounce classification rules, tried before the built-in table';
