// Operators' rules cannot stall the server: a pattern that backtracks catastrophically is
// refused (from a file: exit 2; from classification_rules: skipped, the reason written
// beside it), and a decode past DECODE_BUDGET_MS is stopped and parked as failed while
// SMTP keeps answering.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkPatternSync } from '../src/classify/pattern-safety.ts';
import { deliver as deliverOver, waitForDecode } from './support/deliver.ts';
import { failureNotice, manyAddresses } from './support/notices.ts';
import { BOUNCE_DOMAIN, scrapeUntil, useTestServer } from './support/server.ts';

const BIN = fileURLToPath(new URL('../bin/bounced.js', import.meta.url));

describe('pattern safety', () => {
  const rows: Array<[string, boolean]> = [
    ['(x+x+)+y', false],
    ['^(a|a)*$', false],
    ['(\\w+\\s?)+$', false],
    ['acme box overflow', true],
    ['\\bno such (user|mailbox)\\b', true],
    ['^5\\.2\\.2$', true],
    // Quadratic, common, and cheap on the at most 4,096 characters an operator rule reads.
    ['mailbox.*full', true],
  ];
  for (const [source, safe] of rows) {
    test(`${source}: ${safe ? 'accepted' : 'refused'}`, () => {
      const verdict = checkPatternSync(source);
      assert.equal(verdict.safe, safe, JSON.stringify(verdict));
      if (!verdict.safe) assert.match(verdict.why, /backtracks/);
    });
  }

  test('bounced classify --rules refuses a catastrophic pattern with one line and exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bounced-rules-'));
    try {
      const file = join(dir, 'rules.json');
      writeFileSync(file, JSON.stringify([{ id: 'evil', reason: 'mailboxfull', text: '(x+x+)+y', example: 'xxxx' }]));
      const bad = spawnSync(process.execPath, [BIN, 'classify', '--rules', file, 'x'.repeat(40)], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /^bounced: .*\(evil\): refused: the pattern backtracks exponentially/);
      assert.equal(bad.stderr.trim().split('\n').length, 1);
      writeFileSync(
        file,
        JSON.stringify([
          { id: 'acme', reason: 'mailboxfull', text: 'acme box overflow', example: '550 acme box overflow' },
        ]),
      );
      const good = spawnSync(process.execPath, [BIN, 'classify', '--rules', file, '550 acme box overflow'], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(good.status, 0, good.stderr);
      assert.match(good.stdout, /reason=mailboxfull .*rule=custom\.acme/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('in the server', () => {
  const fixture = useTestServer({ DECODE_BUDGET_MS: '250' }, (pool) =>
    pool.query(
      `insert into classification_rules (id, reason, text_pattern, example) values
         ('evil', 'mailboxfull', '(x+x+)+y', '550 xxxx'),
         ('acme-full', 'mailboxfull', 'acme box overflow', '550 acme box overflow')`,
    ),
  );

  const deliver = (raw: string) =>
    deliverOver(fixture.server.smtpPort, raw.replace(/\r?\n/g, '\r\n'), `b@${BOUNCE_DOMAIN}`);

  async function settled(id: string): Promise<{
    decode_state: string;
    decode_error: string | null;
    report: { recipients: Array<{ reason: string; rule: string }> } | null;
  }> {
    await waitForDecode(fixture.pool, id);
    const { rows } = await fixture.pool.query(
      `select decode_state, decode_error, report from raw_messages where id = $1`,
      [id],
    );
    return rows[0];
  }

  test('a catastrophic pattern in classification_rules is skipped, and why is written beside it', async () => {
    const { rows } = await fixture.pool.query(`select id, problem from classification_rules order by id`);
    assert.equal(rows.find((r) => r.id === 'acme-full').problem, null);
    assert.match(rows.find((r) => r.id === 'evil').problem, /\(evil\): refused: the pattern backtracks exponentially/);
    const metrics = await (await fetch(`http://127.0.0.1:${fixture.server.httpPort}/metrics`)).text();
    assert.match(metrics, /^bounced_classification_rules_refused 1$/m);
    assert.match(metrics, /^bounced_classification_rules_loaded 1$/m);
    // The safe rule decides in the decoder thread; the refused one never runs.
    const id = await deliver(failureNotice(['a@full.example'], `550 acme box overflow ${'x'.repeat(40)}`));
    const row = await settled(id);
    assert.equal(row.decode_state, 'decoded');
    assert.deepEqual(
      row.report!.recipients.map((r) => [r.reason, r.rule]),
      [['mailboxfull', 'custom.acme-full']],
    );
  });

  test('a decode past DECODE_BUDGET_MS is parked as failed; SMTP answers and the next message decodes', async () => {
    // 20,000 recipients take over half a second to decode: past a 250 ms budget.
    const heavy = await deliver(failureNotice(manyAddresses(20_000, 500)));
    const light = await deliver(failureNotice(['b@x.example']));
    const parked = await settled(heavy);
    assert.equal(parked.decode_state, 'failed');
    assert.match(parked.decode_error!, /decoding took longer than its budget of 250 ms \(DECODE_BUDGET_MS\): parked/);
    const next = await settled(light);
    assert.equal(next.decode_state, 'decoded');
    assert.equal(next.report!.recipients.length, 1);
    const restarted = /^bounced_decoder_restarts_total\{why="budget"\} 1$/m;
    assert.match(await scrapeUntil(fixture.server.httpPort, [restarted]), restarted);
    // bounced reprocess --failed takes exactly the parked messages, and decodes them.
    const env = { ...process.env, DATABASE_URL: fixture.db.url, LOG_LEVEL: 'silent' };
    const again = spawnSync(process.execPath, [BIN, 'reprocess', '--failed'], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^1 message\(s\) decoded again, 20000 recipient fact\(s\) changed$/m);
    const { rows } = await fixture.pool.query(
      `select decode_state, jsonb_array_length(report->'recipients') as n from raw_messages where id = $1`,
      [heavy],
    );
    assert.deepEqual(rows, [{ decode_state: 'decoded', n: 20000 }]);
  });
});
