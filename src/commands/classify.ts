// `bounced classify "TEXT"`: the reason, type and rule for one line of bounce text.
import { classify, findReplyCode, findStatus, type RuleSet } from '../classify/index.ts';
import { commandSaid } from '../parse/text-bounce.ts';

export function runClassify(text: string, rules: RuleSet, out: (line: string) => void): number {
  const status = findStatus(text);
  const replyCode = findReplyCode(text);
  // The line may say which command it answered ("(in reply to RCPT TO command)"), as in a bounce.
  const c = classify({ action: 'failed', status, replyCode, diagnostic: text, command: commandSaid(text) }, rules);
  const codes = `${status ? ` status=${status}` : ''}${replyCode ? ` reply=${replyCode}` : ''}`;
  out(`reason=${c.reason} type=${c.type} rule=${c.rule}${codes}`);
  return 0;
}
