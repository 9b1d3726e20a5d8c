// Bounce rules are data: an ordered table. A text rule matches the diagnostic text (lower
// case, white space folded); a status rule matches the enhanced status code. The first
// match decides, and its id is stored with the fact. Text rules come first: a receiver's
// words are more specific than its status code ("550 5.2.1 <x>... User Unknown" is an
// unknown user).
//
// Each text rule is a reason and its rows: one pattern per row, beside the reply it was
// written for (rule.ts says how a row is read, and test/rules.test.ts checks every one).
// The type a reason gives (hard, soft, ignored) is reasons.ts's bounceType.
// To see one rule's rows as a reviewer would: `bounced rules <id>`.
import { oneOf, seq } from './patterns.ts';
import { type Rule, rule, statusRule as s } from './rule.ts';

export const TEXT_RULES: Rule[] = [
  // --- providers' own codes, which say more than their words -------------------------
  // Orange and La Poste (France) end each reply with a code of their published table
  // ("Mail rejete. Mail rejected. OFR_506 [506]", "LPN000_630").
  rule('provider.orange-spam', 'spamdetected', [
    ['550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]', /\b(?:ofr|lpn)\d*_506\b/],
  ]),
  rule('provider.orange-system', 'systemerror', [
    [
      '421 4.2.0 Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR005_505 [505]',
      /\b(?:ofr|lpn)\d*_505\b/,
    ],
  ]),
  rule('provider.orange-policy', 'policyviolation', [
    [
      '554 5.7.1 <client.example[192.0.2.1]:49309>: Client host rejected: #216 lpn LPN000_630',
      /\b(?:ofr|lpn)\d*_630\b/,
    ],
  ]),
  // Cox's AUP# codes (cox.com postmaster page), which come after words that blame the sender.
  rule('provider.cox-blocked', 'blocked', [
    [
      '550 5.1.0 <sender@example.com> sender rejected. Refer to Error Codes section at ' +
        'https://www.cox.com/residential/support/email-error-codes.html for more information. AUP#CDRBL',
      /\baup#(cdrbl|cxbl|ipbl\d+)\b/,
    ],
  ]),
  rule('provider.cox-ptr', 'requireptr', [['554 5.7.1 rejected - no rDNS AUP#CXDNS', /\baup#cxdns\b/]]),
  rule('provider.cox-auth', 'authfailure', [['550 5.1.0 sender rejected AUP#CXSNDR', /\baup#cxsndr\b/]]),
  rule('provider.cox-rate', 'ratelimited', [
    ['421 4.7.0 too many sessions from 192.0.2.1 AUP#CXCNCT', /\baup#(cxcnct|cxmxrt)\b/],
  ]),
  rule('provider.cox-account', 'securityerror', [
    ['550 5.7.1 Email sending limited due to suspicious account activity AUP#CXTHRT', /\baup#(cxthrt|cxmj)\b/],
  ]),
  rule('provider.cox-url', 'spamdetected', [['552 5.7.0 URL found on a block list AUP#URLBL1001', /\baup#urlbl\d+\b/]]),
  // Spectrum (Charter) AUP#In-NNNN / AUP#Out-NNNN codes, by the ranges of its published table.
  rule('provider.spectrum-rejected', 'rejected', [
    ['550 5.1.0 sender rejected. AUP#Out-1010', /\baup#[a-z]*-?(10[1-7]0|1080|1500|1520)\b/],
  ]),
  rule('provider.spectrum-system', 'systemerror', [
    ['451 4.3.0 Please try again later. AUP#In-1090', /\baup#[a-z]*-?1090\b/],
  ]),
  rule('provider.spectrum-ptr', 'requireptr', [
    ['550 5.7.1 Reverse DNS lookup failed. AUP#In-1100', /\baup#[a-z]*-?(11[0-4]\d|1150)\b/],
  ]),
  rule('provider.spectrum-policy', 'policyviolation', [
    ['550 5.7.1 Message rejected by domain security policy. AUP#In-1160', /\baup#[a-z]*-?(11[6-8]\d|1190|1560)\b/],
  ]),
  rule('provider.spectrum-blocked', 'blocked', [
    ['554 5.7.1 IP blocked. AUP#In-1000', /\baup#[a-z]*-?(1000|12[0-4]\d|1250)\b/],
  ]),
  rule('provider.spectrum-network', 'networkerror', [
    ['550 5.7.1 IPv6 not accepted. AUP#In-1260', /\baup#[a-z]*-?1260\b/],
  ]),
  rule('provider.spectrum-rate', 'ratelimited', [
    [
      '550 5.1.0 <sender@example.com> sender rejected. Please see ' +
        'https://www.spectrum.net/support/internet/understanding-email-error-codes for more information. ' +
        'AUP#In-1310',
      /\baup#[a-z]*-?(1[34]\d\d|1540|1550|1580)\b/,
    ],
  ]),
  rule('provider.spectrum-size', 'emailtoolarge', [
    ['552 5.3.4 Message too large. AUP#Out-1530', /\baup#[a-z]*-?1530\b/],
  ]),
  // Outlook.com's postmaster codes (RP-, SC-, DY-, OU-), as its troubleshooting page defines them.
  rule('provider.outlook-reputation', 'badreputation', [
    [
      '421 RP-001 The mail server IP connecting to Outlook.com server has exceeded the rate limit ' +
        'allowed. Reason for rate limitation is related to IP/domain reputation.',
      /\b(rp-00[1-3]|sc-001|ou-002)\b/,
    ],
  ]),
  rule('provider.outlook-policy', 'policyviolation', [
    [
      '550 SC-002 Mail rejected by Outlook.com for policy reasons. The mail server IP connecting to ' +
        'Outlook.com has exhibited namespace mining behavior.',
      /\bsc-002\b/,
    ],
  ]),
  rule('provider.outlook-blocked', 'blocked', [
    [
      '550 SC-004 Mail rejected by Outlook.com for policy reasons. A block has been placed against ' +
        'your IP address because we have received complaints concerning mail coming from that IP address.',
      /\b(sc-00[34]|dy-001|ou-001)\b/,
    ],
  ]),
  rule('provider.outlook-virus', 'virusdetected', [
    [
      '550 DY-002 Mail rejected by Outlook.com for policy reasons. The likely cause is a compromised ' +
        'or virus infected server/personal computer.',
      /\bdy-002\b/,
    ],
  ]),
  // Exchange Online's non-delivery reports, in the words of Microsoft's published table.
  rule('provider.microsoft-blocked', 'blocked', [
    [
      '550 5.7.511 Access denied, banned sender[192.0.2.1]. To request removal from this list please ' +
        'forward this message to delist@messaging.microsoft.com.',
      /access denied, (please try again later|bad helo|banned sender\b)/,
    ],
    [
      '550 5.7.1 Service unavailable, Client host [2001:db8::1] does not accept email over IPv6',
      /does not accept email over ipv6/,
    ],
  ]),
  rule('provider.microsoft-sender', 'rejected', [
    [
      '550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; authentication required; Delivery ' +
        'restriction check failed as sender not authenticated',
      /sendernotauthenticatedforgroup/,
    ],
    ['550 5.7.708 Access denied, traffic not accepted from this IP: bad outbound sender', /bad outbound sender/],
    [
      '550 5.7.133 Sender not authenticated for group',
      /sender (was )?not authenticated (by|for) (organization|group|mailbox|public folder)/,
    ],
    ['550 5.7.124 Sender not in allowed-senders list', /sender not in allowed-senders list/],
    [
      '550 5.7.520 Access denied, Your organization does not allow external forwarding. Spam abuse detected',
      /spam abuse detected/,
    ],
    [
      '550 5.7.750 Service unavailable. Client blocked from sending from unregistered domains',
      /sending from unregistered domains/,
    ],
  ]),
  rule('provider.microsoft-rate', 'ratelimited', [
    [
      '550 5.7.508 Access denied, [2001:db8::1] has exceeded permitted limits within /64 range',
      /exceeded permitted limits within/,
    ],
    ['451 4.7.500 Server busy, please try again later: tenant has exceeded threshold', /tenant has exceeded threshold/],
    ['452 4.3.2 Recipient thread limit exceeded', /recipient thread limit exceeded/],
    [
      '550 5.4.5 Daily user sending quota exceeded: daily limit for message recipients',
      /daily limit for message recipients/,
    ],
    ['554 5.2.2 mailbox full; Submission quota exceeded', /submission quota exceeded/],
    ['452 4.2.2 The recipient has exceeded their per hour message receive limit', /per hour message receive limit/],
    [
      '550 5.2.122 The recipient has exceeded their limit for the number of messages they can receive per hour.',
      /limit for the number of messages they can receive/,
    ],
  ]),
  rule('provider.microsoft-system', 'systemerror', [
    ['451 4.4.22 Message failed to be replicated: no healthy peers found', /failed to be replicated/],
    [
      '451 4.4.0 Primary target IP address responded with: "421 SuspiciousRemoteServerError"',
      /suspiciousremoteservererror/,
    ],
    ['451 4.3.2 Temporary server error: Agent busy, please try again later', /agent busy/],
  ]),
  rule('provider.microsoft-recipient', 'suspend', [
    ['550 5.7.505 Access denied, banned recipient', /access denied, banned recipient/],
  ]),
  rule('provider.microsoft-tenant', 'notaccept', [
    ['550 4.4.4 Hosted tenant which has no mail-enabled subscriptions', /no mail-enabled subscriptions/],
  ]),

  // --- the message's form, and local delivery programs ----------------------------------
  rule('content.rfc', 'notcompliantrfc', [
    [
      '550 5.7.1 Messages without a Date header are not accepted',
      /without (a |the |any )?(to|from|date|message-id):? (header|field)s?/,
    ],
    ['550 5.7.1 Blank From: addresses are not allowed', /blank from:? addresses/],
    ['550 5.7.1 This address is not allowed as a From address', /not allowed as a from/],
    [
      '550 5.7.1 Our system has detected that this message is not RFC 5322 section 3.6 compliant',
      /rfc ?5322 section [\d.]+ compliant/,
    ],
    [
      '550 5.7.1 Messages missing a valid Message-ID: header are not accepted.',
      /missing a valid (address in the from|message-id)/,
    ],
    [
      '550 5.7.1 Message contains a unicode character in a disallowed header',
      /unicode character in a disallowed header/,
    ],
    [
      '550 5.7.1 Encoded-word syntax is not permitted in the address part of a header',
      /encoded-word syntax is not permitted/,
    ],
    ['554 5.6.0 Mail message is malformed. Not accepted', /mail message is malformed/],
    [
      '550 5.7.1 This message is not RFC 5322 compliant',
      seq(
        /rfc ?(5322|2822|822|5321|2821|1123)[ -]?/,
        /(compliant|compliance|conform|violation|standards?|format|requirements?)/,
      ),
    ],
    ['550 5.7.1 Message is not RFC compliant', /not (rfc|standards?)[ -]?compliant/],
    ['550 5.7.1 Messages with multiple addresses in From: header are not accepted.', /multiple addresses in from/],
    [
      "554 Transaction failed: Duplicate header 'DKIM-Signature'.",
      /duplicate (header|subject|from|to|date|message-id)/,
    ],
    ['550 5.7.1 Message has multiple From headers', /multiple (from|subject|date|message-id|to)/],
    [
      '554 5.6.0 Message rejected: missing required header Date',
      /missing (required )?(header|from|date|message-id|subject)/,
    ],
    ['550 5.7.1 Header From: is missing', /(header|from:|date:|message-id:?).{0,20}(missing|required)/],
    ['550 5.7.1 Message-ID header is missing', /message-id (header )?(is )?(missing|invalid)/],
    ['550 5.5.2 Bare LF received after DATA', /bare (lf|linefeed|cr)/],
    ['550 5.6.0 Message headers are improperly formatted', /improperly formatted/],
  ]),
  rule('mailer.program', 'mailererror', [
    ['permission denied. Command output: ', /command output:/],
    ['X-Unix; 1 (unknown mailer error 1): procmail: Couldn\'t create "/var/spool/mail/user"', /\bmailer error\b/],
    ['user@example.com: pipe to |/usr/local/bin/filter generated an error', /pipe to \|/],
    ['X-Unix; 1 (unknown mailer error 1): procmail: Couldn\'t create "/var/spool/mail/user"', /procmail/],
    ['X-Unix; mail program exited with a failure', /mail(er)? program/],
    ['X-Unix; 1 (unknown mailer error 1): procmail: Couldn\'t create "/var/spool/mail/user"', /unknown mailer error/],
    [
      'local delivery agent /usr/bin/maildrop failed with status 75',
      /local delivery (program|agent) .{0,30}(failed|error)/,
    ],
    ['X-Unix; /usr/local/bin/deliver: exit status 75', /exit (code|status) \d+/],
    ['smrsh: "autoreply" not available for sendmail programs', /smrsh: /],
    ['X-Unix; sh: /usr/local/bin/deliver: not found', /sh: /],
  ]),
  rule('system.backend', 'systemerror', [
    ['451 4.4.3 Unable to contact LDAP server', /\bldap\b.{0,30}(server|error|fail|unavailable)/],
    ['451 4.4.3 Unable to contact LDAP server', /unable to contact ldap/],
    ['451 Could not load DRD for domain (example.com) rcpt (user@example.com)', /could not load drd/],
    ['451 4.3.0 Temporary failure: database unavailable', /database (error|failure|unavailable)/],
  ]),
  // --- the sending side: authentication, reputation, block lists, rate ---------------
  rule('auth.dmarc', 'authfailure', [
    ['550 5.7.1 Email rejected per DMARC policy for example.com', /\bdmarc\b.{0,60}(fail|reject|policy)/],
    [
      '550 5.7.1 Email rejected per DMARC policy for example.com',
      /(fail|reject|did not pass|not pass)\w*.{0,40}\bdmarc\b/,
    ],
  ]),
  rule('auth.spf', 'authfailure', [
    ['550 Bad SPF records for [example.org:192.0.2.2], see http://spf.pobox.com/', /spf\.pobox\.com/],
    ['550 5.7.1 Please inspect your SPF settings, and try again', /inspect your spf/],
    [
      '550 5.7.1 SPF check failed for example.com: not authorized',
      /\bspf\b.{0,40}(fail|check|reject|not (pass|authori[sz]ed))/,
    ],
    ['550 5.7.1 Rejected: message failed SPF verification', /(fail|reject)\w*.{0,30}\bspf\b/],
    ['550 5.7.23 The message was rejected because of Sender Policy Framework violation', /sender policy framework/],
    ['550 Bad SPF records for [example.org:192.0.2.2], see http://spf.pobox.com/', /bad spf/],
    [
      '550 5.1.0 192.0.2.1 is not allowed to send from <example.net> per its SPF record',
      /is not (designated|allowed) to send/,
    ],
    [
      '550 5.7.1 Sender address is not permitted by domain example.com to send mail',
      /not permitted by domain .{0,40}to send mail/,
    ],
    [
      '550 5.7.1 example.com does not designate 192.0.2.1 as permitted sender',
      /does not designate .{0,60}as permitted sender/,
    ],
  ]),
  rule('auth.dkim', 'authfailure', [
    ['550 5.7.1 DKIM signature verification failed', /\bdkim\b.{0,40}(fail|invalid|signature|required)/],
    ['550 5.7.20 message does not pass DKIM', /(fail|invalid|not pass)\w*.{0,30}\bdkim\b/],
    // DKIM's forerunner, still named in older filters' replies.
    ['550 Message does not pass DomainKeys', /(not pass|fail\w*) .{0,20}domainkeys|domainkeys .{0,20}fail/],
  ]),
  rule('auth.unauthenticated', 'authfailure', [
    [
      '550 5.7.26 Messages to this domain must pass either SPF or DKIM authentication',
      /must pass (either )?spf or dkim/,
    ],
    [
      '421 4.7.26 This mail has been rate limited because it is unauthenticated. Gmail requires all ' +
        'senders to authenticate with either SPF or DKIM.',
      /authenticate (their email )?with (either )?(spf|dkim)/,
    ],
    [
      '550 5.7.26 DKIM authentication did not pass',
      /(spf|dkim) (authentication )?(does not|doesn't|did not|didn't) pass/,
    ],
    [
      '421 4.7.32 Your email has been rate limited because the From: header (RFC5322) in this message ' +
        "isn't aligned with either the authenticated SPF or DKIM organizational domain.",
      /aligned with either the authenticated/,
    ],
    ['550 5.7.26 The SPF record of the sending domain has no entry for 192.0.2.1', /spf record of the sending domain/],
    ['550 5.7.26 Senders must have a DMARC record to deliver to this domain', /(have|add) a dmarc record/],
    [
      '421 4.7.26 This mail has been rate limited because it is unauthenticated. Gmail requires all ' +
        'senders to authenticate with either SPF or DKIM.',
      /it is unauthenticated/,
    ],
    ['550 5.7.1 Message does not meet the required authentication level', /required authentication level/],
    [
      '550 5.7.1 Message does not meet the authentication requirements defined for the sender domain',
      /authentication requirements defined for the sender/,
    ],
    ['550 5.7.26 Unauthenticated email from example.com is not accepted', /unauthenticated (mail|email) from/],
    [
      '550 5.7.26 This message does not have authentication information or fails to pass authentication checks',
      /does not have authentication information/,
    ],
    ['550 5.7.26 This message fails to pass authentication checks', /fails to pass authentication/],
    ['550 5.7.26 Unauthenticated email from example.com is not accepted', /5\.7\.26/],
    ['550 5.7.1 Message not authenticated for sender domain example.com', /not authenticated .{0,40}(sender|domain)/],
    ['550 5.7.1 Sender authentication check failed', /authentication (check|verification) failed/],
    ['550 5.7.1 Sender domain is not authenticated', /sender (domain )?(is not|not) authenticated/],
  ]),
  rule('ptr.missing', 'requireptr', [
    ['554 5.7.1 Rejected: no rDNS for 192.0.2.1', /no rdns\b/],
    ['450 4.7.1 Client host rejected: DNS check failure', /dns check failure/],
    [
      '450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.1]',
      /cannot find your (host ?name|hostname)/,
    ],
    ['550 5.7.1 We cannot resolve your address 192.0.2.1', /cannot resolve your (address|host)/],
    ['450 4.7.1 Forward DNS entry does not point back to 192.0.2.1', /forward dns entry does not point/],
    ['450 4.7.1 Unresolvable relay host name mx.example.com', /unresolvable relay host/],
    ['451 4.7.1 DNS lookup failure: 192.0.2.1', /dns lookup failure: \d{1,3}(\.\d{1,3}){3}/],
    [
      '550 5.7.1 Connections not accepted from servers without a valid sender domain. Fix reverse DNS for 203.0.113.2',
      /reverse (dns|lookup|address|mapping|host ?name)/,
    ],
    ['550 5.7.1 Unverifiable sending IP, check its reverse DNS', /unverif(ia|ya)ble sending ips?/],
    [
      '550 5.7.25 The IP address sending this message does not have a PTR record setup',
      /\bptr\b.{0,40}(record|lookup|missing|match|fail)/,
    ],
    ['571 No PTR Record found. Reverse DNS required: 192.0.2.1', /no (ptr|rdns|reverse)/],
    ['550 5.7.1 Connection refused: please set up rDNS for 192.0.2.1', /\brdns\b/],
    [
      '450 4.7.1 Cannot resolve the host name for [192.0.2.1]',
      seq(/(cannot|can't|could not|unable to) (resolve|find) .{0,40}(host ?name|name) for .{0,30}/, /\[?\d+\.\d+/),
    ],
    ['450 4.7.1 Access denied. IP name lookup failed [192.0.2.222]', /ip name lookup failed/],
    ['450 4.7.1 Client host 192.0.2.1 has no hostname', /client host .{0,60}(has no|without) (hostname|ptr)/],
    ['550 5.7.1 192.0.2.1 does not have a valid reverse DNS entry', /does not have a valid reverse/],
    ['550 domain [example.com] mismatches client ip 192.0.2.225.', /mismatches client ip/],
    [
      '550 5.7.1 Hostname mx.example.com does not match your IP address',
      /hostname .{0,30}(does not|doesn't) match .{0,20}(ip|address)/,
    ],
  ]),
  rule('reputation.low', 'badreputation', [
    [
      '550 Connections from mx.example.jp (192.0.2.2) are being rejected due to a poor email reputation score.',
      /(poor|bad|low|negative) (ip |sender |domain |e-?mail )?reputation/,
    ],
    ['550 5.7.1 Rejected: the reputation of 192.0.2.1 is too low', /reputation (of|is|too low)/],
    ['554 5.7.1 Rejected because of a low sender score', /sender (score|reputation)/],
    ['550 5.7.1 Message rejected because of IP reputation', /ip reputation/],
    ['550 5.7.1 Rejected due to SenderScore of 192.0.2.1', /\bsenderscore\b/],
    // Our domain's or host's record with this receiver: bounces or unknown users it sent before.
    ['550 Domain has received too many bounces', /received too many bounces/],
    ['550 5.7.1 Excessive userid unknowns', /excessive (userid|user id|user) unknowns/],
    [
      '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints',
      /temporarily deferred due to (unexpected volume or )?user complaints/,
    ],
  ]),
  rule('spam.url', 'spamdetected', [
    [
      '550 REJECTED - Blacklisted URL in message. (example.com) in [multi.surbl.org]',
      seq(
        /(blacklisted|blocklisted|blocked|listed) (url|uri|link|domain)s? (in|found in) (the )?/,
        /(message|body|content)/,
      ),
    ],
    [
      '550 5.7.1 URLs in the message are blacklisted',
      /url(s)? in (the )?message (is|are) (blacklisted|blocklisted|listed)/,
    ],
  ]),
  rule('syntax.pipelining', 'syntaxerror', [
    ['523 5.7.10 SMTP protocol violation, no commands allowed to pipeline after STARTTLS.', /smtp protocol violation/],
    ['523 5.7.10 SMTP protocol violation, no commands allowed to pipeline after STARTTLS.', /pipeline after starttls/],
  ]),
  rule('tls.required', 'failedstarttls', [
    ['451 4.4.8 MX hosts of example.com failed MTA-STS validation.', /mta-sts/],
    ['451 4.7.5 TLS failure: certificate-expired', /certificate-(expired|host-mismatch)/],
    ['451 4.7.5 TLS failure: tlsa-invalid', /tlsa-invalid/],
    ['451 4.7.5 TLS failure: dnssec-invalid', /dnssec-invalid/],
    ['451 4.7.5 TLS failure: starttls-not-supported', /starttls-not-supported/],
    ['454 4.7.5 The remote certificate failed the validation', /remote certificate failed/],
    [
      "421 4.7.29 Your email has been rate limited because this message wasn't sent over a TLS connection.",
      /sent over a tls connection/,
    ],
    ['530 5.7.0 This server is configured to use TLS only', /to use tls/],
    ['530 5.7.0 Must issue a STARTTLS command first', /starttls/],
    ['451 4.7.5 Remote server does not support TLS', /(not|doesn't|does not) support .{0,20}\btls\b/],
    [
      '454 4.7.0 TLS handshake failed: protocol version not supported',
      /\btls\b.{0,40}(required|failed|handshake|negotiat|must)/,
    ],
    ['530 5.7.0 Must issue a STARTTLS command first', /must issue a starttls/],
    ['530 5.7.0 Encryption required for requested authentication mechanism', /encryption required/],
    ['550 5.7.1 We require TLS to accept mail from your domain', /require.{0,20}tls/],
    ['454 4.7.0 TLS negotiation failed: SSL handshake error', /ssl (handshake|routines)/],
  ]),
  rule('rate.slow-down', 'ratelimited', [
    [
      '421 4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP ' +
        'address. To protect our users from spam, mail sent from your IP address has been temporarily ' +
        'rate limited.',
      /(has been|have been|is|are) (temporarily )?rate[- ]limited/,
    ],
    [
      '554 5.7.0 Your message could not be sent. The limit on the number of allowed outgoing messages ' +
        'was exceeded. Try again later.',
      seq(/number of (allowed |outgoing |sent )+(messages|e-?mails|recipients) .{0,40}/, /(exceeded|reached)/),
    ],
    ['421 4.7.0 Too many sessions from 192.0.2.1', /too many (concurrent )?sessions/],
    ['451 4.7.1 <mx.example.jp[192.0.2.3]>: Client host rejected: Please try again slower', /try again slower/],
    ['421 4.7.0 Too many errors from your IP, closing connection', /too many errors from/],
    ['421 4.7.0 Please slow down, try again later', /please slow down/],
    ['450 4.7.1 You are sending too fast', /sending too fast/],
  ]),
  // Our sending IP or host refused, in words that name it (before the sender-address rule,
  // which would read "bad sender IP" as our address).
  rule('block.sending-ip', 'blocked', [
    ['421 4.7.0 Too many bad commands from 192.0.2.1, closing connection', /too many bad commands from/],
    ['550 5.7.1 Too many invalid recipients from your host', /too many invalid recipients/],
    ['550 5.7.1 Not allowed access from your location', /not allowed access from your (location|country|region)/],
    ['550 5.7.1 Mail from IP 192.0.2.1 was rejected', /mail from ip .{0,40}(rejected|refused|blocked)/],
    [
      '421 4.7.0 Messages from 192.0.2.1 will be permanently deferred',
      /messages from \[?\d{1,3}(\.\d{1,3}){3}\]? will be permanently deferred/,
    ],
    ['421 4.7.0 IP not in whitelist for RCPT domain, closing connection.', /not in (the )?(whitelist|allowlist)/],
    [
      '554 5.7.1 Your IP address 192.0.2.1 has been blocked',
      seq(
        /\b(sending|sender|client|your|access) ip( address)? .{0,40}/,
        /(rejected|blocked|banned|forbidden|listed|not allowed)/,
      ),
    ],
    ['554 5.7.1 Access denied, banned sending IP [192.0.2.1]', /banned sending ip/],
    ['550 5.7.1 Bad sender IP 192.0.2.1', /bad sender ip/],
    ['554 5.7.1 Connection refused: bad IP profile', /bad ip profile/],
    ['550 5.7.1 Mail from dynamic IPs is not accepted', /dynamic ips?\b/],
    ['550 5.7.1 Mail from your IP is refused', /(from|by) your ip\b/],
    ['554 5.7.1 Your mail server IP 192.0.2.1 is listed', /server ip .{0,40}listed/],
    ['550 5.7.1 Your mail server at 192.0.2.1 is blocked', /mail server at .{0,40}is blocked/],
    ['554 5.7.1 Your host is currently sending spam', /currently sending spam/],
    ['554 5.7.1 You are sending spam, go away', /you are sending spam/],
    ['421 4.7.0 Too many spams from your IP', /too many spams from/],
    ['554 5.7.1 Your host looks suspiciously like a spammer', /suspiciously like (a )?spammer/],
    ['554 5.7.1 Rejected: 192.0.2.1 is an open proxy', /open proxy/],
    ['554 5.7.1 Your IP is listed as abusive', /listed as abusive/],
    [
      '501 <sender@example.com>... no access from mail server [192.0.2.1] which is an open relay',
      /no access from mail server/,
    ],
    [
      '550 5.7.1 Please confirm this mail server by replying to the confirmation email',
      /(confirm this mail server|requires confirmation)/,
    ],
    ['550 5.7.1 Your IP has not passed validation', /has not passed validation/],
    ['554 Go away', /\bgo away\b/],
  ]),
  rule('relay.denied', 'norelaying', [
    ['500 Unauthorized relay msg rejected', /unauthori[sz]ed relay/],
    ['550 5.7.1 Local users only', /local users? only/],
    [
      '550-mx.example.org [192.0.2.1] is currently not permitted to relay through this server. Perhaps ' +
        'you have not logged into the pop/imap server in the last 30 minutes or do not have SMTP ' +
        'Authentication turned on in your email client.',
      /relay through this server/,
    ],
    [
      '550 relaying to <rcpt@example.net> prohibited by administrator',
      /relaying to .{0,80}(prohibited|denied|not (allowed|permitted))/,
    ],
    ["553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", /list of allowed rcpthosts/],
    [
      "550 5.7.1 Invalid credentials for relay [192.0.2.1]. The IP address you've registered in your " +
        "Workspace SMTP Relay service doesn't match the domain of the account this email is being sent " +
        'from.',
      /credentials for relay/,
    ],
    ['550 5.7.1 Mail relay denied', /mail relay denied/],
    [
      '550 5.7.1 You are not authorized to send email directly to this server',
      /not authori[sz]ed to send (e-?mail )?directly/,
    ],
    ['550 5.7.1 This server cannot be used as a relay', /as a relay\b/],
    ['550 5.7.1 This is not an open relay', /not an open relay/],
    ['550 5.7.1 <user@example.com>: not local host example.com, not a gateway', /not local host/],
    ['550 5.7.1 The specified domain is not allowed', /specified domain is not allowed/],
    ["550 5.7.1 We don't handle mail for example.com", /don'?t handle mail for/],
    [
      '550 5.7.1 This server requires authentication when attempting to send to a non-local e-mail address',
      /requires authentication when attempting to send to a non-local/,
    ],
    ['550 Insecure Mail Relay', /insecure mail relay/],
    [
      '554 Message rejected: The following identities failed the check in region US-EAST-1: sender@example.com',
      /identities failed the check/,
    ],
    [
      '554 Message rejected: Email address is not verified. The following identities failed the check: ' +
        'sender@example.com',
      /(e-?mail )?address is not verified\. the following identities/,
    ],
    ['550 5.7.1 This server is not configured to relay mail', /not configured to relay/],
    [
      '554 5.7.1 <user@example.org>: Relay access denied',
      /relay(ing)? (access )?(denied|not (permitted|allowed|authori[sz]ed))/,
    ],
    [
      '550-mx.example.org [192.0.2.1] is currently not permitted to relay through this server. Perhaps ' +
        'you have not logged into the pop/imap server in the last 30 minutes or do not have SMTP ' +
        'Authentication turned on in your email client.',
      /(unable|not allowed|not permitted|cannot) to relay/,
    ],
    ['550 5.7.1 We do not relay for example.com', /we do not relay/],
    ['550 5.7.1 No relaying allowed', /no relaying/],
    ['554 5.7.1 Relaying prohibited', /relay(ing)? (is )?(prohibited|refused|rejected)/],
    ['550 5.7.1 You are not permitted to relay through this server', /(is|are) not permitted to relay/],
    ['550 5.7.1 This host is not a gateway', /not a gateway/],
    ['550 5.7.1 Relaying mail to user@example.com is not allowed', /relaying mail to .{0,40}is not allowed/],
    ['550 5.7.1 User not local; please try <forward-path>', /not local.{0,20}(relay|please try)/],
  ]),
  rule('security.auth', 'securityerror', [
    ['553 AUTH FAILED - sender@example.org', /\bauth failed\b/],
    ['535 5.7.8 Incorrect authentication data', /incorrect authentication data/],
    ['535 5.7.8 Failed to authenticate', /failed to authenticate/],
    ['503 5.5.1 Authentication not allowed', /authentication not allowed/],
    ['454 4.7.0 Too many login attempts, please try again later.', /too many login attempts/],
    ['530 5.7.0 Authentication required', /authentication (is )?required/],
    ['535 5.7.8 Invalid authentication credentials', /authentication credentials/],
    ['550 5.7.1 Please make sure you have authentication turned on in your mail client', /authentication turned on/],
    ['554 5.7.1 The AWS account is not subscribed to SES', /not subscribed to ses/],
    ['554 5.7.1 User is not authorized to perform SES:SendRawEmail', /not authori[sz]ed to perform ses/],
    ['550 5.7.1 Client verification failure', /(?<!(sender|recipient|address) )verification failure/],
    ['550 5.7.1 example.com is a dead domain', /is a dead domain/],
  ]),
  // Every recipient refused at once (Exchange Online: "All recipient addresses rejected"):
  // the receiver refuses the sender, not one mailbox.
  rule('recipients.all-rejected', 'rejected', [
    ['550 5.4.1 All recipient addresses rejected : Access denied', /all recipient addresses rejected/],
  ]),
  // "Mail from x rejected for policy reasons": the policy is the reason, not the sender.
  rule(
    'policy.reasons',
    'policyviolation',
    [
      [
        '554 Mail from sender@example.net rejected for policy reasons.',
        /(rejected|refused|denied) (for|due to) (local )?policy reasons/,
      ],
    ],
    { certain: true },
  ),
  rule('sender.rejected', 'rejected', [
    [
      '501 sender@example.org Sender email is not in my domain',
      /sender (e-?mail |address )?is (rejected|not in (my|our) domain)/,
    ],
    ['550 Verify mailfrom failed,blocked', /verify mail ?from failed/],
    ['553 5.7.1 Mail from is mismatched with the authenticated user', /mail from is mismatched/],
    ['553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)', /badmailfrom/],
    ['553 5.7.1 Unresolvable RFC5321 from domain', /unresolvable rfc\.?5321 (from )?domain/],
    ['550 5.7.1 Mail sending denied for this sender', /mail sending denied/],
    ['550 5.7.1 BATV check failed: invalid return path', /\bbatv\b/],
    ['550 5.7.1 Administrative prohibition', /administrative prohibition/],
    ['550 5.7.1 Backscatter protection: bounce not accepted', /backscatter protection/],
    ["550 5.7.1 Sender isn't on the recipient's list of allowed senders", /sender isn't on the recipient's list/],
    ['553 5.1.7 Bogus mail from', /bogus mail from/],
    ['550 5.7.1 Empty envelope senders not allowed', /empty envelope senders?/],
    ['550 5.7.1 Null sender is not allowed', /null sender (is )?not allowed/],
    ['550 5.7.1 No third-party DSNs', /no third-party dsns/],
    ['550 5.7.1 Unsigned DSN rejected', /unsigned dsn/],
    ['550 5.7.1 Returned mail not accepted here', /returned mail not accepted/],
    ['550 5.7.1 BounceDeny: bounces are not accepted', /bouncedeny/],
    ['550 5.1.7 Emetteur invalide', /[ée]metteur invalide/],
    ['550 5.7.1 Envelope blocked', /envelope blocked/],
    ['553 5.1.8 Fully qualified email address required', /fully qualified (e-?mail )?address required/],
    ['553 5.7.1 Sender address is not owned by user', /not owned by user/],
    ['550 5.7.1 Sender not pre-approved', /sender (is|not) (a )?(spammer|pre-?approved|in (my|our|the) black ?list)/],
    ['553 5.1.7 Sender domain is empty', /sender domain is empty/],
    ['550 Unroutable sender address', /unroutable sender/],
    ['550 5.7.1 Sender address has been blacklisted', /sender (address )?(has been )?blacklisted/],
    ['550 5.7.1 This email address has been blacklisted', /(e-?mail )?address has been blacklisted/],
    ['550 5.7.1 Rejected by SenderFilterConfig', /senderfilterconfig/],
    ['550 5.7.1 Rejected by valid-address-filter', /valid-address-filter/],
    [
      '550 5.7.1 Your access to submit messages to this e-mail system has been rejected',
      /access to submit messages .{0,40}rejected/,
    ],
    ['550 5.1.8 <sender@example.com>: Sender address rejected: Domain not found', /sender (e-?mail )?address rejected/],
    ["550 5.7.1 Use the 'Send mail as' feature to send as this address", /'send mail as' feature/],
    ['550 5.7.1 Try sending this from a different address or alias', /sending this from a different address or alias/],
    ['550 5.7.1 Sender was rejected', /sender was rejected/],
    ["550 5.7.1 can't determine Purported Responsible Address", /purported responsible address/],
    ['550 5.7.1 Sender domain is listed', /(mail ?from|sender|envelope) (domain|address)? ?(is )?listed/],
    [
      '550 5.1.8 <sender@example.com>: Sender address rejected: Domain not found',
      seq(
        /sender (address |domain )?/,
        oneOf(
          /rejected|refused|denied|blocked|invalid|unknown/,
          /not (allowed|accepted|authorized|permitted|valid|verified|recognized)/,
        ),
      ),
    ],
    [
      '550 5.1.8 <sender@example.com>: Sender address rejected: Domain not found',
      seq(
        oneOf(
          /mail from|envelope from|envelope sender|return path|from address|sender address/,
          /sender domain|your address|your domain|reverse path/,
        ),
        /(es)? .{0,40}/,
        /(rejected|refused|denied|blocked|invalid|not (allowed|accepted|permitted|valid|verified|exist|resolv))/,
      ),
    ],
    [
      '553 5.1.8 <httpd@host1.mx.example.jp>... Domain of sender address httpd@host1.mx.example.jp does not exist',
      /domain of sender address .{0,60}(does not|doesn't) (exist|resolve)/,
    ],
    ['550 5.7.1 Sender verify failed', /sender verify failed/],
    ['550 5.7.1 Sender verification failure', /sender verification/],
    ['553 5.1.7 Invalid sender <sender@example.com>', /(unknown|invalid|bad|null) sender/],
    [
      '553 5.1.8 <httpd@host1.mx.example.jp>... Domain of sender address httpd@host1.mx.example.jp does not exist',
      /sender .{0,40}(does not exist|not exist|is not valid|unknown)/,
    ],
    ["550 5.7.1 Message rejected by the sender's domain policy: rejected by the sender", /rejected by the sender/],
    ['550 5.1.7 Undeliverable sender address', /undeliverable sender/],
    ['550 5.7.1 The server refused to accept mail from sender@example.com', /refused to accept mail from/],
    ['550 5.7.1 We do not accept mail from example.com', /we do not accept mail from/],
    ['550 5.7.1 This server does not accept mail from your domain', /not accept mail from/],
    ['550 5.7.1 Mail from sender@example.com not allowed', /mail from .{0,40}(not allowed|rejected|refused|denied)/],
    ['550 5.7.1 Blocked sender: sender@example.com', /blocked sender/],
    ["550 5.7.1 Sender is on the recipient's block list", /senders? (is )?(on|in) .{0,20}(block|deny|black)/],
    ['550 5.7.1 Your email address has been blocked by the recipient', /your (e-?mail )?address has been blocked/],
    ['550 5.7.1 The domain example.com has been blocked', /domain .{0,20}has been blocked/],
    ['550 5.7.1 This sender is not allowed', /sender is not allowed/],
    ['550 5.7.1 You are not allowed to send to this recipient', /you are not allowed to send/],
    ['550 5.7.1 From: header is invalid', /from: header .{0,20}(rejected|invalid)/],
    ['550 5.7.1 From address is invalid', /\bfrom:? (domain|address|header) (is )?(invalid|not valid)/],
    ['550 5.7.1 Please provide a valid From address', /provide a valid from/],
    [
      '550 Sorry, you are sending to/from an address that has been blacklisted',
      /sending (to\/)?from an address that (has been|is) (blacklisted|blocklisted|blocked)/,
    ],
    ['550 5.7.1 Sender address verification failed', /sender address verification fail/],
    ['550 5.7.1 Sender address does not exist', /sender address does not/],
    ['550 5.7.1 You are not authorized to send to this recipient', /not authori[sz]ed to send(?! (e-?mail )?directly)/],
    ['550 5.7.1 Unauthorized sender', /unauthori[sz]ed sender/],
  ]),
  // "Blocked because it contains spam": the message, not our host.
  rule('spam.contained', 'spamdetected', [
    [
      '554 5.7.1 This message has been blocked because it contains a banned word',
      seq(/contains? (a |an )?(banned|prohibited|forbidden|blacklisted|blocked) /, /(word|phrase|expression)s?/),
    ],
    [
      '554 5.7.1 This message has been blocked because it contains spam content',
      /(blocked|rejected|refused) because (it|the message) contains (spam|unsolicited)/,
    ],
    ['554 5.7.1 This message has been blocked because it contains spam content', /contains? (the )?spam content/],
    ['553 Blocked using spam pattern, your message may contain the spam contents', /spam pattern/],
    [
      '553 5.7.3 CONTENT REJECT:192.0.2.162.2011101001.XXYIvtHf:dspam check:4:http://mail.example.com/info/policy/12',
      /\bdspam\b/,
    ],
  ]),
  // cPanel's Exim says this for any permanent refusal it cannot explain; it names the
  // account or domain first, before the block-list words the next rule would take.
  rule('host.unknown.cpanel', 'hostunknown', [
    [
      'The mail server could not deliver mail to user@example.net. The account or domain may not ' +
        'exist, they may be blacklisted, or missing the proper dns entries.',
      /the account or domain may not exist/,
    ],
  ]),
  rule('block.list', 'blocked', [
    [
      '554 5.7.1 [192.0.2.1] Comcast block for spam. Please see ' +
        'http://postmaster.comcast.net/smtp-error-codes.php#BL000000',
      /\[\d{1,3}(\.\d{1,3}){3}\] .{0,30}block(ed)? for spam/,
    ],
    [
      '554- (RTR:BL) http://postmaster.example.net/errors/554rtrbl.html 554 Connecting IP: 192.0.2.1',
      /\b(rtr|rly):(bl|du|b\d)\b/,
    ],
    [
      '550 Access from ip address 192.0.2.1 blocked.',
      seq(
        /\b(ip|address) \[?\d{1,3}(\.\d{1,3}){3}\]? (is |has been |was )?/,
        /(blocked|banned|blacklisted|blocklisted|refused|denied)/,
      ),
    ],
    [
      "550 5.7.1 Messages from 192.0.2.1 weren't sent. Please contact your internet service provider",
      /messages from \d{1,3}(\.\d{1,3}){3} (weren't|were not) sent/,
    ],
    ['554 5.7.1 Rejected: 192.0.2.1 is on our blacklist', /\b(block|black|deny|ban|reject)[- ]?list(ed)?\b/],
    [
      '521-5.7.1 Service unavailable; client [203.0.113.225] blocked using dnsbl.sorbs.net 521 5.7.1 ' +
        'Please see http://support.mailhostbox.com/email-administrators-guide-error-codes/ for ' +
        'explanation of the problem.',
      /\bdnsbl\b/,
    ],
    ['554 5.7.1 Rejected: 192.0.2.1 is listed in an RBL', /\brbl\b/],
    ['554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org', /spamhaus/],
    ['554 5.7.1 Blocked - see http://www.spamcop.net/bl.shtml?192.0.2.1', /spamcop/],
    [
      '521-5.7.1 Service unavailable; client [203.0.113.225] blocked using dnsbl.sorbs.net 521 5.7.1 ' +
        'Please see http://support.mailhostbox.com/email-administrators-guide-error-codes/ for ' +
        'explanation of the problem.',
      /sorbs/,
    ],
    [
      '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked by Barracuda Reputation',
      /barracuda ?(central|reputation)/,
    ],
    ['554 5.7.1 Rejected: 192.0.2.1 found in dnsbl-2.uceprotect.net', /\buceprotect/],
    ['550 5.7.1 Rejected: see abuseat.org lookup for 192.0.2.1', /abuseat/],
    ['554 5.7.1 192.0.2.1 listed in the CBL', /\bcbl\b/],
    ['554 5.7.1 Rejected: 192.0.2.1 is listed in the PBL', /\bpbl\b/],
    ['554 5.7.1 Rejected: 192.0.2.1 is listed in the SBL', /\bsbl\b/],
    ['554 5.7.1 Rejected: 192.0.2.1 is listed in the XBL', /\bxbl\b/],
    ['550 5.7.1 IP address blacklisted by recipient', /(?<!not )listed (at|in|on|by) /],
    ['550 5.7.1 Sorry, my name was rejected by your server', /my name was rejected/],
    [
      '550 5.5.0 Service refuse. Veuillez essayer plus tard. service refused, please try later. LPN001_108',
      /service refused/,
    ],
    [
      '554 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.225',
      /(?:^|\s)[45]\d\d[ -](?:[245]\.\d+\.\d+ )?blocked\b/,
    ],
    ['554 st11p00im-smtpin013.me.com ESMTP not accepting connections', /not accepting connections/],
    ['554 INVALID IP FOR SENDING MAIL OF DOMAIN example.com', /invalid ip for sending/],
    ['554 5.7.1 Your host is on our block list', /on our block/],
    ['550 5.7.1 Mail from the host mail.sender.example.net [192.0.2.1] refused', /mail from .{0,60}(refused|blocked)/],
    [
      '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
      seq(
        /(your|the|sending|client|connecting) (ip|host|server|mta)( address)?.{0,50}/,
        /(is |has been |was )?/,
        /(blocked|banned|blacklisted|blocklisted|refused|rejected|not (allowed|permitted))/,
      ),
    ],
    [
      '550 5.7.1 IP address blacklisted by recipient',
      seq(
        /(ip|address|host|network|domain)s? (is |are |has been |have been )?/,
        /(temporarily |permanently )?(blocked|banned|blacklisted|blocklisted)/,
      ),
    ],
    ['554 5.7.1 Access denied for your IP address', /access denied.{0,40}(ip|network|client)/],
    [
      '554 5.7.1 Connection refused by mx.example.net: your host is blocked',
      /connection (refused|rejected|not allowed).{0,40}(from|by|due)/,
    ],
    ['550 5.7.1 HELO name rejected', /\bhelo\b.{0,40}(rejected|invalid|blocked)/],
    ['554 5.7.1 Your host is not allowed to connect', /not allowed to (connect|send)/],
    ['554 5.7.1 Rejected because of your IP', /rejected because of (your|the) ip/],
    ['554 5.7.1 Blocked by our policy list', /blocked (by|using|for) .{0,40}(policy|list|abuse)/],
    [
      '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
      /client host \[?\d+\.\d+\.\d+\.\d+\]? blocked/,
    ],
    [
      '553 5.7.2 [TSS09] All recipients of this message have been blocked due to a complaint.',
      /(has|have) been (temporarily )?(blocked|suspended) (for|because|due)(?!.{0,12}inactiv)/,
    ],
    [
      '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
      /service unavailable; client host/,
    ],
    [
      '550 5.7.0 <sender@example.com>... Please use the smtp server of your ISP.',
      /please use the smtp server of your isp/,
    ],
    ['550 5.7.1 Dialup host rejected', /dial[- ]?up/],
    ['550 5.7.1 Rejected: dynamic pool address', /dynamic (ip|address|pool)/],
    ['550 5.7.1 Residential mail servers are not accepted', /residential/],
    ['550 5.7.1 Rejected: listed in DUL', /\bdul\b/],
    ['554 5.7.1 Generic hostname rejected', /generic (hostname|rdns)/],
    ['554 5.7.1 Rejected: 192.0.2.1 listed at bl.example.org', /\bbl\./],
    ['554 5.7.1 Rejected: see sbl.example.org', /\bsbl\./],
    ['554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org', /\bzen\./],
  ]),
  rule('rate.limit', 'ratelimited', [
    ['550 Mailbox unavailable - Max recipient limit exceeded', /max(imum)? recipients? limit (exceeded|reached)/],
    ['421 4.7.0 Message threshold exceeded', /message threshold exceeded/],
    ['421 4.7.0 Excessive volume, try again later', /excessive volume/],
    ['452 4.3.2 Outbound thread limit exceeded', /outbound thread limit/],
    [
      '421 4.7.0 Maximum number of messages per connection reached',
      /max(imum)? (number of )?messages? per (connection|session)/,
    ],
    [
      '450 4.2.1 The user you are trying to contact is receiving mail too quickly. Please resend your ' +
        'message at a later time.',
      /receiving mail too quickly/,
    ],
    ['550 5.7.1 Relay limit exceeded', /relay limit exceeded/],
    ['550 5.7.1 Sending limit exceeded', /sending limit exceeded/],
    ['550 5.7.1 You have reached the max messages per hour', /max (emails|messages) per (hour|day|minute)/],
    // cPanel's Exim protecting its own sending domain: the message was never tried.
    [
      'Domain example.com has exceeded the max defers and failures per hour (5/5 (100%)) allowed. Message discarded.',
      /exceeded the max(imum)? (number of )?defers and failures/,
    ],
    ['421 4.7.0 Trop de connexions, essayez plus tard', /trop de connexions/],
    ['421 4.7.0 Numerous attempts to deliver from your host, try again later', /numerous attempts to deliver/],
    ['421 4.7.0 Connection limit reached for 192.0.2.1', /connection (count )?limit/],
    ['421 4.7.0 Too many SMTP sessions from your host', /too many (smtp )?sessions/],
    [
      '552 Too many recipients',
      seq(
        /too many /,
        oneOf(
          /connections|concurrent|sessions/,
          /messages(?! (on the server|in (the|this|his|her|their) (mailbox|inbox)))|recipients|mails/,
          /emails|simultaneous|errors/,
        ),
      ),
    ],
    ['421 4.7.0 Our system has detected an unusual rate of unsolicited mail, try again later', /rate (limit|of)/],
    [
      '452 4.3.2 Connection rate limit exceeded.',
      /(rate|sending|connection|hourly|daily|message) limit (exceeded|reached)/,
    ],
    ['550 5.7.1 Daily sending quota reached', /sending (rate|limit|quota)/],
    ['421 4.7.0 You have exceeded the connection limit', /exceeded .{0,40}(rate|sending|connection) limit/],
    ['450 4.7.1 Throttled, try again later', /throttl/],
    ['550 Ip frequency limited [Blocked IP 192.0.2.1]', /frequency limited/],
    ['421 4.7.0 Slow down', /slow down/],
    ['450 4.7.1 You are sending too many messages', /(sending|receiving) too (fast|many|much)/],
    ['421 4.7.0 Connection limit for 192.0.2.1 reached', /connection limit/],
    [
      '452 4.5.3 Maximum number of recipients per message reached',
      /maximum (number of )?(connections|messages|recipients) .{0,30}(exceeded|reached)/,
    ],
    ['450 4.7.1 Too much mail from 192.0.2.1', /too much mail(?! data)/],
    ['450 4.7.1 You have sent too many messages recently', /have sent too many/],
    [
      '450 4.7.1 Please try again later: the rate of your connections is too high',
      /try (again )?later.{0,40}(rate|volume|too many)/,
    ],
    ['452 4.5.3 You have exceeded the maximum number of recipients', /exceeded the maximum number of/],
    [
      '421 4.7.0 You are receiving mail at a rate that prevents additional messages from being delivered',
      /receiving mail at a rate that/,
    ],
    ['421 4.7.0 Temporarily rate limited due to excessive volume', /temporarily rate limited/],
  ]),
  rule('virus.found', 'virusdetected', [
    ['554 5.7.1 Potentially executable attachment detected', /potentially executable attachment/],
    ['550 5.7.1 Message contains a virus (Eicar-Test-Signature)', /\bvirus/],
    ['554 5.7.1 Message rejected: malware detected', /malware/],
    ['554 5.7.1 Message rejected: infected attachment', /infected/],
    ['554 5.7.1 Message contains a Trojan', /trojan/],
    ['554 5.7.1 Message contains a worm', /\bworm\b/],
    ['554 5.7.1 Rejected: phishing detected', /phishing/],
    ['554 5.7.1 Malicious attachment detected', /malicious (content|attachment|url|link)/],
    ['554 5.7.1 Message contains harmful content', /harmful/],
  ]),
  rule('spam.content', 'spamdetected', [
    ['554 DT:SPM 163 smtp3,DdGowEB5ywCx,0 0 5 4 5 0 1 0', /\bdt:spm\b/],
    ['554 5.7.1 Rejecting banned content', /(rejecting|unacceptable|banned) (mail )?content/],
    ['550 Content reject. FAAAANsG60M9BmDT.1', /(mail )?content (denied|reject(ed)?\b)/],
    ['553 Mail data refused by AISP, rule [169648].', /mail data refused/],
    ['Wiadomosc zostala odrzucona przez system antyspamowy', /odrzucon[ay] przez (system )?antyspam/],
    [
      '553 5.7.1 <rcpt@example.net>... SpamTrap=reject mode, dsn=5.7.1, Message blocked by SpamTrap Technology',
      /spamtrap/,
    ],
    ['554 5.7.1 Rejected by SpamProfiler', /spamprofiler/],
    ['554 5.7.1 Message rejected: bulk.advertising', /bulk\.advertising/],
    ['550 5.7.1 Message rejected by Recurrent Pattern Detection', /recurrent pattern detection/],
    ['554 5.7.1 Message rejected: domain found on URIBL', /\buribl\b/],
    ['550 5.7.1 Message did not pass antispam checks', /antispam checks/],
    [
      '554 5.7.1 Mail Score (71) over MessageScoringUpperLimit (50)',
      /(mail|spam|message) score .{0,30}(over|exceeds|above)/,
    ],
    ['550 5.7.1 Message rejected as spam by Content Filtering', /\bspam\b/],
    ["554 5.7.1 Message rejected: we don't accept spams", /\bspams\b/],
    ['550 5.7.1 Unsolicited mail refused', /unsolicited/],
    ['550 5.7.1 Message was identified as junk', /\bjunk\b/],
    ['550 5.7.1 Bulk mail not accepted', /\bbulk (mail|e-?mail)\b/],
    ['550 5.7.1 Message rejected as spam by Content Filtering', /content (filter|rejected|scan)/],
    ['500 5.6.1 Message content rejected', /message (content|body) (rejected|not accepted|filtered|blocked)/],
    ['550 5.7.1 Message rejected as spam by Content Filtering', /rejected (as|by) .{0,30}(spam|content)/],
    [
      '554 5.6.0 This message has been scored as spam with a probability of more than 90%',
      /scored .{0,30}(too high|spam)/,
    ],
    ['550 5.7.1 Message rejected: spam score too high', /(spam|bayes) score/],
    ['550 5.7.1 This message looks like spam', /looks like spam/],
    ['550 5.7.1 Message detected as spam', /detected as spam/],
    ['550 5.7.1 This message is considered spam', /considered (spam|as spam)/],
    ['550 5.7.1 Message classified as spam', /classified as/],
    ['550 5.7.1 Message has a high probability of being spam', /high probability of/],
    ['550 5.7.1 Message rejected: suspicious content', /suspicious (content|message|activity)/],
    ['550 5.7.1 Rejected as UCE', /\buce\b/],
    ['550 5.7.1 Message was identified as spam', /message (was )?(identified|judged|classified|flagged) as/],
    ['550 5.7.1 Message rejected by policy: content', /policy.{0,20}content/],
    ['550 5.7.1 Rejected: URL blocked', /url.{0,20}(block|listed)/],
    ['550 5.7.1 Rejected by SpamAssassin', /spamassassin/],
    ['550 5.7.1 Mimecast rejected: spam', /mimecast .{0,30}(reject|spam)/],
    ['550 5.7.1 Message rejected due to spam', /(message|mail) (refused|rejected) (due to|because of) (content|spam)/],
    ['550 5.7.1 Rejected due to content', /rejected due to (spam|content)/],
  ]),

  // --- mailing lists refusing a post ------------------------------------------------
  rule('list.not-member', 'rejected', [
    ['You are not a member of this mailing list <list@example.org>.', /not (a )?member of (this|the) (mailing )?list/],
    ['550 5.7.1 Non-member post rejected', /non-?member (post|submission)/],
    ['550 5.7.1 You are not allowed to post to this list', /not allowed to post/],
    ['550 5.7.1 This is a members-only list', /members-only list/],
    ['550 5.7.1 Only members can post to this list', /only (list )?members (can|may) post/],
  ]),
  rule('list.duplicate', 'systemerror', [['Duplicated Message-ID in <list@example.org>.', /duplicated message-id/]]),

  // --- the recipient's mailbox --------------------------------------------------------
  // The sending service refused: the address is on its suppression list after earlier bounces.
  rule('mailbox.suppressed', 'suppressed', [
    ["550 5.1.1 The address is on the sender's suppression list", /suppression list/],
    [
      '550 5.1.1 Amazon SES has suppressed sending to this address because it has a recent history of ' +
        'bouncing as an invalid address.',
      /has suppressed sending/,
    ],
    ['550 5.1.1 Recipient is a bounced address', /\bbounced address\b/],
    ['550 5.1.1 Address previously bounced, not sending', /previously bounced/],
  ]),
  // A Google Groups notice, in whichever language: the group refused the post.
  rule('provider.google-groups', 'rejected', [
    ['Your message could not be delivered to the group. Visit groups.google.com for help.', /groups\.google\.com/],
    [
      'The group you tried to contact (x) may not exist, or you may not have permission to post ' +
        'messages to the group. … Google Groups',
      /\bgoogle groups\b/,
    ],
  ]),
  rule('domain.nullmx', 'notaccept', [
    ['550 5.1.10 Inbounds disabled for example.com', /inbounds disabled/],
    ['550 5.1.10 Mail receiving disabled for this domain', /mail receiving disabled for (this |the )?domain/],
    ['550 5.1.10 No route for current request', /no route for current request/],
    ['550 5.1.10 The SMTP protocol returned a permanent error', /smtp protocol returned a permanent error/],
    ["Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)", /couldn't find a mail exchanger/],
    ['No mx record found for domain=example.com', /no mx (record )?found/],
    [
      "The domain example.com doesn't receive email according to the administrator: returned Null MX",
      /(does not|doesn't) receive e?-?mail/,
    ],
    ['556 5.1.10 Recipient address has null MX', /null mx/],
    ['550 5.1.10 The domain example.com indicated no SMTP service', /indicated no smtp service/],
    ['550 Host does not accept mail', /host does not accept mail/],
    ['550 5.1.10 This domain accepts no mail', /accepts no mail/],
  ]),
  rule('mailbox.full', 'mailboxfull', [
    ['550 Maximum mail file size exceeded', /mail file size exceeded/],
    ['받는 사람의 메일함 용량이 초과되었습니다', /(메일함|편지함|사서함)\S* .{0,20}(초과|가득)/],
    ['Hộp thư đã đầy', /hộp thư .{0,10}(đầy|vượt quá)/],
    ['Kotak surat penerima penuh', /kotak (surat|masuk) .{0,10}penuh/],
    ['Căsuța poștală a destinatarului este plină', /c[aă]su[tţț]a po[sşș]tal[aă] .{0,40}plin[aă]/],
    ['552 5.2.2 Το γραμματοκιβώτιο είναι γεμάτο', /γραμματοκιβώτιο .{0,20}(γεμάτο|πλήρες)/],
    ['552 5.2.2 תיבת הדואר של הנמען מלאה', /תיבת הדואר .{0,10}מלאה/],
    ['552 5.2.2 صندوق البريد ممتلئ', /صندوق (البريد|الوارد) .{0,10}ممتلئ/],
    [
      'Sorry the recipient quota limit is exceeded. This message is returned as an error.',
      /quota limit (is )?(exceeded|reached)/,
    ],
    [
      'ErrMsg=Mailbox space not enough (space limit is 10240KB)',
      /(mail ?box|storage|disk) space (is )?(not enough|insufficient)/,
    ],
    ['User has exhausted allowed storage space', /exhausted (the |its |allowed )*storage/],
    ['550 Benutzer hat zuviele Mails auf dem Server', /zu ?viele mails/],
    [
      '551 bounce as<the destination mailbox <rcpt@example.net> is full> queue as 100.1.ZmxEL.720k.1 ' +
        '(in reply to end of DATA command)',
      /mail ?box <?[^\s<>@]+@[^\s<>@]+>? (is )?(full|over ?quota)/,
    ],
    [
      'X-Postfix; cannot append message to destination file /var/mail/rcpt: error writing message: File too large',
      /error writing message: file too large/,
    ],
    [
      '552 5.2.2 <user@example.com>: Mailbox full',
      seq(/mail ?box (is )?/, /(full|over ?quota|exceeds|size limit|storage|has exceeded|quota|would exceed)/),
    ],
    ['552 Quota exceeded', /quota (exceeded|exceed|full|violation|reached)/],
    ['552 5.2.2 Over quota', /over ?quota/],
    [
      "This person's account is exceeding their quota.",
      seq(
        /exceed(s|ed|ing)? (the |their |his |her |its )?((storage|disk|mailbox) )?/,
        /(quota|allocation)(?! for sending)/,
      ),
    ],
    [
      '552 5.2.2 user has exceeded the mailbox size limit',
      /exceed(s|ed|ing)? (the |their |his |her |its )?(storage|disk|mailbox) size limit/,
    ],
    [
      '552 5.2.2 <user@example.com>: Mailbox full',
      seq(/(account|user|recipient|inbox|mailbox) (is |has )?/, /(full|over ?quota|(storage|quota) (exceeded|full))/),
    ],
    [
      '452 4.2.2 Insufficient disk space for user',
      seq(/insufficient (disk |storage )?(space|quota) (for|in|at) .{0,20}/, /(user|mailbox|recipient|account)/),
    ],
    [
      "452 4.2.2 User's disk is full",
      /(user|mailbox|recipient)'?s? (disk|storage|space) (is |has been )?(full|exhausted)/,
    ],
    ['452 4.2.2 Not enough storage for user', /not enough (storage|space) (for|in) .{0,20}(mailbox|user)/],
    ['452 4.2.2 Too many messages in this mailbox', /too many messages in/],
    [
      "The number of messages in recipient's mailbox exceeded the local limit.",
      /number of messages in .{0,40}(exceed|limit)/,
    ],
    [
      "child status 100...The e-mail message could not be delivered because the user's mailfolder is full.",
      /mailfolder is full/,
    ],
    ['452 4.2.2 Account storage limit reached', /account storage limit/],
    ['452 4.2.2 Too much mail data in the mailbox', /too much mail data/],
    ['552 メールボックスが一杯です', /メールボックスが一杯/],
    ['552 5.2.2 User has exceeded storage allocation', /exceeded storage allocation/],
    ['La boîte aux lettres du destinataire est pleine', /bo[iî]te (aux lettres )?(du destinataire )?(est )?pleine/],
    ['552 5.2.2 Mailbox space has been used up', /space has been used up/],
    [
      '452 4.2.2 Too many messages in the mailbox',
      /too many messages (on the server|in (the|this|his|her|their) (mailbox|inbox))/,
    ],
    ['Mailbox ist voll', /(postfach|mailbox)( des empfängers)? (ist )?voll/],
    ['552 5.2.2 Speicherplatz des Empfängers erschöpft', /speicherplatz/],
    ['552 5.2.2 Buzón lleno', /buzón (está )?lleno/],
    ['552 5.2.2 Casella di posta piena', /casella (di posta )?(è )?piena/],
    ['caixa postal cheia', /caixa (postal |de correio )?(est[áa] )?(cheia|lotada)/],
    ['mailbox is vol', /(mailbox|postbus) (is )?vol\b/],
    ['skrzynka pełna', /skrzynka .{0,20}(pełna|przepełniona)/],
    ['Почтовый ящик переполнен', /ящик переполнен/],
    [
      'Сообщение не может быть доставлено, так как ящик получателя переполнен.',
      /ящик (получателя |адресата )?(переполнен|заполнен)|превышен (лимит|размер|квот)/,
    ],
    ['552 5.2.2 邮箱已满', /邮箱已满/],
    ['552 5.2.2 信箱已满', /信箱已满/],
    ['收件人邮箱空间已满', /(邮箱|信箱)空间(已满|不足)/],
    ['552 5.2.2 邮箱空间不足', /邮箱空间不足/],
    ['552 5.2.2 Inkorgen är full', /(brevlådan|inkorgen|postkassen|innboksen) (är|er) full/],
    ['552 5.2.2 Posta kutusu dolu', /posta kutusu dolu/],
    ['552 5.2.2 Poštovní schránka je plná', /schránka je plná/],
    ['552 メールボックスの容量を超えています', /容量/],
    ['552 メールボックスが満杯です', /満杯/],
    ['552 5.2.2 Quota de la boite aux lettres dépassé', /quota de la boite/],
    ['552 5.2.2 Full mailbox, message not delivered', /full mailbox/],
    ['552 5.2.2 Storage quota exceeded', /storage (limit|quota) (exceeded|reached)/],
    ['552 5.2.2 Maildir over quota', /maildir over quota/],
    ['x-unix; /var/mail/user/Maildir/tmp/1.A1B2.mx: Disk quota exceeded', /disk quota/],
    ['552 5.2.2 <user@example.com>: Mailbox full', /mailbox full/],
    ['552 5.2.2 Recipient is over the quota', /recipient (is )?over (its|the|their) (storage|quota)/],
    ['552 5.2.2 User over quota', /user over quota/],
    ['452 4.2.2 mailboxfull', /4\.2\.2/],
    ['552 5.2.2 <user@example.com>: Mailbox full', /5\.2\.2/],
  ]),
  rule('message.toolarge', 'emailtoolarge', [
    ['552 5.3.4 Taille limite du message atteinte', /taille limite du message/],
    [
      '552 5.3.4 Message size exceeds fixed limit',
      seq(
        /(message|mail|email|e-mail|attachment|file)s? (size |length )?(is |was )?/,
        /(too (big|large|long)|exceed(s|ed)?\b(?! \d+ hops| its quota)|larger than|over (the )?(size|limit))/,
      ),
    ],
    [
      '552 5.3.4 Message size exceeds fixed limit',
      /(size|length) (of .{0,20})?(exceeds|exceeded|limit|too (big|large))/,
    ],
    [
      '552 5.3.4 Message size exceeds the maximum allowed size',
      /exceeds? (the )?(fixed |maximum |max )?(message |allowed )?size/,
    ],
    [
      '550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient',
      /too (large|big) (message|mail|for)/,
    ],
    ['552 5.2.3 Message size exceeds fixed maximum message size (10485760)', /maximum (allowed )?(message )?size/],
    ['552 5.3.4 Message size exceeds fixed limit', /message size/],
    ['552 5.3.4 message size 18876259 exceeds size limit 10485760 of server mx.example.net', /size limit/],
    ['552 5.3.4 Message size exceeds fixed limit', /5\.3\.4/],
    ['552 5.2.3 Message length exceeds limit set by recipient', /5\.2\.3/],
    ['552 5.3.4 MESGTOOBIG', /mesg(too)?big/],
    ['552 5.2.3 Message length exceeds limit set by recipient', /message length exceeds/],
    ['500 Line limit exceeded', /line limit exceeded/],
    ['500 5.5.2 Line too long', /line too long/],
    ['552 5.3.4 Too many addresses in this message', /too many (recipients|addresses) .{0,20}(message|mail)/],
  ]),
  rule('mailbox.moved', 'hasmoved', [
    ['550 5.1.6 <user@example.com>: recipient has moved; use new.user@example.org', /has (been )?moved/],
    ['550 5.1.6 The address has changed', /address (has )?changed/],
    ['550 5.1.6 This user is no longer at this address', /no longer (at|with|valid at) this/],
    ['550 5.1.6 My new email address is user@example.org', /new (e-?mail )?address is/],
    ['550 5.1.6 <user@example.com>: recipient has moved; use new.user@example.org', /5\.1\.6/],
    ['550 5.1.6 No forwarding address given', /forwarding address/],
    ['550 5.1.6 The user is now at user@example.org', /is now at/],
  ]),
  rule('mailbox.disabled', 'suspend', [
    [
      '550 5.2.1 This mailbox has been blocked due to inactivity',
      seq(/(blocked|suspended|disabled|closed|deactivated|locked) (due to|because of|for) /, /(its |long )?inactivity/),
    ],
    [
      '550 <rcpt@example.net>: User status is locked.',
      /(user|account) (status is|not) (locked|activated|disabled|suspended)/,
    ],
    [
      'Ce compte a été désactivé',
      seq(
        /(casilla|cuenta|buz[óo]n|conta|caixa|casella|account|compte|bo[iî]te|konto|postfach)/,
        /( de correo| de e-?mail| postale)? .{0,20}/,
        oneOf(
          /ha expirado|expirad[ao]|inactiv[ao]|inativ[ao]|deshabilitad[ao]|desativad[ao]/,
          /suspendid[ao]|suspens[ao]|disattivat[ao]|sospes[ao]|d[ée]sactiv[ée]e?|suspendu|gesperrt/,
          /deaktiviert/,
        ),
      ),
    ],
    ['550 5.2.1 user@example.com is no longer valid', /@[^\s@]+ is no longer valid/],
    ['550 <rcpt> is now disabled with MTA service.', /> is now disabled/],
    ['550 Mail is not currently being accepted for this mailbox', /not currently being accepted for this mailbox/],
    // A mail server's local module about one account ("LOCAL module(account x) reports:").
    ['mail receiving disabled', /mail receiving (is )?disabled/],
    ['Podane konto jest zablokowane administracyjnie lub nieaktywne', /konto .{0,40}(zablokowane|nieaktywne)/],
    ['El usuario esta en estado: inactivo', /usuario est[áa] en estado:? inactivo/],
    ["Questo indirizzo e' bloccato per inutilizzo", /bloccat[ao] per (inutilizzo|inattivit)/],
    ['550 The domain example.net is currently suspended. Try later.', /is currently suspended/],
    ['550 5.2.1 Archived recipient', /archived recipient/],
    ['550 5.2.1 Destinataire archivé', /destinataire archiv/],
    ['550 5.2.1 User or domain is disabled', /user or domain is disabled/],
    ['550 5.2.1 Account temporarily inactive', /temporarily inactive/],
    ['550 5.0.0 Recipient suspend the service', /recipient suspend/],
    ['550 The domain example.net is currently suspended. Try later.', /domain \S+ is (currently )?suspended/],
    [
      '550 5.7.1 <user@example.com>: User temporary locked. Please try again later!',
      /(temporar(y|ily)|permanently) locked/,
    ],
    [
      '550 5.2.1 The email account that you tried to reach is disabled',
      /(account|mailbox|address) (that )?you tried to reach is (disabled|inactive|suspended)/,
    ],
    [
      '550 5.5.0 Le compte du destinataire est bloque. The recipient account is blocked. LPN007_426',
      /(recipient|user)'?s? account (is|has been) (blocked|locked)/,
    ],
    [
      '550 5.5.0 Le compte du destinataire est bloque. The recipient account is blocked. LPN007_426',
      /compte du destinataire est bloque/,
    ],
    [
      '550 5.2.1 The mailbox is retired',
      seq(
        /(account|mailbox|user|address|recipient|e-?mail) (is |has been |was )?/,
        /(temporarily |permanently )?/,
        oneOf(
          /disabled|suspended|deactivated|inactive|locked|frozen|expired|closed|blocked by owner/,
          /on hold|not active|no longer active|cancell?ed|terminated|deleted|retired/,
          /unavailable for delivery/,
        ),
      ),
    ],
    [
      '551 <rcpt@example.net> is a deactivated mailbox',
      seq(
        /(disabled|suspended|inactive|deactivated|locked|expired) (e-?mail )?/,
        /(account|mailbox|user|recipient|address)/,
      ),
    ],
    ['550 5.2.1 This mailbox has expired', /(account|mailbox) (has )?(been )?(expired|disabled)/],
    ['550 5.2.1 User is suspended', /user (is )?(inactive|suspended|disabled)/],
    ['550 5.2.1 This account is suspended [#102]', /this account (is|has been) (disabled|suspended)/],
    ['550 5.2.1 Mailbox is inactive', /mailbox (is )?(inactive|not active|currently suspended)/],
    ['550 5.2.1 Inactive user', /inactive (user|account|recipient|mailbox)/],
    ['550 5.2.1 Account disabled', /5\.2\.1 .{0,40}(disabled|inactive|suspend)/],
    ['550 5.2.1 Recipient is suspended', /recipient (is )?(suspended|deactivated)/],
    ['550 5.2.1 Mailbox unavailable (inactive)', /mailbox (unavailable|disabled) \(?(inactive|suspended)/],
    ['550 Mailbox is frozen. See http://mail.i.ua/err/3/', /mailbox is frozen/],
    ['550 5.2.1 Account is unavailable', /account (is )?unavailable/],
    ['550 5.2.1 Postfach gesperrt', /gesperrt/],
    ['550 5.2.1 Konto deaktiviert', /deaktiviert/],
  ]),
  // A domain that does not exist, in the words (and languages) that the mailbox rule below
  // would take for the user's.
  rule('host.unknown.words', 'hostunknown', [
    [
      '550 5.1.2 The domain name example.invalid does not appear to be registered',
      /domain name .{0,40}(does not appear to be|is not) registered/,
    ],
    ['553 5.1.2 Recipient domain must exist', /domain must exist/],
    ['550 5.1.2 Mail domain example.invalid is unknown', /mail domain .{0,40}(is )?unknown/],
    [
      "550 5.1.2 Le domaine n'existe pas",
      seq(
        /\b(domaine|domain|dominio|dom[íi]nio|domein)( name)? .{0,20}/,
        oneOf(
          /n'existe pas|existiert nicht|no existe|non esiste|n[ãa]o existe|bestaat niet|unbekannt/,
          /inconnu|desconocido|sconosciuto|inexistente|inesistente/,
        ),
      ),
    ],
  ]),
  // The receiver's directory has no such account, in its own words: no content filter
  // words its verdicts this way, whatever the stage.
  rule(
    'mailbox.unknown.directory',
    'userunknown',
    [
      [
        "554 delivery error: dd This user doesn't have a yahoo.com account (user@yahoo.com) [0] - " +
          'mta1061.mail.ne1.yahoo.com',
        /(does not|doesn't) have an? [a-z0-9.-]+ account/,
      ],
      [
        "550-I'm sorry but rcpt@example.net does not have an account here. I will not",
        /(does not|doesn't) have an account (here|on this|at this)/,
      ],
      // "Here": the receiver looked the name up in its own mailboxes, at RCPT.
      ['550 Requested action not taken: no such user here', /no such (user|mailbox|recipient) here/],
      ['unknown local-part "rcpt" in domain "example.net"', /unknown local-part/],
      [
        'User some.name (x@example.jp) not listed in Domino Directory',
        /not listed in (the )?(domino directory|public name|(global )?address (book|list))/,
      ],
      [
        'The recipient name is not recognized MSEXCH:IMS:EXAMPLE:NET 0 (000C05A6) Unknown Recipient',
        /recipient name is not recognized/,
      ],
      [
        "Your message wasn't delivered to user@example.com because the address couldn't be found.",
        /address couldn't be found/,
      ],
      [
        "The email address you entered couldn't be found. Please check the recipient's email address and try to " +
          'resend the message.',
        /(e-?mail )?address you entered (couldn't|could not) be found/,
      ],
      [
        "550 5.1.1 The email account that you tried to reach wasn't found at the destination",
        /(wasn'?t|was not|couldn'?t be|could not be) found at the destination/,
      ],
      // Office 365's words above its DSN: "<local part> wasn't found at <domain>."
      // (A name: not a DNS record or a host, which are not found at name servers.)
      [
        "amy wasn't found at example.com.",
        seq(
          /(?<![a-z0-9._-])(?!(record|domain|host|mx|server|zone)\b)/,
          /[a-z0-9._-]+ wasn'?t found at [a-z0-9-]+(\.[a-z0-9-]+)+/,
        ),
      ],
      ['Invalid final delivery userid: user@example.com', /invalid (final delivery )?userid/],
      ['550 5.1.1 No valid recipients', /no valid recipients/],
      [
        'Unable to deliver message to <user@example.com>. Please check if address is correct.',
        /check if (the )?address is correct/,
      ],
      ['550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup', /recip(ient)?notfound/],
      ['511 sorry, no mailbox here by that name (#5.1.1)', /no mailbox here by that name/],
      [
        'ユーザー Some Name (user@example.jp) は Domino ディレクトリには見つかりません。',
        /ディレクトリには見つかりません/,
      ],
      ['mail.local: unknown user: user', /mail\.local: unknown user/],
      ['unknown user: "rcpt"', /unknown user: "/],
      [
        '550 5.4.1 [user@example.com]: Recipient address rejected: Access denied',
        /recipient address rejected: access denied/,
      ],
      ['550 5.5.0 Adresse destinataire invalide. Invalid recipient. LPN007_416', /adresse destinataire invalide/],
      ['550 5.1.1 Destinataire inconnu', /destinataire inconnu/],
      ['550 5.1.1 Utilisateur inconnu', /utilisateur inconnu/],
    ],
    { certain: true },
  ),
  rule('mailbox.unknown', 'userunknown', [
    ['550 No one with that email address here', /no one (with that|by that) (e-?mail )?(address|name)/],
    ['550 No such mail drop defined', /no such mail ?drop/],
    ["550 This server doesn't handle mail for that user", /(doesn't|does not) handle mail for (that|this) user/],
    ['550 Unable to find alias user', /unable to find (alias|the) (user|recipient|mailbox)/],
    ['550 Recipient no longer on server', /(recipient|user|mailbox) (is )?no longer on (this |the )?server/],
    ['550 5.1.1 Invalid account', /^[45]\d\d (\d\.\d{1,3}\.\d{1,3} )?invalid account\b/],
    ['550 5.1.1 Adresse du destinataire introuvable', /(adresse|destinataire)\S* .{0,40}introuvable/],
    ['550 5.1.1 Empfänger nicht gefunden', /(adresse|empfänger|postfach)\S* .{0,30}nicht gefunden/],
    [
      '550 5.1.1 Dirección de correo no se encontró',
      /(dirección|destinatario)\S* .{0,40}no se (encontró|encontro|ha encontrado)/,
    ],
    ['550 5.1.1 No se encontró el destinatario', /no se (encontró|encontro) (la dirección|el destinatario)/],
    ['550 5.1.1 Impossibile trovare il destinatario', /impossibile trovare (l'indirizzo|il destinatario)/],
    ['550 5.1.1 Indirizzo non trovato', /indirizzo non trovato/],
    [
      '550 5.1.1 O endereço do destinatário não foi encontrado',
      /(endereço|destinatário)\S* .{0,40}não (foi )?encontrad/,
    ],
    ['550 5.1.1 Het adres van de ontvanger is niet gevonden', /(adres|ontvanger)\S* .{0,20}niet gevonden/],
    ['550 5.1.1 Adres odbiorcy nie został znaleziony', /nie (został|zostal) znalezion/],
    ['550 5.1.1 Nie znaleziono adresu odbiorcy', /nie znaleziono (adresu|odbiorcy)/],
    ['550 5.1.1 メールアドレスが見つかりません', /アドレスが見つかりません/],
    ['550 5.1.1 宛先が見つかりません', /宛先が見つかりません/],
    ['550 5.1.1 找不到收件人', /找不到(收件人|该地址|地址)/],
    ['550 5.1.1 받는 사람의 계정이 존재하지 않습니다', /(계정|사용자|주소|수신자|받는 ?사람)\S* .{0,20}존재하지 않/],
    ['550 5.1.1 존재하지 않는 계정입니다', /존재하지 않는 (계정|사용자|주소|메일|수신자)/],
    ['550 5.1.1 Người dùng này không tồn tại', /(người dùng|địa chỉ|tài khoản|hộp thư) .{0,20}không tồn tại/],
    [
      '550 5.1.1 Alamat penerima tidak terdaftar',
      /(pengguna|alamat|akun|penerima) .{0,30}tidak (ditemukan|dikenal|terdaftar)/,
    ],
    ['550 5.1.1 Utilizatorul nu există', /(utilizator|adres[aă]|destinatar)\S* .{0,30}nu exist[aă]/],
    ['550 5.1.1 Ο χρήστης δεν υπάρχει', /(χρήστης|διεύθυνση|παραλήπτης) .{0,20}δεν υπάρχει/],
    ['550 5.1.1 המשתמש לא קיים', /(משתמש|כתובת|נמען) .{0,20}לא (קיים|קיימת|נמצא)/],
    ['550 5.1.1 المستخدم غير موجود', /(المستخدم|العنوان|المستلم) .{0,20}غير موجود/],
    ['550 5.1.1 ไม่มีผู้ใช้นี้ในระบบ', /ไม่มีผู้ใช้/],
    ['550 5.1.1 Destinatario errato', /destinatario errato/],
    ['550 5.1.1 Recipient address verification failed', /recipient (address )?verification fail/],
    ['550 5.1.1 Recipient cannot be verified', /(recipient|address) cannot be verified/],
    ['550 5.1.1 user@example.com is not a member of this domain', /not a member of (this )?domain/],
    ['550 5.1.1 User path does not exist', /user path (does )?not? exist/],
    ['550 Command RCPT User <user@example.com> not OK', /rcpt user <[^\s<>]*> not ok/],
    ['550 <rcpt@example.net>: BAD_RECIPIENT - see http://mail.example.net/undelivered', /\bbad_recipient\b/],
    [
      '550 5.1.1 Recipient user@example.com was not found',
      seq(
        /(user|recipient|mailbox|account|rcpt|address)e?s? [<(]? ?[^\s<>()@]+@[^\s<>()@]+ ?[>)]? /,
        /(was |is )?(not found|unknown|(does not|doesn't) exist)/,
      ),
    ],
    ['550 5.1.1 <user@example.com> not found', /<[^\s<>@]+@[^\s<>@]+> not found/],
    ["550 5.1.1 Can't accept user", /can'?t accept user/],
    ['550 5.1.1 The destination address was unknown', /destination (addresses|address) (were|was) unknown/],
    ['550 5.1.1 Destination server rejected recipient', /destination server rejected recipients?/],
    ['550 5.1.1 The email address could not be found', /(e-?mail )?address (could not|couldn't|cannot) be found/],
    ['550 5.1.1 user@example.com is not an active address', /not an active address/],
    ['550 5.1.1 No mailbox available for this user', /no mail ?box (available|found)/],
    ['550 5.1.1 Nessun utente con questo indirizzo', /nessun utente/],
    ['550 5.1.1 Not a local user', /not a local (address|user|recipient)/],
    ['550 5.1.1 invalid-recipient', /invalid-recipient/],
    ['550 5.1.1 Recipient not accepted', /recipient (is )?not (accepted|ok)\b/],
    ['553 sorry, this recipient is in my badrcptto list (#5.7.1)', /badrcptto/],
    ['553 sorry, this recipient is in my badrecipientto list (#5.7.1)', /badrecipientto/],
    ['553 sorry, this recipient is not in my validrcptto list (#5.1.1)', /validrcptto/],
    ['550 5.1.1 Envelope recipient has been denied', /envelope recipient (has been denied|is in)/],
    ['550 5.1.1 Email name is not found', /email name is not found/],
    ['550 5.1.1 There is no one at this address', /no one at this address/],
    ['550 5.1.1 This address no longer accepts mail', /no longer accepts mail/],
    ['550 5.1.1 The address is wrong or no longer valid', /wrong or no longer valid/],
    ['550 5.1.1 Missing home directory', /missing home directory/],
    ['550 5.1.1 Invalid or unknown virtual user', /invalid or unknown (virtual )?user/],
    ['550 5.1.1 Adresse nicht gefunden', /adresse nicht gefunden/],
    ['550 5.1.1 No user in name directory', /no \S+ in name directory/],
    ['550 5.1.1 The recipient does not exist at the organization', /does not exist at the organi[sz]ation/],
    [
      '550 5.1.1 <user@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
      seq(
        oneOf(
          /user|mailbox|recipient|address|account|addressee|local ?part|e-?mail( address)?|alias/,
          /username|rcpt|person|user ?name|mail ?box name|customer|receiver/,
        ),
        /s? (is |was |are )?/,
        oneOf(
          /unknown/,
          seq(
            /not /,
            oneOf(
              /found|known|exist|existing|valid|listed|recognized|recognised|present/,
              /here|available|registered|local|our customer/,
            ),
          ),
          /(does not|doesn't|do not|did not) exist|nonexist|non-exist|invalid|unrecognized/,
          /unavailable|no (longer )?(exists?|valid|available|here)|(has been )?(removed|deleted)/,
          /disabled or discontinued|unverified|rejected: (user|recipient)|unroutable/,
        ),
      ),
    ],
    ['550 5.1.1 Unknown user x@example.com', /unknown (user|recipient|mailbox|address|local|account|alias|e-?mail)/],
    [
      '550 5.1.1 no such user',
      seq(
        /no (such|valid|existing) /,
        /(user|mailbox|recipient|address|account|person|local user|e-?mail|domain user|alias)/,
      ),
    ],
    [
      '550 5.1.1 Recipient address verification failed',
      /(user|recipient|mailbox|address|account) (name )?(lookup|verification) failed/,
    ],
    [
      '550 5.1.1 Adresse d au moins un destinataire invalide. Invalid recipient. OFR_416 [416]',
      /invalid (recipient|mailbox|user|address|destination|e-?mail|local ?part|rcpt)/,
    ],
    [
      '550 5.1.1 Unknown user x@example.com',
      seq(
        /(bad|illegal|unknown|nonexistent|non-existent|inexistent) (destination )?/,
        /(recipient|mailbox|address|user|e-?mail)/,
      ),
    ],
    [
      '550 5.1.1 The address does not match any account',
      seq(/(does not|doesn't|do not) (have|exist|match) .{0,40}/, /(account|mailbox|user|recipient|address)/),
    ],
    ['550 5.1.1 No mailbox for this user', /no mailbox/],
    [
      '550 5.1.1 mailbox unavailable',
      /mailbox (unavailable|not available|does not exist|not found|is not valid|is unavailable)/,
    ],
    ["550 5.1.1 This user doesn't have a mailbox here", /user doesn't have a/],
    ['550 5.1.1 Not a valid recipient', /not (a )?(valid|known) (user|recipient|mailbox|address)/],
    [
      '550 5.1.1 <user@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
      /address rejected: (user unknown|undeliverable)/,
    ],
    ['550 5.1.1 Recipient not in valid recipients list', /recipient not in (valid|our|the)/],
    ['550 5.1.1 Addressee unknown', /addressee unknown/],
    ['550 5.1.1 unknown or illegal alias: user@example.com', /unknown or illegal alias/],
    ['550 5.1.1 No account by that name here', /no account by that name/],
    ['550 5.1.1 <user@privaterelay.example.com>: user not found', /user (is )?not (found|here|known|listed)/],
    ['550 5.1.1 User invalid', /user invalid/],
    [
      '550 5.1.1 <user@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
      /(user|recipient) unknown/,
    ],
    ['550 5.1.1 Undeliverable address', /undeliverable address/],
    ['550 5.1.1 Cannot deliver to this user', /cannot (be )?deliver(ed)? to (this|the) (user|mailbox|recipient)/],
    ['550 5.1.1 no such user', /no such (user|address|mailbox|recipient)/],
    ["550 5.1.1 This user doesn't have a mailbox here", /this user doesn't have/],
    ['550 5.1.1 Recipient address does not exist', /address does not exist/],
    ['550 5.1.1 Requested action not taken: mailbox unavailable', /requested action not taken: mailbox unavailable/],
    ['550 5.1.1 <user@example.com>: mailbox unavailable', /mailbox unavailable/],
    ['550 5.1.1 Adresse e-mail inexistante', /adresse (e-?mail )?(inconnue|inexistante|invalide)/],
    ["550 5.1.1 Cette adresse n'existe pas", /(adresse|destinataire|utilisateur|compte|bo[iî]te).{0,40}n'existe pas/],
    ['550 5.1.1 Empfänger unbekannt', /unbekannt/],
    ['550 5.1.1 Die Adresse existiert nicht', /existiert nicht/],
    ['550 5.1.1 Ungültige Empfänger', /ungültige (adresse|empfänger)/],
    ['550 5.1.1 La cuenta no existe', /no existe/],
    ['550 5.1.1 Usuario desconocido', /desconocido/],
    ['550 5.1.1 Utente inesistente', /inesistente/],
    ['550 5.1.1 Utente sconosciuto', /sconosciuto/],
    ["550 5.1.1 L'indirizzo non esiste", /(indirizzo|utente|destinatario|casella).{0,40}non esiste/],
    ['550 5.1.1 Usuario inexistente', /inexistente/],
    [
      '550 5.1.1 Endereço desconhecido',
      seq(/(usu[áa]rio|utilizador|endere[çc]o|destinat[áa]rio|conta)s? .{0,30}/, /(desconhecid|n[ãa]o existe)/),
    ],
    ['550 5.1.1 Onbekende ontvanger', /onbekende (gebruiker|ontvanger|geadresseerde)/],
    ['550 5.1.1 Dit adres bestaat niet', /(adres|gebruiker|mailbox|ontvanger) .{0,30}bestaat niet/],
    ['550 5.1.1 Skrzynka nie istnieje', /(adres|użytkownik|odbiorca|skrzynka) .{0,30}nie istnieje/],
    ['550 5.1.1 Nieznany odbiorca', /nieznany (użytkownik|odbiorca|adresat)/],
    ['550 5.1.1 Nie ma takiego konta', /nie ma (takiego|takiej) (konta|skrzynki|użytkownika|adresu)/],
    [
      '550 5.1.1 Адрес не существует',
      /(пользовател|адрес|ящик|получател|адресат)\S* .{0,30}(не существует|не найден|несуществ)/,
    ],
    ['550 5.1.1 Неизвестный получатель', /неизвестный (пользователь|адресат|получатель)/],
    ['550 5.1.1 收件人不存在', /收件人不存在/],
    ['550 5.1.1 该地址不存在', /地址不存在/],
    ['550 5.1.1 帐户不存在', /帐[户號号]不存在/],
    ['550 5.1.1 账户不存在', /账[户号]不存在/],
    ['550 5.1.1 用户名不存在', /用户名不存在/],
    ['550 5.1.1 信箱不存在', /信箱不存在/],
    ['550 5.1.1 邮箱不存在', /邮箱不存在/],
    ['550 5.1.1 Okänd mottagare', /okänd mottagare/],
    ['550 5.1.1 Ukjent mottaker', /ukjent mottaker/],
    ['550 5.1.1 Ukendt modtager', /ukendt modtager/],
    ['550 5.1.1 Alıcı adresi bulunamadı', /(kullanıcı|adres|alıcı) .{0,30}(bulunamadı|mevcut değil)/],
    ['550 5.1.1 Adresa neexistuje', /(adresa|uživatel|příjemce) .{0,30}neexistuje/],
    ['550 5.1.1 Nem létező felhasználó', /nem létező (felhasználó|cím)/],
    ['550 5.1.1 Tuntematon vastaanottaja', /tuntematon vastaanottaja/],
    ['550 5.1.1 このメールアドレスは存在しない', /存在しない/],
    [
      '550 5.1.1 宛先のメールボックスが存在しません',
      /(メールボックス|アドレス|宛先|アカウント|ユーザー)(は|が)存在しません/,
    ],
    ['550 5.1.1 宛先不明', /宛先不明/],
    ['550 5.1.1 ユーザが存在しません', /ユーザが存在/],
    ['550 5.1.1 该用户不存在', /该用户不存在/],
    ['550 5.1.1 用户不存在', /用户不存在/],
    ['550 5.1.1 無此使用者', /無此使用者/],
    ['550 5.1.0 Address rejected', /5\.1\.0 .{0,20}address rejected/],
    [
      '550 5.1.1 Recipient addresses rejected : Access denied',
      /(?<!all )recipient address(es)? rejected ?: access denied/,
    ],
    [
      '550 5.1.1 Permanent failure for one or more recipients (user@example.com:undeliverable)',
      /permanent failure for one or more recipients/,
    ],
    ['550 5.1.1 No user here', /no (such )?(user )?here/],
    [
      '550 5.1.1 The recipient email address is incorrect',
      /recipient (e-?mail )?address is (possibly )?(incorrect|invalid|wrong)/,
    ],
    ['550 <user@example.jp>: Recipient address rejected.', /recipient address rejected(?!:)/],
    [
      '550 5.1.1 The account you tried to reach does not exist',
      /(account|address|mailbox|user) (that )?you tried to reach (does not|doesn't) exist/,
    ],
    ['550 5.1.1 Unknown email address', /unknown (email )?address/],
    ['550 5.1.1 Not a valid mailbox', /not a valid (e-?mail|mailbox)/],
    ['550 5.1.1 Delivery to user@example.com: unknown', /delivery (to|failed to) .{0,40}(not exist|unknown)/],
  ]),
  // --- the way there: DNS, routes, connections, the queue ----------------------------
  // The receiving system's own trouble, in words the network rules below would take for
  // a routing problem ("it would create a mail loop") or a timeout.
  rule('system.config', 'systemerror', [
    ['rcpt@example.net... Deferred: No such file or directory', /no such file or directory/],
    ['554 5.3.0 Message ended early', /message ended early/],
    ['554 5.4.6 Forwarding loop broken', /forwarding loop broken/],
    // Sendmail's local delivery ("(reason: Can't create output)"): the mailbox exists, writing failed.
    ["451 4.3.0 Can't create output file", /can't create (user )?output\b/],
    // Sendmail finding itself in the receiving domain's MX list: the domain's DNS is wrong.
    ['554 5.0.0 MX list for example.net. points back to mx.example.com', /mx list for .{0,80} points back to/],
    [
      'can not open new email file errno=13 ' +
        'file=/home/vpopmail/domains/example.net/0/rcpt/Maildir/tmp/1.2.mx05,S=212350',
      /can ?not open new (e-?mail|mail|message) file/,
    ],
    ['451 4.3.0 Interrupted system call', /interrupted system call/],
    [
      '451 4.3.0 An error occurred while the message was being processed: error while being processed',
      /error while being processed/,
    ],
    ['554 5.4.6 Delivery to this address would create a mail loop', /would create a mail loop/],
    ['554 5.4.6 A loop was found in the mail exchanger records', /loop was found in the mail exchanger/],
    ['451 4.3.0 There is no MDB for this user', /there is no mdb/],
    ['451 4.3.5 The server is misconfigured', /(server|system) is misconfigured/],
    ['554 5.3.5 Local configuration error', /(system|server|mail system|local) config(uration)? error/],
    ['451 4.4.2 Timeout waiting for input', /timeout waiting for input/],
    ['451 4.3.0 Unable to connect to the local delivery daemon', /unable to connect .{0,30}daemon/],
  ]),
  rule('network.dns', 'networkerror', [
    ['R=dnslookup defer (-1): host lookup did not complete', /host lookup did not complete/],
    ["DNS Error: DNS type 'mx' lookup of example.jp responded with code SERVFAIL", /dns error/],
    ['cat.example.net: host name lookup failure', /host name lookup failure/],
    ['Name service error for domain example.com: Host not found, try again', /host not found, try again/],
    [
      'Name service error for name=example.org type=MX: Malformed or unexpected name server reply',
      /(malformed|unexpected) name server reply/,
    ],
    ['Deferred: Name server: example.jp.: host name lookup failure', /name server: .{0,60}(lookup failure|timeout)/],
    ['Name server: example.jp.: timeout', /name server: .{0,60}(lookup failure|timeout)/],
  ]),
  rule('host.unknown', 'hostunknown', [
    ['554 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain', /non-?existent (domain|host)/],
    ['550 5.1.2 Unrouteable address', /unroute?able address/],
    [
      '550 5.1.2 Host unknown (Name server: example.invalid: host not found)',
      /host (or domain name )?(not found|unknown)/,
    ],
    [
      '554 The mail could not be delivered to the recipient because the domain is not reachable.',
      /domain is not reachable/,
    ],
    ['553 mx.example.com does not exist', /(^|\s)(?![^\s]*@)[a-z0-9-]+(\.[a-z0-9-]+)+\.?:? does not exist/],
    [
      '550 5.1.2 Host unknown (Name server: example.invalid: host not found)',
      seq(
        /(domain|host) ?(name )?/,
        /(not found|unknown|does not exist|doesn't exist|is invalid|lookup failed|not (exist|resolv|recogni[sz]ed))/,
      ),
    ],
    ['user@example.com ... unknown host', /unknown (host|domain)/],
    ['550 5.1.7 No such domain example.com', /no such (host|domain)/],
    ['550 5.1.2 No MX record for example.invalid', /no (mx|mail exchanger|valid mx|dns|a record)/],
    [
      'DNS lookup failure: host mx.example.invalid not found',
      /(mx|dns) (record|lookup|entry).{0,30}(not found|fail|missing|no )/,
    ],
    ['550 5.1.2 example.invalid: Name or service not known', /name or service not known/],
    ['550 5.1.2 NXDOMAIN for example.invalid', /nxdomain/],
    ['550 5.1.2 Unrouteable mail domain "example.invalid"', /unrouteable mail domain/],
    ['550 5.1.2 Unroutable domain', /unroutable domain/],
    ['550 5.1.2 Domain is invalid', /domain (is )?(invalid|not (valid|configured|local))/],
    ['550 5.4.4 Invalid domain', /(invalid|illegal) (domain|host)/],
    [
      '550 5.1.2 Recipient domain example.invalid is unknown',
      /(recipient|address) domain .{0,30}(not|invalid|unknown)/,
    ],
    ["Sorry, I couldn't find any host by that name.", /couldn't find any host (named|by that name)/],
    ['550 5.1.2 Domain ist ungültig', /domain ist ungültig/],
    ['550 5.4.1 RESOLVER.ADR.NoSuchDomain; no such domain', /resolver\.adr\.(nosuchdomain|baddomain)/],
    ['550 5.1.2 No route to host for example.invalid', /no route to host for/],
    ['550 5.1.2 Hostname mx.example.invalid not found', /hostname .{0,30}not found/],
    ["DNS type 'mx' lookup of example.invalid returned nothing", /dns (type|lookup)/],
    [
      '550 5.1.2 All MX records point to non-existent hosts',
      /all (relevant )?mx (records|hosts) (point to|are|failed)/,
    ],
    ['550 5.1.2 Domain has no valid MX', /domain (has )?no (valid )?mx/],
    ['550 5.1.2 Not able to resolve example.invalid', /not able to resolve/],
    ['550 5.1.2 Domain example.invalid could not be resolved', /could not be resolved/],
    ['550 5.1.2 Unresolvable domain', /unresolvable/],
    ['550 5.1.2 Cannot resolve example.invalid', /cannot resolve/],
  ]),
  rule('network.route', 'networkerror', [
    ['554 5.4.6 Message exceeded 50 hops, this may indicate a mail loop.', /exceeded \d+ hops/],
    [
      '554 5.4.4 DNS records for the destination computer could not be found',
      /dns records for the destination .{0,30}could not be found/,
    ],
    ['451 4.4.1 Host is unreachable', /host is unreachable/],
    ['554 5.4.4 Unable to resolve route', /unable to resolve route/],
    ['550 5.4.312 Message expired, DNS query failed', /dns (query|lookup) (failed|error)/],
    ['451 4.4.3 Unexpected name server response', /(malformed|unexpected) name server/],
    ['451 4.4.3 Temporary DNS failure', /temporary (dns|lookup|name resolution) failure/],
    ['connect to mx.example.com[192.0.2.1]:25: No route to host', /no route to host/],
    [
      'Network error on destination MXs. This is only a temporary failure report.',
      /network (error|is unreachable|unreachable)/,
    ],
    ['451 4.4.1 Network unreachable', /(host|network) unreachable/],
    ['lost connection with mx.example.com[192.0.2.1] while performing the HELO handshake', /lost connection/],
    [
      "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)",
      /(wasn't|was not|unable to|could not|couldn't) (be )?(able to )?establish/,
    ],
    ['554 5.4.6 Message exceeded 50 hops, this may indicate a mail loop.', /(mail|routing|forwarding|message) loop/],
    ['554 5.4.6 Mail loop detected', /loop detected/],
    ['554 5.4.6 Too many hops', /too many hops/],
    [
      'Error transferring to mx.example.org; Maximum hop count exceeded. Message probably in a routing loop.',
      /hop count exceeded/,
    ],
    ['554 5.4.6 Too many Received headers', /too many (received|delivered-to)/],
  ]),
  rule('queue.expired', 'expired', [
    ['Cannot send message for 5 days', /cannot send message for \d+ (days?|hours?)/],
    ['451 4.4.7 Connection expired', /connection expired/],
    ['Delivery to this address has been delayed; delivery attempts will continue', /delivery attempts will continue/],
    ['554 4.4.7 Delivery expired', /delivery expired/],
    ['554 4.4.7 Failed to deliver to domain example.com within 2 days', /failed to deliver to domain/],
    ['554 4.4.7 Giving up on 192.0.2.1', /giving up on/],
    [
      'all hosts have been failing for a long time and were last tried after this message arrived',
      /failing for a long time/,
    ],
    ['Delivery to the following recipient has been delayed', /has been delayed/],
    ['554 4.4.7 Message not collected after 7 days', /not (been )?collected after/],
    ['554 4.4.7 The server did not respond', /server did not respond/],
    ['554 4.4.7 Could not deliver within the allowed queue period', /within the allowed queue period/],
    ['554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>', /message expired/],
    ['user@example.com: Envelope expired', /envelope expired/],
    ['Could not deliver for the last 432000 seconds. Giving up.', /could not deliver for the last/],
    ['Delivery failed 20 attempts: user@example.com', /delivery failed \b\d+ attempts/],
    [
      'The recipient server did not accept our requests to connect. [mx.example.com 192.0.2.1: timed out]',
      /did not accept our requests to connect/,
    ],
    ['Message will be retried for 2 more day(s)', /message will be retried/],
    ['all hosts have been failing for a long time', /all hosts have been failing/],
    ['421 Warning: message still undelivered after 4 hours', /still undelivered after/],
    ['Will keep trying until message is 8 hours old', /will keep trying/],
    ['554 4.4.7 Could not find a gateway for example.com', /could not find a gateway/],
    ['550 4.4.7 QUEUE.Expired; message expired', /queue\.expired/],
    ['550 4.4.7 QUEUE.Expired; message expired', /\bexpired\b.{0,30}(message|delivery|queue|retry|time)/],
    ['user@example.com retry timeout exceeded', /retry time(out)? (not reached|exceeded)/],
    [
      '554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>',
      /connection (timed out|refused)/,
    ],
    ['554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>', /timed? ?out/],
    ['554 4.4.7 Stayed too long in the queue', /too long in (the )?queue/],
    ["I'm not going to try again; this message has been in the queue too long.", /in the queue too long/],
    ['Message could not be delivered for too long', /could not be delivered (within|for)/],
    ['554 4.4.7 Message not delivered within 5 days', /not (been )?delivered (within|for|after)/],
    [
      '554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>',
      /unable to deliver .{0,30}(for|within|after|in) \d/,
    ],
    ['554 4.4.7 Delivery time expired', /delivery time expired/],
    ['554 4.4.7 Queue lifetime exceeded', /queue lifetime/],
    ['554 4.4.7 Delivery attempts expired', /delivery (attempts|period) .{0,30}(expired|exceeded)/],
    ['554 4.4.7 5 days without a successful delivery', /\b\d+ (days|hours) .{0,30}(without|undelivered|could not)/],
  ]),

  // A receiver's rule against what we send, not a broken message: attachments, images,
  // mass mailers, closed lists.
  rule('policy.content', 'policyviolation', [
    ['554 5.7.1 No data before greeting please', /no data before greeting/],
    ['554 5.7.1 Attachment extension is forbidden', /attachment extension is forbidden/],
    ['554 5.7.1 Rejected by anti-spoofing policy', /anti-spoofing policy/],
    [
      '421 4.7.28 Gmail has detected this message exceeded its quota for sending messages with the same Message-ID:.',
      /with the same message-id/,
    ],
    ['554 5.7.1 Prohibited attachment', /(illegal|prohibited|forbidden) attachment/],
    ['The recipient is not accepting mail with attachments or embedded images.', /not accepting mail with/],
    ['554 5.7.1 This recipient does not accept messages containing images', /messages containing images/],
    ['550 5.7.1 This is a closed mailing list', /closed mailing list/],
    ['550 5.7.1 Your organizational settings do not allow this message', /organi[sz]ational settings/],
    ['451 4.7.1 Message given low priority', /message given low priority/],
    ['550 5.7.1 Messages with multiple addresses are not accepted', /messages with multiple addresses/],
    ['550 5.7.1 You are not subscribed to this group', /not subscribed to this group/],
    ['550 5.7.1 Mass mailer detected', /mass mailer/],
    ['550 5.7.1 Please resend after solving a captcha', /solving a captcha/],
    ['550 5.7.1 Your headers are not accepted', /headers? (are|is) not accepted/],
    ['550 5.7.1 Executable files are not allowed', /executable files are not allowed/],
  ]),
  rule('content.mime', 'contenterror', [
    ['554 5.5.2 Invalid data in message', /invalid data in (the )?message/],
    ['552 MessageWall: MIME/REJECT: Invalid structure', /mime\/reject/],
    ['552 MessageWall: MIME/REJECT: Invalid structure', /invalid (mime )?structure/],
    [
      'The user does not accept email in non-Western (non-Latin) character sets.',
      /(does not|doesn't) accept .{0,30}(non-(western|latin)|character sets?|charsets?)/,
    ],
    ['550 5.6.9 improper use of 8-bit data in message header', /8-bit data in (the )?(message )?header/],
    ['554 5.6.0 Header size is over the maximum', /header size/],
    ['554 5.6.0 MIME complexity too high', /mime complexity/],
    ['554 5.6.0 Improperly-formatted binary content', /improperly-formatted binary/],
    ['554 5.6.0 Unnecessary base64 encoding', /unnecessary base64/],
    [
      '554 5.6.0 MIME structure error',
      seq(
        /(mime|attachment|character set|charset|encoding|8bit) .{0,30}/,
        /(error|invalid|illegal|malformed|not (allowed|permitted|supported))/,
      ),
    ],
    [
      '554 5.6.0 Malformed MIME',
      seq(
        /(invalid|illegal|malformed|bad|unsupported|prohibited|forbidden|blocked|banned|dangerous|unacceptable)/,
        / (mime|attachment|character|charset|encoding|content|file|message structure)/,
      ),
    ],
    ['554 5.6.0 Attachment was blocked', /attachment .{0,30}(blocked|not allowed|rejected|prohibited)/],
    ['554 5.6.0 File type not allowed', /file (type|extension) .{0,30}(not allowed|blocked|rejected|prohibited)/],
    ['554 5.6.0 Message contains invalid header', /5\.6\.\d/],
  ]),
  rule('filter.recipient', 'filtered', [
    ['550 5.7.1 Message filtered', /(filter|filtered|filtering)/],
    ['550 5.7.1 The recipient is not accepting any mail', /is not accepting any mail/],
    ['550 5.7.1 The recipient refused to receive this message', /refuse[sd]? to receive/],
    ['550 5.7.1 The recipient is only accepting mail from known senders', /only accepting mail from/],
    // The recipient refuses one sender (AOL's screen-name notices word it so): not the domain.
    [
      'Your mail to the following recipients could not be delivered because they are not accepting mail from ' +
        'news@sender.example',
      /(is|are) not accepting (e-?mail|mail|messages) from/,
    ],
    [
      '550 5.1.1 RCP-P2 http://postmaster.example.com/response_codes#rcp Refused due to recipient preferences',
      /recipient preferences/,
    ],
    ['550 5.7.1 The recipient has restricted SMS e-mail', /has restricted sms/],
    ['550 5.1.2 User reject', /\buser reject\b/],
    [
      '550 5.7.1 Delivery not authorized, message refused by the recipient',
      seq(/(rejected|refused|blocked|denied) by (the )?(recipient|user|mailbox owner|owner)/, /(?! domain)/),
    ],
    ['550 5.7.1 The recipient has rejected your message', /recipient (has )?(rejected|refused|blocked)/],
    ['550 5.7.1 The user has blocked your address', /user (has )?(rejected|refused|blocked)/],
    [
      '550 5.7.1 The user does not want any email',
      seq(
        /(user|recipient|mailbox|addressee) (does not|doesn't|do not|is not|isn't) /,
        /(accept|want|wish to receive|receiv|accepting)\w* (any )?(mail|messages|e-?mail)/,
      ),
    ],
    [
      '550 5.7.1 The recipient is not accepting mail at the moment',
      seq(/(recipient|user|mailbox) (is )?(no longer|not) (accepting|receiving) (incoming )?/, /(mail|email|messages)/),
    ],
    ['550 5.7.1 Mail refused by recipient', /mail (rejected|refused) by (recipient|user)/],
    [
      'The recipient (amy@example.net) has asked not to receive mail from you',
      /(has|have) asked not to (receive|get) (any )?(mail|e-?mails?|messages) from/,
    ],
    ['550 5.7.1 Refused by mailbox owner', /refused by mailbox owner/],
    ["550 5.7.1 Rejected by user's preference", /user('s)? (preference|settings|rule)/],
    [
      '550 5.7.1 The recipient is not authorized to receive mail from the Internet',
      /(recipient|user) (is )?not (authorized|allowed) to receive/,
    ],
    [
      '550 5.7.1 Delivery not authorized, message refused by the recipient',
      /delivery (not|isn't) (authorized|allowed|permitted)/,
    ],
    [
      '550 5.7.1 Message rejected by mailbox rule',
      /message (rejected|refused|not delivered) (by|due to) .{0,30}(rule|setting|preference)/,
    ],
    ['550 5.7.1 Message blocked by user', /blocked by (the )?(recipient|user)/],
  ]),
  rule('policy.violation', 'policyviolation', [
    ['554 Host network not allowed', /host network not allowed/],
    ['554 5.7.9 Header error', /header error/],
    ['550 Protocol violation', /protocol violation/],
    ['550 5.7.1 Message content presents a potential security issue', /content presents a potential security issue/],
    ['550 5.7.0 Local Policy Violation', /(policy|policies) (violation|reason|restriction|rejection|denied)/],
    [
      '550 5.7.1 Message rejected due to local policy',
      seq(/(violat|against|due to|because of|by) .{0,30}/, /(policy|policies|terms of service|acceptable use)/),
    ],
    [
      '550 5.7.1 Message rejected due to local policy',
      seq(/(local|site|security|organi[sz]ation|domain|administrative|content|email|mail|our|recipient)/, / polic/),
    ],
    ['550 5.7.1 Message rejected by policy', /rejected by (policy|the recipient|recipient)/],
    [
      '550 5.7.1 Not accepted due to local policy',
      /not (accepted|allowed|authorized|permitted) (by|due to|under) .{0,20}polic/,
    ],
    ['550 5.7.1 Message prohibited', /prohibited/],
    ['550 5.7.1 Administratively denied', /administratively (denied|prohibited|disabled)/],
    [
      '550 5.7.1 Mail not accepted by policy',
      seq(
        /(message|mail|email) (is )?(not )?(accepted|allowed|permitted) .{0,20}(by|from) .{0,20}/,
        /(policy|administrator)/,
      ),
    ],
    ['550 5.7.1 The administrator has restricted this address', /administrator has (disabled|blocked|restricted)/],
    ['550 5.7.1 You are not allowed to mail this address', /you are not allowed/],
    ['550 5.7.1 Restricted recipient', /restricted (recipient|address|domain)/],
    [
      '553 mailbox rcpt@example.net is restricted',
      /(recipient|address|domain|mailbox) (<?[^\s<>@]+@[^\s<>@]+>? )?(is )?restricted/,
    ],
    ['550 5.7.1 This address accepts mail only from members', /accepts mail only from/],
    ['550 5.7.1 The recipient only accepts mail from known senders', /only accepts mail/],
    ['550 5.7.1 This address is for internal use only', /internal (use|only)/],
    ['550 5.7.1 This group only accepts messages from members', /this (group|list) (only accepts|does not accept)/],
    ['550 5.7.1 Permission denied', /permission (denied|to post)/],
    [
      '550 5.7.1 You are not authorized to email this address',
      /not (authorized|allowed|permitted) to (post|send|email)/,
    ],
    ['550 5.7.1 Authorization required', /authorization (required|failed)/],
    ["550 5.7.1 You don't have permission to send to this group", /you (don't|do not) have permission/],
    ['550 5.7.1 Access denied', /5\.7\.1 .{0,40}(not (authorized|allowed|permitted)|denied|restricted)/],
  ]),
  rule('security.error', 'securityerror', [
    ['550 5.7.0 Rejected for security reasons', /security (policy|reason|violation|error|check)/],
    ['550-Please turn on SMTP Authentication in your mail client.', /smtp authentication/],
    ['550 Unauthenticated senders not allowed', /unauthenticated senders?/],
    ['535 5.7.8 Error: authentication failed: bad credentials', /authentication (required|failed|failure)/],
    ['550 5.7.0 You must authenticate first', /(must|need to) (authenticate|log ?in)/],
    ['550 5.7.1 Password expired for this account', /password/],
    ['550 5.7.0 Insecure protocol not allowed', /insecure/],
    ['550 5.7.0 Connection not secure', /not secure/],
    ['550 5.7.1 Your certificate was not accepted', /certificate/],
    ['550 5.7.0 Encryption needed', /encryption/],
    ['550 5.7.0 Access denied', /access denied/],
  ]),

  // --- the remote system and the network ---------------------------------------------
  rule('system.full', 'systemfull', [
    [
      '452 4.3.1 Insufficient system storage',
      /(insufficient|not enough|out of|no) (system |disk )?(storage|space|disk)/,
    ],
    [
      '452 4.3.1 Spool is full',
      /(disk|filesystem|file system|storage|spool) (is |was )?(full|quota exceeded|exhausted)/,
    ],
    ['452 4.3.1 The system is full, try again later', /system (is )?full/],
    ['452 4.3.1 Mail system full (5.3.1)', /5\.3\.1/],
    ['452 4.3.1 Insufficient system storage', /4\.3\.1/],
    ['452 4.3.1 Insufficient system storage', /system storage/],
  ]),
  rule('network.other', 'networkerror', [
    [
      'SMTP module(domain example.net) reports: connection with mx1.example.net is broken',
      /connection with .{0,60} is broken/,
    ],
    ['connection failed', /(connection|connect) (reset|lost|failed|closed|dropped)/],
    ['451 4.4.1 Could not connect to the remote server', /could not connect/],
    ["451 4.4.1 Couldn't connect to the mail exchanger", /couldn't connect/],
    ['421 4.4.0 Unable to connect to mx.example.com', /unable to connect/],
    ['451 4.4.1 Cannot connect to mx.example.com', /cannot connect/],
    ["can't connect to mx.example.com", /can't connect to/],
    ['421 Host not reachable', /not (responding|reachable)/],
    ['451 4.4.2 Remote host closed connection', /remote (server|host|end) (closed|disconnected|not responding)/],
    ['451 4.4.2 Unexpected EOF during the SMTP session', /unexpected (eof|end of|disconnect)/],
    ['451 4.4.2 Broken pipe', /broken pipe/],
    ['451 4.4.2 SMTP protocol error', /smtp protocol (error|violation)/],
  ]),
  rule('system.error', 'systemerror', [
    ['554 5.2.0 STOREDRV.Deliver.Exception:StoreDriverRetireException; transient exception', /transient exception/],
    ['554 5.2.0 Failed to process message due to a transient error', /failed to process (the )?message/],
    ['421 server too busy, try again', /(server|system) (is )?too busy/],
    ['421 4.3.2 Too busy to accept mail now', /too busy to accept/],
    ['421 4.3.2 System load is too high', /load (is )?too high/],
    ['421 Too much load, try again later', /too much load/],
    ['X-Postfix; mail for example.jp loops back to myself', /loops back to myself/],
    [
      '451 4.3.0 Internal server error, please try again later',
      seq(
        oneOf(
          /internal|system|server|local|configuration|unexpected|database|ldap|backend|storage|i\/o/,
          /resource|processing/,
        ),
        / (error|failure|problem|fault|issue)/,
      ),
    ],
    ['451 4.3.0 Error while processing the message', /error (in|while|during) (processing|delivery|reading|writing)/],
    [
      '451 4.3.0 Service temporarily unavailable',
      /temporarily (unavailable|deferred|rejected|failed|not available|unable)/,
    ],
    ['554 Service currently unavailable', /service (temporarily |currently )?(unavailable|not available)/],
    ['451 4.3.0 Internal server error, please try again later', /try (again )?(later|in a (few|moment))/],
    ['451 4.3.0 Please retry', /please retry/],
    [
      '421 4.4.5 Server busy, try again later.',
      seq(
        /(server|system|service) (is )?(temporarily )?/,
        /(busy|overloaded|down|unavailable|not available|in maintenance)/,
      ),
    ],
    ['Unable to deliver message after multiple retries, giving up.', /unable to (process|deliver|accept)/],
    ['451 4.3.0 Cannot process the message now', /cannot (process|complete|accept)/],
    ['451 4.3.0 Not able to process the message', /not (able|possible) to (process|deliver|complete)/],
    ['452 4.3.0 Resources temporarily unavailable', /resources? (temporarily )?(unavailable|exhausted)/],
    ['451 4.3.0 Out of memory', /out of memory/],
    ['421 4.3.2 Server under maintenance', /maintenance/],
    ['451 4.3.0 Local problem, try later', /local problem/],
    ['451 4.3.0 Requested action aborted: local error in processing', /requested action aborted/],
    ['554 Transaction failed', /transaction failed/],
    ['451 4.3.0 Internal server error, please try again later', /4\.3\.\d/],
    ['550 5.3.5 <user@example.org>... Internal System Error', /5\.3\.[05]/],
    ['451 4.3.0 Error: queue file write error', /queue (file )?(write|error)/],
    ['451 4.3.2 Mail delivery temporarily suspended', /delivery (temporarily )?(suspended|deferred)/],
    ['451 4.3.0 Error processing message', /error (in )?processing/],
    ['451 4.3.0 There is a problem with the mail server', /problem with .{0,20}(server|system)/],
  ]),
  rule('syntax.command', 'syntaxerror', [
    ['501 5.5.2 Syntax error in parameters', /syntax error/],
    ['501 5.1.3 Malformed address', /malformed address/],
    ['504 Command parameter not implemented', /command parameter not implemented/],
    ['504 Command parameter not implemented', /not implemented/],
    ['502 5.5.1 Command not recognized', /command (not recogni[sz]ed|unrecogni[sz]ed|not implemented|out of sequence)/],
    ['503 5.5.1 Bad sequence of commands', /bad (command )?sequence/],
    ['500 5.5.1 Unrecognized command', /unrecognized command/],
    ['500 5.5.1 Invalid command', /invalid command/],
    ['501 5.5.4 Parameter not recognized', /parameter (not recogni[sz]ed|error)/],
    ['503 5.5.1 Error: need MAIL command', /5\.5\.[0-4] .{0,30}(syntax|command|sequence|parameter)/],
    ['550 5.5.1 Command rejected', /command rejected/],
    ['451 4.5.0 Protocol error', /protocol error/],
  ]),
  // Last: a local delivery program's own words ("X-Unix; temporary failure"), when no rule
  // above explains them (a full disk or quota says more than who reported it).
  rule('mailer.local-program', 'mailererror', [['X-Unix; temporary failure', /^x-unix; (?:\d+$|(?!\d+\b))/]]),
  // 551 ("user not local"): the reply code says moved when no words say more
  // ("551 <x> is a deactivated mailbox" is a disabled mailbox).
  rule('mailbox.moved.551', 'hasmoved', [['551 not our customer', /^551\b/]]),
  rule('domain.noaccept', 'notaccept', [
    [
      '550 5.3.2 This domain does not accept mail',
      seq(
        /(does not|doesn't|do not|will not|won't|cannot) accept (any )?(e-?mail|mail|messages)/,
        /(?! (from|containing|with|as|that|larger|over|for|to)\b)/,
      ),
    ],
    ['550 5.3.2 No mail service for this domain', /no mail (is )?(accepted|service)/],
    ['550 5.3.2 This domain does not accept mail', /not accept(ing)? mail(?! from)/],
    [
      '550 5.3.2 This domain does not accept mail',
      /(domain|host|server) (does not|doesn't) (receive|accept) (mail|e-?mail)/,
    ],
    ['550 5.3.2 Mail is not accepted here', /mail (is )?not accepted/],
    ['550 5.3.2 This domain does not accept mail', /5\.3\.2/],
    ['550 5.7.27 See RFC 7505', /5\.7\.27/],
    ['556 5.1.10 No mail service', /\b556\b/],
  ]),
];

/** When no words matched: the enhanced status code (RFC 3463), most specific first. */
export const STATUS_RULES: Rule[] = [
  s('status.x.1.1', 'userunknown', /^5\.1\.(1|0|3)$/, 'Status: 5.1.1 (bad destination mailbox address)'),
  s('status.x.1.2', 'hostunknown', /^5\.1\.2$/, 'Status: 5.1.2 (bad destination system address)'),
  s('status.x.1.6', 'hasmoved', /^5\.1\.6$/, 'Status: 5.1.6 (destination mailbox has moved)'),
  s('status.x.1.10', 'notaccept', /^5\.1\.10$/, 'Status: 5.1.10 (recipient address has null MX)'),
  s('status.x.1.7-8', 'rejected', /^[45]\.1\.[78]$/, "Status: 5.1.8 (bad sender's system address)"),
  s('status.x.1.4', 'userunknown', /^5\.1\.4$/, 'Status: 5.1.4 (destination mailbox address ambiguous)'),
  s('status.x.2.1', 'suspend', /^[45]\.2\.1$/, 'Status: 5.2.1 (mailbox disabled, not accepting messages)'),
  s('status.x.2.2', 'mailboxfull', /^[45]\.2\.2$/, 'Status: 4.2.2 (mailbox full)'),
  s('status.x.2.3', 'emailtoolarge', /^[45]\.2\.3$/, 'Status: 5.2.3 (message length exceeds administrative limit)'),
  s('status.x.2.4', 'systemerror', /^[45]\.2\.4$/, 'Status: 5.2.4 (mailing list expansion problem)'),
  s('status.x.3.1', 'systemfull', /^[45]\.3\.1$/, 'Status: 4.3.1 (mail system full)'),
  s('status.x.3.2', 'notaccept', /^[45]\.3\.2$/, 'Status: 5.3.2 (system not accepting network messages)'),
  s('status.x.3.4', 'emailtoolarge', /^[45]\.3\.4$/, 'Status: 5.3.4 (message too big for system)'),
  s('status.x.3', 'systemerror', /^[45]\.3\.\d+$/, 'Status: 4.3.0 (other or undefined mail system status)'),
  s('status.x.4.7', 'expired', /^[45]\.4\.7$/, 'Status: 4.4.7 (delivery time expired)'),
  s('status.x.4.1-2', 'networkerror', /^[45]\.4\.[0-6]$/, 'Status: 4.4.1 (no answer from host)'),
  s('status.x.5', 'syntaxerror', /^[45]\.5\.\d+$/, 'Status: 5.5.2 (syntax error)'),
  s('status.x.6', 'contenterror', /^[45]\.6\.\d+$/, 'Status: 5.6.0 (other or undefined media error)'),
  s('status.x.7.1', 'policyviolation', /^[45]\.7\.1$/, 'Status: 5.7.1 (delivery not authorized, message refused)'),
  s(
    'status.x.7.auth',
    'authfailure',
    /^[45]\.7\.(2[346789])$/,
    'Status: 5.7.26 (multiple authentication checks failed)',
  ),
  s('status.x.7.25', 'requireptr', /^[45]\.7\.25$/, 'Status: 5.7.25 (reverse DNS validation failed)'),
  s('status.x.7', 'securityerror', /^[45]\.7\.\d+$/, 'Status: 5.7.0 (other or undefined security status)'),
];
