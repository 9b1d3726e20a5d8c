// `bounced classify "TEXT"`: the reason, type and rule for one line of bounce text.
import { classify, findReplyCode, findStatus, type RuleSet } from '../classify/index.ts';

export function runClassify(text: string, rules: RuleSet, out: (line: string) => void): number {
  const status = findStatus(text);
  const replyCode = findReplyCode(text);
  const c = classify({ action: 'failed', status, replyCode, diagnostic: text }, rules);
  out(`reason=${c.reason} type=${c.type} rule=${c.rule}${status ? ` status=${status}` : ''}${replyCode ? ` reply=${replyCode}` : ''}`);
  return 0;
}
