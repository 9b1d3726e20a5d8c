// Metrics, rules, dashboard and deployment files, checked with the real tools: promtool on
// the rules, their unit tests, every PromQL of the dashboard and our metrics; a real
// Prometheus scraping a running bounced under a small load answers the dashboard's main
// queries with the expected values; the YAML of compose, Kubernetes and Grafana parses and
// says what it must.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { Metrics } from '../src/metrics/index.ts';
import type { RunningServer } from '../src/serve.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { freePort } from './support/net.ts';
import { BOUNCE_DOMAIN, startTestServer } from './support/server.ts';
import { RawSmtpClient, toCrlf } from './support/smtp-client.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PROMETHEUS_DIR = join(ROOT, '.tools/prometheus/usr/bin');
const PROMTOOL = join(PROMETHEUS_DIR, 'promtool');
const DEPLOY = join(ROOT, 'deploy');
const OBS_TOKEN = 'observability-test-token-0123456789abcdef';

function promtool(args: string[], input?: string) {
  assert.ok(existsSync(PROMTOOL), `promtool is missing: run scripts/install-test-deps.sh (npm test does)`);
  const r = spawnSync(PROMTOOL, args, { encoding: 'utf8', input, cwd: join(DEPLOY, 'prometheus') });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

interface Panel {
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Array<{ expr?: string; rawSql?: string }>;
}

const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana/dashboards/bounced.json'), 'utf8')) as {
  panels: Panel[];
  uid: string;
};
const promPanels = dashboard.panels.filter((p) => p.datasource?.type === 'prometheus');
const dashboardExprs = promPanels.flatMap((p) => (p.targets ?? []).map((t) => t.expr!).filter(Boolean));

describe('rules and dashboard, through promtool', () => {
  test('the Prometheus config and its rules pass promtool check', () => {
    const config = promtool(['check', 'config', 'prometheus.yml']);
    assert.equal(config.code, 0, config.out);
    const rules = promtool(['check', 'rules', 'bounced.rules.yml']);
    assert.equal(rules.code, 0, rules.out);
  });

  test('the alert rules pass their unit tests (promtool test rules)', () => {
    const r = promtool(['test', 'rules', 'bounced.rules.test.yml']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /SUCCESS/);
  });

  test('every PromQL expression of the dashboard parses (written out as recording rules)', () => {
    assert.ok(dashboardExprs.length >= 20, `only ${dashboardExprs.length} expressions found`);
    const dir = mkdtempSync(join(tmpdir(), 'bounced-dash-'));
    const file = join(dir, 'dashboard.rules.yml');
    const rules = dashboardExprs
      .map((expr, i) => `      - record: dashboard:expr_${i}\n        expr: ${JSON.stringify(expr)}`)
      .join('\n');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
    const r = promtool(['check', 'rules', file]);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(r.code, 0, r.out);
    // Recording rules the dashboard reads must exist.
    const recorded = new Set(
      [...readFileSync(join(DEPLOY, 'prometheus/bounced.rules.yml'), 'utf8').matchAll(/record: (\S+)/g)].map(
        (m) => m[1],
      ),
    );
    for (const expr of dashboardExprs)
      for (const name of expr.match(/\bbounced:[a-z_0-9:]+/g) ?? [])
        assert.ok(recorded.has(name), `${name} is not recorded`);
  });

  test('our metrics pass promtool check metrics, with bounded labels', async () => {
    const metrics = new Metrics(['gmail.com']);
    metrics.factsByDomain.inc({ domain: metrics.domainLabel('gmail.com'), kind: 'bounce', type: 'hard' });
    metrics.factsByDomain.inc({ domain: metrics.domainLabel('tiny-company.example'), kind: 'bounce', type: 'soft' });
    metrics.recipientFacts.inc({ type: 'hard', reason: 'userunknown' });
    metrics.smtpDataReplySeconds.observe({ result: 'accepted' }, 0.004);
    const text = await metrics.registry.metrics();
    const r = promtool(['check', 'metrics'], text);
    assert.equal(r.code, 0, r.out);
    assert.match(text, /bounced_recipient_facts_by_domain_total\{domain="other",kind="bounce",type="soft"\} 1/);
    assert.doesNotMatch(text, /tiny-company/);
  });
});

describe('a real Prometheus scraping bounced', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let prometheus: ChildProcess;
  let promPort = 0;
  let folder: string;

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db.url, { SENT_API_TOKEN: OBS_TOKEN });
    folder = mkdtempSync(join(tmpdir(), 'bounced-prom-'));
    chmodSync(folder, 0o755);
    promPort = await freePort();
    writeFileSync(
      join(folder, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: [${JSON.stringify(join(DEPLOY, 'prometheus/bounced.rules.yml'))}]`,
        'scrape_configs:',
        '  - job_name: bounced',
        `    static_configs: [{ targets: ['127.0.0.1:${server.httpPort}'] }]`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      join(PROMETHEUS_DIR, 'prometheus'),
      [
        `--config.file=${join(folder, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(folder, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: 'ignore' },
    );
  });

  after(async () => {
    if (prometheus && prometheus.exitCode === null) {
      prometheus.kill('SIGTERM');
      await once(prometheus, 'exit');
    }
    await server?.shutdown();
    await db?.drop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  async function query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as {
      status: string;
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    assert.equal(body.status, 'success', expr);
    return body.data.result;
  }

  async function until(expr: string, ok: (v: number) => boolean, what: string): Promise<number> {
    const deadline = Date.now() + 45_000;
    let last = NaN;
    while (Date.now() < deadline) {
      try {
        const r = await query(expr);
        last = r.length ? Number(r[0]!.value[1]) : NaN;
        if (ok(last)) return last;
      } catch {
        /* Prometheus still starting */
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.fail(`${what}: ${expr} stayed at ${last}`);
  }

  async function deliver(name: string) {
    const raw = toCrlf(readFileSync(new URL(`./fixtures/decoder/${name}`, import.meta.url)));
    const { client } = await RawSmtpClient.greet(server.smtpPort);
    await client.command('EHLO mx.example.net');
    assert.equal((await client.send('', [`b@${BOUNCE_DOMAIN}`], raw)).code, 250);
    await client.quit();
  }

  test("the dashboard's main queries give the expected values under a small load", async () => {
    // Scraped once before the load, so that increases are seen from 0.
    await until('sum(bounced_decode_reports_total{kind="bounce"})', (v) => v === 0, 'first scrape');

    // The load: 40 sends registered; three bounces (hard, soft, sender-caused) and a complaint.
    const sends = Array.from({ length: 40 }, (_, n) => ({
      messageId: `obs-${n}@sender.example`,
      recipient: `r${n}@example.org`,
      campaign: 'obs',
    }));
    const res = await fetch(`http://127.0.0.1:${server.httpPort}/v1/sent-messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OBS_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(sends),
    });
    assert.equal(res.status, 200);
    for (const f of [
      'dsn/postfix-rcpt-unknown.eml',
      'text/exim-quota.eml',
      'text/cr-only-blocklist.eml',
      'other/arf-abuse.eml',
    ])
      await deliver(f);

    await until('sum(bounced_decode_reports_total)', (v) => v === 4, 'all four decoded and scraped');
    await until('sum(bounced_smtp_transactions_total{result="accepted"})', (v) => v === 4, 'accepted');
    await until('sum(bounced_sent_messages_registered_total)', (v) => v === 40, 'sends');

    // Rates against sends, as the rate panels and alerts compute them: 3 / 40 and 1 / 40.
    const bounceRate = await until('bounced:bounce_rate:1d', (v) => Math.abs(v - 0.075) < 1e-9, 'bounce rate');
    assert.ok(Math.abs(bounceRate - 0.075) < 1e-9);
    await until('bounced:complaint_rate:1d', (v) => Math.abs(v - 0.025) < 1e-9, 'complaint rate');

    const byType = await query('sum by (type) (bounced_decode_recipient_facts_total)');
    const types = Object.fromEntries(byType.map((r) => [r.metric.type, Number(r.value[1])]));
    assert.deepEqual(types, { hard: 1, soft: 1, ignored: 2 });
    const accepted = await query('sum by (result) (rate(bounced_smtp_transactions_total[5m]))');
    assert.ok(Number(accepted.find((r) => r.metric.result === 'accepted')?.value[1]) > 0, JSON.stringify(accepted));
    const p99 = await query('histogram_quantile(0.99, sum by (le) (rate(bounced_smtp_data_reply_seconds_bucket[5m])))');
    assert.ok(Number(p99[0]?.value[1]) > 0);
    assert.equal(Number((await query('max(bounced_breakers_tripped)'))[0]!.value[1]), 0);
    assert.equal(Number((await query('min(bounced_database_up)'))[0]!.value[1]), 1);
    const unlinked = await query('sum(bounced_correlation_total{method="none"})');
    assert.equal(Number(unlinked[0]!.value[1]), 4);
    assert.equal((await query('ALERTS{alertname="BouncedBounceRateCritical"}')).length, 0);
  });
});

describe('deployment files', () => {
  test('docker-compose.yml wires bounced, Postgres with a volume, Prometheus and Grafana', () => {
    const compose = parseYaml(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'));
    assert.deepEqual(Object.keys(compose.services).sort(), ['bounced', 'grafana', 'postgres', 'prometheus']);
    assert.ok(compose.services.postgres.volumes.some((v: string) => v.startsWith('pgdata:')));
    assert.ok(compose.services.bounced.ports.includes('25:2525'));
    // The registry and metrics are not published to the world, and no secret has a default.
    assert.deepEqual(
      compose.services.bounced.ports.filter((p: string) => !p.startsWith('127.0.0.1:') && p !== '25:2525'),
      [],
    );
    assert.equal(compose.services.postgres.ports, undefined);
    for (const name of ['TOKEN_KEYS', 'SENT_API_TOKEN'])
      assert.match(compose.services.bounced.environment[name], new RegExp(`^\\$\\{${name}:\\?`), name);
    assert.match(compose.services.bounced.environment.DATABASE_URL, /@postgres:5432\//);
    assert.ok(compose.services.prometheus.volumes.some((v: string) => v.startsWith('./deploy/prometheus:')));
    assert.ok(compose.services.grafana.volumes.some((v: string) => v.startsWith('./deploy/grafana/provisioning:')));
  });

  test('Kubernetes manifests: probes, grace period longer than the drain, client IPs kept, PDB, HPA, Secret', () => {
    const docs = parseAllDocuments(readFileSync(join(DEPLOY, 'k8s/bounced.yaml'), 'utf8')).map((d) => d.toJSON());
    const kinds = docs.map((d) => d.kind).sort();
    assert.deepEqual(kinds, [
      'Deployment',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'Secret',
      'Service',
      'Service',
    ]);
    const deployment = docs.find((d) => d.kind === 'Deployment');
    const pod = deployment.spec.template.spec;
    assert.equal(pod.containers[0].readinessProbe.httpGet.path, '/readyz');
    assert.equal(pod.containers[0].livenessProbe.httpGet.path, '/healthz');
    assert.ok(pod.terminationGracePeriodSeconds > 30, 'longer than SHUTDOWN_DRAIN_MS');
    const smtp = docs.find((d) => d.kind === 'Service' && d.spec.ports.some((p: { port: number }) => p.port === 25));
    assert.equal(smtp.spec.externalTrafficPolicy, 'Local');
  });

  test('Grafana provisioning points at the dashboard folder and the datasources the dashboard uses', () => {
    const sources = parseYaml(readFileSync(join(DEPLOY, 'grafana/provisioning/datasources/datasources.yml'), 'utf8'));
    const uids = new Set(sources.datasources.map((d: { uid: string }) => d.uid));
    for (const panel of dashboard.panels.filter((p) => p.datasource))
      assert.ok(uids.has(panel.datasource!.uid), panel.title);
    const providers = parseYaml(readFileSync(join(DEPLOY, 'grafana/provisioning/dashboards/dashboards.yml'), 'utf8'));
    assert.equal(providers.providers[0].options.path, '/var/lib/grafana/dashboards');
    const sqlPanels = dashboard.panels.filter((p) => p.datasource?.type === 'grafana-postgresql-datasource');
    assert.ok(
      sqlPanels.some((p) => p.targets?.[0]?.rawSql?.includes('address_standing_history')),
      'suppression list growth panel',
    );
  });
});
