// The bounces of one campaign coming back at once, as `npm run bench` sends them: each a
// DSN about a send registered beforehand (authenticated evidence: every fact goes all the
// way to a standing), 80% at four large receiving domains, the rest spread over many small
// ones; hard, soft and policy replies. Enough hard bounces at the large domains in the
// breaker's window trip their outage breakers, as a real outage would.
import type { Mail } from './load.ts';

const LARGE = ['gmail.com', 'outlook.com', 'yahoo.com', 'orange.fr'];
const SMALL_DOMAINS = 400;

/** The replies of the burst, by share: a hard failure, a full mailbox, a policy block of the sender. */
const REPLIES = [
  {
    share: 0.5,
    status: '5.1.1',
    text: '550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table',
  },
  { share: 0.3, status: '5.2.2', text: '552 5.2.2 <{rcpt}>: Mailbox full, quota exceeded' },
  {
    share: 0.2,
    status: '5.7.1',
    text: '554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org',
  },
];

export interface BurstSend {
  messageId: string;
  recipient: string;
}

export function burstSends(tag: string, count: number): BurstSend[] {
  return Array.from({ length: count }, (_, i) => {
    const domain = i % 5 === 4 ? `shop${i % SMALL_DOMAINS}.example` : LARGE[i % 5]!;
    return { messageId: `${tag}-${i}@campaign.sender.example`, recipient: `reader${i}@${domain}` };
  });
}

function replyFor(i: number): (typeof REPLIES)[number] {
  const x = ((i * 7919) % 1000) / 1000; // spread evenly, not in runs
  let acc = 0;
  for (const r of REPLIES) {
    acc += r.share;
    if (x < acc) return r;
  }
  return REPLIES[0]!;
}

export function burstMail(send: BurstSend, i: number, returnPath: string): Mail {
  const reply = replyFor(i);
  const text = reply.text.replace('{rcpt}', send.recipient);
  const raw = [
    'From: MAILER-DAEMON@mx1.sender.example (Mail Delivery System)',
    `To: ${returnPath}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <dsn-${send.messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-boundary"',
    '',
    '--dsn-boundary',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx1.sender.example.',
    '',
    "I'm sorry to have to inform you that your message could not be delivered to one or more recipients.",
    '',
    `<${send.recipient}>: host mx.${send.recipient.split('@')[1]}[203.0.113.25] said: ${text} ` +
      `(in reply to RCPT TO command)`,
    '',
    '--dsn-boundary',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx1.sender.example',
    `Arrival-Date: ${new Date().toUTCString()}`,
    '',
    `Final-Recipient: rfc822; ${send.recipient}`,
    `Original-Recipient: rfc822;${send.recipient}`,
    'Action: failed',
    `Status: ${reply.status}`,
    `Remote-MTA: dns; mx.${send.recipient.split('@')[1]}`,
    `Diagnostic-Code: smtp; ${text}`,
    '',
    '--dsn-boundary',
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: <${send.messageId}>`,
    'From: "The Shop" <news@sender.example>',
    `To: ${send.recipient}`,
    'Subject: This week at the shop',
    `Date: ${new Date().toUTCString()}`,
    '',
    '--dsn-boundary--',
    '',
  ].join('\r\n');
  return { rcpt: returnPath, raw: Buffer.from(raw) };
}
