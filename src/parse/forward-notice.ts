// A notice that the recipient's address has changed and the message was forwarded to the new
// one ("jo@isp has a new e-mail address … your message has been automatically forwarded").
// The message was delivered: nothing failed, and the new address it names is not a recipient.
import { anyOf } from '../classify/patterns.ts';

const FORWARDED = anyOf(
  /\b(has|have) been (automatically |also )?(forwarded|redirected|delivered) to\b/i,
  /\b(was|were|is being|will be) (automatically |also )?(forwarded|redirected) to\b/i,
  /\b(has|have) been automatically forwarded\b/i,
);

const ADDRESS_CHANGED = anyOf(
  /\b(e-?mail |mail )?address\b.{0,60}\b(has|have) (been )?changed\b/i,
  /\bhas a new (e-?mail |mail )?address\b/i,
  /\bdomain\b.{0,40}\b(retired|is no longer (used|in use))\b/i,
);

// What a notice says when the message did not get through after all.
const STILL_FAILED = anyOf(
  /could not be (delivered|forwarded)|was not (delivered|forwarded)|undeliverable/i,
  /(delivery|forwarding) (has )?failed|unable to (deliver|forward)/i,
);

/** The notice tells of an address change and says the message went on to the new address. */
export function isForwardNotice(notice: string): boolean {
  return ADDRESS_CHANGED.test(notice) && FORWARDED.test(notice) && !STILL_FAILED.test(notice);
}
