// The evidence rule, as a table: what a fact proves about its address, who it acts on, and
// whether one message's facts may change standings.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  admit,
  type Candidate,
  DEFAULT_EVIDENCE_POLICY,
  type EvidencePolicy,
  evidenceOf,
  type Link,
  subjectOf,
} from '../src/standing/evidence.ts';

describe('evidenceOf', () => {
  const rows: Array<[Link, string]> = [
    [{ proof: 'signed', isSendRecipient: true }, 'authenticated'],
    [{ proof: 'registered', isSendRecipient: true }, 'authenticated'],
    // A proven send whose recipient nobody can tell (an unbound token, not registered).
    [{ proof: 'signed', isSendRecipient: null }, 'weak'],
    // A proven send to someone else says nothing about the address named.
    [{ proof: 'signed', isSendRecipient: false }, 'none'],
    [{ proof: 'registered', isSendRecipient: false }, 'none'],
    [{ proof: 'guess', isSendRecipient: true }, 'weak'],
    [{ proof: 'guess', isSendRecipient: false }, 'none'],
    [{ proof: 'none', isSendRecipient: null }, 'none'],
  ];
  for (const [link, expected] of rows) {
    test(`${link.proof}, send recipient ${link.isSendRecipient} → ${expected}`, () =>
      assert.equal(evidenceOf(link), expected));
  }
});

describe('subjectOf', () => {
  test('a complaint about a proven send acts on its recipient, whatever the report names', () => {
    assert.equal(
      subjectOf('from-header@x.example', 'feedback', { proof: 'registered', sendRecipient: 'reader@y.example' }),
      'reader@y.example',
    );
    assert.equal(
      subjectOf('from-header@x.example', 'feedback', { proof: 'signed', sendRecipient: 'reader@y.example' }),
      'reader@y.example',
    );
  });
  test('a guess, an unknown recipient, or a bounce: the named address', () => {
    assert.equal(subjectOf('a@x.example', 'feedback', { proof: 'guess', sendRecipient: 'b@y.example' }), 'a@x.example');
    assert.equal(subjectOf('a@x.example', 'feedback', { proof: 'signed', sendRecipient: null }), 'a@x.example');
    assert.equal(
      subjectOf('a@x.example', 'bounce', { proof: 'registered', sendRecipient: 'b@y.example' }),
      'a@x.example',
    );
  });
});

describe('admit', () => {
  const fact = (address: string, evidence: Candidate['evidence'], extra: Partial<Candidate> = {}): Candidate => ({
    address,
    evidence,
    otherRecipient: false,
    mayAffect: true,
    ...extra,
  });
  const weak: EvidencePolicy = { required: 'weak', maxAddressesPerMessage: 5 };

  const rows: Array<[string, Candidate[], EvidencePolicy, Array<string | null>]> = [
    ['authenticated acts', [fact('a@x', 'authenticated')], DEFAULT_EVIDENCE_POLICY, [null]],
    ['weak waits by default', [fact('a@x', 'weak')], DEFAULT_EVIDENCE_POLICY, ['weak-evidence']],
    ['weak acts when the operator chose weak', [fact('a@x', 'weak')], weak, [null]],
    ['none never acts', [fact('a@x', 'none')], weak, ['no-evidence']],
    [
      'another send recipient never acts',
      [fact('a@x', 'none', { otherRecipient: true })],
      weak,
      ['not-the-send-recipient'],
    ],
    [
      'facts that cannot cost anything pass through',
      [fact('a@x', 'none', { mayAffect: false })],
      DEFAULT_EVIDENCE_POLICY,
      [null],
    ],
    [
      'a crowded message: guesses apply to nobody, even under the weak policy',
      Array.from({ length: 6 }, (_, i) => fact(`u${i}@x`, 'weak')),
      weak,
      Array(6).fill('too-many-addresses'),
    ],
    [
      'a crowded message: authenticated facts act up to the cap, no further',
      Array.from({ length: 7 }, (_, i) => fact(`u${i}@x`, 'authenticated')),
      DEFAULT_EVIDENCE_POLICY,
      [null, null, null, null, null, 'too-many-addresses', 'too-many-addresses'],
    ],
    [
      'the same address twice counts once towards the cap',
      [fact('a@x', 'authenticated'), fact('a@x', 'authenticated'), fact('b@x', 'authenticated')],
      { required: 'authenticated', maxAddressesPerMessage: 2 },
      [null, null, null],
    ],
    [
      'addresses that cannot be affected do not crowd a message',
      [fact('a@x', 'weak'), ...Array.from({ length: 10 }, (_, i) => fact(`d${i}@x`, 'none', { mayAffect: false }))],
      weak,
      [null, ...Array(10).fill(null)],
    ],
  ];
  for (const [name, candidates, policy, expected] of rows) {
    test(name, () => assert.deepEqual(admit(candidates, policy), expected));
  }
});
