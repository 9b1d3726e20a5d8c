// The rule table is data: every rule must win on the real reply it was written for (an
// earlier, broader rule that steals it is an ordering bug), and no pattern may take long
// on hostile input.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { classify, findReplyCode, findStatus, fold } from '../src/classify/index.ts';
import { oneOf, seq } from '../src/classify/patterns.ts';
import { Prefilter, requiredNeedles } from '../src/classify/prefilter.ts';
import { bounceType, REASONS } from '../src/classify/reasons.ts';
import { rule } from '../src/classify/rule.ts';
import { loadRuleFile, RuleFileError } from '../src/classify/rule-file.ts';
import { STATUS_RULES, TEXT_RULES } from '../src/classify/rules.ts';
import { decode } from '../src/parse/index.ts';
import { commandSaid } from '../src/parse/text-bounce.ts';
import { CORPUS_DIR, corpusFiles } from './support/corpus.ts';
import { runHostile } from './support/hostile.ts';

test('rule ids are unique and every rule names one of the 34 reasons', () => {
  const ids = [...TEXT_RULES, ...STATUS_RULES].map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const r of [...TEXT_RULES, ...STATUS_RULES]) assert.ok((REASONS as readonly string[]).includes(r.reason), r.id);
  assert.equal(REASONS.length, 34);
});

/** Each reply, read with its own status and reply code, decides the reason given with it. */
function expectReasons(rows: Array<[string, string]>): void {
  for (const [text, reason] of rows)
    assert.equal(
      classify({
        diagnostic: text,
        status: findStatus(text),
        replyCode: findReplyCode(text),
        command: commandSaid(text),
      }).reason,
      reason,
      text,
    );
}

/** A test of replies and the reasons they must decide. */
function reasonTable(name: string, rows: Array<[string, string]>): void {
  test(name, () => expectReasons(rows));
}

// Generated from the table: each row's reply must match its own pattern, and the whole
// table must give it to this rule. Given to RCPT, so that the words alone decide (the stage
// is tested on its own below).
for (const rule of TEXT_RULES) {
  test(`text rule ${rule.id}: each of its ${rule.rows?.length} rows decides its own reply`, () => {
    assert.ok(rule.rows?.length, 'a rule of the table is written as rows');
    for (const [example, pattern] of rule.rows) {
      assert.match(fold(example), pattern, `the row's reply does not match its pattern: ${example}`);
      const c = classify({
        action: 'failed',
        diagnostic: example,
        status: findStatus(example),
        replyCode: findReplyCode(example),
        command: 'RCPT',
      });
      assert.equal(c.rule, `${rule.id}`, `decided by another rule: ${example}`);
      assert.equal(c.reason, rule.reason);
    }
  });
}

test('a rule is the union of its rows, and a row cannot be written without its reply', () => {
  const r = rule('x.test', 'mailboxfull', [
    ['552 5.2.2 Mailbox full', /mailbox full/],
    ['552 5.2.2 Quota exceeded', seq(/quota /, oneOf(/exceeded/, /reached/))],
  ]);
  assert.equal(r.text!.source, 'mailbox full|quota (exceeded|reached)');
  assert.equal(r.example, '552 5.2.2 Mailbox full');
  assert.throws(() => rule('x.none', 'mailboxfull', []), /no rows/);
  // The text is folded to lower case before any rule reads it: a flag would be lost in the union.
  assert.throws(() => rule('x.flag', 'mailboxfull', [['Mailbox full', /Mailbox full/i]]), /flags/);
});

for (const rule of STATUS_RULES) {
  test(`status rule ${rule.id} decides a bare ${findStatus(rule.example)}`, () => {
    const c = classify({ action: 'failed', status: findStatus(rule.example), diagnostic: '' });
    assert.equal(c.rule, rule.id);
  });
}

test('hard means the address is bad; sender-side reasons are ignored; notaccept is hard only when permanent', () => {
  assert.equal(bounceType('userunknown', '5.1.1', '550'), 'hard');
  assert.equal(bounceType('hostunknown', '5.1.2', '550'), 'hard');
  assert.equal(bounceType('mailboxfull', '4.2.2', '452'), 'soft');
  assert.equal(bounceType('blocked', '5.7.1', '554'), 'ignored');
  assert.equal(bounceType('authfailure', '5.7.26', '550'), 'ignored');
  assert.equal(bounceType('notaccept', '5.1.10', '556'), 'hard');
  assert.equal(bounceType('notaccept', '4.3.2', '421'), 'soft');
});

test('the SMTP stage matters: unknown user after DATA is filtering; errors to MAIL FROM are the sender', () => {
  assert.equal(classify({ diagnostic: '550 Unknown user x@example.com', command: 'DATA' }).reason, 'filtered');
  assert.equal(
    classify({ diagnostic: '550 5.1.1 Unknown user x@example.com', status: '5.1.1', command: 'DATA' }).reason,
    'userunknown',
  );
  assert.equal(classify({ diagnostic: '550 Unknown user x@example.com', command: 'RCPT' }).reason, 'userunknown');
  assert.equal(classify({ diagnostic: '550 5.7.1 Access denied', command: 'MAIL' }).reason, 'rejected');
  assert.equal(classify({ diagnostic: '554 5.7.1 Access denied', command: 'CONNECT' }).reason, 'blocked');
});

test("unknown user with no stage said: the reply's shape tells RCPT from DATA; else unconfirmed", () => {
  // An RCPT reply echoes the refused address; a reply to DATA leaves that slot empty.
  assert.equal(classify({ diagnostic: '550 <x@example.com>: User unknown', status: '5.0.0' }).reason, 'userunknown');
  assert.equal(classify({ diagnostic: '550: <x@example.com>: User unknown' }).reason, 'userunknown');
  assert.equal(classify({ diagnostic: '550 : User unknown', status: '5.0.0' }).rule, 'mailbox.unknown.after-data');
  assert.equal(classify({ diagnostic: '550: User unknown' }).rule, 'mailbox.unknown.after-data');
  assert.equal(classify({ diagnostic: '550 User unknown', status: '5.0.0' }).rule, 'mailbox.unknown.unconfirmed');
  assert.equal(classify({ diagnostic: '550 User unknown', status: '5.1.1' }).reason, 'userunknown');
});

test('a delay is never hard, whatever its words; "no such user here" is the receiver\'s own lookup', () => {
  const reply = '421 4.1.1 <x@y.example>: Recipient address rejected: User unknown';
  const evidence = { diagnostic: reply, status: '4.1.1', replyCode: '421', command: 'RCPT' };
  assert.deepEqual(classify({ ...evidence, action: 'delayed' }), {
    reason: 'userunknown',
    type: 'soft',
    rule: 'mailbox.unknown',
  });
  assert.equal(classify({ ...evidence, action: 'failed' }).type, 'hard');
  // "Here": a lookup in its own mailboxes, at RCPT; no content filter words a verdict so.
  const here = classify({ diagnostic: '550 - Requested action not taken: no such user here', status: '5.0.0' });
  assert.deepEqual([here.reason, here.type], ['userunknown', 'hard']);
});

test('a receiver naming its own directory is an unknown user whatever the stage', () => {
  const yahoo =
    "554 delivery error: dd This user doesn't have a yahoo.com account (x@yahoo.com) [0] - " +
    'mta1061.mail.ne1.yahoo.com';
  assert.deepEqual(classify({ diagnostic: yahoo, command: 'DATA', status: '5.0.0' }), {
    reason: 'userunknown',
    type: 'hard',
    rule: 'mailbox.unknown.directory',
  });
  const domino = 'User some.name (x@example.jp) not listed in Domino Directory';
  assert.equal(classify({ diagnostic: domino }).reason, 'userunknown');
  // The generic words stay soft at DATA.
  assert.equal(classify({ diagnostic: '550 No such user', command: 'DATA' }).reason, 'filtered');
});

test('the words of many languages: unknown user, full mailbox, unknown domain', () => {
  const rows: Array<[string, string]> = [
    ['Benutzer unbekannt', 'mailbox.unknown'],
    ["Cette adresse email n'existe pas", 'mailbox.unknown'],
    ['Questo indirizzo non esiste', 'mailbox.unknown'],
    ['usuário inexistente', 'mailbox.unknown'],
    ['utilizador desconhecido', 'mailbox.unknown'],
    ['onbekende gebruiker', 'mailbox.unknown'],
    ['Adres nie istnieje', 'mailbox.unknown'],
    ['Пользователь не найден', 'mailbox.unknown'],
    ['收件人不存在', 'mailbox.unknown'],
    ['받는 사람의 메일 주소가 존재하지 않습니다', 'mailbox.unknown'],
    ['Địa chỉ email không tồn tại', 'mailbox.unknown'],
    ['Alamat email tidak ditemukan', 'mailbox.unknown'],
    ['Adresa de e-mail nu există', 'mailbox.unknown'],
    ['Η διεύθυνση δεν υπάρχει', 'mailbox.unknown'],
    ['הכתובת לא קיימת', 'mailbox.unknown'],
    ['العنوان غير موجود', 'mailbox.unknown'],
    // Localized "address not found" headings of Exchange/Outlook notices.
    ["L'adresse de messagerie est introuvable", 'mailbox.unknown'],
    ['Die E-Mail-Adresse wurde nicht gefunden', 'mailbox.unknown'],
    ['No se encontró la dirección de correo', 'mailbox.unknown'],
    ["Impossibile trovare l'indirizzo", 'mailbox.unknown'],
    ['O endereço de email não foi encontrado', 'mailbox.unknown'],
    ['E-mailadres niet gevonden', 'mailbox.unknown'],
    ['Adres e-mail nie został znaleziony', 'mailbox.unknown'],
    ['メールアドレスが見つかりませんでした', 'mailbox.unknown'],
    ['找不到收件人', 'mailbox.unknown'],
    ['caixa postal cheia', 'mailbox.full'],
    ['mailbox is vol', 'mailbox.full'],
    ['Mailbox ist voll', 'mailbox.full'],
    ['Die Mailbox des Empfängers ist voll', 'mailbox.full'],
    ['La boîte aux lettres du destinataire est pleine', 'mailbox.full'],
    ['skrzynka pełna', 'mailbox.full'],
    ['Почтовый ящик переполнен', 'mailbox.full'],
    ['邮箱已满', 'mailbox.full'],
    ['받는 사람의 메일함 용량이 초과되었습니다', 'mailbox.full'],
    ['Hộp thư đã đầy', 'mailbox.full'],
    ['Kotak surat penerima penuh', 'mailbox.full'],
    ['Căsuța poștală a destinatarului este plină', 'mailbox.full'],
    ['Esta casilla ha expirado por falta de uso.', 'mailbox.disabled'],
    ['Conta de e-mail desativada', 'mailbox.disabled'],
    ['Ce compte a été désactivé', 'mailbox.disabled'],
    ["le domaine n'existe pas", 'host.unknown.words'],
    ['Die Domain existiert nicht', 'host.unknown.words'],
  ];
  // Given to RCPT, so that the stage cannot soften the words and the rule id shows which words decided.
  for (const [text, rule] of rows)
    assert.equal(classify({ diagnostic: `550 ${text}`, command: 'RCPT' }).rule, rule, text);
});

reasonTable('replies seen in the wild decide the reason their words say', [
  [
    '550 Connections from mx.example.jp (192.0.2.2) are being rejected due to a poor email reputation score.',
    'badreputation',
  ],
  ['550 Access from ip address 192.0.2.1 blocked.', 'blocked'],
  ['550 5.1.2 User reject', 'filtered'],
  ['550 5.1.7 No such domain example.com', 'hostunknown'],
  ['554 5.7.1 Mail Score (71) over MessageScoringUpperLimit (50)', 'spamdetected'],
  ['451 4.7.1 <mx.example.jp[192.0.2.3]>: Client host rejected: Please try again slower', 'ratelimited'],
  ['550 5.0.0 Recipient suspend the service', 'suspend'],
  ['550 The domain example.net is currently suspended. Try later.', 'suspend'],
  ['X-Postfix; mail for example.jp loops back to myself', 'systemerror'],
  ['X-Unix; 255', 'mailererror'],
  ["This person's account is exceeding their quota.", 'mailboxfull'],
  ['551 <rcpt@example.net> is a deactivated mailbox', 'suspend'],
  ['551 not our customer', 'hasmoved'],
  ['553 Blocked using spam pattern, your message may contain the spam contents', 'spamdetected'],
  [
    '553 5.7.3 CONTENT REJECT:192.0.2.162.2011101001.XXYIvtHf:dspam check:4:http://mail.example.com/info/policy/12',
    'spamdetected',
  ],
  ['550 <rcpt@example.net>: BAD_RECIPIENT - see http://mail.example.net/undelivered', 'userunknown'],
  // Postfix quotes a local delivery program: its own words decide, else the program failed.
  ['permission denied. Command output: The recipient mailbox has exceeded its disk space limit.', 'mailboxfull'],
  ['temporary failure. Command output: lda(rcpt): Error: Quota exceeded (mailbox for user is full)', 'mailboxfull'],
  ['permission denied. Command output: procmail: Couldn\'t create "/var/spool/mail/rcpt"', 'mailererror'],
  ['permission denied. Command output: ', 'mailererror'],
  // Postfix's own size check names the message, not a mailbox.
  ['X-Postfix; message size 18876259 exceeds size limit 10485760 of server mx.example.net[192.0.2.8]', 'emailtoolarge'],
  ['552 5.2.2 user has exceeded the mailbox size limit', 'mailboxfull'],
]);

// Replies the PHPMailer-BMH rule table quotes as samples, in our own addresses.
reasonTable("the replies PHPMailer-BMH's rule table quotes decide the reason their words say", [
  ['unknown local-part "rcpt" in domain "example.net"', 'userunknown'],
  ["550-I'm sorry but rcpt@example.net does not have an account here. I will not", 'userunknown'],
  [
    'can not open new email file errno=13 ' +
      'file=/home/vpopmail/domains/example.net/0/rcpt/Maildir/tmp/1.2.mx05,S=212350',
    'systemerror',
  ],
  ['The user does not accept email in non-Western (non-Latin) character sets.', 'contenterror'],
  [
    '551 bounce as<the destination mailbox <rcpt@example.net> is full> queue as ' +
      '100.1.ZmxEL.720k.1 (in reply to end of DATA command)',
    'mailboxfull',
  ],
  [
    'X-Postfix; cannot append message to destination file /var/mail/rcpt: error writing message: File too large',
    'mailboxfull',
  ],
  ['550 relaying to <rcpt@example.net> prohibited by administrator', 'norelaying'],
  ['550 <rcpt> is now disabled with MTA service.', 'suspend'],
  ['550 Command RCPT User <rcpt@example.net> not OK', 'userunknown'],
  ['Sent >>> RCPT TO: <rcpt@example.net> Received <<< 550 rcpt@example.net... No such user', 'userunknown'],
  ['550 <rcpt@example.net>... User account not activated', 'suspend'],
  ['550 <rcpt@example.net>: User status is locked.', 'suspend'],
  ['553 mailbox rcpt@example.net is restricted', 'policyviolation'],
  ['501 sender@example.org Sender email is not in my domain', 'rejected'],
  ['554 sender is rejected: 0,mx20,wKjR5bDrnoM2yNtEZVAkBg==.32467S2', 'rejected'],
  ['550 Verify mailfrom failed,blocked', 'rejected'],
  ['553 AUTH FAILED - sender@example.org', 'securityerror'],
  ['500 Unauthorized relay msg rejected', 'norelaying'],
  [
    '550-mx.example.org [192.0.2.1] is currently not permitted to relay through this server. ' +
      'Perhaps you have not logged into the pop/imap server in the last 30 minutes or do not have ' +
      'SMTP Authentication turned on in your email client.',
    'norelaying',
  ],
  ['554 5.5.2 Invalid data in message', 'contenterror'],
  ['552 MessageWall: MIME/REJECT: Invalid structure', 'contenterror'],
  ['550 Content reject. FAAAANsG60M9BmDT.1', 'spamdetected'],
  ['553 Mail data refused by AISP, rule [169648].', 'spamdetected'],
  [
    '553 5.7.1 <rcpt@example.net>... SpamTrap=reject mode, dsn=5.7.1, Message blocked by SpamTrap Technology',
    'spamdetected',
  ],
  ['554- (RTR:BL) http://postmaster.example.net/errors/554rtrbl.html 554 Connecting IP: 192.0.2.1', 'blocked'],
  ['rcpt@example.net... Deferred: No such file or directory', 'systemerror'],
  ['Sorry the recipient quota limit is exceeded. This message is returned as an error.', 'mailboxfull'],
  ['ErrMsg=Mailbox space not enough (space limit is 10240KB)', 'mailboxfull'],
  ['User has exhausted allowed storage space', 'mailboxfull'],
  ['550 Benutzer hat zuviele Mails auf dem Server', 'mailboxfull'],
  ['SMTP module(domain example.net) reports: connection with mx1.example.net is broken', 'networkerror'],
  ['421 server too busy, try again', 'systemerror'],
  ["Sorry, I couldn't find any host by that name.", 'hostunknown'],
]);

reasonTable(
  'the stock words of Postfix, Exim, Sendmail, qmail, Exchange and large providers decide the reason they say',
  [
    ['unknown user: "rcpt"', 'userunknown'],
    ['R=dnslookup defer (-1): host lookup did not complete', 'networkerror'],
    ['Cannot send message for 5 days', 'expired'],
    [
      '554 5.2.0 STOREDRV.Deliver.Exception:StoreDriverRetireException; Failed to process ' +
        'message due to a transient exception',
      'systemerror',
    ],
    [
      '550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; authentication required; ' +
        'Delivery restriction check failed as sender not authenticated',
      'rejected',
    ],
    ['554 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain', 'hostunknown'],
    ['550 5.2.1 This mailbox has been blocked due to inactivity', 'suspend'],
    ['550 Maximum mail file size exceeded', 'mailboxfull'],
    ['554 DT:SPM 163 smtp3,DdGowEB5ywCx,0 0 5 4 5 0 1 0', 'spamdetected'],
    ['553 5.7.2 [TSS09] All recipients of this message have been blocked due to a complaint.', 'blocked'],
    ['550 Mailbox unavailable - Max recipient limit exceeded', 'ratelimited'],
    [
      '554 5.7.1 [192.0.2.1] Comcast block for spam. Please see ' +
        'http://postmaster.comcast.net/smtp-error-codes.php#BL000000',
      'blocked',
    ],
    // The words win over the code they quote: a recipient's preferences, though under 5.1.1.
    [
      '550 5.1.1 RCP-P2 http://postmaster.example.com/response_codes#rcp Refused due to recipient preferences',
      'filtered',
    ],
    [
      '421 4.7.28 Our system has detected an unusual rate of unsolicited mail originating from ' +
        'your IP address. To protect our users from spam, mail sent from your IP address has been ' +
        'temporarily rate limited.',
      'ratelimited',
    ],
    [
      '554 5.7.0 Your message could not be sent. The limit on the number of allowed outgoing ' +
        'messages was exceeded. Try again later.',
      'ratelimited',
    ],
    ["The number of messages in recipient's mailbox exceeded the local limit.", 'mailboxfull'],
    ['554 5.7.1 This message has been blocked because it contains a banned word', 'spamdetected'],
  ],
);

reasonTable("Gmail's published replies: each to the reason its words give", [
  [
    '421 4.7.26 This mail has been rate limited because it is unauthenticated. Gmail requires ' +
      'all senders to authenticate with either SPF or DKIM.',
    'authfailure',
  ],
  [
    '421 4.7.32 Your email has been rate limited because the From: header (RFC5322) in this ' +
      "message isn't aligned with either the authenticated SPF or DKIM organizational domain.",
    'authfailure',
  ],
  [
    "421 4.7.29 Your email has been rate limited because this message wasn't sent over a TLS connection.",
    'failedstarttls',
  ],
  ['421 4.7.0 IP not in whitelist for RCPT domain, closing connection.', 'blocked'],
  ['554 5.4.6 Message exceeded 50 hops, this may indicate a mail loop.', 'networkerror'],
  [
    "550 5.7.1 Invalid credentials for relay [192.0.2.1]. The IP address you've registered in " +
      "your Workspace SMTP Relay service doesn't match the domain of the account this email is being sent from.",
    'norelaying',
  ],
  ['550 5.7.1 Messages missing a valid Message-ID: header are not accepted.', 'notcompliantrfc'],
  [
    '421 4.7.28 Gmail has detected this message exceeded its quota for sending messages with the same Message-ID:.',
    'policyviolation',
  ],
  [
    '450 4.2.1 The user you are trying to contact is receiving mail too quickly. Please resend ' +
      'your message at a later time.',
    'ratelimited',
  ],
  ['523 5.7.10 SMTP protocol violation, no commands allowed to pipeline after STARTTLS.', 'syntaxerror'],
  ['421 4.4.5 Server busy, try again later.', 'systemerror'],
  ['454 4.7.0 Too many login attempts, please try again later.', 'securityerror'],
]);

reasonTable(
  "Microsoft's published replies (Exchange Online NDRs, Outlook.com codes): each to the reason its words give",
  [
    ['451 4.7.500 Access denied, please try again later. (AS1234)', 'blocked'],
    ['550 5.7.511 Access denied, banned sender[192.0.2.1].', 'blocked'],
    ['550 5.7.124 Sender not in allowed-senders list', 'rejected'],
    ['550 5.7.133 Sender not authenticated for group', 'rejected'],
    ['550 5.7.508 Access denied, [2001:db8::1] has exceeded permitted limits within /64 range', 'ratelimited'],
    ['554 5.2.2 mailbox full; Submission quota exceeded', 'ratelimited'],
    ['451 4.4.8 MX hosts of example.com failed MTA-STS validation.', 'failedstarttls'],
    ['550 4.4.4 Hosted tenant which has no mail-enabled subscriptions', 'notaccept'],
    ['550 5.7.505 Access denied, banned recipient', 'suspend'],
    ['451 4.4.22 Message failed to be replicated: no healthy peers found', 'systemerror'],
    [
      '421 RP-001 The mail server IP connecting to Outlook.com server has exceeded the rate ' +
        'limit allowed. Reason for rate limitation is related to IP/domain reputation.',
      'badreputation',
    ],
    [
      '550 DY-001 Mail rejected by Outlook.com for policy reasons. We generally do not accept ' +
        'email from dynamic IPs.',
      'blocked',
    ],
    ['550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup', 'userunknown'],
  ],
);

reasonTable("qmail's and Postfix's stock replies decide the reason their words give", [
  ['511 sorry, no mailbox here by that name (#5.1.1)', 'userunknown'],
  ['553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)', 'rejected'],
  ["553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", 'norelaying'],
  ['552 sorry, mailbox is full (#5.2.2)', 'mailboxfull'],
  ['450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.1]', 'requireptr'],
  ['450 4.1.8 <s@x.example>: Sender address rejected: Domain not found', 'rejected'],
  ['550 5.1.2 <x@y.invalid>: Recipient address rejected: Domain not found', 'hostunknown'],
  ['554 5.7.1 This message has been blocked because it contains spam content', 'spamdetected'],
  ['550 5.7.1 Sender verification failure', 'rejected'],
  ['550 5.1.1 Recipient address verification failed', 'userunknown'],
]);

test('without words the status code decides; without either, on hold if something was said, else undefined', () => {
  assert.deepEqual(classify({ status: '5.2.2', diagnostic: 'xyzzy' }), {
    reason: 'mailboxfull',
    type: 'soft',
    rule: 'status.x.2.2',
  });
  assert.deepEqual(classify({ diagnostic: 'xyzzy' }), { reason: 'onhold', type: 'soft', rule: 'none' });
  // The address alone ("* x@y" under "Delivery to the following recipients failed") says nothing.
  assert.deepEqual(classify({ diagnostic: '* nina@nowhere.example' }), {
    reason: 'undefined',
    type: 'soft',
    rule: 'none',
  });
  assert.deepEqual(classify({ diagnostic: '<nina@nowhere.example>:' }), {
    reason: 'undefined',
    type: 'soft',
    rule: 'none',
  });
  assert.equal(classify({ action: 'delayed', diagnostic: 'xyzzy' }).reason, 'expired');
  assert.equal(classify({ action: 'delivered' }).reason, 'delivered');
});

test('links in a reply are not read as words', () => {
  const c = classify({
    diagnostic: '550 5.7.1 Rejected, see https://example.com/help/#userunknown-or-spam',
    status: '5.7.1',
  });
  assert.notEqual(c.reason, 'userunknown');
  assert.notEqual(c.reason, 'spamdetected');
});

// Every rule against long runs that its own words lead into: a pattern with adjacent
// greedy parts (\S+@\S+, \d+ then a word) turns quadratic on such runs. Linear patterns
// take about a second here; the deadline is thirty.
test('hostile input: every rule, and classify, on long repetitive texts stay linear', async () => {
  assert.equal(await runHostile('rules'), 'done');
});

test('operators add rules from a file; they come before the built-in ones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bounced-rules-'));
  const file = join(dir, 'rules.json');
  writeFileSync(
    file,
    JSON.stringify([
      { id: 'acme-full', reason: 'mailboxfull', text: 'acme box overflow', example: '550 acme box overflow' },
    ]),
  );
  const extra = loadRuleFile(file);
  assert.deepEqual(classify({ diagnostic: '550 5.1.1 acme box overflow' }, { extra }), {
    reason: 'mailboxfull',
    type: 'soft',
    rule: 'custom.acme-full',
  });
  writeFileSync(file, JSON.stringify([{ id: 'x', reason: 'nonsense', text: 'a' }]));
  assert.throws(
    () => loadRuleFile(file),
    (err: Error) => err instanceof RuleFileError && /34 reasons/.test(err.message),
  );
  writeFileSync(file, JSON.stringify([{ id: 'x', reason: 'blocked', text: '(' }]));
  assert.throws(
    () => loadRuleFile(file),
    (err: Error) => err instanceof RuleFileError && /bad pattern/.test(err.message),
  );
  writeFileSync(file, '{');
  assert.throws(() => loadRuleFile(file), RuleFileError);
});

test('the prefilter reads the words a pattern requires, and gives up where it cannot tell', () => {
  assert.deepEqual(requiredNeedles(/abc(d|ef)?g/), ['abc']);
  assert.deepEqual(requiredNeedles(/(user|mailbox) unknown/), [' unknown']);
  assert.deepEqual(requiredNeedles(/a?bcd|xyz+w/), ['bcd', 'xyz']);
  assert.deepEqual(requiredNeedles(/(?<!not )listed (at|in) /), ['listed ']);
  assert.deepEqual(requiredNeedles(/(?:mailbox|account) is (full|disabled)/), ['mailbox', 'account']);
  assert.deepEqual(requiredNeedles(/容量|quota/), ['容量', 'quota']);
  // An alternative without a word of three characters, a class, a case-insensitive pattern.
  assert.equal(requiredNeedles(/abc|x\d+/), null);
  assert.equal(requiredNeedles(/[ab]cd/), null);
  assert.equal(requiredNeedles(/user unknown/i), null);
});

test('the prefilter never skips a rule that matches: rule examples, the corpus, and generated texts', () => {
  const prefilter = new Prefilter(TEXT_RULES.map((r) => r.text));
  const assertSound = (text: string) => {
    const possible = prefilter.candidates(text);
    TEXT_RULES.forEach((rule, i) => {
      if (!possible[i] && rule.text!.test(text))
        assert.fail(`prefilter skipped ${rule.id} for ${JSON.stringify(text.slice(0, 200))}`);
    });
  };
  for (const rule of TEXT_RULES) for (const [example] of rule.rows!) assertSound(fold(example));
  for (const file of corpusFiles())
    for (const r of decode(readFileSync(CORPUS_DIR + file)).recipients) assertSound(fold(r.diagnosticCode ?? ''));
  // Texts stitched from the rules' own examples and words, cut and joined anywhere.
  const words = [...new Set(TEXT_RULES.flatMap((r) => r.rows!.flatMap(([e]) => fold(e).split(/(?<=\s)/))))];
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.constantFrom(...words),
          fc.string({ maxLength: 6 }),
          fc.constantFrom(' ', '-', ':', '<', '>', '@', '.'),
        ),
        { maxLength: 30 },
      ),
      (parts) => {
        assertSound(parts.join(''));
      },
    ),
    { numRuns: 3000, seed: 7 },
  );
});

test('"delivery failed", which every bounce says, explains nothing: on hold, not a system error', () => {
  assert.equal(classify({ action: 'failed', diagnostic: 'delivery failed: amy@dest.example' }).reason, 'onhold');
  assert.equal(
    classify({ action: 'failed', diagnostic: '451 4.3.2 Mail delivery temporarily suspended' }).reason,
    'systemerror',
  );
});
