// The baseline for `npm run bench`: a minimal smtp-server that reads each message and
// throws it away, answering 250 at once. The distance between it and bounced is the
// price of durability (the commit before the 250) and of our policy checks.
import { SMTPServer } from 'smtp-server';

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  hideSTARTTLS: true,
  disableReverseLookup: true,
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => callback(null, 'discarded'));
  },
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address() as { port: number };
  console.log(JSON.stringify({ msg: 'SMTP listening', port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
