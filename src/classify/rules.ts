// Bounce rules are data: an ordered table. A text rule matches the diagnostic text (lower
// case, white space folded); a status rule matches the enhanced status code. The first
// match decides, and its id is stored with the fact. Each text rule carries the kind of
// real reply it was written for. Text rules come first: a receiver's words are more
// specific than its status code ("550 5.2.1 <x>... User Unknown" is an unknown user).
import type { Reason } from './reasons.ts';

export interface Rule {
  id: string;
  reason: Reason;
  /** Matched against the folded, lower-case diagnostic text. */
  text?: RegExp;
  /** Matched against the enhanced status code ("5.1.1"). */
  status?: RegExp;
  /** A real reply of the kind this rule was written for. */
  example: string;
  /**
   * The words decide alone: neither the SMTP stage nor a vaguer status code changes them.
   * For replies that name the receiver's own directory lookup ("not listed in Domino
   * Directory", "This user doesn't have a yahoo.com account"), which filters do not borrow,
   * and for replies that name their reason outright ("rejected for policy reasons").
   */
  certain?: boolean;
}

const t = (id: string, reason: Reason, text: RegExp, example: string): Rule => ({ id, reason, text, example });
const s = (id: string, reason: Reason, status: RegExp, example: string): Rule => ({ id, reason, status, example });

export const TEXT_RULES: Rule[] = [
  // --- providers' own codes, which say more than their words -------------------------
  // Orange and La Poste (France) end each reply with a code of their published table
  // ("Mail rejete. Mail rejected. OFR_506 [506]", "LPN000_630").
  t(
    'provider.orange-spam',
    'spamdetected',
    /\b(?:ofr|lpn)\d*_506\b/,
    '550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]',
  ),
  t(
    'provider.orange-system',
    'systemerror',
    /\b(?:ofr|lpn)\d*_505\b/,
    '421 4.2.0 Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR005_505 [505]',
  ),
  t(
    'provider.orange-policy',
    'policyviolation',
    /\b(?:ofr|lpn)\d*_630\b/,
    '554 5.7.1 <client.example[192.0.2.1]:49309>: Client host rejected: #216 lpn LPN000_630',
  ),
  // Cox's AUP# codes (cox.com postmaster page), which come after words that blame the sender.
  t(
    'provider.cox-blocked',
    'blocked',
    /\baup#(cdrbl|cxbl|ipbl\d+)\b/,
    '550 5.1.0 <sender@example.com> sender rejected. Refer to Error Codes section at https://www.cox.com/residential/support/email-error-codes.html for more information. AUP#CDRBL',
  ),
  t('provider.cox-ptr', 'requireptr', /\baup#cxdns\b/, '554 5.7.1 rejected - no rDNS AUP#CXDNS'),
  t('provider.cox-auth', 'authfailure', /\baup#cxsndr\b/, '550 5.1.0 sender rejected AUP#CXSNDR'),
  t(
    'provider.cox-rate',
    'ratelimited',
    /\baup#(cxcnct|cxmxrt)\b/,
    '421 4.7.0 too many sessions from 192.0.2.1 AUP#CXCNCT',
  ),
  t(
    'provider.cox-account',
    'securityerror',
    /\baup#(cxthrt|cxmj)\b/,
    '550 5.7.1 Email sending limited due to suspicious account activity AUP#CXTHRT',
  ),
  t('provider.cox-url', 'spamdetected', /\baup#urlbl\d+\b/, '552 5.7.0 URL found on a block list AUP#URLBL1001'),
  // Spectrum (Charter) AUP#In-NNNN / AUP#Out-NNNN codes, by the ranges of its published table.
  t(
    'provider.spectrum-rejected',
    'rejected',
    /\baup#[a-z]*-?(10[1-7]0|1080|1500|1520)\b/,
    '550 5.1.0 sender rejected. AUP#Out-1010',
  ),
  t('provider.spectrum-system', 'systemerror', /\baup#[a-z]*-?1090\b/, '451 4.3.0 Please try again later. AUP#In-1090'),
  t(
    'provider.spectrum-ptr',
    'requireptr',
    /\baup#[a-z]*-?(11[0-4]\d|1150)\b/,
    '550 5.7.1 Reverse DNS lookup failed. AUP#In-1100',
  ),
  t(
    'provider.spectrum-policy',
    'policyviolation',
    /\baup#[a-z]*-?(11[6-8]\d|1190|1560)\b/,
    '550 5.7.1 Message rejected by domain security policy. AUP#In-1160',
  ),
  t(
    'provider.spectrum-blocked',
    'blocked',
    /\baup#[a-z]*-?(1000|12[0-4]\d|1250)\b/,
    '554 5.7.1 IP blocked. AUP#In-1000',
  ),
  t('provider.spectrum-network', 'networkerror', /\baup#[a-z]*-?1260\b/, '550 5.7.1 IPv6 not accepted. AUP#In-1260'),
  t(
    'provider.spectrum-rate',
    'ratelimited',
    /\baup#[a-z]*-?(1[34]\d\d|1540|1550|1580)\b/,
    '550 5.1.0 <sender@example.com> sender rejected. Please see https://www.spectrum.net/support/internet/understanding-email-error-codes for more information. AUP#In-1310',
  ),
  t('provider.spectrum-size', 'emailtoolarge', /\baup#[a-z]*-?1530\b/, '552 5.3.4 Message too large. AUP#Out-1530'),
  // Outlook.com's postmaster codes (RP-, SC-, DY-, OU-), as its troubleshooting page defines them.
  t(
    'provider.outlook-reputation',
    'badreputation',
    /\b(rp-00[1-3]|sc-001|ou-002)\b/,
    '421 RP-001 The mail server IP connecting to Outlook.com server has exceeded the rate limit allowed. Reason for rate limitation is related to IP/domain reputation.',
  ),
  t(
    'provider.outlook-policy',
    'policyviolation',
    /\bsc-002\b/,
    '550 SC-002 Mail rejected by Outlook.com for policy reasons. The mail server IP connecting to Outlook.com has exhibited namespace mining behavior.',
  ),
  t(
    'provider.outlook-blocked',
    'blocked',
    /\b(sc-00[34]|dy-001|ou-001)\b/,
    '550 SC-004 Mail rejected by Outlook.com for policy reasons. A block has been placed against your IP address because we have received complaints concerning mail coming from that IP address.',
  ),
  t(
    'provider.outlook-virus',
    'virusdetected',
    /\bdy-002\b/,
    '550 DY-002 Mail rejected by Outlook.com for policy reasons. The likely cause is a compromised or virus infected server/personal computer.',
  ),
  // Exchange Online's non-delivery reports, in the words of Microsoft's published table.
  t(
    'provider.microsoft-blocked',
    'blocked',
    /access denied, (please try again later|bad helo|banned sender\b)|does not accept email over ipv6/,
    '550 5.7.511 Access denied, banned sender[192.0.2.1]. To request removal from this list please forward this message to delist@messaging.microsoft.com.',
  ),
  t(
    'provider.microsoft-sender',
    'rejected',
    /sendernotauthenticatedforgroup|bad outbound sender|sender (was )?not authenticated (by|for) (organization|group|mailbox|public folder)|sender not in allowed-senders list|spam abuse detected|sending from unregistered domains/,
    '550 5.7.124 Sender not in allowed-senders list',
  ),
  t(
    'provider.microsoft-rate',
    'ratelimited',
    /exceeded permitted limits within|tenant has exceeded threshold|recipient thread limit exceeded|daily limit for message recipients|submission quota exceeded|per hour message receive limit|limit for the number of messages they can receive/,
    '550 5.2.122 The recipient has exceeded their limit for the number of messages they can receive per hour.',
  ),
  t(
    'provider.microsoft-system',
    'systemerror',
    /failed to be replicated|suspiciousremoteservererror|agent busy/,
    '451 4.4.22 Message failed to be replicated: no healthy peers found',
  ),
  t(
    'provider.microsoft-recipient',
    'suspend',
    /access denied, banned recipient/,
    '550 5.7.505 Access denied, banned recipient',
  ),
  t(
    'provider.microsoft-tenant',
    'notaccept',
    /no mail-enabled subscriptions/,
    '550 4.4.4 Hosted tenant which has no mail-enabled subscriptions',
  ),

  // --- the message's form, and local delivery programs ----------------------------------
  t(
    'content.rfc',
    'notcompliantrfc',
    /without (a |the |any )?(to|from|date|message-id):? (header|field)s?|blank from:? addresses|not allowed as a from|rfc ?5322 section [\d.]+ compliant|missing a valid (address in the from|message-id)|unicode character in a disallowed header|encoded-word syntax is not permitted|mail message is malformed|rfc ?(5322|2822|822|5321|2821|1123)[ -]?(compliant|compliance|conform|violation|standards?|format|requirements?)|not (rfc|standards?)[ -]?compliant|multiple addresses in from|duplicate (header|subject|from|to|date|message-id)|multiple (from|subject|date|message-id|to)|missing (required )?(header|from|date|message-id|subject)|(header|from:|date:|message-id:?).{0,20}(missing|required)|message-id (header )?(is )?(missing|invalid)|bare (lf|linefeed|cr)|improperly formatted/,
    '550 5.7.1 This message is not RFC 5322 compliant',
  ),
  t(
    'mailer.program',
    'mailererror',
    /command output:|\bmailer error\b|pipe to \||procmail|mail(er)? program|unknown mailer error|local delivery (program|agent) .{0,30}(failed|error)|exit (code|status) \d+|smrsh: |sh: /,
    'X-Unix; 1 (unknown mailer error 1): procmail: Couldn\'t create "/var/spool/mail/user"',
  ),
  t(
    'system.backend',
    'systemerror',
    /\bldap\b.{0,30}(server|error|fail|unavailable)|unable to contact ldap|could not load drd|database (error|failure|unavailable)/,
    '451 4.4.3 Unable to contact LDAP server',
  ),
  // --- the sending side: authentication, reputation, block lists, rate ---------------
  t(
    'auth.dmarc',
    'authfailure',
    /\bdmarc\b.{0,60}(fail|reject|policy)|(fail|reject|did not pass|not pass)\w*.{0,40}\bdmarc\b/,
    '550 5.7.1 Email rejected per DMARC policy for example.com',
  ),
  t(
    'auth.spf',
    'authfailure',
    /spf\.pobox\.com|inspect your spf|\bspf\b.{0,40}(fail|check|reject|not (pass|authori[sz]ed))|(fail|reject)\w*.{0,30}\bspf\b|sender policy framework|bad spf|is not (designated|allowed) to send|not permitted by domain .{0,40}to send mail|does not designate .{0,60}as permitted sender/,
    '550 5.7.23 The message was rejected because of Sender Policy Framework violation',
  ),
  t(
    'auth.dkim',
    'authfailure',
    /\bdkim\b.{0,40}(fail|invalid|signature|required)|(fail|invalid|not pass)\w*.{0,30}\bdkim\b/,
    '550 5.7.20 message does not pass DKIM',
  ),
  t(
    'auth.unauthenticated',
    'authfailure',
    /must pass (either )?spf or dkim|authenticate (their email )?with (either )?(spf|dkim)|(spf|dkim) (authentication )?(does not|doesn't|did not|didn't) pass|aligned with either the authenticated|spf record of the sending domain|(have|add) a dmarc record|it is unauthenticated|required authentication level|authentication requirements defined for the sender|unauthenticated (mail|email) from|does not have authentication information|fails to pass authentication|5\.7\.26|not authenticated .{0,40}(sender|domain)|authentication (check|verification) failed|sender (domain )?(is not|not) authenticated/,
    '550 5.7.26 Unauthenticated email from example.com is not accepted',
  ),
  t(
    'ptr.missing',
    'requireptr',
    /no rdns\b|dns check failure|cannot find your (host ?name|hostname)|cannot resolve your (address|host)|forward dns entry does not point|unresolvable relay host|dns lookup failure: \d{1,3}(\.\d{1,3}){3}|reverse (dns|lookup|address|mapping|host ?name)|unverif(ia|ya)ble sending ips?|\bptr\b.{0,40}(record|lookup|missing|match|fail)|no (ptr|rdns|reverse)|\brdns\b|(cannot|can't|could not|unable to) (resolve|find) .{0,40}(host ?name|name) for .{0,30}\[?\d+\.\d+|ip name lookup failed|client host .{0,60}(has no|without) (hostname|ptr)|does not have a valid reverse|mismatches client ip|hostname .{0,30}(does not|doesn't) match .{0,20}(ip|address)/,
    '550 5.7.25 The IP address sending this message does not have a PTR record setup',
  ),
  t(
    'reputation.low',
    'badreputation',
    /(poor|bad|low|negative) (ip |sender |domain |e-?mail )?reputation|reputation (of|is|too low)|sender (score|reputation)|ip reputation|\bsenderscore\b|temporarily deferred due to (unexpected volume or )?user complaints/,
    '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints',
  ),
  t(
    'spam.url',
    'spamdetected',
    /(blacklisted|blocklisted|blocked|listed) (url|uri|link|domain)s? (in|found in) (the )?(message|body|content)|url(s)? in (the )?message (is|are) (blacklisted|blocklisted|listed)/,
    '550 REJECTED - Blacklisted URL in message. (example.com) in [multi.surbl.org]',
  ),
  t(
    'syntax.pipelining',
    'syntaxerror',
    /smtp protocol violation|pipeline after starttls/,
    '523 5.7.10 SMTP protocol violation, no commands allowed to pipeline after STARTTLS.',
  ),
  t(
    'tls.required',
    'failedstarttls',
    /mta-sts|certificate-(expired|host-mismatch)|tlsa-invalid|dnssec-invalid|starttls-not-supported|remote certificate failed|sent over a tls connection|to use tls|starttls|(not|doesn't|does not) support .{0,20}\btls\b|\btls\b.{0,40}(required|failed|handshake|negotiat|must)|must issue a starttls|encryption required|require.{0,20}tls|ssl (handshake|routines)/,
    '530 5.7.0 Must issue a STARTTLS command first',
  ),
  t(
    'rate.slow-down',
    'ratelimited',
    /(has been|have been|is|are) (temporarily )?rate[- ]limited|number of (allowed |outgoing |sent )+(messages|e-?mails|recipients) .{0,40}(exceeded|reached)|too many (concurrent )?sessions|try again slower|too many errors from|please slow down|sending too fast/,
    '451 4.7.1 <mx.example.jp[192.0.2.3]>: Client host rejected: Please try again slower',
  ),
  // Our sending IP or host refused, in words that name it (before the sender-address rule,
  // which would read "bad sender IP" as our address).
  t(
    'block.sending-ip',
    'blocked',
    /too many bad commands from|too many invalid recipients|mail from ip .{0,40}(rejected|refused|blocked)|messages from \[?\d{1,3}(\.\d{1,3}){3}\]? will be permanently deferred|not in (the )?(whitelist|allowlist)|\b(sending|sender|client|your|access) ip( address)? .{0,40}(rejected|blocked|banned|forbidden|listed|not allowed)|banned sending ip|bad sender ip|bad ip profile|dynamic ips?\b|(from|by) your ip\b|server ip .{0,40}listed|mail server at .{0,40}is blocked|currently sending spam|you are sending spam|too many spams from|suspiciously like (a )?spammer|open proxy|listed as abusive|no access from mail server|(confirm this mail server|requires confirmation)|has not passed validation|\bgo away\b|(refused|(?<!envelope )blocked) - see http/,
    '554 5.7.1 Access denied, banned sending IP [192.0.2.1]',
  ),
  t(
    'relay.denied',
    'norelaying',
    /unauthori[sz]ed relay|local users? only|relay through this server|relaying to .{0,80}(prohibited|denied|not (allowed|permitted))|list of allowed rcpthosts|credentials for relay|mail relay denied|not authori[sz]ed to send (e-?mail )?directly|as a relay\b|not an open relay|not local host|specified domain is not allowed|don'?t handle mail for|requires authentication when attempting to send to a non-local|insecure mail relay|identities failed the check|(e-?mail )?address is not verified\. the following identities|not configured to relay|relay(ing)? (access )?(denied|not (permitted|allowed|authori[sz]ed))|(unable|not allowed|not permitted|cannot) to relay|we do not relay|no relaying|relay(ing)? (is )?(prohibited|refused|rejected)|(is|are) not permitted to relay|not a gateway|relaying mail to .{0,40}is not allowed|not local.{0,20}(relay|please try)/,
    '554 5.7.1 <user@example.org>: Relay access denied',
  ),
  t(
    'security.auth',
    'securityerror',
    /\bauth failed\b|incorrect authentication data|failed to authenticate|authentication not allowed|too many login attempts|authentication (is )?required|authentication credentials|authentication turned on|not subscribed to ses|not authori[sz]ed to perform ses|(?<!(sender|recipient|address) )verification failure|is a dead domain/,
    '530 5.7.0 Authentication required',
  ),
  // Every recipient refused at once (Exchange Online: "All recipient addresses rejected"):
  // the receiver refuses the sender, not one mailbox.
  t(
    'recipients.all-rejected',
    'rejected',
    /all recipient addresses rejected/,
    '550 5.4.1 All recipient addresses rejected : Access denied',
  ),
  // "Mail from x rejected for policy reasons": the policy is the reason, not the sender.
  {
    ...t(
      'policy.reasons',
      'policyviolation',
      /(rejected|refused|denied) (for|due to) (local )?policy reasons/,
      '554 Mail from sender@example.net rejected for policy reasons.',
    ),
    certain: true,
  },
  t(
    'sender.rejected',
    'rejected',
    /sender (e-?mail |address )?is (rejected|not in (my|our) domain)|verify mail ?from failed|mail from is mismatched|badmailfrom|unresolvable rfc\.?5321 (from )?domain|mail sending denied|\bbatv\b|administrative prohibition|backscatter protection|sender isn't on the recipient's list|bogus mail from|empty envelope senders?|null sender (is )?not allowed|no third-party dsns|unsigned dsn|returned mail not accepted|bouncedeny|[ée]metteur invalide|envelope blocked|fully qualified (e-?mail )?address required|not owned by user|sender (is|not) (a )?(spammer|pre-?approved|in (my|our|the) black ?list)|sender domain is empty|unroutable sender|sender (address )?(has been )?blacklisted|(e-?mail )?address has been blacklisted|senderfilterconfig|valid-address-filter|access to submit messages .{0,40}rejected|sender (e-?mail )?address rejected|'send mail as' feature|sending this from a different address or alias|sender was rejected|purported responsible address|(mail ?from|sender|envelope) (domain|address)? ?(is )?listed|sender (address |domain )?(rejected|refused|denied|blocked|invalid|unknown|not (allowed|accepted|authorized|permitted|valid|verified|recognized))|(mail from|envelope from|envelope sender|return path|from address|sender address|sender domain|your address|your domain|reverse path)(es)? .{0,40}(rejected|refused|denied|blocked|invalid|not (allowed|accepted|permitted|valid|verified|exist|resolv))|domain of sender address .{0,60}(does not|doesn't) (exist|resolve)|sender verify failed|sender verification|(unknown|invalid|bad|null) sender|sender .{0,40}(does not exist|not exist|is not valid|unknown)|rejected by the sender|undeliverable sender|refused to accept mail from|we do not accept mail from|not accept mail from|mail from .{0,40}(not allowed|rejected|refused|denied)|blocked sender|senders? (is )?(on|in) .{0,20}(block|deny|black)|your (e-?mail )?address has been blocked|domain .{0,20}has been blocked|sender is not allowed|you are not allowed to send|from: header .{0,20}(rejected|invalid)|\bfrom:? (domain|address|header) (is )?(invalid|not valid)|provide a valid from|sending (to\/)?from an address that (has been|is) (blacklisted|blocklisted|blocked)|sender address verification fail|sender address does not|not authori[sz]ed to send(?! (e-?mail )?directly)|unauthori[sz]ed sender/,
    '550 5.1.8 <sender@example.com>: Sender address rejected: Domain not found',
  ),
  // "Blocked because it contains spam": the message, not our host.
  t(
    'spam.contained',
    'spamdetected',
    /contains? (a |an )?(banned|prohibited|forbidden|blacklisted|blocked) (word|phrase|expression)s?|(blocked|rejected|refused) because (it|the message) contains (spam|unsolicited)|contains? (the )?spam content|spam pattern|\bdspam\b/,
    '554 5.7.1 This message has been blocked because it contains spam content',
  ),
  // cPanel's Exim says this for any permanent refusal it cannot explain; it names the
  // account or domain first, before the block-list words the next rule would take.
  t(
    'host.unknown.cpanel',
    'hostunknown',
    /the account or domain may not exist/,
    'The mail server could not deliver mail to user@example.net. The account or domain may not exist, they may be blacklisted, or missing the proper dns entries.',
  ),
  t(
    'block.list',
    'blocked',
    /\[\d{1,3}(\.\d{1,3}){3}\] .{0,30}block(ed)? for spam|\b(rtr|rly):(bl|du|b\d)\b|\b(ip|address) \[?\d{1,3}(\.\d{1,3}){3}\]? (is |has been |was )?(blocked|banned|blacklisted|blocklisted|refused|denied)|messages from \d{1,3}(\.\d{1,3}){3} (weren't|were not) sent|\b(block|black|deny|ban|reject)[- ]?list(ed)?\b|\bdnsbl\b|\brbl\b|spamhaus|spamcop|sorbs|barracuda ?(central|reputation)|\buceprotect|abuseat|\bcbl\b|\bpbl\b|\bsbl\b|\bxbl\b|(?<!not )listed (at|in|on|by) |my name was rejected|service refused|(?:^|\s)[45]\d\d[ -](?:[245]\.\d+\.\d+ )?blocked\b|not accepting connections|invalid ip for sending|on our block|mail from .{0,60}(refused|blocked)|(your|the|sending|client|connecting) (ip|host|server|mta)( address)?.{0,50}(is |has been |was )?(blocked|banned|blacklisted|blocklisted|refused|rejected|not (allowed|permitted))|(ip|address|host|network|domain)s? (is |are |has been |have been )?(temporarily |permanently )?(blocked|banned|blacklisted|blocklisted)|access denied.{0,40}(ip|network|client)|connection (refused|rejected|not allowed).{0,40}(from|by|due)|\bhelo\b.{0,40}(rejected|invalid|blocked)|not allowed to (connect|send)|rejected because of (your|the) ip|blocked (by|using|for) .{0,40}(policy|list|abuse)|client host \[?\d+\.\d+\.\d+\.\d+\]? blocked|(has|have) been (temporarily )?(blocked|suspended) (for|because|due)(?!.{0,12}inactiv)|service unavailable; client host|please use the smtp server of your isp|dial[- ]?up|dynamic (ip|address|pool)|residential|\bdul\b|generic (hostname|rdns)|\bbl\.|\bsbl\.|\bzen\./,
    '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
  ),
  t(
    'rate.limit',
    'ratelimited',
    /max(imum)? recipients? limit (exceeded|reached)|message threshold exceeded|excessive volume|outbound thread limit|max(imum)? (number of )?messages? per (connection|session)|receiving mail too quickly|relay limit exceeded|sending limit exceeded|max (emails|messages) per (hour|day|minute)|trop de connexions|numerous attempts to deliver|connection (count )?limit|too many (smtp )?sessions|too many (connections|concurrent|sessions|messages(?! (on the server|in (the|this|his|her|their) (mailbox|inbox)))|recipients|mails|emails|simultaneous|errors)|rate (limit|of)|(rate|sending|connection|hourly|daily|message) limit (exceeded|reached)|sending (rate|limit|quota)|exceeded .{0,40}(rate|sending|connection) limit|throttl|frequency limited|slow down|(sending|receiving) too (fast|many|much)|connection limit|maximum (number of )?(connections|messages|recipients) .{0,30}(exceeded|reached)|too much mail(?! data)|have sent too many|try (again )?later.{0,40}(rate|volume|too many)|exceeded the maximum number of|receiving mail at a rate that|temporarily rate limited/,
    '421 4.7.0 Our system has detected an unusual rate of unsolicited mail, try again later',
  ),
  t(
    'virus.found',
    'virusdetected',
    /potentially executable attachment|\bvirus|malware|infected|trojan|\bworm\b|phishing|malicious (content|attachment|url|link)|harmful/,
    '550 5.7.1 Message contains a virus (Eicar-Test-Signature)',
  ),
  t(
    'spam.content',
    'spamdetected',
    /\bdt:spm\b|(rejecting|unacceptable|banned) (mail )?content|(mail )?content (denied|reject(ed)?\b)|mail data refused|spamtrap|spamprofiler|bulk\.advertising|recurrent pattern detection|\buribl\b|antispam checks|(mail|spam|message) score .{0,30}(over|exceeds|above)|\bspam\b|\bspams\b|unsolicited|\bjunk\b|\bbulk (mail|e-?mail)\b|content (filter|rejected|scan)|message (content|body) (rejected|not accepted|filtered|blocked)|rejected (as|by) .{0,30}(spam|content)|scored .{0,30}(too high|spam)|(spam|bayes) score|looks like spam|detected as spam|considered (spam|as spam)|classified as|high probability of|suspicious (content|message|activity)|\buce\b|message (was )?(identified|judged|classified|flagged) as|policy.{0,20}content|url.{0,20}(block|listed)|spamassassin|mimecast .{0,30}(reject|spam)|(message|mail) (refused|rejected) (due to|because of) (content|spam)|rejected due to (spam|content)/,
    '550 5.7.1 Message rejected as spam by Content Filtering',
  ),

  // --- mailing lists refusing a post ------------------------------------------------
  t(
    'list.not-member',
    'rejected',
    /not (a )?member of (this|the) (mailing )?list|non-?member (post|submission)|not allowed to post|members-only list|only (list )?members (can|may) post/,
    'You are not a member of this mailing list <list@example.org>.',
  ),
  t('list.duplicate', 'systemerror', /duplicated message-id/, 'Duplicated Message-ID in <list@example.org>.'),

  // --- the recipient's mailbox --------------------------------------------------------
  // The sending service refused: the address is on its suppression list after earlier bounces.
  t(
    'mailbox.suppressed',
    'suppressed',
    /suppression list|has suppressed sending|\bbounced address\b|previously bounced/,
    '550 5.1.1 Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.',
  ),
  // A Google Groups notice, in whichever language: the group refused the post.
  t(
    'provider.google-groups',
    'rejected',
    /groups\.google\.com|\bgoogle groups\b/,
    'The group you tried to contact (x) may not exist, or you may not have permission to post messages to the group. … Google Groups',
  ),
  t(
    'domain.nullmx',
    'notaccept',
    /inbounds disabled|mail receiving disabled|no route for current request|smtp protocol returned a permanent error|couldn't find a mail exchanger|no mx (record )?found|(does not|doesn't) receive e?-?mail|null mx|indicated no smtp service|host does not accept mail|accepts no mail/,
    '556 5.1.10 Recipient address has null MX',
  ),
  t(
    'mailbox.full',
    'mailboxfull',
    /mail file size exceeded|(메일함|편지함|사서함)\S* .{0,20}(초과|가득)|hộp thư .{0,10}(đầy|vượt quá)|kotak (surat|masuk) .{0,10}penuh|c[aă]su[tţț]a po[sşș]tal[aă] .{0,40}plin[aă]|γραμματοκιβώτιο .{0,20}(γεμάτο|πλήρες)|תיבת הדואר .{0,10}מלאה|صندوق (البريد|الوارد) .{0,10}ممتلئ|quota limit (is )?(exceeded|reached)|(mail ?box|storage|disk) space (is )?(not enough|insufficient)|exhausted (the |its |allowed )*storage|zu ?viele mails|mail ?box <?[^\s<>@]+@[^\s<>@]+>? (is )?(full|over ?quota)|error writing message: file too large|mail ?box (is )?(full|over ?quota|exceeds|size limit|storage|has exceeded|quota|would exceed)|quota (exceeded|exceed|full|violation|reached)|over ?quota|exceed(s|ed|ing)? (the |their |his |her |its )?((storage|disk|mailbox) )?(quota|allocation)(?! for sending)|exceed(s|ed|ing)? (the |their |his |her |its )?(storage|disk|mailbox) size limit|(account|user|recipient|inbox|mailbox) (is |has )?(full|over ?quota|(storage|quota) (exceeded|full))|insufficient (disk |storage )?(space|quota) (for|in|at) .{0,20}(user|mailbox|recipient|account)|(user|mailbox|recipient)'?s? (disk|storage|space) (is |has been )?(full|exhausted)|not enough (storage|space) (for|in) .{0,20}(mailbox|user)|too many messages in|number of messages in .{0,40}(exceed|limit)|mailfolder is full|account storage limit|too much mail data|メールボックスが一杯|exceeded storage allocation|bo[iî]te (aux lettres )?(du destinataire )?(est )?pleine|space has been used up|too many messages (on the server|in (the|this|his|her|their) (mailbox|inbox))|(postfach|mailbox)( des empfängers)? (ist )?voll|speicherplatz|buzón (está )?lleno|casella (di posta )?(è )?piena|caixa (postal |de correio )?(est[áa] )?(cheia|lotada)|(mailbox|postbus) (is )?vol\b|skrzynka .{0,20}(pełna|przepełniona)|ящик переполнен|邮箱已满|信箱已满|邮箱空间不足|(brevlådan|inkorgen|postkassen|innboksen) (är|er) full|posta kutusu dolu|schránka je plná|容量|満杯|缶詰|quota de la boite|full mailbox|storage (limit|quota) (exceeded|reached)|maildir over quota|disk quota|mailbox full|recipient (is )?over (its|the|their) (storage|quota)|user over quota|4\.2\.2|5\.2\.2/,
    '552 5.2.2 <user@example.com>: Mailbox full',
  ),
  t(
    'message.toolarge',
    'emailtoolarge',
    /taille limite du message|(message|mail|email|e-mail|attachment|file)s? (size |length )?(is |was )?(too (big|large|long)|exceed(s|ed)?\b(?! \d+ hops| its quota)|larger than|over (the )?(size|limit))|(size|length) (of .{0,20})?(exceeds|exceeded|limit|too (big|large))|exceeds? (the )?(fixed |maximum |max )?(message |allowed )?size|too (large|big) (message|mail|for)|maximum (allowed )?(message )?size|message size|size limit|5\.3\.4|5\.2\.3|mesg(too)?big|message length exceeds|line limit exceeded|line too long|too many (recipients|addresses) .{0,20}(message|mail)/,
    '552 5.3.4 Message size exceeds fixed limit',
  ),
  t(
    'mailbox.moved',
    'hasmoved',
    /has (been )?moved|address (has )?changed|no longer (at|with|valid at) this|new (e-?mail )?address is|5\.1\.6|forwarding address|is now at/,
    '550 5.1.6 <user@example.com>: recipient has moved; use new.user@example.org',
  ),
  t(
    'mailbox.disabled',
    'suspend',
    /(blocked|suspended|disabled|closed|deactivated|locked) (due to|because of|for) (its |long )?inactivity|(user|account) (status is|not) (locked|activated|disabled|suspended)|(casilla|cuenta|buz[óo]n|conta|caixa|casella|account|compte|bo[iî]te|konto|postfach)( de correo| de e-?mail| postale)? .{0,20}(ha expirado|expirad[ao]|inactiv[ao]|inativ[ao]|deshabilitad[ao]|desativad[ao]|suspendid[ao]|suspens[ao]|disattivat[ao]|sospes[ao]|d[ée]sactiv[ée]e?|suspendu|gesperrt|deaktiviert)|@[^\s@]+ is no longer valid|> is now disabled|is currently suspended|archived recipient|destinataire archiv|user or domain is disabled|temporarily inactive|recipient suspend|domain \S+ is (currently )?suspended|(temporar(y|ily)|permanently) locked|(account|mailbox|address) (that )?you tried to reach is (disabled|inactive|suspended)|(recipient|user)'?s? account (is|has been) (blocked|locked)|compte du destinataire est bloque|(account|mailbox|user|address|recipient|e-?mail) (is |has been |was )?(temporarily |permanently )?(disabled|suspended|deactivated|inactive|locked|frozen|expired|closed|blocked by owner|on hold|not active|no longer active|cancell?ed|terminated|deleted|retired|unavailable for delivery)|(disabled|suspended|inactive|deactivated|locked|expired) (e-?mail )?(account|mailbox|user|recipient|address)|(account|mailbox) (has )?(been )?(expired|disabled)|user (is )?(inactive|suspended|disabled)|this account (is|has been) (disabled|suspended)|mailbox (is )?(inactive|not active|currently suspended)|inactive (user|account|recipient|mailbox)|5\.2\.1 .{0,40}(disabled|inactive|suspend)|recipient (is )?(suspended|deactivated)|mailbox (unavailable|disabled) \(?(inactive|suspended)|mailbox is frozen|account (is )?unavailable|gesperrt|deaktiviert/,
    '550 5.2.1 The email account that you tried to reach is disabled',
  ),
  // A domain that does not exist, in the words (and languages) that the mailbox rule below
  // would take for the user's.
  t(
    'host.unknown.words',
    'hostunknown',
    /domain name .{0,40}(does not appear to be|is not) registered|domain must exist|mail domain .{0,40}(is )?unknown|\b(domaine|domain|dominio|dom[íi]nio|domein)( name)? .{0,20}(n'existe pas|existiert nicht|no existe|non esiste|n[ãa]o existe|bestaat niet|unbekannt|inconnu|desconocido|sconosciuto|inexistente|inesistente)/,
    "550 5.1.2 Le domaine n'existe pas",
  ),
  // The receiver's directory has no such account, in its own words: no content filter
  // words its verdicts this way, whatever the stage.
  {
    ...t(
      'mailbox.unknown.directory',
      'userunknown',
      /(does not|doesn't) have an? [a-z0-9.-]+ account|(does not|doesn't) have an account (here|on this|at this)|unknown local-part|not listed in (the )?(domino directory|public name|(global )?address (book|list))|recipient name is not recognized|address couldn't be found|(wasn'?t|was not|couldn'?t be|could not be) found at the destination|invalid (final delivery )?userid|no valid recipients|check if (the )?address is correct|recip(ient)?notfound|no mailbox here by that name|ディレクトリには見つかりません|mail\.local: unknown user|unknown user: "|recipient address rejected: access denied|adresse destinataire invalide|destinataire inconnu|utilisateur inconnu/,
      "554 delivery error: dd This user doesn't have a yahoo.com account (user@yahoo.com) [0] - mta1061.mail.ne1.yahoo.com",
    ),
    certain: true,
  },
  t(
    'mailbox.unknown',
    'userunknown',
    /(adresse|destinataire)\S* .{0,40}introuvable|(adresse|empfänger|postfach)\S* .{0,30}nicht gefunden|(dirección|destinatario)\S* .{0,40}no se (encontró|encontro|ha encontrado)|no se (encontró|encontro) (la dirección|el destinatario)|impossibile trovare (l'indirizzo|il destinatario)|indirizzo non trovato|(endereço|destinatário)\S* .{0,40}não (foi )?encontrad|(adres|ontvanger)\S* .{0,20}niet gevonden|nie (został|zostal) znalezion|nie znaleziono (adresu|odbiorcy)|アドレスが見つかりません|宛先が見つかりません|找不到(收件人|该地址|地址)|(계정|사용자|주소|수신자|받는 ?사람)\S* .{0,20}존재하지 않|존재하지 않는 (계정|사용자|주소|메일|수신자)|(người dùng|địa chỉ|tài khoản|hộp thư) .{0,20}không tồn tại|(pengguna|alamat|akun|penerima) .{0,30}tidak (ditemukan|dikenal|terdaftar)|(utilizator|adres[aă]|destinatar)\S* .{0,30}nu exist[aă]|(χρήστης|διεύθυνση|παραλήπτης) .{0,20}δεν υπάρχει|(משתמש|כתובת|נמען) .{0,20}לא (קיים|קיימת|נמצא)|(المستخدم|العنوان|المستلم) .{0,20}غير موجود|ไม่มีผู้ใช้|destinatario errato|recipient (address )?verification fail|(recipient|address) cannot be verified|not a member of (this )?domain|user path (does )?not? exist|rcpt user <[^\s<>]*> not ok|\bbad_recipient\b|(user|recipient|mailbox|account|rcpt|address)e?s? [<(]? ?[^\s<>()@]+@[^\s<>()@]+ ?[>)]? (was |is )?(not found|unknown|(does not|doesn't) exist)|<[^\s<>@]+@[^\s<>@]+> not found|can'?t accept user|destination (addresses|address) (were|was) unknown|destination server rejected recipients?|(e-?mail )?address (could not|couldn't|cannot) be found|not an active address|no mail ?box (available|found)|nessun utente|not a local (address|user|recipient)|invalid-recipient|recipient (is )?not (accepted|ok)\b|badrcptto|badrecipientto|validrcptto|envelope recipient (has been denied|is in)|email name is not found|no one at this address|no longer accepts mail|wrong or no longer valid|missing home directory|invalid or unknown (virtual )?user|adresse nicht gefunden|no \S+ in name directory|does not exist at the organi[sz]ation|(user|mailbox|recipient|address|account|addressee|local ?part|e-?mail( address)?|alias|username|rcpt|person|user ?name|mail ?box name|customer)s? (is |was |are )?(unknown|not (found|known|exist|existing|valid|listed|recognized|recognised|present|here|available|registered|local|our customer)|(does not|doesn't|do not|did not) exist|nonexist|non-exist|invalid|unrecognized|unavailable|no (longer )?(exists?|valid|available|here)|(has been )?(removed|deleted)|disabled or discontinued|unverified|rejected: (user|recipient)|unroutable)|unknown (user|recipient|mailbox|address|local|account|alias|e-?mail)|no (such|valid|existing) (user|mailbox|recipient|address|account|person|local user|e-?mail|domain user|alias)|(user|recipient|mailbox|address|account) (name )?(lookup|verification) failed|invalid (recipient|mailbox|user|address|destination|e-?mail|local ?part|rcpt)|(bad|illegal|unknown|nonexistent|non-existent|inexistent) (destination )?(recipient|mailbox|address|user|e-?mail)|(does not|doesn't|do not) (have|exist|match) .{0,40}(account|mailbox|user|recipient|address)|no mailbox|mailbox (unavailable|not available|does not exist|not found|is not valid|is unavailable)|user doesn't have a|not (a )?(valid|known) (user|recipient|mailbox|address)|address rejected: (user unknown|undeliverable)|recipient not in (valid|our|the)|addressee unknown|unknown or illegal alias|no account by that name|not listed in (domino directory|public name|the (global )?address)|user (is )?not (found|here|known|listed)|user invalid|(user|recipient) unknown|undeliverable address|cannot (be )?deliver(ed)? to (this|the) (user|mailbox|recipient)|no such (user|address|mailbox|recipient)|this user doesn't have|address does not exist|requested action not taken: mailbox unavailable|mailbox unavailable|utilisateur inconnu|adresse (e-?mail )?(inconnue|inexistante|invalide)|destinataire inconnu|(adresse|destinataire|utilisateur|compte|bo[iî]te).{0,40}n'existe pas|unbekannt|existiert nicht|ungültige (adresse|empfänger)|no existe|desconocido|inesistente|sconosciuto|(indirizzo|utente|destinatario|casella).{0,40}non esiste|inexistente|(usu[áa]rio|utilizador|endere[çc]o|destinat[áa]rio|conta)s? .{0,30}(desconhecid|n[ãa]o existe)|onbekende (gebruiker|ontvanger|geadresseerde)|(adres|gebruiker|mailbox|ontvanger) .{0,30}bestaat niet|(adres|użytkownik|odbiorca|skrzynka) .{0,30}nie istnieje|nieznany (użytkownik|odbiorca|adresat)|(пользовател|адрес|ящик|получател|адресат)\S* .{0,30}(не существует|не найден|несуществ)|неизвестный (пользователь|адресат|получатель)|收件人不存在|地址不存在|帐[户號号]不存在|账[户号]不存在|用户名不存在|信箱不存在|邮箱不存在|okänd mottagare|ukjent mottaker|ukendt modtager|(kullanıcı|adres|alıcı) .{0,30}(bulunamadı|mevcut değil)|(adresa|uživatel|příjemce) .{0,30}neexistuje|nem létező (felhasználó|cím)|tuntematon vastaanottaja|存在しない|宛先不明|ユーザが存在|该用户不存在|用户不存在|無此使用者|resolver\.adr\.recipnotfound|resolver\.adr\.recipientnotfound|recipnotfound|5\.1\.0 .{0,20}address rejected|account has been disabled or discontinued|permanent failure for one or more recipients|no (such )?(user )?here|invalid (final delivery )?userid|check if (the )?address is correct|(?<!all )recipient address(es)? rejected ?: access denied|recipient (e-?mail )?address is (possibly )?(incorrect|invalid|wrong)|(wasn'?t|was not|couldn'?t be|could not be) found at the destination|recipient address rejected(?!:)|(account|address|mailbox|user) (that )?you tried to reach (does not|doesn't) exist|address couldn't be found|unknown (email )?address|not a valid (e-?mail|mailbox)|delivery (to|failed to) .{0,40}(not exist|unknown)/,
    '550 5.1.1 <user@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
  ),
  // --- the way there: DNS, routes, connections, the queue ----------------------------
  // The receiving system's own trouble, in words the network rules below would take for
  // a routing problem ("it would create a mail loop") or a timeout.
  t(
    'system.config',
    'systemerror',
    /no such file or directory|message ended early|forwarding loop broken|can't create (user )?output file|can ?not open new (e-?mail|mail|message) file|interrupted system call|error while being processed|would create a mail loop|loop was found in the mail exchanger|there is no mdb|(server|system) is misconfigured|(system|server|mail system|local) config(uration)? error|timeout waiting for input|unable to connect .{0,30}daemon/,
    '554 5.3.5 Local configuration error',
  ),
  t(
    'network.dns',
    'networkerror',
    /host lookup did not complete|dns error|host name lookup failure|host not found, try again|(malformed|unexpected) name server reply|name server: .{0,60}(lookup failure|timeout)|name server: .{0,60}(lookup failure|timeout)/,
    "DNS Error: DNS type 'mx' lookup of example.jp responded with code SERVFAIL",
  ),
  t(
    'host.unknown',
    'hostunknown',
    /non-?existent (domain|host)|unroute?able address|host (or domain name )?(not found|unknown)|domain is not reachable|(^|\s)(?![^\s]*@)[a-z0-9-]+(\.[a-z0-9-]+)+\.?:? does not exist|(domain|host) ?(name )?(not found|unknown|does not exist|doesn't exist|is invalid|lookup failed|not (exist|resolv|recogni[sz]ed))|unknown (host|domain)|no such (host|domain)|no (mx|mail exchanger|valid mx|dns|a record)|(mx|dns) (record|lookup|entry).{0,30}(not found|fail|missing|no )|name or service not known|nxdomain|unrouteable mail domain|unroutable domain|domain (is )?(invalid|not (valid|configured|local))|(invalid|illegal) (domain|host)|(recipient|address) domain .{0,30}(not|invalid|unknown)|couldn't find any host (named|by that name)|host name lookup failure|domain ist ungültig|resolver\.adr\.(nosuchdomain|baddomain)|no route to host for|hostname .{0,30}not found|dns error|dns (type|lookup)|all (relevant )?mx (records|hosts) (point to|are|failed)|domain (has )?no (valid )?mx|not able to resolve|could not be resolved|unresolvable|cannot resolve/,
    '550 5.1.2 Host unknown (Name server: example.invalid: host not found)',
  ),
  t(
    'network.route',
    'networkerror',
    /exceeded \d+ hops|dns records for the destination .{0,30}could not be found|host is unreachable|unable to resolve route|dns (query|lookup) (failed|error)|(malformed|unexpected) name server|host not found, try again|temporary (dns|lookup|name resolution) failure|no route to host|network (error|is unreachable|unreachable)|(host|network) unreachable|lost connection|(wasn't|was not|unable to|could not|couldn't) (be )?(able to )?establish|(mail|routing|forwarding|message) loop|loop detected|too many hops|hop count exceeded|too many (received|delivered-to)/,
    '554 5.4.6 Too many hops',
  ),
  t(
    'queue.expired',
    'expired',
    /cannot send message for \d+ (days?|hours?)|connection expired|delivery attempts will continue|delivery expired|failed to deliver to domain|giving up on|failing for a long time|has been delayed|not (been )?collected after|server did not respond|within the allowed queue period|message expired|envelope expired|could not deliver for the last|delivery failed \b\d+ attempts|did not accept our requests to connect|message will be retried|all hosts have been failing|still undelivered after|will keep trying|could not find a gateway|queue\.expired|\bexpired\b.{0,30}(message|delivery|queue|retry|time)|retry time(out)? (not reached|exceeded)|connection (timed out|refused)|timed? ?out|too long in (the )?queue|in the queue too long|could not be delivered (within|for)|not (been )?delivered (within|for|after)|unable to deliver .{0,30}(for|within|after|in) \d|delivery time expired|queue lifetime|delivery (attempts|period) .{0,30}(expired|exceeded)|\b\d+ (days|hours) .{0,30}(without|undelivered|could not)/,
    '554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>',
  ),

  // A receiver's rule against what we send, not a broken message: attachments, images,
  // mass mailers, closed lists.
  t(
    'policy.content',
    'policyviolation',
    /no data before greeting|attachment extension is forbidden|anti-spoofing policy|with the same message-id|(illegal|prohibited|forbidden) attachment|not accepting mail with|messages containing images|closed mailing list|organi[sz]ational settings|message given low priority|messages with multiple addresses|not subscribed to this group|mass mailer|solving a captcha|headers? (are|is) not accepted|executable files are not allowed/,
    'The recipient is not accepting mail with attachments or embedded images.',
  ),
  t(
    'content.mime',
    'contenterror',
    /invalid data in (the )?message|mime\/reject|invalid (mime )?structure|(does not|doesn't) accept .{0,30}(non-(western|latin)|character sets?|charsets?)|8-bit data in (the )?(message )?header|header size|mime complexity|improperly-formatted binary|unnecessary base64|(mime|attachment|character set|charset|encoding|8bit) .{0,30}(error|invalid|illegal|malformed|not (allowed|permitted|supported))|(invalid|illegal|malformed|bad|unsupported|prohibited|forbidden|blocked|banned|dangerous|unacceptable) (mime|attachment|character|charset|encoding|content|file|message structure)|attachment .{0,30}(blocked|not allowed|rejected|prohibited)|file (type|extension) .{0,30}(not allowed|blocked|rejected|prohibited)|5\.6\.\d/,
    '554 5.6.0 Message contains invalid header',
  ),
  t(
    'filter.recipient',
    'filtered',
    /(filter|filtered|filtering)|is not accepting any mail|refuse[sd]? to receive|only accepting mail from|recipient preferences|has restricted sms|\buser reject\b|(rejected|refused|blocked|denied) by (the )?(recipient|user|mailbox owner|owner)(?! domain)|recipient (has )?(rejected|refused|blocked)|user (has )?(rejected|refused|blocked)|(user|recipient|mailbox|addressee) (does not|doesn't|do not|is not|isn't) (accept|want|wish to receive|receiv|accepting)\w* (any )?(mail|messages|e-?mail)|(recipient|user|mailbox) (is )?(no longer|not) (accepting|receiving) (incoming )?(mail|email|messages)|mail (rejected|refused) by (recipient|user)|refused by mailbox owner|user('s)? (preference|settings|rule)|(recipient|user) (is )?not (authorized|allowed) to receive|delivery (not|isn't) (authorized|allowed|permitted)|message (rejected|refused|not delivered) (by|due to) .{0,30}(rule|setting|preference)|blocked by (the )?(recipient|user)/,
    '550 5.7.1 Delivery not authorized, message refused by the recipient',
  ),
  t(
    'policy.violation',
    'policyviolation',
    /host network not allowed|header error|protocol violation|content presents a potential security issue|(policy|policies) (violation|reason|restriction|rejection|denied)|(violat|against|due to|because of|by) .{0,30}(policy|policies|terms of service|acceptable use)|(local|site|security|organi[sz]ation|domain|administrative|content|email|mail|our|recipient) polic|rejected by (policy|the recipient|recipient)|not (accepted|allowed|authorized|permitted) (by|due to|under) .{0,20}polic|prohibited|administratively (denied|prohibited|disabled)|(message|mail|email) (is )?(not )?(accepted|allowed|permitted) .{0,20}(by|from) .{0,20}(policy|administrator)|administrator has (disabled|blocked|restricted)|you are not allowed|restricted (recipient|address|domain)|(recipient|address|domain|mailbox) (<?[^\s<>@]+@[^\s<>@]+>? )?(is )?restricted|accepts mail only from|only accepts mail|internal (use|only)|this (group|list) (only accepts|does not accept)|permission (denied|to post)|not (authorized|allowed|permitted) to (post|send|email)|authorization (required|failed)|you (don't|do not) have permission|5\.7\.1 .{0,40}(not (authorized|allowed|permitted)|denied|restricted)/,
    '550 5.7.1 Message rejected due to local policy',
  ),
  t(
    'security.error',
    'securityerror',
    /security (policy|reason|violation|error|check)|smtp authentication|unauthenticated senders?|sender (is )?not authenticated|authentication (required|failed|failure)|(must|need to) (authenticate|log ?in)|password|insecure|not secure|certificate|encryption|access denied/,
    '535 5.7.8 Error: authentication failed: bad credentials',
  ),

  // --- the remote system and the network ---------------------------------------------
  t(
    'system.full',
    'systemfull',
    /(insufficient|not enough|out of|no) (system |disk )?(storage|space|disk)|(disk|filesystem|file system|storage|spool) (is |was )?(full|quota exceeded|exhausted)|system (is )?full|5\.3\.1|4\.3\.1|system storage/,
    '452 4.3.1 Insufficient system storage',
  ),
  t(
    'network.other',
    'networkerror',
    /connection with .{0,60} is broken|(connection|connect) (reset|lost|failed|closed|dropped)|could not connect|couldn't connect|unable to connect|cannot connect|not (responding|reachable)|remote (server|host|end) (closed|disconnected|not responding)|unexpected (eof|end of|disconnect)|broken pipe|smtp protocol (error|violation)/,
    '421 4.4.0 Unable to connect to mx.example.com',
  ),
  t(
    'system.error',
    'systemerror',
    /transient exception|failed to process (the )?message|(server|system) (is )?too busy|too busy to accept|load (is )?too high|loops back to myself|(internal|system|server|local|configuration|unexpected|database|ldap|backend|storage|i\/o|resource|processing) (error|failure|problem|fault|issue)|error (in|while|during) (processing|delivery|reading|writing)|temporarily (unavailable|deferred|rejected|failed|not available|unable)|service (temporarily |currently )?(unavailable|not available)|try (again )?(later|in a (few|moment))|please retry|(server|system|service) (is )?(temporarily )?(busy|overloaded|down|unavailable|not available|in maintenance)|unable to (process|deliver|accept)|cannot (process|complete|accept)|not (able|possible) to (process|deliver|complete)|resources? (temporarily )?(unavailable|exhausted)|out of memory|maintenance|local problem|requested action aborted|transaction failed|4\.3\.\d|5\.3\.[05]|queue (file )?(write|error)|delivery (temporarily )?(suspended|failed|deferred)|error (in )?processing|problem with .{0,20}(server|system)/,
    '451 4.3.0 Internal server error, please try again later',
  ),
  t(
    'syntax.command',
    'syntaxerror',
    /syntax error|malformed address|command parameter not implemented|not implemented|command (not recogni[sz]ed|unrecogni[sz]ed|not implemented|out of sequence)|bad (command )?sequence|unrecognized command|invalid command|parameter (not recogni[sz]ed|error)|5\.5\.[0-4] .{0,30}(syntax|command|sequence|parameter)|line too long|command rejected|protocol error/,
    '503 5.5.1 Error: need MAIL command',
  ),
  // Last: a local delivery program's own words ("X-Unix; temporary failure"), when no rule
  // above explains them (a full disk or quota says more than who reported it).
  t('mailer.local-program', 'mailererror', /^x-unix; (?:\d+$|(?!\d+\b))/, 'X-Unix; temporary failure'),
  // 551 ("user not local"): the reply code says moved when no words say more
  // ("551 <x> is a deactivated mailbox" is a disabled mailbox).
  t('mailbox.moved.551', 'hasmoved', /^551\b/, '551 not our customer'),
  t(
    'domain.noaccept',
    'notaccept',
    /(does not|doesn't|do not|will not|won't|cannot) accept (any )?(e-?mail|mail|messages)(?! (from|containing|with|as|that|larger|over|for|to)\b)|accepts no mail|null mx|no mail (is )?(accepted|service)|not accept(ing)? mail|(domain|host|server) (does not|doesn't) (receive|accept) (mail|e-?mail)|mail (is )?not accepted|5\.3\.2|5\.7\.27|\b556\b/,
    '550 5.3.2 This domain does not accept mail',
  ),
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
