// The decoding stage of the server: reads each stored message with the current rules (in
// the decoder thread), then records what a batch of them says (events, links to sends,
// standing) and hands each Report back to be written next to its row, all in the
// transaction that marks the rows decoded. Metrics count what was committed, once.
import type { DecodedReport, DecodeStage } from '../ingest/decode-queue.ts';
import type { Metrics } from '../metrics/index.ts';
import type { Report } from '../parse/report.ts';
import { type EventsOptions, type RecordedFact, recordFacts, recordInParts } from './facts.ts';

/** Bytes to Report: in the server, a DecoderThread; in tests and tools, decode() itself. */
export type ReportDecoder = (raw: Buffer) => Report | Promise<Report>;

interface Written extends DecodedReport {
  facts: RecordedFact[];
}

/**
 * A report naming more addresses than this is written in parts of this many facts, each in
 * a transaction of its own: a notice naming 90,000 addresses neither holds one transaction
 * (and the rows it locks) for a minute nor the event loop for seconds.
 */
const FACTS_PER_PART = 2000;

export function reportStage(
  decodeReport: ReportDecoder,
  metrics: Metrics,
  events: EventsOptions,
  factsPerPart = FACTS_PER_PART,
): DecodeStage<Report, Written> {
  return {
    read: async (message) => decodeReport(message.raw),
    write: async (tx, messages) => {
      const recorded = await recordFacts(
        tx,
        messages.map(({ message, read }) => ({ source: message, report: read })),
        events,
      );
      return messages.map(({ read }, i) => ({ report: JSON.stringify(read), kind: read.kind, facts: recorded[i]! }));
    },
    writeInParts: {
      isLarge: (report) => report.recipients.length > factsPerPart,
      write: async (pool, { message, read }, renewLease) => {
        const facts = await recordInParts(pool, { source: message, report: read }, events, factsPerPart, renewLease);
        return { report: JSON.stringify(read), kind: read.kind, facts };
      },
    },
    committed: (messages, written) => {
      messages.forEach(({ read: report }, i) => {
        metrics.decodedReports.inc({ kind: report.kind });
        for (const r of report.recipients) {
          metrics.recipientFacts.inc({ type: r.type, reason: r.reason });
          metrics.factsByDomain.inc({
            domain: metrics.domainLabel(r.address.slice(r.address.lastIndexOf('@') + 1)),
            kind: report.kind,
            type: r.type,
          });
        }
        for (const r of written[i]!.facts.filter((x) => x.inserted)) {
          metrics.correlations.inc({ method: r.correlation });
          if (r.unapplied) metrics.factEvidence.inc({ evidence: r.evidence, outcome: r.unapplied });
          else if (r.mayAffect) metrics.factEvidence.inc({ evidence: r.evidence, outcome: 'applied' });
          if (r.effect !== 'none') metrics.standingChanges.inc({ effect: r.effect });
        }
      });
    },
  };
}
