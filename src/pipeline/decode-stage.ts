// The decoding stage of the server: decodes a stored message with the current rules,
// records its facts (events, links to sends, standing), and hands the Report back to be
// written next to it, all in the transaction that marks the row decoded.
import type { Metrics } from '../metrics/index.ts';
import type { Report } from '../parse/report.ts';
import { recordFacts, type EventsOptions } from './facts.ts';
import type { DecodeStage } from '../ingest/decode-queue.ts';

/** Bytes to Report: in the server, a DecoderThread; in tests and tools, decode() itself. */
export type ReportDecoder = (raw: Buffer) => Report | Promise<Report>;

export function reportStage(decodeReport: ReportDecoder, metrics: Metrics, events: EventsOptions): DecodeStage {
  return async (message, tx) => {
    const report = await decodeReport(message.raw);
    const recorded = await recordFacts(tx, message, report, events);
    metrics.decodedReports.inc({ kind: report.kind });
    for (const r of report.recipients) {
      metrics.recipientFacts.inc({ type: r.type, reason: r.reason });
      metrics.factsByDomain.inc({ domain: metrics.domainLabel(r.address.slice(r.address.lastIndexOf('@') + 1)), kind: report.kind, type: r.type });
    }
    for (const r of recorded.filter((x) => x.inserted)) {
      metrics.correlations.inc({ method: r.correlation });
      if (r.unapplied) metrics.factEvidence.inc({ evidence: r.evidence, outcome: r.unapplied });
      else if (r.mayAffect) metrics.factEvidence.inc({ evidence: r.evidence, outcome: 'applied' });
      if (r.effect !== 'none') metrics.standingChanges.inc({ effect: r.effect });
    }
    return { report: JSON.stringify(report), kind: report.kind };
  };
}
