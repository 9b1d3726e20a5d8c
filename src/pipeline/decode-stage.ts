// The decoding stage of the server: reads each stored message with the current rules (in
// the decoder thread), then records what a batch of them says (events, links to sends,
// standing) and hands each Report back to be written next to its row, all in the
// transaction that marks the rows decoded. Metrics count what was committed, once.
import type { DecodedReport, DecodeStage } from '../ingest/decode-queue.ts';
import type { Metrics } from '../metrics/index.ts';
import type { Report } from '../parse/report.ts';
import { recordFacts, type EventsOptions, type RecordedFact } from './facts.ts';

/** Bytes to Report: in the server, a DecoderThread; in tests and tools, decode() itself. */
export type ReportDecoder = (raw: Buffer) => Report | Promise<Report>;

interface Written extends DecodedReport {
  facts: RecordedFact[];
}

export function reportStage(decodeReport: ReportDecoder, metrics: Metrics, events: EventsOptions): DecodeStage<Report, Written> {
  return {
    read: async (message) => decodeReport(message.raw),
    write: async (tx, messages) => {
      const recorded = await recordFacts(tx, messages.map(({ message, read }) => ({ source: message, report: read })), events);
      return messages.map(({ read }, i) => ({ report: JSON.stringify(read), kind: read.kind, facts: recorded[i]! }));
    },
    committed: (messages, written) => {
      messages.forEach(({ read: report }, i) => {
        metrics.decodedReports.inc({ kind: report.kind });
        for (const r of report.recipients) {
          metrics.recipientFacts.inc({ type: r.type, reason: r.reason });
          metrics.factsByDomain.inc({ domain: metrics.domainLabel(r.address.slice(r.address.lastIndexOf('@') + 1)), kind: report.kind, type: r.type });
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
