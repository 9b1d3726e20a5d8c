// What a notice's words and headers say it is: a delivery report (by its subject and its
// sender), a failure, a warning that delivery is only late, a report that the message
// arrived. Patterns and predicates only: which recipients they speak of is the readers' part.
import { anyOf } from '../classify/patterns.ts';
import { failureCode } from './text-bounce.ts';

// Subjects and senders of delivery reports, in the languages the corpus and the world use.
export const BOUNCE_SUBJECT = anyOf(
  /undeliver|undelivered/i,
  /deliver(y|ed)? (status|fail|failure|notification|report|problem|has failed)/i,
  /returned mail|return(ed)? to sender|failure notice|mail delivery|non-?deliver/i,
  /delivery error|could not be delivered|not delivered|nicht zustellbar|unzustellbar/i,
  /non remis|non distribuable|no entregado|non recapitato|non recapitabile|onbestelbaar/i,
  /n[ãa]o (foi )?entregue|niedostarczaln|nedoru[čc]iteln|недоставлен|не доставлен/i,
  /teslim edilemedi|kan ikke leveres|kunde inte levereras|ej levererad/i,
  /mail system error|rejected|bounce|delayed mail|warning: (could not|message)/i,
  // An antivirus gateway's notice that it stopped the message ("VIRUS ALERT: …").
  /\bvirus (alert|found|detected|warning)|virus(es)? (was |were )?detected|infected (message|attachment)/i,
  /message (not )?delivered|error sending|mail failure|system error|permanent error|未達/i,
  /配送|エラー|送信できません|失敗|退信|退回|notification|problem with your message|an error occurred/i,
  /expired/i,
);
export const DAEMON_FROM = anyOf(
  /mailer-daemon|post_?master|mail-daemon|mail delivery (sub)?system|mail administrator/i,
  /maildelivery|mailerdaemon|bounce|nobody@|daemon@|\bmta\b/i,
);

// What a text notice says when it only warns that delivery is late and still being tried
// (Exim's "has not yet been delivered", Gmail's "Delivery to the following recipient has
// been delayed", Sendmail's "Warning: could not send message for past 4 hours").
const DELAY_WARNING = anyOf(
  /has not yet been delivered|has not been delivered yet|this is (just|only) a warning/i,
  /delivery to the following recipients? (has been|was) delayed/i,
  /(message|delivery) (has been|is) (delayed|postponed)|this is a warning message only/i,
  /this is an advisory[- ]only|you do not need to resend/i,
  /no action is required on your part|will be retried for/i,
  /delivery attempts will continue/i,
  /(will|shall) continue (to try|trying|to attempt|attempting) (to deliver|delivery)/i,
  /still being retried|only a temporary failure report|warning: could not send message/i,
  // Gmail's "Delivery incomplete": "… will retry for 46 more hours. You'll be notified if …".
  /will (retry|keep trying) for \d+ more (hours|days)|(notified|informed) if (the )?delivery fails permanently/i,
  /\bnot yet (been )?delivered|will (retry|try again|keep trying|continue trying)\b/i,
  /(notified|informed) if (it|the message|delivery|the delivery) (fails|is unsuccessful|cannot be)/i,
  // The same in German, French, Spanish, Italian and Dutch: not delivered yet, still tried.
  // ("Keine weiteren Zustellversuche", "aucune nouvelle tentative", "non verranno effettuati
  // nuovi tentativi" say the opposite: no more tries.)
  /bisher nicht zugestellt|noch nicht zugestellt|(?<!keine )weitere zustellversuche|nicht erneut (senden|versenden)/i,
  /pas encore (pu )?(être )?(remis|délivré|distribué)|de nouvelles tentatives|pas besoin de (le )?renvoyer/i,
  /no se ha (podido )?entregad[oa] todav[ií]a|a[uú]n no se ha entregado|se seguir[aá] intentando/i,
  /non (è|e') ancora stato (consegnato|recapitato)|(?<!non )(saranno|verranno) effettuati (altri|nuovi) tentativi/i,
  /nog niet (afgeleverd|bezorgd)/i,
);
const DELAY_SUBJECT = anyOf(
  /\bdelay(ed|s)?\b|still being retried|warning: could not send|delivery warning/i,
  /verz[öo]gert|\bretard|\bretras(o|ada)|\britard(o|ata)|vertraagd|opóźnion/i,
);

// A notice that says its failure is final is no warning, whatever else it says (MDaemon: "The
// attached message had PERMANENT fatal delivery errors! … YOU DO NOT NEED TO RESEND").
const FINAL_FAILURE = /\bpermanent(ly)? (fatal )?(delivery )?(errors?|failures?|failed)\b|\bpermanent fatal\b/i;

export function isDelayWarning(subject: string, noticeText: string): boolean {
  if (FINAL_FAILURE.test(noticeText)) return false;
  return (
    DELAY_WARNING.test(noticeText) ||
    (DELAY_SUBJECT.test(subject) && !/permanent|could not be delivered|undeliverable/i.test(noticeText))
  );
}

// What a notice says when the message arrived: "has been successfully delivered to the
// following recipients", Exchange's "Delivery to these recipients or groups is complete".
const DELIVERED_NOTICE = anyOf(
  /(has|have) been successfully delivered|(was|were) successfully delivered|successful(ly)? deliver(y|ed) to/i,
  /delivery to (these|the following) recipients?( or groups)? (is|was|has been) (complete|completed|successful)/i,
);
const DELIVERED_SUBJECT = /^\s*(delivered|relayed|delivery status notification \(success\)|successful mail delivery)/i;

export function saysDelivered(subject: string, noticeText: string): boolean {
  if (NOT_DELIVERED.test(noticeText) || FINAL_FAILURE.test(noticeText) || failureCode(noticeText)) return false;
  return DELIVERED_NOTICE.test(noticeText) || DELIVERED_SUBJECT.test(subject);
}

// What a notice says when it returns a message it could not deliver.
export const NOT_DELIVERED = anyOf(
  /could not be delivered|couldn't be delivered|cannot be delivered|undeliverable/i,
  /delivery (has )?failed|was not delivered|wasn't delivered|not be delivered to/i,
);

// Words any delivery failure notice uses somewhere; a person's reply titled "Notification
// of …" or "Re: rejected offer" has none of them, nor a reply code.
export const FAILURE_WORDS = anyOf(
  /deliver|fail|error|undeliverable|unknown|not found|rejected|refused|denied|blocked/i,
  /quota|full|invalid|does not exist|doesn't exist|returned|bounce|zustell|remis/i,
  /entregad|recapitat|未達|送信できません|退信/i,
);
