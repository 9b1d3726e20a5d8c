// One error type carries an SMTP reply; smtp-server sends err.responseCode and err.message.
// Enhanced status codes (RFC 3463) are written into the text here, since smtp-server's own
// automatic codes are switched off: they cannot tell a relay refusal from an unknown user.

export class SmtpReply extends Error {
  override name = 'SmtpReply';
  constructor(
    readonly responseCode: number,
    readonly enhancedStatus: string,
    text: string,
  ) {
    super(`${enhancedStatus} ${text}`);
  }
}

/** The replies bounced gives, by what happened; tests assert these exact codes. */
export const Replies = {
  relayDenied: (domain: string) =>
    new SmtpReply(550, '5.7.1', `Relaying denied: this server accepts mail for its bounce domains only, not ${domain}`),
  badRecipient: () => new SmtpReply(550, '5.1.3', 'Bad recipient address syntax'),
  relaySyntax: () => new SmtpReply(550, '5.7.1', 'Relaying denied: no % or ! routing here'),
  utf8NotDeclared: () => new SmtpReply(553, '5.6.7', 'Must declare SMTPUTF8 to send a non-ASCII address'),
  tooManyErrors: () => new SmtpReply(421, '4.7.0', 'Too many errors, closing the connection'),
  sessionTooLong: () => new SmtpReply(421, '4.4.2', 'Session time limit reached, closing the connection'),
  dataTooSlow: () => new SmtpReply(421, '4.4.2', 'DATA time limit reached, closing the connection'),
  badToken: (problem: string) => new SmtpReply(550, '5.1.1', `No such return path here (token ${problem})`),
  tooManyRecipients: (max: number) => new SmtpReply(452, '4.5.3', `Too many recipients: at most ${max} per message`),
  messageTooBig: (max: number) => new SmtpReply(552, '5.3.4', `Message too big: the limit is ${max} bytes`),
  memoryBusy: () => new SmtpReply(452, '4.3.1', 'Insufficient system storage right now, please try again later'),
  storageUnavailable: () => new SmtpReply(451, '4.3.0', 'Temporary storage failure, please try again later'),
  tooManyConnections: () => new SmtpReply(421, '4.7.0', 'Too many connections, try again later'),
  shuttingDown: () => new SmtpReply(421, '4.3.2', 'Service shutting down, try again later'),
} as const;

export function accepted(id: string): string {
  return `2.0.0 Ok: stored as ${id}`;
}
