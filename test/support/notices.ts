// Notices for tests and benchmarks. An Exim-style text notice ("The following address(es)
// failed:"), the shape of a relay's mass failure or of a forgery that names many addresses,
// naming one address or 90,000 (line ends LF; SMTP senders convert them); and a DSN about
// one recipient of a registered send.

/** `count` addresses at `domains` receiving domains: user0@d0.example, user1@d1.example, … */
export function manyAddresses(count: number, domains: number): string[] {
  return Array.from({ length: count }, (_, i) => `user${i}@d${i % domains}.example`);
}

export function failureNotice(addresses: string[], reply = '550 5.1.1 User unknown'): string {
  const blocks = addresses.map(
    (a) => `  ${a}\n    SMTP error from remote mail server after RCPT TO:<${a}>:\n    ${reply}\n`,
  );
  return (
    'From: Mail Delivery System <Mailer-Daemon@relay.example>\n' +
    'Subject: Mail delivery failed: returning message to sender\n\n' +
    'This message was created automatically by mail delivery software.\n\n' +
    'A message that you sent could not be delivered to one or more of its\n' +
    'recipients. This is a permanent error. The following address(es) failed:\n\n' +
    blocks.join('\n')
  );
}

/**
 * A DSN (RFC 3464) saying `rcpt` failed with `reply`, returning the headers of the message
 * `messageId`, whose Message-ID links it to its send. CRLF line ends. By default its Status
 * is the reply's code and its words repeat the reply; `status`, `action` and `words` say
 * otherwise.
 */
export function dsnNotice(
  rcpt: string,
  messageId: string,
  reply = '550 5.1.1 user unknown',
  {
    status = /\b[45]\.\d{1,3}\.\d{1,3}\b/.exec(reply)?.[0] ?? '5.0.0',
    action = 'failed',
    words = `<${rcpt}>: ${reply}`,
  } = {},
): Buffer {
  return Buffer.from(
    [
      'From: MAILER-DAEMON@mx.example',
      'Subject: Undelivered Mail Returned to Sender',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain',
      '',
      words,
      '--B',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example',
      '',
      `Final-Recipient: rfc822; ${rcpt}`,
      `Action: ${action}`,
      `Status: ${status}`,
      `Diagnostic-Code: smtp; ${reply}`,
      '',
      '--B',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: <${messageId}>`,
      `To: ${rcpt}`,
      '',
      '--B--',
      '',
    ].join('\r\n'),
  );
}

/**
 * A home-made text notice: `words` (LF or CRLF line ends) as the body of a message from a
 * mail system to our return path, with CRLF line ends as it arrives over SMTP.
 */
export function textNotice(
  words: string,
  { from = 'Mail Delivery System <MAILER-DAEMON@mx.dest.example>', subject = 'Undeliverable mail' } = {},
): Buffer {
  const head = `From: ${from}\nTo: b+t1@bounces.example.com\nSubject: ${subject}\n\n`;
  return Buffer.from(`${head}${words}\n`.replace(/\r?\n/g, '\r\n'));
}

/**
 * A DSN with the delivery-status fields given as they are (`fields`, after a Reporting-MTA
 * block), for fields dsnNotice does not write; `returned` lines, when given, come back in a
 * third part of `returnedType`. `global`: RFC 6533's types. CRLF line ends.
 */
export function dsnWith(
  fields: string[],
  {
    words = 'Your message could not be delivered.',
    returned = [] as string[],
    returnedType = 'text/rfc822-headers',
    global = false,
  } = {},
): Buffer {
  const type = global ? 'global-delivery-status' : 'delivery-status';
  const copy = returned.length ? ['--b', `Content-Type: ${returnedType}`, '', ...returned, ''] : [];
  return Buffer.from(
    [
      'From: MAILER-DAEMON@mx.dest.example',
      'Subject: Undelivered Mail Returned to Sender',
      `Content-Type: multipart/report; report-type=${type}; boundary="b"`,
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      words,
      '--b',
      `Content-Type: message/${type}`,
      '',
      'Reporting-MTA: dns; mx.dest.example',
      ...fields,
      ...copy,
      '--b--',
      '',
    ].join('\r\n'),
  );
}
