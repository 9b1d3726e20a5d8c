import { classify, findStatus, findReplyCode } from './src/classify/index.ts';
import { TEXT_RULES, STATUS_RULES } from './src/classify/rules.ts';
for (const r of TEXT_RULES) {
  const c = classify({ action: 'failed', diagnostic: r.example, status: findStatus(r.example), replyCode: findReplyCode(r.example) });
  if (c.rule !== r.id) console.log(r.id, '->', c.rule, '|', r.example);
}
for (const r of STATUS_RULES) {
  const st = findStatus(r.example);
  const c = classify({ action: 'failed', status: st, diagnostic: '' });
  if (c.rule !== r.id) console.log(r.id, '->', c.rule, '|', r.example, st);
}
