// The decoder, one row per fixture: each expected value was read off the fixture by hand.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decode } from '../src/parse/index.ts';
import { parseMessage } from '../src/parse/mime.ts';
import { messageIdOf } from '../src/parse/original.ts';
import { dsnNotice, dsnWith, textNotice } from './support/notices.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/decoder/', import.meta.url));
const load = (name: string) => readFileSync(FIXTURES + name);

interface Row {
  file: string;
  kind: string;
  messageId?: string | null;
  recipients: Array<{
    address: string;
    action: string;
    status: string | null;
    replyCode?: string | null;
    remoteMta?: string | null;
    reason: string;
    type: string;
  }>;
}

/** A bounce of our message <cmp-42.7@shop.example>, as the notices written for this project are. */
const shopNotice = (file: string, ...recipients: Row['recipients']): Row => ({
  file,
  kind: 'bounce',
  messageId: 'cmp-42.7@shop.example',
  recipients,
});
const failed = (address: string, status: string | null, reason: string, type: string, replyCode?: string) => ({
  address,
  action: 'failed',
  status,
  reason,
  type,
  ...(replyCode ? { replyCode } : {}),
});

const TABLE: Row[] = [
  // Formats of MTAs and services read from their documented shapes (samples written for this
  // project, each about our message <cmp-42.7@shop.example>): each expected value below was
  // read off its fixture.
  shopNotice('text/courier-rcpt-unknown.eml', failed('ann@dest.example', '5.1.1', 'userunknown', 'hard', '550')),
  // "Failed to deliver to '<bob@…>'" / "account is full (quota exceeded)": no code given.
  shopNotice('text/communigate-account-full.eml', failed('bob@dest.example', null, 'mailboxfull', 'soft')),
  // A header summary of the message (To: cat@…) above the failure, and a postmaster in the footer.
  shopNotice('text/netscape-header-summary-over-quota.eml', failed('cat@dest.example', null, 'mailboxfull', 'soft')),
  // "user not found" with neither a code nor a stage: unconfirmed, soft (see README, Decoding).
  shopNotice('text/groupwise-user-not-found.eml', failed('dan@dest.example', null, 'filtered', 'soft')),
  // "PERMANENT fatal delivery errors", then "YOU DO NOT NEED TO RESEND": a failure, at RCPT.
  shopNotice('text/mdaemon-permanent-transcript.eml', failed('eve@far.example', '5.1.1', 'userunknown', 'hard', '550')),
  shopNotice('text/kerio-mailbox-full.eml', failed('fay@dest.example', '5.2.2', 'mailboxfull', 'soft', '552')),
  shopNotice('text/imail-mailbox-exceeds-size.eml', failed('gus@dest.example', null, 'mailboxfull', 'soft')),
  // "did not receive this message", no reason given; the footer's postmaster is nobody's failure.
  shopNotice('text/did-not-receive-postmaster-footer.eml', failed('max@dest.example', null, 'onhold', 'soft')),
  // "Postfach voll"; the help desk named in the footer ("wenden Sie sich an hilfe@…") is not reported.
  shopNotice('text/german-mailbox-full-helpdesk.eml', failed('kai@dest.example', null, 'mailboxfull', 'soft')),
  // Exchange's RESOLVER.ADR.RecipNotFound: the directory has no such recipient.
  shopNotice('text/french-recipient-not-found.eml', failed('lea@dest.example', '5.1.1', 'userunknown', 'hard', '550')),
  // Exim's shape in Russian: after RCPT TO, "550 … invalid mailbox … user not found" (5.1.1 by its words).
  shopNotice(
    'text/russian-exim-invalid-mailbox.eml',
    failed('rita@dest.example', '5.1.1', 'userunknown', 'hard', '550'),
  ),
  // "This account has been disabled or discontinued [#102]" under a 554: a disabled mailbox (5.2.1).
  shopNotice('text/yahoo-account-disabled.eml', failed('ivy@yahoo.example', '5.2.1', 'suspend', 'soft', '554')),
  // One unknown user; for the other, the receiver refused our sender: not that address's fault.
  shopNotice(
    'text/qmail-unknown-user-and-sender-rejected.eml',
    failed('ola@dest.example', '5.1.1', 'userunknown', 'hard', '550'),
    failed('pia@other.example', '5.7.1', 'rejected', 'ignored', '553'),
  ),
  shopNotice('text/antivirus-alert.eml', failed('sam@dest.example', null, 'virusdetected', 'ignored')),
  // A screen name, not an address, and a postmaster in the footer: the returned message's To.
  shopNotice('text/aol-screen-name.eml', failed('jaymember@aol.example', null, 'undefined', 'soft')),
  {
    file: 'dsn/postfix-rcpt-unknown.eml',
    kind: 'bounce',
    messageId: 'tok123@bounces.example.com',
    recipients: [
      {
        address: 'alice@receiver.example',
        action: 'failed',
        status: '5.1.1',
        replyCode: '550',
        reason: 'userunknown',
        type: 'hard',
      },
    ],
  },
  {
    file: 'dsn/two-recipients-full-and-delayed.eml',
    kind: 'delay',
    recipients: [
      {
        address: 'bob@full.example',
        action: 'delayed',
        status: '4.2.2',
        replyCode: '452',
        reason: 'mailboxfull',
        type: 'soft',
      },
      { address: 'carol@slow.example', action: 'delayed', status: '4.4.1', reason: 'expired', type: 'soft' },
    ],
  },
  {
    file: 'dsn/global-utf8.eml',
    kind: 'bounce',
    recipients: [
      {
        address: '用户@例子.example',
        action: 'failed',
        status: '5.1.1',
        replyCode: '550',
        reason: 'userunknown',
        type: 'hard',
      },
    ],
  },
  {
    file: 'text/exim-quota.eml',
    kind: 'bounce',
    messageId: 't4@bounces.example.com',
    recipients: [
      {
        address: 'dave@quota.example',
        action: 'failed',
        status: '5.2.2',
        replyCode: '552',
        reason: 'mailboxfull',
        type: 'soft',
      },
    ],
  },
  {
    file: 'text/qmail-sender-rejected.eml',
    kind: 'bounce',
    messageId: 't5@bounces.example.com',
    recipients: [
      {
        address: 'erin@strict.example',
        action: 'failed',
        status: '5.1.8',
        replyCode: '553',
        reason: 'rejected',
        type: 'ignored',
      },
    ],
  },
  {
    file: 'text/cr-only-blocklist.eml',
    kind: 'bounce',
    recipients: [
      {
        address: 'frank@blocked.example',
        action: 'failed',
        status: '5.7.1',
        replyCode: '554',
        reason: 'blocked',
        type: 'ignored',
      },
    ],
  },
  {
    // Sender "post_master", a Content-Type that lost its semicolon, the stage labelled below
    // the reply, and a size that is not a reply code.
    file: 'text/labelled-command-data.eml',
    kind: 'bounce',
    messageId: 't9@bounces.example.com',
    recipients: [
      {
        address: 'judy@filtered.example',
        action: 'failed',
        status: '5.0.0',
        replyCode: '550',
        reason: 'filtered',
        type: 'soft',
      },
    ],
  },
  {
    // A list robot refusing a post: the list's address failed, the sender is refused.
    file: 'text/mailman-non-member.eml',
    kind: 'bounce',
    recipients: [
      { address: 'team@lists.example.org', action: 'failed', status: null, reason: 'rejected', type: 'ignored' },
    ],
  },
  {
    // The stage from the transcript's "sent: RCPT TO:<x>" line makes "No such user here" hard.
    file: 'text/hmailserver-rcpt-no-such-user.eml',
    kind: 'bounce',
    recipients: [
      {
        address: 'kate@dest.example',
        action: 'failed',
        status: '5.1.1', // no code of its own: the code every MTA gives "no such user
        replyCode: '550',
        reason: 'userunknown',
        type: 'hard',
      },
    ],
  },
  {
    // The recipient's list entry gives a short reason; the transcript line naming it has the status.
    file: 'text/sendmail-reason-and-transcript.eml',
    kind: 'bounce',
    messageId: 't11@bounces.example.com',
    recipients: [
      {
        address: 'nina@nowhere.example',
        action: 'failed',
        status: '5.1.2',
        replyCode: '550',
        reason: 'hostunknown',
        type: 'hard',
      },
    ],
  },
  {
    // Only the failed recipient: not the sender named above it ("A message sent by"), the help
    // desk, an address at the end of a path, or the returned header's "for <x>;".
    file: 'text/exim-sender-and-helpdesk.eml',
    kind: 'bounce',
    messageId: 't13@bounces.example.com',
    recipients: [
      {
        address: 'oscar@dest.example',
        action: 'failed',
        status: '5.1.1',
        replyCode: '550',
        reason: 'userunknown',
        type: 'hard',
      },
    ],
  },
  {
    // The "To:" of the header summary and a quoted Message-Id are not recipients.
    file: 'text/exchange-summary-quoted.eml',
    kind: 'bounce',
    recipients: [
      { address: 'paula@corp.example', action: 'failed', status: null, reason: 'userunknown', type: 'hard' },
    ],
  },
  {
    // The failed address is hidden; Exim names the one it was redirected from.
    file: 'text/exim-undisclosed-generated-from.eml',
    kind: 'bounce',
    messageId: 't16@bounces.example.com',
    recipients: [{ address: 'rosa@dest.example', action: 'failed', status: null, reason: 'onhold', type: 'soft' }],
  },
  {
    // An address written as the display name of another ("a@b <c@d>") is not the recipient.
    file: 'text/exim-malformed-display-name.eml',
    kind: 'bounce',
    messageId: 't30@bounces.example.com',
    recipients: [
      { address: 'lena@new.example', action: 'failed', status: null, reason: 'syntaxerror', type: 'ignored' },
    ],
  },
  {
    // A transcript accepts the recipient ("250 2.1.5 Recipient OK") before refusing the
    // message: the success code is not the failure's status.
    file: 'text/gateway-transcript-ok-then-rejected.eml',
    kind: 'bounce',
    messageId: 't31@bounces.example.com',
    recipients: [
      {
        address: 'vic@dest.example',
        action: 'failed',
        status: '5.0.0',
        replyCode: '500',
        reason: 'onhold',
        type: 'soft',
      },
    ],
  },
  {
    // A transcript's summary of the message ("*  From: …", "*  To: …") and a DNS failure in words.
    file: 'text/transcript-header-summary-dns.eml',
    kind: 'bounce',
    recipients: [{ address: 'fay@gone.example', action: 'failed', status: null, reason: 'hostunknown', type: 'hard' }],
  },
  {
    // "Message headers follow." starts the copy, whose first header is folded over five lines.
    file: 'text/headers-follow-folded.eml',
    kind: 'bounce',
    messageId: 't33@bounces.example.com',
    recipients: [
      {
        address: 'nora@dest.example',
        action: 'failed',
        status: '5.1.1',
        replyCode: '550',
        reason: 'userunknown',
        type: 'hard',
      },
    ],
  },
  {
    // The copy lost the indent of its folded lines: the Message-ID below them is still read.
    file: 'text/copy-with-broken-folds.eml',
    kind: 'bounce',
    messageId: 't34@bounces.example.com',
    recipients: [
      {
        address: 'omar@dest.example',
        action: 'failed',
        status: '5.1.1',
        replyCode: '550',
        reason: 'userunknown',
        type: 'hard',
      },
    ],
  },
  {
    // "Recipient:", "Reason:" and "Remote host:" labels, one a line (a generated notice).
    file: 'text/recipient-reason-remote-host.eml',
    kind: 'bounce',
    recipients: [
      {
        address: 'zoe@dest.example',
        action: 'failed',
        status: '5.1.1',
        replyCode: '550',
        remoteMta: 'mx.dest.example',
        reason: 'userunknown',
        type: 'hard',
      },
    ],
  },
  {
    // "advisory-only", "postponed", "will continue to try": a delay, not a failure.
    file: 'text/advisory-full-mailbox-delay.eml',
    kind: 'delay',
    recipients: [{ address: 'sam@dest.example', action: 'delayed', status: null, reason: 'mailboxfull', type: 'soft' }],
  },
  {
    // An X.400 address with the SMTP one glued to its "dda:SMTP=" type.
    file: 'text/exchange-ims-x400.eml',
    kind: 'bounce',
    recipients: [{ address: 'tina@corp.example', action: 'failed', status: null, reason: 'userunknown', type: 'hard' }],
  },
  {
    // "Old message:" starts the returned copy: its words are not the failure's.
    file: 'text/cdo-old-message.eml',
    kind: 'bounce',
    recipients: [{ address: 'uma@dest.example', action: 'failed', status: null, reason: 'undefined', type: 'soft' }],
  },
  {
    // "RCPT TO generated following response": the stage, so "Addressee unknown" under 5.3.0 is hard.
    file: 'text/smtp32-rcpt-generated.eml',
    kind: 'bounce',
    messageId: 't20@bounces.example.com',
    recipients: [
      {
        address: 'vera@dest.example',
        action: 'failed',
        status: '5.3.0',
        replyCode: '553',
        reason: 'userunknown',
        type: 'hard',
      },
      {
        address: 'walt@dest.example',
        action: 'failed',
        status: '5.3.0',
        replyCode: '553',
        reason: 'userunknown',
        type: 'hard',
      },
    ],
  },
  {
    // Each recipient's transcript reply is its own: the open-relay refusal to MAIL FROM above
    // the first (our host, blocked), not the next line's "Host unknown".
    file: 'text/sendmail-transcript-several.eml',
    kind: 'bounce',
    messageId: 't22@bounces.example.com',
    recipients: [
      {
        address: 'yara@relay.example',
        action: 'failed',
        status: '5.0.0',
        replyCode: '501',
        reason: 'blocked',
        type: 'ignored',
      },
      {
        address: 'zack@gone.example',
        action: 'failed',
        status: '5.1.2',
        replyCode: '554',
        reason: 'hostunknown',
        type: 'hard',
      },
      {
        address: 'abel@dest.example',
        action: 'failed',
        status: '5.1.1',
        replyCode: '550',
        reason: 'userunknown',
        type: 'hard',
      },
    ],
  },
  {
    file: 'text/mailenable-domain-not-registered.eml',
    kind: 'bounce',
    recipients: [{ address: 'judy@dest.example', action: 'failed', status: null, reason: 'hostunknown', type: 'hard' }],
  },
  {
    // No code, no stage, but the words of a directory lookup: "destination addresses were unknown".
    file: 'text/netscape-unknown-destination.eml',
    kind: 'bounce',
    recipients: [{ address: 'erin@dest.example', action: 'failed', status: null, reason: 'filtered', type: 'soft' }],
  },
  {
    // A warning that delivery is still being tried: a delay, which never counts against the address.
    file: 'text/exim-delay-warning.eml',
    kind: 'delay',
    recipients: [
      {
        address: 'rita@slow.example',
        action: 'delayed',
        status: '4.2.2',
        replyCode: '452',
        reason: 'mailboxfull',
        type: 'soft',
      },
    ],
  },
  {
    file: 'other/arf-abuse.eml',
    kind: 'feedback',
    messageId: 't7@bounces.example.com',
    recipients: [{ address: 'grace@isp.example', action: 'failed', status: null, reason: 'feedback', type: 'ignored' }],
  },
  {
    // A List-Unsubscribe mailto request: the reader opts out.
    file: 'other/gmail-unsubscribe.eml',
    kind: 'feedback',
    recipients: [{ address: 'kim@gmail.example', action: 'failed', status: null, reason: 'feedback', type: 'ignored' }],
  },
  {
    file: 'other/vacation.eml',
    kind: 'autoreply',
    recipients: [
      { address: 'heidi@corp.example', action: 'delivered', status: null, reason: 'vacation', type: 'ignored' },
    ],
  },
  {
    file: 'other/delivered.eml',
    kind: 'delivered',
    recipients: [
      {
        address: 'ivan@ok.example',
        action: 'relayed',
        status: '2.0.0',
        replyCode: '250',
        reason: 'delivered',
        type: 'ignored',
      },
    ],
  },
  {
    // A Sieve reject (RFC 5429) as a disposition notification: the recipient's own rule
    // refused the message. Filtered, not the address's fault.
    file: 'mdn/sieve-reject.eml',
    kind: 'bounce',
    messageId: 'sieve-1@bounces.example.com',
    recipients: [{ address: 'erin@example.org', action: 'failed', status: null, reason: 'filtered', type: 'soft' }],
  },
  {
    // A read receipt: the message was delivered.
    file: 'mdn/read-receipt.eml',
    kind: 'delivered',
    messageId: 'read-1@bounces.example.com',
    recipients: [
      { address: 'erin@example.org', action: 'delivered', status: null, reason: 'delivered', type: 'ignored' },
    ],
  },
  { file: 'not-bounce/newsletter.eml', kind: 'other', messageId: null, recipients: [] },
  { file: 'not-bounce/human-reply.eml', kind: 'other', recipients: [] },
  // A bounce-like subject ("Notification"), but a person writing: no failure in the text.
  { file: 'not-bounce/notification-reply.eml', kind: 'other', recipients: [] },
  {
    file: 'malformed/truncated-dsn.eml',
    kind: 'bounce',
    recipients: [
      {
        address: 'leo@gone.example',
        action: 'failed',
        status: '5.1.1',
        replyCode: '550',
        reason: 'userunknown',
        type: 'hard',
      },
    ],
  },
  {
    file: 'malformed/lost-boundary.eml',
    kind: 'bounce',
    recipients: [
      {
        address: 'mia@big.example',
        action: 'failed',
        status: '5.3.4',
        replyCode: '552',
        reason: 'emailtoolarge',
        type: 'ignored',
      },
    ],
  },
  { file: 'malformed/empty.eml', kind: 'other', messageId: null, recipients: [] },
];

for (const row of TABLE) {
  const named = row.recipients.map((r) => `${r.address} ${r.reason}`).join(', ');
  test(`${row.file}: ${row.kind}, ${named || 'no recipients'}`, () => {
    const report = decode(load(row.file));
    assert.equal(report.kind, row.kind);
    if (row.messageId !== undefined) assert.equal(messageIdOf(report.original), row.messageId);
    assert.deepEqual(
      report.recipients.map((r) => {
        const expected = row.recipients.find((x) => x.address === r.address) ?? {};
        return {
          address: r.address,
          action: r.action,
          status: r.status,
          reason: r.reason,
          type: r.type,
          ...('replyCode' in expected ? { replyCode: r.replyCode } : {}),
          ...('remoteMta' in expected ? { remoteMta: r.remoteMta } : {}),
        };
      }),
      row.recipients.map((r) => ({
        address: r.address,
        action: r.action,
        status: r.status,
        reason: r.reason,
        type: r.type,
        ...('replyCode' in r ? { replyCode: r.replyCode } : {}),
        ...('remoteMta' in r ? { remoteMta: r.remoteMta } : {}),
      })),
    );
  });
}

test("a DSN's Status: gives way only to a receiver's code that says at least as much", () => {
  const dsn = (status: string, diagnostic: string) =>
    Buffer.from(
      [
        'From: MAILER-DAEMON@mx.example.net',
        'Subject: Delivery Status Notification (Failure)',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
        '',
        '--b1',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.net',
        '',
        'Final-Recipient: rfc822; bob@example.org',
        'Action: failed',
        `Status: ${status}`,
        `Diagnostic-Code: smtp; ${diagnostic}`,
        '--b1--',
        '',
      ].join('\r\n'),
    );
  const statusOf = (status: string, diagnostic: string) => decode(dsn(status, diagnostic)).recipients[0]?.status;
  // A recipient of another address type is reported as the DSN gives it.
  const other = decode(
    Buffer.from(dsn('5.1.1', '550 5.1.1 unknown').toString().replace('rfc822; bob@example.org', 'unknown; nair_s')),
  );
  assert.deepEqual(
    other.recipients.map((r) => [r.address, r.status, r.role]),
    [['nair_s', '5.1.1', 'dsn-field']],
  );
  assert.equal(statusOf('5.1.1', '550 5.1.0 Address rejected'), '5.1.1');
  assert.equal(statusOf('5.2.2', '421 4.0.0 try again later'), '5.2.2');
  assert.equal(statusOf('5.2.2', '550 5.0.0 mailbox full'), '5.2.2');
  assert.equal(statusOf('5.0.0', '550 5.1.1 no such user'), '5.1.1');
  assert.equal(statusOf('5.1.0', '550 5.1.1 no such user'), '5.1.1');
  assert.equal(statusOf('5.1.1', '552 5.2.2 Over quota'), '5.2.2');
});

test('a reply without a code of its own gets the code of what its words say, in its own class', () => {
  const notice = (reply: string) =>
    Buffer.from(
      'From: MAILER-DAEMON@relay.example\r\nSubject: Mail delivery failed\r\n\r\n' +
        'This message was created automatically by mail delivery software.\r\n\r\n' +
        `  bob@example.org\r\n    SMTP error from remote mail server after RCPT ` +
        `TO:<bob@example.org>:\r\n    ${reply}\r\n`,
    );
  const fact = (reply: string) => {
    const r = decode(notice(reply)).recipients[0]!;
    return `${r.status} ${r.reason}`;
  };
  assert.equal(fact('552 Quota exceeded'), '5.2.2 mailboxfull');
  assert.equal(fact('452 Mailbox full, try again later'), '4.2.2 mailboxfull');
  assert.equal(fact('550 No such user here'), '5.1.1 userunknown');
  assert.equal(fact('550 Receiver not found: bob'), '5.1.1 userunknown');
  // A code of its own stays, whatever the words.
  assert.equal(fact('550 5.7.1 No such user here'), '5.7.1 userunknown');
  // Words that name no single code keep the class alone.
  assert.equal(fact('554 Transaction failed'), '5.0.0 systemerror');
});

test('RFC 2231 parameters: numbered sections joined, encoded sections decoded in their charset', () => {
  const root = parseMessage(
    [
      'Content-Type: multipart/mixed;',
      ' boundary*0="=_long-boundary-part-one";',
      ' boundary*1="-and-part-two"',
      '',
      '--=_long-boundary-part-one-and-part-two',
      "Content-Type: text/plain; charset*=iso-8859-1''caf%E9; name*=utf-8''r%C3%A9sum%C3%A9.txt",
      '',
      'one',
      '--=_long-boundary-part-one-and-part-two--',
      '',
    ].join('\n'),
  );
  assert.equal(root.params.boundary, '=_long-boundary-part-one-and-part-two');
  assert.deepEqual(root.parts[0]?.params, { charset: 'café', name: 'résumé.txt' });
});

test('the same DSN with LF, CRLF and CR line ends decodes the same', () => {
  const lf = load('dsn/postfix-rcpt-unknown.eml').toString('latin1');
  const facts = [lf, lf.replace(/\n/g, '\r\n'), lf.replace(/\n/g, '\r')].map((text) =>
    decode(Buffer.from(text, 'latin1')),
  );
  assert.deepEqual(facts[1], facts[0]);
  assert.deepEqual(facts[2], facts[0]);
});

test('per-message DSN fields and the original message headers the correlator needs', () => {
  const report = decode(load('dsn/postfix-rcpt-unknown.eml'));
  assert.equal(report.reportingMta, 'mx.sender.example');
  assert.equal(report.envelopeId, 'send-42');
  assert.equal(report.recipients[0]!.remoteMta, 'mx1.receiver.example');
  assert.match(
    report.recipients[0]!.diagnosticCode!,
    /^550 5\.1\.1 <alice@receiver\.example>: Recipient address rejected: User unknown in virtual mailbox table$/,
  );
  assert.equal(report.original?.subject, 'November news');
  assert.equal(report.original?.listId, '<news.sender.example>');
  assert.equal(report.original?.xHeaders['x-campaign-id'], 'c-2026-11');
  assert.equal(report.decodedBy, 'rfc3464');
});

test('a challenge-response system holding our message is an auto-reply, not a bounce', () => {
  const challenge = (from: string, subject: string, body: string) =>
    decode(Buffer.from(`From: ${from}\r\nTo: b+abc@bounces.example.com\r\nSubject: ${subject}\r\n\r\n${body}\r\n`));
  for (const report of [
    challenge(
      'Guard <notifications@guard.example>',
      'Your message to dan@firm.example was not delivered - please verify',
      'Your message to dan@firm.example has not been delivered yet. To get it delivered, please ' +
        'confirm that you are a real person: https://guard.example/confirm?k=1',
    ),
    challenge(
      'postmaster@firm.example',
      'Delivery held: sender approval required',
      'The message you sent to dan@firm.example is being held. The recipient only accepts mail ' +
        'from senders on their whitelist. Reply to this message to request approval.',
    ),
    challenge(
      '"dan@firm.example" <challenge@firm.example>',
      'Re: November news [please verify]',
      'To control spam, I now allow incoming messages only from approved senders. Please verify ' +
        'that you are human: https://firm.example/verify',
    ),
    challenge(
      'Guard <notify@guard.example>',
      "Request to join dan's Guest List (Action Required)",
      "Your message to dan@firm.example was waitlisted. Please add yourself to dan's Guest List.",
    ),
    challenge(
      'dan-confirm-123.abc@firm.example',
      'Please confirm your message',
      'Your message has been held because I do not accept mail from unknown senders. To release ' +
        'your message, reply to this message.',
    ),
    challenge(
      'dan@firm.example',
      'Re: November news',
      "You've just sent a message to dan@firm.example. To cut down on spam, your message is being held " +
        'until you complete a one-time request.',
    ),
  ]) {
    assert.equal(report.kind, 'autoreply');
    assert.deepEqual(
      report.recipients.map((r) => [r.action, r.type, r.rule]),
      [['delivered', 'ignored', 'rfc3834.challenge-response']],
    );
    // The address our message went to, not the service that signs the challenge.
    if (!report.recipients[0]?.address.startsWith('challenge@'))
      assert.match(report.recipients[0]?.address ?? '', /^dan(-confirm-123\.abc)?@firm\.example$/);
  }
  // A refusal with an SMTP reply is a bounce, whatever words it uses.
  const refused = decode(
    Buffer.from(
      'From: MAILER-DAEMON@relay.example\r\nSubject: Mail delivery failed\r\n\r\n' +
        '  dan@firm.example\r\n    SMTP error from remote mail server after RCPT TO:<dan@firm.example>:\r\n' +
        "    550 5.7.1 Sender not on the recipient's whitelist\r\n",
    ),
  );
  assert.equal(refused.kind, 'bounce');
  assert.deepEqual(
    refused.recipients.map((r) => r.address),
    ['dan@firm.example'],
  );
});

test('addresses a notice merely mentions are not failed recipients: help desks, a list posted to', () => {
  const notice = (subject: string, body: string) =>
    decode(
      Buffer.from(`From: MAILER-DAEMON@relay.example\r\nSubject: ${subject}\r\n\r\n${body.replace(/\n/g, '\r\n')}`),
    );
  const footer = notice(
    'Undelivered Mail Returned to Sender',
    'Your message could not be delivered.\n\n<bob@example.org>: host mx.example.org said: 550 5.1.1 ' +
      '<bob@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command)\n\n' +
      'For assistance, contact postmaster@relay.example or help@relay.example, or desk@relay.example.\n',
  );
  assert.deepEqual(
    footer.recipients.map((r) => r.address),
    ['bob@example.org'],
  );
  const list = notice(
    'Undeliverable: your post to news@lists.example',
    'Your message to news@lists.example could not be delivered to all recipients.\n' +
      'The following address failed:\n\n  carl@example.net: 550 5.1.1 mailbox unavailable\n',
  );
  assert.deepEqual(
    list.recipients.map((r) => r.address),
    ['carl@example.net'],
  );
  const prose = notice(
    'Returned mail: see transcript for details',
    'The original message was received at Tue, 1 Dec 2026 10:00:00 from sender.example [192.0.2.5]\n' +
      'from sender@sender.example, addressed to gina@example.com and hal@example.com.\n\n' +
      '   ----- The following addresses had permanent fatal errors -----\n<gina@example.com>\n' +
      '    (reason: 550 5.1.1 User unknown)\n',
  );
  assert.deepEqual(
    prose.recipients.map((r) => r.address),
    ['gina@example.com'],
  );
  const admin = notice(
    'Undelivered Mail Returned to Sender',
    '<ivy@example.org>: host mx.example.org said: 550 5.1.1 User unknown (in reply to RCPT TO command)\n\n' +
      'Questions? Contact the site administrator at admin@relay.example or lists-request@relay.example.\n',
  );
  assert.deepEqual(
    admin.recipients.map((r) => r.address),
    ['ivy@example.org'],
  );
  // Named alone, the address a message was sent to is the failed one.
  const alone = notice(
    'Mail delivery failed',
    'Your message to dora@example.net could not be delivered.\n550 5.1.1 no such user\n',
  );
  assert.deepEqual(
    alone.recipients.map((r) => r.address),
    ['dora@example.net'],
  );
});

test('each fact says the role its address had in the report', () => {
  const roles = (file: string) => decode(load(file)).recipients.map((r) => r.role);
  assert.deepEqual(roles('dsn/postfix-rcpt-unknown.eml'), ['dsn-field']);
  assert.deepEqual(roles('text/exim-quota.eml'), ['notice-text']);
  assert.deepEqual(roles('other/arf-abuse.eml'), ['feedback-field']);
  assert.deepEqual(roles('other/vacation.eml'), ['reply-sender']);
  assert.deepEqual(roles('other/gmail-unsubscribe.eml'), ['reply-sender']);
  assert.deepEqual(roles('mdn/sieve-reject.eml'), ['disposition-field']);
  assert.deepEqual(roles('text/mailman-non-member.eml'), ['list-address']);
  // Named only in a header summary ("(generated from …)"), nobody else being named.
  assert.deepEqual(roles('text/exim-undisclosed-generated-from.eml'), ['notice-mention']);
});

test("a Sieve reject's own words are its diagnostic", () => {
  const [fact] = decode(load('mdn/sieve-reject.eml')).recipients;
  assert.match(fact!.diagnosticCode!, /I am not accepting mail from your address\./);
  assert.equal(fact!.rule, 'mdn.deleted');
});

test('an ARF report carries its feedback fields', () => {
  const report = decode(load('other/arf-abuse.eml'));
  assert.deepEqual(report.feedback, {
    type: 'abuse',
    userAgent: 'SomeGenerator/1.0',
    sourceIp: '192.0.2.10',
    arrivalDate: 'Mon, 02 Nov 2026 10:00:00 +0000',
    reportedDomain: 'sender.example',
  });
});

test('a stage labelled below the reply ("SMTP command" / "DATA") is read as the stage', () => {
  const [fact] = decode(load('text/labelled-command-data.eml')).recipients;
  assert.equal(fact?.rule, 'mailbox.unknown.after-data');
});

test("an address alone on its line is explained by its paragraph's lines above it, not by a heading apart", () => {
  const notice = (body: string) =>
    Buffer.from(
      `From: Mail Delivery System <MAILER-DAEMON@mx.example>\nTo: ` +
        `b+t12@bounces.example.com\nSubject: Undeliverable mail\n\n${body}\n`,
    );
  // The reason stands above the address in one paragraph (Lotus Notes' "Failure Reasons").
  const above = decode(
    notice('------- Failure Reasons --------\n\nUser not listed in public Name & Address Book\nolga@dest.example\n'),
  );
  assert.equal(above.recipients[0]?.diagnosticCode, 'User not listed in public Name & Address Book olga@dest.example');
  // A heading set apart by a blank line is not the reason: nothing was said about the address.
  const apart = decode(notice('Delivery to the following recipients failed permanently:\n\n   * olga@dest.example\n'));
  assert.equal(apart.recipients[0]?.reason, 'undefined');
});

test('a returned header\'s "for <x>;" inside the notice is not a recipient', () => {
  const report = decode(
    Buffer.from(
      [
        'From: Mail Delivery System <MAILER-DAEMON@mx.example>',
        'To: b+t15@bounces.example.com',
        'Subject: Undelivered Mail',
        '',
        '<quinn@dest.example>: host mx.dest.example said: 550 5.1.1 User unknown (in reply to RCPT TO command)',
        '',
        'The message was received by mx.example',
        '    for <archive@sender.example>; Wed, 4 Nov 2026 07:59:58 +0000',
        '',
      ].join('\n'),
    ),
  );
  assert.deepEqual(
    report.recipients.map((r) => r.address),
    ['quinn@dest.example'],
  );
});

test('a notice that names its recipient only in X-Failed-Recipients and says nothing of why is undefined', () => {
  const report = decode(
    Buffer.from(
      [
        'From: Mail Delivery System <MAILER-DAEMON@mx.example>',
        'To: b+t21@bounces.example.com',
        'X-Failed-Recipients: xena@dest.example',
        'Subject: Undelivered Mail Returned to Sender',
        '',
        'This is the mail system at host mx.example.',
        '',
        "I'm sorry to have to inform you that your message could not",
        "be delivered to one or more recipients. It's attached below.",
        '',
        '--- Delivery report unavailable ---',
        '',
      ].join('\n'),
    ),
  );
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.reason, r.diagnosticCode, r.role]),
    [['xena@dest.example', 'undefined', null, 'failed-recipients-header']],
  );
});

test("a delay's Will-Retry-Until is kept as an ISO date; a recipient without one has none", () => {
  const report = decode(load('dsn/two-recipients-full-and-delayed.eml'));
  assert.deepEqual(
    report.recipients.map((r) => r.willRetryUntil ?? null),
    ['2026-11-06T10:00:00.000Z', null],
  );
});

test('an mbox file of several bounces reports the recipients of all of them', async () => {
  const { decodeFile, splitMbox } = await import('../src/parse/mbox.ts');
  const a = load('dsn/postfix-rcpt-unknown.eml').toString('latin1');
  const b = load('text/exim-quota.eml')
    .toString('latin1')
    .replace(/^From .*\n/, '');
  // A body line starting with "From " stays in its message (no blank line and header after it).
  const mbox = Buffer.from(
    `From MAILER-DAEMON Thu Apr 29 23:34:45 2015\n${a}\nFrom here on it is the end\n\nFrom ` +
      `MAILER-DAEMON Thu Apr 29 23:35:00 2015\n${b}`,
    'latin1',
  );
  assert.equal(splitMbox(mbox).length, 2);
  const report = decodeFile(mbox);
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.reason]),
    [
      ['alice@receiver.example', 'userunknown'],
      ['dave@quota.example', 'mailboxfull'],
    ],
  );
  assert.equal(report.kind, 'bounce');
  // A single message is read as before.
  assert.equal(splitMbox(load('dsn/postfix-rcpt-unknown.eml')).length, 1);
});

test('an unsubscribe request is feedback of type opt-out from its sender', () => {
  const report = decode(load('other/gmail-unsubscribe.eml'));
  assert.equal(report.feedback?.type, 'opt-out');
  assert.equal(report.recipients[0]?.rule, 'unsubscribe.request');
});

test("Outlook's auto-reply subjects in other languages are auto-replies; a human reply is not", () => {
  const reply = (subject: string) =>
    Buffer.from(
      `From: Max <max@dest.example>\r\nTo: b+t1@bounces.example.com\r\nSubject: ` +
        `${subject}\r\nIn-Reply-To: <t1@bounces.example.com>\r\n\r\nText.\r\n`,
    );
  for (const subject of [
    'Automatische Antwort: Hello',
    'Automatisch antwoord: Hello',
    'Automatisk svar: Hello',
    'Autosvar: Hello',
    'Automatikus válasz: Hello',
    'Resposta automática: Hello',
    '자동 응답: Hello',
    'Automatyczna odpowiedź: Hello',
    'Fuera de la oficina: Hello',
    'Fuori ufficio: Hello',
    'Afwezig: Hello',
    // Domino's, a name before the words, a mark after the subject, a German receipt confirmation.
    'AUTO: Max Mustermann is out of the office (returning 06/08/2026)',
    'Max Mustermann is out of the office.',
    'Re: Hello [auto-reply]',
    'Eingangsbestätigung: Hello',
  ]) {
    const report = decode(reply(subject));
    assert.equal(report.kind, 'autoreply', subject);
    assert.equal(report.recipients[0]?.address, 'max@dest.example');
  }
  assert.equal(decode(reply('Re: Hello')).kind, 'other');
  assert.equal(decode(reply('Re: Are you away next week?')).kind, 'other');
  assert.equal(decode(reply('Re: Is the office open on Monday?')).kind, 'other');
});

test('an auto-reply saying the mailbox is retired is a suspended mailbox; a vacation or no-reply is not', () => {
  const reply = (body: string) =>
    decode(
      Buffer.from(
        `From: Max <max@dest.example>\r\nTo: b+t1@bounces.example.com\r\nSubject: Automatic ` +
          `reply: Hello\r\nAuto-Submitted: auto-replied\r\n\r\n${body}\r\n`,
      ),
    );
  const retired = [
    'This email inbox max@dest.example is no longer in use. Please contact someone else at Example.',
    'Max is no longer with the company. Please write to office@dest.example.',
    'Max has left the company.',
    'Diese E-Mail-Adresse ist nicht mehr aktiv.',
    "Cette adresse n'est plus consultée.",
    'Esta cuenta ya no está activa.',
    'Questo indirizzo non è più attivo.',
    'Dit adres is niet meer in gebruik.',
  ];
  for (const body of retired) {
    const report = reply(body);
    assert.equal(report.kind, 'autoreply', body);
    assert.deepEqual(
      [
        report.recipients[0]?.address,
        report.recipients[0]?.action,
        report.recipients[0]?.reason,
        report.recipients[0]?.type,
        report.recipients[0]?.rule,
      ],
      ['max@dest.example', 'failed', 'suspend', 'soft', 'rfc3834.mailbox-retired'],
      body,
    );
  }
  for (const body of [
    'I am out of the office until Monday.',
    'This mailbox is not monitored. Please use our contact form.',
    'I am no longer reading mail this week.',
  ]) {
    assert.equal(reply(body).recipients[0]?.reason, 'vacation', body);
  }
});

test('an Amazon SES bounce without a diagnostic is read by its bounceSubType', () => {
  const ses = (subType: string) =>
    Buffer.from(
      'From: no-reply@sns.amazonaws.com\r\nSubject: AWS Notification Message\r\nContent-Type: text/plain\r\n\r\n' +
        JSON.stringify({
          notificationType: 'Bounce',
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: subType,
            bouncedRecipients: [{ emailAddress: 'x@dest.example' }],
          },
          mail: { messageId: 'abc' },
        }),
    );
  const fact = (subType: string) => decode(ses(subType)).recipients[0];
  assert.deepEqual([fact('NoEmail')?.reason, fact('NoEmail')?.type], ['userunknown', 'hard']);
  assert.equal(fact('Suppressed')?.reason, 'suppressed');
  assert.equal(fact('OnAccountSuppressionList')?.reason, 'suppressed');
  assert.equal(fact('MailboxFull')?.reason, 'mailboxfull');
  assert.equal(fact('MessageTooLarge')?.reason, 'emailtoolarge');
});

test('SES event publishing: DeliveryDelay is a delay by delayType; events without an outcome are not bounces', () => {
  const sns = (event: unknown) =>
    Buffer.from(
      `From: no-reply@sns.amazonaws.com\r\nSubject: AWS Notification Message\r\nContent-Type: ` +
        `text/plain\r\n\r\n${JSON.stringify({ Type: 'Notification', Message: JSON.stringify(event) })}\r\n`,
    );
  const delayed = decode(
    sns({
      eventType: 'DeliveryDelay',
      deliveryDelay: {
        delayType: 'MailboxFull',
        delayedRecipients: [{ emailAddress: 'y@dest.example', status: '4.2.2' }],
      },
      mail: { messageId: 'm1' },
    }),
  );
  assert.equal(delayed.kind, 'delay');
  assert.deepEqual([delayed.recipients[0]?.action, delayed.recipients[0]?.reason], ['delayed', 'mailboxfull']);
  const open = decode(
    sns({
      eventType: 'Open',
      open: { ipAddress: '192.0.2.1' },
      mail: { messageId: 'm1', destination: ['reader@dest.example'], source: 'news@sender.example' },
    }),
  );
  assert.deepEqual([open.kind, open.recipients.length], ['other', 0]);
});

test('a delay is never hard: "421 4.1.1 User unknown" in a warning that delivery is still being tried', () => {
  const warning = [
    'From: MAILER-DAEMON@mx.sender.example (Mail Delivery System)',
    'To: b+t1@bounces.example.com',
    'Subject: Delayed Mail (still being retried)',
    '',
    'This is the mail system at host mx.sender.example.',
    '',
    '# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #',
    '',
    '<rcpt@receiver.example>: host mx.receiver.example[192.0.2.5] said: 421 4.1.1',
    '    <rcpt@receiver.example>: Recipient address rejected: User unknown in local',
    '    recipient table (in reply to RCPT TO command)',
    '',
  ].join('\r\n');
  const report = decode(Buffer.from(warning));
  assert.equal(report.kind, 'delay');
  const [fact] = report.recipients;
  assert.deepEqual(
    [fact?.address, fact?.action, fact?.reason, fact?.type],
    ['rcpt@receiver.example', 'delayed', 'userunknown', 'soft'],
  );
  // The same reply in a notice that gave up is the end of the address.
  const failed = warning
    .replace('Delayed Mail (still being retried)', 'Undelivered Mail Returned to Sender')
    .replace('# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #', 'I could not deliver it.')
    .replace('421 4.1.1', '550 5.1.1');
  assert.equal(decode(Buffer.from(failed)).recipients[0]?.type, 'hard');
});

test('a notice naming a screen name, not an address: the returned To completes it; refusing one sender is soft', () => {
  const notice = (body: string) =>
    Buffer.from(
      [
        'From: Mail Delivery Subsystem <MAILER-DAEMON@aol.example>',
        'To: b+t1@bounces.example.com',
        'Subject: Returned mail: see transcript for details',
        '',
        body,
        '',
        '----- Original message -----',
        '',
        'From: News <news@sender.example>',
        'To: Jane <janedoe1234@aol.example>',
        'Subject: December news',
        'Message-ID: <dec-1@sender.example>',
        '',
        'Hello.',
        '',
      ].join('\r\n'),
    );
  const refused = decode(
    notice(
      'Your mail to the following recipients could not be delivered because they are\r\n' +
        'not accepting mail from news@sender.example:\r\n\tjanedoe1234',
    ),
  );
  assert.deepEqual(
    refused.recipients.map((r) => [r.address, r.role, r.reason, r.type]),
    [['janedoe1234@aol.example', 'original-to', 'filtered', 'soft']],
  );
  const unknown = decode(
    notice(
      '   ----- The following addresses had permanent fatal errors -----\r\njanedoe1234\r\n' +
        '    (reason: 550 5.1.1 MAILBOX NOT FOUND)',
    ),
  );
  assert.deepEqual(
    unknown.recipients.map((r) => [r.address, r.reason]),
    [['janedoe1234@aol.example', 'userunknown']],
  );
});

test('only the failed address: not one asked for help, a "Recipients:" list, nor a list robot', () => {
  const notice = (subject: string, body: string) =>
    decode(
      Buffer.from(
        `From: postmaster@mail.example.net\r\nTo: b+t1@bounces.example.com\r\nSubject: ${subject}\r\n\r\n${body}`,
      ),
    );
  const failure = notice(
    'Delivery failure',
    'This message was not delivered to bob@example.net.\r\n' +
      'The address bob@example.net does not exist. If you believe bob@example.net\r\n' +
      'is correct, your correspondent can ask admin@example.net for help.\r\n' +
      'Recipients: bob@example.net, carol@example.net\r\n',
  );
  assert.deepEqual(
    failure.recipients.map((r) => r.address),
    ['bob@example.net'],
  );
  // A list holding a post names its robots ("write to" on the line above): nobody failed.
  const held = notice(
    'Your message to Mylist awaits moderator approval',
    'Your mail to Mylist is being held until the list moderator can review it.\r\n' +
      'Post by non-member to a members-only list.\r\n' +
      'If you would like to cancel this posting, please write to\r\n' +
      'mylist-request@lists.example. Questions go to mylist-owner@lists.example.\r\n',
  );
  assert.deepEqual(held.recipients, []);
});

test("an encoded From (RFC 2047) is read: a delivery system's notice marked auto-replied is a bounce", () => {
  const report = decode(
    Buffer.from(
      'From: =?UTF-8?Q?Mail_Delivery_System?= <notifications@mx.isp.example>\r\n' +
        'To: b+t1@bounces.example.com\r\nSubject: =?UTF-8?Q?Returned_mail?=\r\nAuto-Submitted: auto-replied\r\n\r\n' +
        '<alice@isp.example>: host mx.isp.example said: 550 5.1.1 User unknown (in reply to RCPT TO command)\r\n',
    ),
  );
  assert.equal(report.kind, 'bounce');
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.reason]),
    [['alice@isp.example', 'userunknown']],
  );
});

test('a DSN block naming a file, not an address: its Status is that of the address the words name', () => {
  const notice = [
    'From: Mail Delivery System <Mailer-Daemon@mx.isp.example>',
    'To: b+t1@bounces.example.com',
    'Subject: Mail delivery failed: returning message to sender',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="R"',
    '',
    '--R',
    'Content-Type: text/plain',
    '',
    'A message that you sent could not be delivered to one or more of its',
    'recipients. This is a permanent error. The following address(es) failed:',
    '',
    '  save to /var/mail/isp.example/jo/inbox',
    '    generated by jo@isp.example',
    '    mailbox is full: retry timeout exceeded',
    '',
    '--R',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.isp.example',
    '',
    'Action: failed',
    'Final-Recipient: rfc822;/var/mail/isp.example/jo/inbox',
    'Status: 5.2.2',
    '',
    '--R--',
    '',
  ].join('\r\n');
  const [fact, ...more] = decode(Buffer.from(notice)).recipients;
  assert.deepEqual(more, []);
  assert.deepEqual(
    [fact?.address, fact?.action, fact?.status, fact?.reason],
    ['jo@isp.example', 'failed', '5.2.2', 'mailboxfull'],
  );
});

test('"<local@host> (expanded from <alias@domain>)": the alias is the recipient the message was sent to', () => {
  const report = decode(
    Buffer.from(
      'From: MAILER-DAEMON@mx.dest.example (Mail Delivery System)\r\nTo: b+t1@bounces.example.com\r\n' +
        'Subject: Undelivered Mail Returned to Sender\r\n\r\n' +
        'I am sorry to have to inform you that your message could not\r\n' +
        'be delivered to one or more recipients.\r\n\r\n' +
        '<jo.local@mailhub.dest.example> (expanded from <jo@dest.example>): host mailhub.dest.example[192.0.2.9]\r\n' +
        '    said: 550 5.1.1 <jo.local@mailhub.dest.example>: User unknown (in reply to RCPT TO command)\r\n',
    ),
  );
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.reason, r.type]),
    [['jo@dest.example', 'userunknown', 'hard']],
  );
});

test("Sendmail's entry with '(expanded from: <alias>)' below it reports the alias, with the entry's reason", () => {
  const report = decode(
    Buffer.from(
      'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.dest.example>\r\nTo: b+t1@bounces.example.com\r\n' +
        'Subject: Returned mail: see transcript for details\r\n\r\n' +
        '   ----- The following addresses had permanent fatal errors -----\r\n' +
        '<jo.local@mailhub.dest.example>\r\n' +
        '    (reason: 550 5.1.1 <jo.local@mailhub.dest.example>... User unknown)\r\n' +
        '    (expanded from: <jo@dest.example>)\r\n\r\n' +
        '   ----- Transcript of session follows -----\r\n' +
        '... while talking to mailhub.dest.example.:\r\n' +
        '>>> RCPT To:<jo.local@mailhub.dest.example>\r\n' +
        '<<< 550 5.1.1 <jo.local@mailhub.dest.example>... User unknown\r\n',
    ),
  );
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.reason, r.type, r.status]),
    [['jo@dest.example', 'userunknown', 'hard', '5.1.1']],
  );
  assert.match(report.recipients[0]?.diagnosticCode ?? '', /reason: 550 5\.1\.1/);
});

test("message/xdelivery-status (an Exchange firewall's name for the part) is read as a delivery-status part", () => {
  const report = decode(
    Buffer.from(
      'From: postmaster@ex.example\r\nTo: b+t1@bounces.example.com\r\n' +
        'Subject: Delivery Status Notification (Failure)\r\nMIME-Version: 1.0\r\n' +
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n' +
        '--B\r\nContent-Type: text/plain\r\n\r\nDelivery has failed.\r\n\r\n' +
        '--B\r\nContent-Type: message/xdelivery-status\r\n\r\n' +
        'Reporting-MTA: dns; ex.example\r\n\r\n' +
        'Final-Recipient: rfc822; kay@ex.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--B--\r\n',
    ),
  );
  assert.equal(report.decodedBy, 'rfc3464');
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.status, r.type]),
    [['kay@ex.example', '5.1.1', 'hard']],
  );
});

const addressChange = (words: string) =>
  textNotice(words, { from: 'postmaster@isp.example', subject: 'Address change notification' });

test('a notice that the address changed and the message was forwarded: delivered, the new address not named', () => {
  for (const words of [
    'The e-mail address mo@isp.example has changed. Your message has been forwarded to mo.new@other.example.',
    'mo@isp.example has a new e-mail address. The new e-mail address is mo.new@other.example and your ' +
      'message has been automatically forwarded. Please update your address book.',
  ]) {
    const report = decode(addressChange(words));
    assert.equal(report.kind, 'delivered', words);
    assert.deepEqual(
      report.recipients.map((r) => [r.address, r.action, r.type]),
      [['mo@isp.example', 'delivered', 'ignored']],
      words,
    );
  }
});

test('an address change that was not forwarded fails the old address, never the new one', () => {
  for (const words of [
    'Your message to mo@isp.example was not delivered. This address has changed; the new address is ' +
      'mo.new@other.example. Please resend your message to the new address.',
    'The address mo@isp.example has changed to mo.new@other.example. Your message could not be forwarded.',
  ]) {
    const report = decode(addressChange(words));
    assert.equal(report.kind, 'bounce', words);
    assert.deepEqual(
      report.recipients.map((r) => r.address),
      ['mo@isp.example'],
      words,
    );
  }
});

test('a text notice that only warns (in any of the usual wordings) is a delay, never a failure', () => {
  for (const [subject, words] of [
    [
      'Delivery status',
      'Your message to\r\n\r\n  ray@dest.example\r\n\r\nhas not been delivered yet: the receiving ' +
        'server is not responding.\r\n\r\nThis is just a warning, you do not need to take any action.',
    ],
    [
      'Delivery Notification',
      'The address to which the message has not yet been delivered is:\r\n\r\n' +
        '  ray@dest.example\r\n\r\nNo action is required on your part.',
    ],
    [
      'Delivery Status Notification',
      'Your message could not be delivered to ray@dest.example yet ' +
        '(connection refused).\r\nDelivery attempts will continue to be made for 4 days.',
    ],
    [
      'Delivery Status Notification (Delay)',
      'Delivery incomplete\r\n\r\nThere was a temporary problem delivering your message to ray@dest.example. ' +
        "Gmail will retry for 46 more hours. You'll be notified if the delivery fails permanently.",
    ],
    [
      'Undelivered mail warning',
      'Your message to ray@dest.example was not yet delivered.\nThe mail server will retry the delivery ' +
        'automatically; you will be notified if it fails.\nReason: 452 4.2.2 mailbox full',
    ],
    [
      'DELAYS: mail delivery status.',
      'DELAYED MAIL\n\nYour message to the following recipients has been delayed.\n\n<ray@dest.example>:\n' +
        '<<< 451 4.7.1 Greylisted, try later',
    ],
    [
      'Zustellung verzögert',
      'Diese Nachricht konnte bisher nicht zugestellt werden an:\n\n  ray@dest.example\n\n' +
        'Es werden weitere Zustellversuche unternommen.',
    ],
    ['Retard de remise', "Votre message n'a pas encore pu être remis à ray@dest.example."],
    ['Notificación de retraso', 'Su mensaje a ray@dest.example no se ha entregado todavía. Se seguirá intentando.'],
  ]) {
    const report = decode(textNotice(words!, { subject }));
    assert.equal(report.kind, 'delay', words);
    assert.deepEqual(
      report.recipients.map((r) => [r.address, r.action, r.type]),
      [['ray@dest.example', 'delayed', 'soft']],
      words,
    );
  }
});

test('a returned copy quoted or right after the first line is cut off: its list footer names no recipient', () => {
  const notice = (words: string, copy: string) => textNotice(`${words}\n\n${copy}`);
  const copy = [
    'Date: Mon, 1 Jan 2007 10:00:00 +0000',
    'From: Carl Poster <carl@poster.example>',
    'To: mylist@lists.our.example',
    'Subject: [Mylist] hello',
    '',
    'hi all',
    '_______________________________________________',
    'Mylist mailing list',
    'Mylist@lists.our.example',
    'http://lists.our.example/mailman/listinfo/mylist',
    '',
  ].join('\n');
  const quoted = copy.replace(/^/gm, '> ');
  for (const [words, returned] of [
    ['Your message could not be delivered to amy@dest.example: mailbox unavailable.', quoted],
    ["Sorry, I couldn't deliver your message to amy@dest.example (mailbox full).", copy],
  ]) {
    const report = decode(notice(words!, returned!));
    assert.deepEqual(
      report.recipients.map((r) => r.address),
      ['amy@dest.example'],
      words,
    );
  }
});

test('an address the notice says the message reached is not a failed recipient', () => {
  for (const words of [
    'Your message was successfully delivered to bea@dest.example.\n\n' +
      'Delivery to amy@dest.example failed: 550 no such user.',
    // Named before the words, with others listed beside it.
    'Delivery to amy@dest.example failed: 550 no such user.\n' +
      'The message was also sent to bea@dest.example and cid@dest.example, which were delivered.',
    'bea@dest.example was delivered; amy@dest.example failed: 550 5.1.1 user unknown',
  ]) {
    assert.deepEqual(
      decode(textNotice(words)).recipients.map((r) => r.address),
      ['amy@dest.example'],
      words,
    );
  }
});

test('addresses the prose merely mentions are not failed recipients when another is named as one', () => {
  const notice = textNotice;
  for (const words of [
    'Your message to amy@dest.example, sent by carl@poster.example, could not be delivered: 550 5.1.1 user unknown.',
    'The mail server rejected your message for amy@dest.example. Our postmaster (hostmaster@dest.example) ' +
      'has been notified.',
    'Delivery to amy@dest.example failed. This notice was sent on behalf of relay@relay.example.',
    'Message for amy@dest.example could not be delivered.\nThe administrator can be reached at admin@dest.example.',
    'Could not deliver to amy@dest.example.\nYour message was sent from carl@poster.example to amy@dest.example ' +
      'and cc dan@other.example.',
    'Hello carl@poster.example,\n\nWe could not deliver your message to amy@dest.example.\n550 5.1.1 user unknown',
    '<amy@dest.example>: host mx.dest.example[192.0.2.1] said: 550 5.1.1 User unknown\n\n' +
      'For further assistance, please send mail to postmaster@relay.dest.example or to support@relay.dest.example',
    'Unable to deliver to amy@dest.example.\nTo unsubscribe from this service, e-mail unsubscribe@notify.dest.example.',
    'Unable to deliver to amy@dest.example.\nQuestions? support@dest.example',
    'Unable to deliver to amy@dest.example.\nIf this is in error, forward this message to abuse-report@dest.example.',
    'Your message to amy@dest.example was rejected. The sender address carl@poster.example is blacklisted.',
    'Message to amy@dest.example failed: 550 5.1.1 user unknown. Original message ID: <20261204.abc@poster.example>',
  ]) {
    assert.deepEqual(
      decode(notice(words)).recipients.map((r) => r.address),
      ['amy@dest.example'],
      words,
    );
  }
  // A mention alone still names the recipient: nothing else does. A sender never does.
  assert.deepEqual(
    decode(notice('The message could not be delivered. We tried amy@dest.example three times.')).recipients.map(
      (r) => r.address,
    ),
    ['amy@dest.example'],
  );
  assert.deepEqual(
    decode(notice('The message could not be delivered. It was sent by carl@poster.example.')).recipients,
    [],
  );
});

test("a DSN with a blank line between every field (Microsoft's SMTP service) keeps each recipient's fields", () => {
  const report = decode(
    Buffer.from(
      'From: postmaster@iis.example\r\nTo: b+t1@bounces.example.com\r\n' +
        'Subject: Delivery Status Notification (Failure)\r\nMIME-Version: 1.0\r\n' +
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n' +
        '--B\r\nContent-Type: text/plain\r\n\r\nDelivery to the following recipients failed.\r\n\r\n' +
        '--B\r\nContent-Type: message/delivery-status\r\n\r\n' +
        'Reporting-MTA: dns;iis.example\r\nArrival-Date: Mon, 1 Jan 2007 10:00:00 +0000\r\n\r\n' +
        'Final-Recipient: rfc822;amy@dest.example\r\n\r\nAction: failed\r\n\r\nStatus: 5.1.1\r\n\r\n' +
        'Final-Recipient: rfc822;bea@dest.example\r\n\r\nAction: delayed\r\n\r\nStatus: 4.2.2\r\n\r\n--B--\r\n',
    ),
  );
  assert.equal(report.reportingMta, 'iis.example');
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.action, r.status, r.type]),
    [
      ['amy@dest.example', 'failed', '5.1.1', 'hard'],
      ['bea@dest.example', 'delayed', '4.2.2', 'soft'],
    ],
  );
});

test('an unmarked answer whose words say it is automatic is an auto-reply, unless it says something failed', () => {
  const answer = (subject: string, words: string, from = 'Amy Doe <amy@dest.example>') =>
    decode(textNotice(words, { from, subject }));
  for (const words of [
    'I am out of the office until Monday with limited access to e-mail. For urgent matters contact bob@dest.example.',
    'Thank you for your message. I am currently away on holiday and will return on 12 August.',
    'This is an automatic reply. I am on vacation until next week.',
    "I'm on parental leave until March. Please write to team@dest.example.",
    // A help desk's acknowledgement: the message arrived and waits for a person.
    'Thank you for contacting us. Your request (#48213) has been received and will be reviewed by our staff.',
    'We have received your email and will get back to you within two working days.',
  ]) {
    const report = answer('Re: November news', words);
    assert.equal(report.kind, 'autoreply', words);
    assert.deepEqual(
      report.recipients.map((r) => [r.address, r.type]),
      [['amy@dest.example', 'ignored']],
      words,
    );
  }
  const retired = answer('Re: November news', 'Amy no longer works at Dest Inc. Please contact info@dest.example.');
  assert.deepEqual(
    retired.recipients.map((r) => [r.address, r.reason, r.type]),
    [['amy@dest.example', 'suspend', 'soft']],
  );
  // A person's reply, and an automatic notice that says something failed, are not.
  assert.equal(answer('Re: hello', 'Thanks, I will be in the office on Monday and look at it then.').kind, 'other');
  const notice = answer(
    'Message not delivered',
    'This is an automatic reply from the mail system. Your message to amy@dest.example could not be ' +
      'delivered: 550 5.1.1 user unknown.',
    'Mail System <notify@dest.example>',
  );
  assert.equal(notice.kind, 'bounce');
});

test('a list holding our post for its moderator is an auto-reply naming nobody: its robot is no recipient', () => {
  const report = decode(
    textNotice(
      "Your mail to 'Mylist' with the subject\n\n    November news\n\nIs being held until the list " +
        'moderator can review it for approval.\n\nThe reason it is being held:\n\n' +
        '    Post by non-member to a members-only list\n',
      { from: 'mylist-bounces@lists.dest.example', subject: 'Your message to Mylist awaits moderator approval' },
    ),
  );
  assert.equal(report.kind, 'autoreply');
  assert.deepEqual(report.recipients, []);
});

test('a reply code glued to its quoted text ("550-\'a@b… No such user\'") is not part of the address', () => {
  const report = decode(
    textNotice(
      'The following message to <kate@dest.example> was undeliverable.\n' +
        'The reason for the problem:\n' +
        "5.1.0 - Unknown address error 550-'kate@dest.example... No such user'",
    ),
  );
  assert.deepEqual(
    report.recipients.map((r) => `${r.address} ${r.status} ${r.reason}`),
    ['kate@dest.example 5.1.0 userunknown'],
  );
});

test('a returned message in a text/rfc822 part, every line indented by one space, gives its Message-ID', () => {
  const report = decode(
    Buffer.from(
      [
        'From: mailer-daemon@mx.dest.example',
        'To: b+t1@bounces.example.com',
        'Subject: Undelivered Mail Returned to Sender',
        'Content-Type: multipart/mixed; boundary="zz"',
        '',
        '--zz',
        'Content-Type: text/plain',
        '',
        'jack@dest.example, ERROR CODE :550 - 5.1.1 <jack@dest.example>: Recipient address rejected: User unknown',
        '--zz',
        'Content-Type: text/rfc822',
        '',
        ' Received: from mail.example.com by mx.dest.example;',
        '   Mon, 1 Jun 2026 10:00:00 +0000',
        ' Message-ID: <june-3@example.com>',
        ' To: jack@dest.example',
        '',
        '--zz--',
        '',
      ].join('\r\n'),
    ),
  );
  assert.equal(messageIdOf(report.original), 'june-3@example.com');
  assert.deepEqual(
    report.recipients.map((r) => `${r.address} ${r.status} ${r.type}`),
    ['jack@dest.example 5.1.1 hard'],
  );
});

test('a transcript line of the command and its reply ("RCPT TO: x ERROR 550 …") gives the stage', () => {
  const notice = (line: string) =>
    decode(textNotice(`Failed recipient(s):\n5551234567@mms.example\n\nError message:\n${line}`)).recipients[0]!;
  // At RCPT, "invalid recipient" is the address: hard.
  const rcpt = notice('RCPT TO: 5551234567@mms.example ERROR 550 Invalid recipient');
  assert.deepEqual([rcpt.address, rcpt.reason, rcpt.type], ['5551234567@mms.example', 'userunknown', 'hard']);
  // The same words with no stage stay unconfirmed.
  const bare = notice('ERROR 550 Invalid recipient');
  assert.deepEqual([bare.reason, bare.type], ['filtered', 'soft']);
});

test("the sending server's own throttle (cPanel's max defers and failures) is never the address's fault", () => {
  const r = decode(
    textNotice(
      'A message that you sent could not be delivered to one or more of its\n' +
        'recipients. This is a permanent error. The following address(es) failed:\n\n' +
        '  henry@dest.example\n' +
        '    Domain example.com has exceeded the max defers and failures per hour (5/5 (100%)) allowed. ' +
        'Message discarded.',
    ),
  ).recipients[0]!;
  assert.deepEqual([r.address, r.reason, r.type], ['henry@dest.example', 'ratelimited', 'ignored']);
});

test("complaints outside ARF: Microsoft's JMRP (attached, or Hotmail's older report itself) and AOL's scomp", () => {
  const jmrpAttached = decode(
    Buffer.from(
      [
        'From: staff@hotmail.com',
        'To: fbl@bounces.example.com',
        'Subject: complaint about message from 192.0.2.1',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: message/rfc822',
        '',
        'X-HmXmrOriginalRecipient: <pat@hotmail.example>',
        'Message-ID: <june-6@example.com>',
        'To: <undisclosed>',
        '',
        'Hello',
        '--b--',
        '',
      ].join('\r\n'),
    ),
  );
  const jmrpItself = decode(
    Buffer.from(
      textNotice('Hello', { from: 'staff@hotmail.com', subject: 'complaint about message from 192.0.2.1' })
        .toString()
        .replace(
          'Subject:',
          'X-HmXmrOriginalRecipient: <pat@hotmail.example>\r\nMessage-ID: <june-6@example.com>\r\nSubject:',
        ),
    ),
  );
  const scomp = decode(
    Buffer.from(
      [
        'From: scomp@aol.net',
        'To: fbl@bounces.example.com',
        'Subject: Client TOS Notification',
        'X-Loop: scomp',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'This is an email abuse report for an email message received from IP 192.0.2.1.',
        '--b',
        'Content-Type: message/rfc822',
        '',
        'From: news@example.com',
        'To: pat@aol.example',
        'Message-ID: <june-5@example.com>',
        '',
        'Hello',
        '--b--',
        '',
      ].join('\r\n'),
    ),
  );
  for (const [report, id, role] of [
    [jmrpAttached, 'june-6@example.com', 'feedback-field'],
    [jmrpItself, 'june-6@example.com', 'feedback-field'],
    [scomp, 'june-5@example.com', 'original-to'],
  ] as const) {
    assert.equal(report.kind, 'feedback');
    assert.equal(messageIdOf(report.original), id);
    assert.deepEqual(
      report.recipients.map((r) => [r.address.replace(/@.*/, ''), r.reason, r.type, r.role]),
      [['pat', 'feedback', 'ignored', role]],
    );
  }
});

test('a Final-Recipient written address first ("x@y; rfc822") is read', () => {
  // The words name nobody: only the DSN field says who failed.
  const report = decode(
    dsnWith(['', 'Final-Recipient: quinn@dest.example; rfc822', 'Action: failed', 'Status: 5.1.1'], {
      returned: ['Message-ID: <june-7@example.com>'],
    }),
  );
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.status, r.type]),
    [['quinn@dest.example', '5.1.1', 'hard']],
  );
});

test("a Status: field that contradicts its Action gives way to the receiver's code of the Action's class", () => {
  const status = (field: string, action: string, said: string) =>
    decode(dsnNotice('amy@dest.example', 'june-8@example.com', said, { status: field, action })).recipients[0]?.status;
  // Failed, yet Status 4.5.0: the receiver's 550 5.5.0 is the verdict.
  assert.equal(status('4.5.0', 'failed', '550 5.5.0 Service refused, please try later'), '5.5.0');
  // Failed with Status 5.0.0 after a last temporary reply: the field's class stands.
  assert.equal(status('5.0.0', 'failed', '421 4.4.2 Connection timed out'), '5.0.0');
  // Delayed, Status 5.1.1 over a 450 4.2.2: the delay's class.
  assert.equal(status('5.1.1', 'delayed', '452 4.2.2 Mailbox full'), '4.2.2');
});

test("the returned message's Message-ID, wherever a notice puts the copy", () => {
  const headers = ['Received: from mail.example.com by mx.dest.example;', 'From: news@example.com'];
  const copy = [...headers, 'To: amy@dest.example', 'Message-ID: <june-9@example.com>', 'Subject: June'];
  const notice = (body: string[], contentType = 'multipart/mixed; boundary="b"') =>
    Buffer.from(
      [
        'From: MAILER-DAEMON@mx.dest.example',
        'To: b+t1@bounces.example.com',
        'Subject: Returned mail: User unknown',
        `Content-Type: ${contentType}`,
        '',
        ...body,
        '',
      ].join('\r\n'),
    );
  const failed = ['--b', 'Content-Type: text/plain', '', 'amy@dest.example [User unknown]', ''];
  const cases: Array<[string, Buffer]> = [
    ['a fragment (message/partial)', notice([...failed, '--b', 'Content-Type: message/partial', '', ...copy, '--b--'])],
    ['a part without a Content-Type, its headers the copy', notice([...failed, '--b', ...copy, '', 'Hello', '--b--'])],
    ['a text part of the headers', notice([...failed, '--b', 'Content-Type: text/plain', '', ...copy, '--b--'])],
    [
      'folded lines that lost their indent',
      notice([
        ...failed,
        '--b',
        'Content-Type: message/rfc822',
        '',
        'Received: from mail.example.com',
        'by mx.dest.example with ESMTP id 44kW',
        'for <amy@dest.example>; Mon, 1 Jun 2026 10:00:00 +0000',
        ...copy.slice(1),
        '',
        'Hello',
        '--b--',
      ]),
    ],
    [
      'a copy after a rule of dashes in a text notice',
      notice(
        ['Each of the following recipients was rejected:', '<amy@dest.example>', '-------------------------', ...copy],
        'text/plain',
      ),
    ],
    [
      'a copy in a text notice whose fields include a Cc',
      notice(
        [
          'Delivery to the following recipients failed.',
          '',
          '       amy@dest.example',
          '',
          'From: news@example.com',
          'To: amy@dest.example',
          'Cc: dan@dest.example',
          'Subject: June',
          'Message-ID: <june-9@example.com>',
        ],
        'text/plain',
      ),
    ],
    [
      'a notice pasted whole into a text part, its MIME part headers kept',
      notice(
        [
          'amy@dest.example: host mx.dest.example said: 550 5.1.1 User unknown',
          '',
          '--OLD.123/mx.dest.example',
          'Content-Description: Undelivered Message',
          'Content-Type: message/rfc822',
          '',
          ...copy,
        ],
        'text/plain',
      ),
    ],
  ];
  for (const [shape, message] of cases) {
    const report = decode(message);
    assert.equal(messageIdOf(report.original), 'june-9@example.com', shape);
    assert.deepEqual(
      report.recipients.map((r) => r.address),
      ['amy@dest.example'],
      shape,
    );
  }
});

test('a bounce carrying a bounce: the message beside the delivery-status part read is the one returned', () => {
  const report = (boundary: string, rcpt: string, returned: string[]) => [
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.dest.example',
    '',
    `Final-Recipient: rfc822; ${rcpt}`,
    'Action: failed',
    'Status: 5.1.1',
    '',
    `--${boundary}`,
    'Content-Type: message/rfc822',
    '',
    ...returned,
    `--${boundary}--`,
  ];
  const ours = ['From: news@example.com', 'To: amy@dest.example', 'Message-ID: <ours@example.com>', '', 'Hello'];
  const head = ['From: MAILER-DAEMON@relay.example', 'To: b+t1@bounces.example.com', 'Subject: Returned mail'];
  // A relay wrapped the receiver's DSN about our message in a notice of its own.
  const wrapped = [
    ...head,
    'Content-Type: multipart/mixed; boundary="w"',
    '',
    '--w',
    'Content-Type: text/plain',
    '',
    'The following addresses had permanent delivery errors.',
    '--w',
    'Content-Type: message/rfc822',
    '',
    'From: MAILER-DAEMON@mx.dest.example',
    'Message-ID: <their-dsn@mx.dest.example>',
    ...report('r', 'amy@dest.example', ours),
    '--w--',
  ];
  // A bounce that could not be delivered to the sender it was for: the bounce is the message.
  const doubleBounce = [
    ...head,
    ...report('o', 'gone@sender.example', [
      'From: MAILER-DAEMON@mx.dest.example',
      'To: gone@sender.example',
      'Message-ID: <their-dsn@mx.dest.example>',
      ...report('r', 'amy@dest.example', ours),
    ]),
  ];
  const decoded = (lines: string[]) => decode(Buffer.from(`${lines.join('\r\n')}\r\n`));
  const a = decoded(wrapped);
  assert.deepEqual(
    [a.recipients.map((r) => r.address), messageIdOf(a.original)],
    [['amy@dest.example'], 'ours@example.com'],
  );
  const b = decoded(doubleBounce);
  assert.deepEqual(
    [b.recipients.map((r) => r.address), messageIdOf(b.original)],
    [['gone@sender.example'], 'their-dsn@mx.dest.example'],
  );
});

test('an internationalised DSN (RFC 6533): its utf-8 address unescaped, its global headers give the Message-ID', () => {
  const report = decode(
    dsnWith(['', 'Final-Recipient: utf-8; j\\x{F6}rg@b\\x{FC}cher.example', 'Action: failed', 'Status: 5.1.1'], {
      global: true,
      returned: ['To: jörg@bücher.example', 'Message-ID: <june-11@example.com>'],
      returnedType: 'message/global-headers',
    }),
  );
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.status]),
    [['jörg@bücher.example', '5.1.1']],
  );
  assert.equal(messageIdOf(report.original), 'june-11@example.com');
});

test("Office 365's words above its DSN ('amy wasn't found at example.com') name an unknown user", () => {
  const r = decode(
    textNotice(
      "Your message to amy@dest.example couldn't be delivered.\namy wasn't found at dest.example.\n\n" +
        'Action Required                 Recipient\nUnknown To address',
    ),
  ).recipients[0]!;
  assert.deepEqual([r.address, r.reason, r.type], ['amy@dest.example', 'userunknown', 'hard']);
});

test('punctuation outside ASCII is no part of an address: "收件人：a@b", "«a@b»", "“a@b”"', () => {
  for (const line of ['Destinataire «amy@dest.example» : adresse inconnue', 'Empfänger „amy@dest.example“ unbekannt']) {
    assert.deepEqual(
      decode(textNotice(`Votre message n'a pas pu être remis.\n\n${line}`)).recipients.map((r) => r.address),
      ['amy@dest.example'],
      line,
    );
  }

  const report = decode(
    textNotice(
      '很抱歉您发送的邮件被退回，以下是该邮件的相关信息：\n\n收件人：bob@qq.example\n退信原因：收件人邮箱空间已满',
      {
        from: 'postmaster@qq.example',
        subject: '退信',
      },
    ),
  );
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.reason]),
    [['bob@qq.example', 'mailboxfull']],
  );
});

test('a summary of the message above the failure (To, Cc, Subject, Sent) is not taken for the returned copy', () => {
  const r = decode(
    textNotice(
      'Hello,\n\nThis is the mail system at dest.example. Your message\n\n' +
        'To: amy@dest.example\nCc: bob@dest.example\nSubject: June\nSent: Mon, 1 Jun 2026 10:00:00 +0000\n\n' +
        'did not reach the following recipient(s):\n\namy@dest.example on Mon, 1 Jun 2026 10:00:05 +0000\n' +
        '    The e-mail account does not exist at the organization this message was sent to.\n' +
        '    <mx.dest.example #5.1.1>',
    ),
  ).recipients;
  assert.deepEqual(
    r.map((x) => [x.address, x.reason, x.status]),
    [['amy@dest.example', 'userunknown', '5.1.1']],
  );
});

test("Exchange's X-Supplementary-Info is the receiver's reply where a DSN gives no Diagnostic-Code", () => {
  const r = decode(
    dsnWith(
      [
        '',
        'Final-recipient: RFC822;',
        ' amy@dest.example',
        'Action: failed',
        'Status: 5.0.0',
        'Remote-MTA: dns; mx.dest.example',
        'X-Supplementary-Info: <mx.dest.example #5.1.1 smtp;550-5.1.1 The email account',
        ' that you tried to reach does not exist.>',
      ],
      { words: 'Delivery has failed to these recipients or groups:\r\n\r\namy@dest.example' },
    ),
  ).recipients[0]!;
  assert.deepEqual(
    [r.address, r.status, r.replyCode, r.reason, r.type],
    ['amy@dest.example', '5.1.1', '550', 'userunknown', 'hard'],
  );
});

test('a DSN that returns no copy but names X-Original-Message-ID in its fields gives that Message-ID', () => {
  const report = decode(
    dsnWith([
      'X-Original-Message-ID: <june-12@example.com>',
      '',
      'Final-Recipient: rfc822; amy@dest.example',
      'Action: failed',
      'Status: 5.1.1',
    ]),
  );
  assert.equal(messageIdOf(report.original), 'june-12@example.com');
  assert.deepEqual(
    report.recipients.map((r) => r.address),
    ['amy@dest.example'],
  );
});

test('recipients listed together: each gets its own words, or shares the error that follows the list', () => {
  const facts = (words: string) =>
    decode(textNotice(words)).recipients.map((r) => `${r.address} ${r.reason} ${r.type}`);
  assert.deepEqual(
    facts(
      'The following recipients failed: amy@dest.example (550 5.1.1 user unknown), ' +
        'bob@dest.example (452 4.2.2 mailbox full)',
    ),
    ['amy@dest.example userunknown hard', 'bob@dest.example mailboxfull soft'],
  );
  assert.deepEqual(facts('amy@dest.example: 550 5.1.1 user unknown; bob@dest.example: 552 5.2.2 mailbox full'), [
    'amy@dest.example userunknown hard',
    'bob@dest.example mailboxfull soft',
  ]);
  // A list of addresses that heads its line shares the error after it: each of them failed.
  assert.deepEqual(facts('amy@dest.example, bob@dest.example, cid@dest.example: 550 5.1.1 user unknown'), [
    'amy@dest.example userunknown hard',
    'bob@dest.example userunknown hard',
    'cid@dest.example userunknown hard',
  ]);
  // So does a list of addresses one a line, with one error below the last.
  assert.deepEqual(
    facts(
      'The following recipients were rejected:\namy@dest.example\nbob@dest.example\n\nReason: 550 5.1.1 user unknown',
    ),
    ['amy@dest.example userunknown hard', 'bob@dest.example userunknown hard'],
  );
  // Words that name no error of their own ("and", ", ") leave the line's error to both.
  assert.deepEqual(facts('Delivery to amy@dest.example and bob@dest.example failed: 550 5.1.1 user unknown'), [
    'amy@dest.example userunknown hard',
    'bob@dest.example userunknown hard',
  ]);
});

test('a notice that says its failure is permanent is no delay, whatever reassurance it adds', () => {
  const words =
    'The attached message had PERMANENT fatal delivery errors!\n\n' +
    'YOU DO NOT NEED TO RESEND THIS MESSAGE!\n\n' +
    '  --- Session Transcript ---\n' +
    ' Fri 2026-12-04 10:00:02: --> RCPT TO:<eve@far.example>\n' +
    ' Fri 2026-12-04 10:00:03: <-- 550 5.1.1 No such user here\n' +
    '  --- End Transcript ---';
  const report = decode(textNotice(words, { subject: 'Permanent Delivery Failure' }));
  assert.equal(report.kind, 'bounce');
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.action, r.status, r.type]),
    [['eve@far.example', 'failed', '5.1.1', 'hard']],
  );
});

test("a postmaster named without an error (a footer) is no recipient: the returned message's To is", () => {
  // AOL-style: the recipient is a screen name, not an address; the footer names postmaster.
  const words =
    'The mail you sent could not be delivered to:\n\n  jaymember\n\n' +
    'Please check the spelling of the screen name.\n' +
    'Please reply to Postmaster@aol.example if you feel this message to be in error.\n\n' +
    '--- Original message follows.\n\n' +
    'Message-ID: <cmp-42@shop.example>\nFrom: news@shop.example\nTo: jaymember@aol.example\nSubject: deals\n\nhi';
  const report = decode(textNotice(words, { subject: 'Returned mail: User unknown' }));
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.role]),
    [['jaymember@aol.example', 'original-to']],
  );
  // A message sent to postmaster itself still bounces with its error beside it.
  const own = decode(textNotice('<postmaster@dest.example>:\n550 5.1.1 User unknown'));
  assert.deepEqual(
    own.recipients.map((r) => [r.address, r.status]),
    [['postmaster@dest.example', '5.1.1']],
  );
});

test("an address in quotes and brackets after words addressing it (CommuniGate: to '<x@y>') is a recipient", () => {
  const words = "Failed to deliver to '<bob@dest.example>'\nLOCAL module(account bob) reports:\n account is full";
  const report = decode(textNotice(words, { subject: 'Undeliverable mail: deals' }));
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.role, r.reason]),
    [['bob@dest.example', 'notice-text', 'mailboxfull']],
  );
});

test("an antivirus notice that it stopped our message is a bounce for a virus, never the address's fault", () => {
  const words =
    'Our virus scanner found a virus in a message you sent.\n\n' +
    'The message to sam@dest.example was not delivered.\n\nVirus: Eicar-Test-Signature\n' +
    'Questions? Write to security@dest.example.';
  const report = decode(textNotice(words, { from: 'Antivirus <av@gw.dest.example>', subject: 'VIRUS ALERT: deals' }));
  assert.equal(report.kind, 'bounce');
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.reason, r.type]),
    [['sam@dest.example', 'virusdetected', 'ignored']],
  );
});

test("the message's other addresses named in the prose (its list, a bcc, where replies go) are not who failed", () => {
  for (const words of [
    'Your message to friends@lists.example (sent by news@shop.example) could not be delivered to ' +
      'amy@dest.example: 550 5.1.1 user unknown',
    'Delivery to amy@dest.example failed. Replies should go to help@shop.example.\n550 5.1.1 user unknown',
    'amy@dest.example\n    unknown user\n\nIn reply to your message to amy@dest.example, bcc: archive@shop.example',
  ]) {
    const report = decode(textNotice(words, { subject: 'Undeliverable: deals' }));
    assert.deepEqual(
      report.recipients.map((r) => r.address),
      ['amy@dest.example'],
      words,
    );
  }
});

test("Sendmail's entry '(expanded from: <x>)' naming the address itself still reports it", () => {
  const words =
    '   ----- The following addresses had permanent fatal errors -----\n<amy@dest.example>\n' +
    '    (reason: 550 5.1.1 User unknown)\n    (expanded from: <amy@dest.example>)\n';
  const report = decode(textNotice(words, { subject: 'Returned mail: see transcript for details' }));
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.status]),
    [['amy@dest.example', '5.1.1']],
  );
});

test('a failure that says no more tries will be made is no delay, in any language', () => {
  for (const [subject, words] of [
    [
      'Unzustellbar',
      'Nachricht an ray@dest.example: 550 5.1.1 unbekannt. Es werden keine weiteren Zustellversuche unternommen.',
    ],
    ['Non remis', "Message non remis à ray@dest.example : 550 5.1.1 inconnu. Aucune nouvelle tentative n'aura lieu."],
    [
      'Non recapitato',
      'Messaggio per ray@dest.example: 550 5.1.1 sconosciuto. Non verranno effettuati nuovi tentativi.',
    ],
  ]) {
    const report = decode(textNotice(words!, { subject }));
    assert.deepEqual(
      report.recipients.map((r) => [r.address, r.action]),
      [['ray@dest.example', 'failed']],
      words,
    );
  }
});

test('a retired-mailbox answer sent from noreply@ counts against the mailbox it names, never noreply@', () => {
  const answer = (body: string) =>
    Buffer.from(
      'From: <noreply@dest.example>\r\nTo: b+t1@bounces.example.com\r\nSubject: AutoResponse\r\n' +
        `Auto-Submitted: auto-replied\r\n\r\n${body}\r\n`,
    );
  const named = decode(answer('This email inbox amy@dest.example is no longer in use. Please contact someone else.'));
  assert.equal(named.kind, 'autoreply');
  assert.deepEqual(
    named.recipients.map((r) => [r.address, r.action, r.reason]),
    [['amy@dest.example', 'failed', 'suspend']],
  );
  // Naming nobody, or several: nobody, rather than the system's own address.
  for (const body of [
    'This mailbox is no longer in use.',
    'The inboxes amy@dest.example and bob@dest.example are no longer in use.',
  ]) {
    assert.deepEqual(decode(answer(body)).recipients, [], body);
  }
});

test("a notice naming its user without a domain picks, of the returned message's recipients, the one it names", () => {
  const words =
    '----- The following addresses had permanent fatal errors -----\njay\n    (reason: 550 5.1.1 User unknown)\n\n' +
    '------ Original message ------\n\nMessage-ID: <c1@shop.example>\nFrom: news@shop.example\n' +
    'To: kim@dest.example, jay@dest.example\nSubject: deals\n\nhi';
  const report = decode(textNotice(words, { subject: 'Returned mail: User unknown' }));
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.status, r.role]),
    [['jay@dest.example', '5.1.1', 'original-to']],
  );
});

test('a notice that a message failed, naming nobody, returning nothing: a bounce about an unnamed recipient', () => {
  const report = decode(textNotice('Your message could not be delivered.\n\nReason: 552 5.2.2 Mailbox full'));
  assert.equal(report.kind, 'bounce');
  assert.deepEqual(report.recipients, []);
  assert.deepEqual(
    report.unnamed && [report.unnamed.action, report.unnamed.status, report.unnamed.reason, report.unnamed.type],
    ['failed', '5.2.2', 'mailboxfull', 'soft'],
  );
  const late = decode(textNotice('Your message has not yet been delivered. We will keep trying for 4 days.'));
  assert.deepEqual([late.kind, late.unnamed?.action], ['delay', 'delayed']);
  // From a delivery system, but saying nothing failed: nothing to say about anyone.
  const said = decode(textNotice('Your mailbox settings were updated.', { subject: 'Notice' }));
  assert.deepEqual([said.kind, said.unnamed], ['other', null]);
});

test("a notice's words in several text parts (an empty or HTML part first, the error in the next) are all read", () => {
  const notice = (parts: string[]) =>
    Buffer.from(
      [
        'From: Mail Delivery System <postmaster@dest.example>',
        'Subject: Undeliverable mail',
        'Content-Type: multipart/mixed; boundary="XX"',
        '',
        ...parts.flatMap((p) => ['--XX', ...p.split('\n')]),
        '--XX--',
        '',
      ].join('\r\n'),
    );
  const error = 'Content-Type: text/plain\n\n<amy@dest.example>: 552 5.2.2 mailbox full\n';
  for (const first of [
    'Content-Type: text/plain\n\nYour message could not be delivered. See the details below.\n',
    'Content-Type: text/html\n\n<p>Delivery has failed.</p>\n',
    'Content-Type: text/plain\n\n\n',
  ]) {
    const report = decode(notice([first, error]));
    assert.deepEqual(
      report.recipients.map((r) => [r.address, r.status, r.reason]),
      [['amy@dest.example', '5.2.2', 'mailboxfull']],
      first,
    );
  }
  // A text part attached as a file (here: a log of other deliveries) is not the notice's words.
  const attached =
    'Content-Type: text/plain\nContent-Disposition: attachment; filename="queue.log"\n\n' +
    'bea@other.example: 550 5.1.1 user unknown\n';
  const report = decode(notice([error, attached]));
  assert.deepEqual(
    report.recipients.map((r) => r.address),
    ['amy@dest.example'],
  );
});

test('complaints in plain words, the message attached (SpamCop, an abuse desk), are feedback; a refusal is not', () => {
  const report = (from: string, subject: string, words: string, to = 'x') =>
    decode(
      Buffer.from(
        [
          `From: ${from}`,
          `Subject: ${subject}`,
          'Content-Type: multipart/mixed; boundary="C"',
          '',
          '--C',
          'Content-Type: text/plain',
          '',
          words,
          '--C',
          'Content-Type: message/rfc822',
          '',
          'Message-ID: <cmp-42@shop.example>',
          'From: news@shop.example',
          `To: ${to}`,
          'Subject: deals',
          '',
          'hi',
          '--C--',
          '',
        ].join('\r\n'),
      ),
    );
  const spamcop = report('1234@reports.spamcop.net', '[SpamCop (https://www.spamcop.net/) id:73]deals', '- SpamCop -');
  assert.deepEqual([spamcop.kind, spamcop.feedback?.userAgent, spamcop.recipients], ['feedback', 'SpamCop', []]);
  assert.equal(spamcop.original?.messageId, '<cmp-42@shop.example>');
  const desk = report(
    'abuse@isp.example',
    'Abuse report',
    'We received a complaint from one of our users about the attached message.',
    'amy@isp.example',
  );
  assert.deepEqual(
    [desk.kind, desk.recipients.map((r) => [r.address, r.reason, r.type])],
    ['feedback', [['amy@isp.example', 'feedback', 'ignored']]],
  );
  const refusal = report(
    'notices@host.example',
    'Message rejected',
    'Your message to amy@isp.example was rejected: 554 too many spam complaints from your IP.',
    'amy@isp.example',
  );
  assert.equal(refusal.kind, 'bounce');
  const digest = report('quarantine@isp.example', 'Your spam complaint digest', 'Messages quarantined for you: 1');
  assert.notEqual(digest.kind, 'feedback');
});

test('a text notice that the message arrived (a success notice, "Relayed") is delivered, never failed', () => {
  for (const [subject, words] of [
    [
      'Delivery Status Notification (Success)',
      'Your message has been successfully delivered to the following recipients:\n\n   amy@dest.example',
    ],
    [
      'Relayed: deals',
      'Delivery to these recipients or groups is complete, but no delivery notification was sent by the ' +
        'destination server:\n\namy@dest.example',
    ],
  ]) {
    const report = decode(textNotice(words!, { subject }));
    assert.equal(report.kind, 'delivered', subject);
    assert.deepEqual(
      report.recipients.map((r) => [r.address, r.action, r.type]),
      [['amy@dest.example', 'delivered', 'ignored']],
      subject,
    );
  }
  // Delivered to one, failed for another: the failure stands.
  const mixed = decode(
    textNotice(
      'Your message was successfully delivered to bob@dest.example.\n\namy@dest.example: 550 5.1.1 user unknown',
    ),
  );
  assert.deepEqual(
    mixed.recipients.map((r) => [r.address, r.action]),
    [['amy@dest.example', 'failed']],
  );
});

test("a bounce whose Subject alone names the address ('Delivery failure: x@y') reports it; a copy's To first", () => {
  const report = decode(
    textNotice('The mailbox is unavailable.\n550 5.1.1', { subject: 'Delivery failure: amy@dest.example' }),
  );
  assert.deepEqual(
    report.recipients.map((r) => [r.address, r.role, r.status]),
    [['amy@dest.example', 'notice-subject', '5.1.1']],
  );
  // The returned copy's To comes first; a sender named in the subject is nobody's failure.
  const copy = 'Message-ID: <c1@shop.example>\nFrom: news@shop.example\nTo: jay@dest.example\nSubject: hi\n\nhi';
  const withCopy = decode(
    textNotice(`Your message could not be delivered.\n\n--- Original message follows.\n\n${copy}`, {
      subject: 'Delivery failure: amy@dest.example',
    }),
  );
  assert.deepEqual(
    withCopy.recipients.map((r) => r.address),
    ['jay@dest.example'],
  );
  const sender = decode(
    textNotice('Your message could not be delivered.', { subject: 'Undeliverable: from bob@x.example' }),
  );
  assert.deepEqual(sender.recipients, []);
});

test('a returned list post (its To is the list its List-Id names) does not make the list a failed recipient', () => {
  const words =
    'Your message could not be delivered: mailbox full.\n\n--- Original message follows.\n\n' +
    'Message-ID: <p1@poster.example>\nFrom: carl@poster.example\nTo: mylist@lists.example\n' +
    'List-Id: My list <mylist.lists.example>\nSubject: [Mylist] hi\n\nhi';
  const report = decode(textNotice(words));
  assert.deepEqual(report.recipients, []);
  assert.deepEqual([report.kind, report.unnamed?.reason], ['bounce', 'mailboxfull']);
});

test("older MTAs' notices in their own shapes (Smail, InterScan, LSMTP, EYOU, MDaemon 3…) name who failed", () => {
  const copy =
    '\n\nReturn-Path: <b-1@bounces.shop.example>\nMessage-ID: <c1@shop.example>\nFrom: news@shop.example\n' +
    'To: amy@dest.example\nSubject: deals\n\nhi\n';
  for (const words of [
    'Here is your list of failed recipients:\n\n<amy@dest.example>\n\nHere is your returned mail.',
    'Failed addresses follow:\n---------------------\n amy@dest.example ... unknown user\n\nMessage text follows:',
    'The following addresses did NOT receive a copy of your message:\n\n> amy@dest.example\n\n' +
      '--- Session Transcript ---',
    'Intended recipient: amy@dest.example\nThe recipient mailbox is full.\n--------RETURNED MAIL FOLLOWS--------',
    'Undeliverable Address: amy@dest.example\nReason: The user does not exist\nOriginal message attached',
    "User's mailbox is full: <amy@dest.example>\nUnable to deliver mail.",
    'The email below could not be delivered to the following user:\n\n"amy" <amy@dest.example>\n\nOld message:',
    'Delevery to the following recipients failed.\n\n       amy@dest.example',
    '--> Error description:\nError-for:  amy@dest.example\nError-Text: No such user\nError-End: One error reported.',
    'This is the deliver program at mx.dest.example.\n\namy@dest.example\n<<< 550 no such user\n-',
    '- no such user here\n\namy@dest.example ... There is no user by that name here.',
    'Could not deliver message to the following recipient(s):\n\nFailed Recipient: amy@dest.example\n' +
      'Reason: Remote host said: 550 5.1.1 User unknown',
    'Message not delivered to the following addresses:\n\n  amy@dest.example (mailbox full)\n\nError detail:',
    '------ Failed Recipients ------\n<amy@dest.example>: no such user\n-------- Returned Mail --------',
    'Unable to deliver message to <amy@dest.example>.\nReason: mailbox unavailable\n***** End of message *****',
  ]) {
    const report = decode(textNotice(words + copy, { subject: 'Returned mail' }));
    assert.deepEqual(
      report.recipients.map((r) => [r.address, r.action]),
      [['amy@dest.example', 'failed']],
      words,
    );
  }
});

test("a copy sent to undisclosed recipients names its recipient in its trace ('for <x>', Delivered-To)", () => {
  const notice = (trace: string) =>
    textNotice(
      'Receiver not found: lallison\n\nYour message could not be delivered as addressed.\n\n' +
        `--- Returned Message ---\n\n${trace}Message-ID: <c1@shop.example>\nFrom: news@shop.example\n` +
        'To: undisclosed-recipients:;\nSubject: deals\n\nhi\n',
      { from: 'CompuServe Postmaster <postmaster@compuserve.example>', subject: 'Undeliverable Message' },
    );
  const received =
    'Received: from out1.shop.example (out1.shop.example [198.51.100.7])\n' +
    '        by mx.compuserve.example with ESMTP id MAA16547\n' +
    '        for <lallison@compuserve.example>; Wed, 18 Sep 2002 12:40:17 -0400\n';
  for (const trace of [received, 'Delivered-To: lallison@compuserve.example\n']) {
    assert.deepEqual(
      decode(notice(trace)).recipients.map((r) => [r.address, r.role]),
      [['lallison@compuserve.example', 'original-to']],
      trace,
    );
  }
  // Two hops naming two addresses (an alias expanded on the way): nobody is guessed.
  const two = `${received}Delivered-To: larry.allison@mail.compuserve.example\n`;
  assert.deepEqual(decode(notice(two)).recipients, []);
});

test("the sender a notice names as such ('not accepting mail from x') is nobody's failure wherever it is named", () => {
  const words =
    'Sorry news@shop.example. Your mail to the following recipients could not be delivered because they are ' +
    'not accepting mail from news@shop.example:\n    jaymember\n';
  const report = decode(textNotice(words, { subject: 'Undeliverable: deals' }));
  assert.deepEqual(report.recipients, []);
  assert.equal(report.kind, 'bounce');
});
