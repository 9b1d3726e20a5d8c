// An Exim-style text notice ("The following address(es) failed:"), the shape of a relay's
// mass failure or of a forgery that names many addresses: for tests and benchmarks that need
// a notice naming one address or 90,000. Line ends are LF; SMTP senders convert them.

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
