import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ProxyTrust } from '../src/common/http/proxy-trust';
import { Environment, splitList, validateEnvironment } from '../src/config/environment';
import { METRICS } from '../src/infrastructure/metrics/metric-catalogue';
import {
  K8sObject,
  k8sTools,
  parseYamlDocuments,
  ROOT,
  run,
  validateAgainstSchemas,
} from './support/k8s-tools';

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** Every variable the service's configuration schema declares, plus Node's own NODE_OPTIONS. */
const ENVIRONMENT_VARIABLES = new Set([
  ...getMetadataStorage()
    .getTargetValidationMetadatas(Environment, '', true, false)
    .map((metadata) => metadata.propertyName),
  'NODE_OPTIONS',
]);

/** Kubernetes memory quantities (Mi / Gi) in MiB. */
const mebibytes = (quantity: string) =>
  Number(quantity.replace(/[MG]i$/, '')) * (quantity.endsWith('Gi') ? 1024 : 1);

const APP_KINDS = [
  'ConfigMap',
  'Deployment',
  'Deployment',
  'HorizontalPodAutoscaler',
  'HorizontalPodAutoscaler',
  'Ingress',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'PodDisruptionBudget',
  'Service',
  'Service',
  'Service',
  'ServiceAccount',
];

function expectValid(yaml: string): K8sObject[] {
  const results = validateAgainstSchemas(yaml);
  expect(results.filter((r) => !r.valid)).toEqual([]);
  return parseYamlDocuments(yaml);
}

function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** What every Deployment must have, whichever way it was rendered. */
function expectProductionReadyDeployments(objects: K8sObject[]) {
  const config = byKind(objects, 'ConfigMap')[0].data!;
  const deployments = byKind(objects, 'Deployment');
  expect(deployments.map((d) => d.metadata.labels!['app.kubernetes.io/component']).sort()).toEqual([
    'api',
    'worker',
  ]);
  for (const deployment of deployments) {
    const component = deployment.metadata.labels!['app.kubernetes.io/component'];
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(deployment.spec.strategy).toMatchObject({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0 },
    });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources.requests).toEqual({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.startupProbe.httpGet.path).toBe('/health/live');
    expect(container.ports.map((p: { name: string }) => p.name)).toEqual(['http', 'metrics']);
    const env = Object.fromEntries(
      container.env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    expect(env.ORACXPRED_ROLE).toBe(component);
    for (const name of Object.keys(env)) expect(ENVIRONMENT_VARIABLES).toContain(name);
    // The V8 heap is sized to the pod: its old space leaves room under the memory limit for
    // code, the young generation and native memory (V8 would size it from the node otherwise).
    const oldSpaceMb = Number(/--max-old-space-size=(\d+)/.exec(env.NODE_OPTIONS ?? '')?.[1]);
    expect(oldSpaceMb).toBeGreaterThan(0);
    expect(oldSpaceMb + 150).toBeLessThanOrEqual(mebibytes(container.resources.limits.memory));
    // Shutdown (delay + drain) fits in the grace period Kubernetes gives before SIGKILL.
    const settings = { ...config, ...env };
    const shutdownMs = Number(settings.SHUTDOWN_DELAY_MS) + Number(settings.SHUTDOWN_TIMEOUT_MS);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(shutdownMs);
    expect(container.envFrom.map((s: object) => Object.keys(s)[0]).sort()).toEqual([
      'configMapRef',
      'secretRef',
    ]);
  }
  for (const key of Object.keys(config)) expect(ENVIRONMENT_VARIABLES).toContain(key);
  expect(config).toMatchObject({ NODE_ENV: 'production', METRICS_PORT: '9464' });
  // Secrets never sit in the ConfigMap.
  for (const secret of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET'])
    expect(config).not.toHaveProperty(secret);

  const [ingress] = byKind(objects, 'Ingress');
  expect(ingress.spec.tls[0].secretName).toEqual(expect.any(String));
  expect(ingress.spec.tls[0].hosts).toEqual([ingress.spec.rules[0].host]);
  const paths = ingress.spec.rules[0].http.paths.map((p: { path: string }) => p.path);
  expect(paths).not.toContain('/metrics');
  expect(paths).not.toContain('/');
}

function expectMigrationJob(job: K8sObject) {
  const [container] = job.spec.template.spec.containers;
  expect(container.args).toEqual(['dist/cli.js', 'migrate']);
  expect(job.spec.template.spec.restartPolicy).toBe('Never');
  expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
}

describe('deployment manifests (rendered, then validated against the Kubernetes schemas)', () => {
  let tools: { helm: string; kubectl: string };
  beforeAll(() => {
    tools = k8sTools();
  });

  describe.each(['staging', 'production'])('kustomize overlay %s', (overlay) => {
    it('renders valid objects: two Deployments, Service, Ingress with TLS, HPAs, PDBs, NetworkPolicy, ConfigMap', () => {
      const objects = expectValid(
        run(tools.kubectl, ['kustomize', `deploy/k8s/overlays/${overlay}`]),
      );
      expect(objects.map((o) => o.kind).sort()).toEqual(APP_KINDS);
      const namespace = overlay === 'staging' ? 'oracxpred-staging' : 'oracxpred';
      for (const object of objects) expect(object.metadata.namespace).toBe(namespace);
      expectProductionReadyDeployments(objects);
      const images = byKind(objects, 'Deployment').map(
        (d) => d.spec.template.spec.containers[0].image,
      );
      expect(new Set(images).size).toBe(1);
      expect(images[0]).toMatch(/^[\w.-]+\/[\w./-]+:[\w.-]+$/);
    });

    it('has its migration Job, separate from the application', () => {
      const objects = expectValid(
        run(tools.kubectl, ['kustomize', `deploy/k8s/overlays/${overlay}/migration`]),
      );
      expect(objects.map((o) => o.kind)).toEqual(['Job']);
      expectMigrationJob(objects[0]);
    });
  });

  it('keeps the Secret out of kustomize, as a valid template with the three secret keys', () => {
    const [secret] = expectValid(read('deploy/k8s/secret.template.yaml'));
    expect(secret.kind).toBe('Secret');
    expect(Object.keys(secret.stringData!).sort()).toEqual([
      'DATABASE_URL',
      'JWT_SECRET',
      'REDIS_URL',
    ]);
  });

  describe('Helm chart', () => {
    const chart = 'deploy/helm/oracxpred';
    const secretValues = [
      'secrets.values.DATABASE_URL=postgres://app:pw@db:5432/oracxpred',
      'secrets.values.REDIS_URL=redis://redis:6379',
      'secrets.values.JWT_SECRET=0123456789abcdef0123456789abcdef',
    ];
    /** `helm template` of the chart with these --set values. */
    const template = (...settings: string[]) =>
      run(tools.helm, [
        'template',
        'oracxpred',
        chart,
        '-n',
        'oracxpred',
        ...settings.flatMap((v) => ['--set', v]),
      ]);

    it('passes helm lint', () => {
      expect(
        run(tools.helm, ['lint', chart, ...secretValues.flatMap((v) => ['--set', v])]),
      ).toContain('0 chart(s) failed');
    });

    it('renders the same objects, valid, plus its Secret and the migration hook', () => {
      const objects = expectValid(template(...secretValues));
      expect(objects.map((o) => o.kind).sort()).toEqual([...APP_KINDS, 'Job', 'Secret'].sort());
      expectProductionReadyDeployments(objects);
      const [job] = byKind(objects, 'Job');
      expectMigrationJob(job);
      expect(job.metadata.annotations!['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    });

    it('uses an existing Secret instead of creating one', () => {
      const objects = expectValid(template('secrets.existingSecret=from-vault'));
      expect(byKind(objects, 'Secret')).toEqual([]);
      const deployments = byKind(objects, 'Deployment');
      expect(deployments).toHaveLength(2);
      for (const deployment of deployments) {
        expect(deployment.spec.template.spec.containers[0].envFrom).toContainEqual({
          secretRef: { name: 'from-vault' },
        });
      }
    });

    it('refuses to render without secrets, naming the missing value', () => {
      expect(() => template()).toThrow(/secrets\.values\.DATABASE_URL is required/);
    });

    it('renders with autoscaling, ingress, network policy and migration turned off', () => {
      const objects = expectValid(
        template(
          'secrets.existingSecret=s',
          'api.autoscaling.enabled=false',
          'worker.autoscaling.enabled=false',
          'ingress.enabled=false',
          'networkPolicy.enabled=false',
          'migration.enabled=false',
        ),
      );
      expect(byKind(objects, 'Deployment').map((d) => d.spec.replicas)).toEqual([2, 1]);
      for (const kind of ['HorizontalPodAutoscaler', 'Ingress', 'NetworkPolicy', 'Job']) {
        expect(byKind(objects, kind)).toEqual([]);
      }
    });
  });
});

describe('docker-compose, Dockerfile and monitoring files', () => {
  interface ComposeService {
    healthcheck?: { test?: string[]; disable?: boolean };
    environment?: Record<string, string>;
    command?: string[];
    depends_on?: Record<string, { condition: string }>;
  }
  const compose = parseYamlDocuments<{ services: Record<string, ComposeService> }>(
    read('deploy/docker-compose.yml'),
  )[0];

  it('runs api, worker, a one-off migration, PostgreSQL, Redis, Prometheus and Grafana, each with a health check', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'api',
      'grafana',
      'migrate',
      'postgres',
      'prometheus',
      'redis',
      'worker',
    ]);
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === 'migrate') expect(service.healthcheck).toEqual({ disable: true });
      else expect(service.healthcheck?.test?.length).toBeGreaterThan(0);
    }
    expect(compose.services.api.environment!.ORACXPRED_ROLE).toBe('api');
    expect(compose.services.worker.environment!.ORACXPRED_ROLE).toBe('worker');
    expect(compose.services.migrate.command).toEqual(['dist/cli.js', 'migrate']);
    for (const role of ['api', 'worker']) {
      expect(compose.services[role].depends_on!.migrate).toEqual({
        condition: 'service_completed_successfully',
      });
      for (const name of Object.keys(compose.services[role].environment!)) {
        expect(ENVIRONMENT_VARIABLES).toContain(name);
      }
    }
  });

  it('builds a multi-stage, non-root image with a health check and a context without secrets', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER 65532:65532$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n\s+CMD .*\/health\/live/m);
    // Only production files in the final stage: the tree scripts/bundle.mjs builds, whose
    // dist/main.js is what the manifests start.
    expect(dockerfile).toMatch(/^RUN .*node scripts\/bundle\.mjs \/app\/image$/m);
    const fromBuild = [...dockerfile.matchAll(/^COPY --from=build (\S+)/gm)].map((m) => m[1]);
    expect(fromBuild).toEqual(['/app/image/']);
    expect(dockerfile).toMatch(/^CMD \["dist\/main\.js"\]$/m);
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['.env', '.env.*', 'node_modules', '.git', 'test'])
      expect(ignored).toContain(entry);
  });

  /** oracxpred_* names used in PromQL, without histogram suffixes. */
  function metricNames(text: string): string[] {
    return [
      ...new Set(
        [...text.matchAll(/\boracxpred_[a-z_]+\b/g)].map((m) =>
          m[0].replace(/_(bucket|count|sum)$/, ''),
        ),
      ),
    ];
  }
  const known = new Set(Object.values(METRICS).map((spec) => spec.name));

  it('alert rules and the dashboard use only metrics the catalogue defines', () => {
    const rules = read('deploy/monitoring/alerts.yml');
    const dashboard = read('deploy/monitoring/grafana/dashboards/oracxpred.json');
    for (const name of [...metricNames(rules), ...metricNames(dashboard)])
      expect(known).toContain(name);
    // Every application metric is on the dashboard.
    expect(metricNames(dashboard).sort()).toEqual([...known].sort());
  });

  it('runs the same npm commands in .ci/run and the CI workflow', () => {
    const npmCommands = (text: string) =>
      [...text.matchAll(/^\s*(?:- run: )?(npm (?:run |test|install)[^\n#]*?)\s*$/gm)].map(
        (m) => m[1],
      );
    const local = npmCommands(read('.ci/run'));
    const workflow = npmCommands(read('.github/workflows/ci.yml'));
    expect(local).toContain('npm test -- --coverage');
    expect(workflow).toEqual(local);
  });

  it('has a runbook in docs/OPERATIONS.md for every alert', () => {
    const operations = read('docs/OPERATIONS.md');
    const alerts = [...read('deploy/monitoring/alerts.yml').matchAll(/- alert: (\w+)/g)].map(
      (m) => m[1],
    );
    expect(alerts.length).toBe(10);
    for (const alert of alerts) expect(operations).toContain(`### ${alert}`);
  });
});

describe('the client address behind the Ingress (shipped settings, read as files)', () => {
  /** KEY=value lines of an env file, comments and blank lines left out. */
  const envFile = (file: string) =>
    Object.fromEntries(
      read(file)
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    ) as Record<string, string>;
  const helmConfig = () =>
    (parseYaml(read('deploy/helm/oracxpred/values.yaml')) as { config: Record<string, string> })
      .config;

  // Without TRUSTED_PROXIES the api sees every request coming from the Ingress controller's pod:
  // all clients share one anonymous rate limit and one per-address sign-in lockout.
  it.each([
    ['kustomize', () => envFile('deploy/k8s/base/config.env')],
    ['helm', helmConfig],
  ])('%s: trusts the controller on the pod network, and no public address', (_, config) => {
    const settings = config();
    expect(() => validateEnvironment({ ...settings, NODE_ENV: 'test' })).not.toThrow();
    const trust = new ProxyTrust();
    trust.configure(splitList(settings.TRUSTED_PROXIES ?? ''));
    for (const podAddress of ['10.244.3.17', '172.17.0.5', '192.168.1.20'])
      expect({ podAddress, trusted: trust.trusts(podAddress) }).toEqual({
        podAddress,
        trusted: true,
      });
    for (const client of ['203.0.113.9', '8.8.8.8', '2001:db8::1'])
      expect({ client, trusted: trust.trusts(client) }).toEqual({ client, trusted: false });
  });
});
