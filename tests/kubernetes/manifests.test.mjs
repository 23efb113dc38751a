// The manifests as `kubectl kustomize` renders them, offline: every object passes the Kubernetes OpenAPI schema of
// its kind (kubernetes-models), and the settings the deployment guide promises are there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { parseAllDocuments } from "yaml";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function render(dir) {
  const out = execFileSync("kubectl", ["kustomize", path.join(root, dir)], { encoding: "utf8" });
  return parseAllDocuments(out).map((d) => {
    assert.equal(d.errors.length, 0, `${dir} renders YAML that does not parse: ${d.errors.join("; ")}`);
    return d.toJS();
  });
}

async function modelOf(object) {
  const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : [null, object.apiVersion];
  const module = group ? `kubernetes-models/${group}/${version}/${object.kind}` : `kubernetes-models/${version}/${object.kind}`;
  try {
    return (await import(module))[object.kind];
  } catch (error) {
    assert.fail(`${object.kind} ${object.metadata?.name} (${object.apiVersion}) has no Kubernetes schema: ${error.message}`);
  }
}

const one = (objects, kind, name) => {
  const found = objects.filter((o) => o.kind === kind && (!name || o.metadata.name === name));
  assert.equal(found.length, 1, `expected one ${kind} ${name ?? ""}, found ${found.length}`);
  return found[0];
};

const seconds = (timeSpan) => {
  const [h, m, s] = timeSpan.split(":").map(Number);
  return h * 3600 + m * 60 + s;
};

for (const dir of ["deploy/kubernetes", "deploy/kubernetes/base"]) {
  test(`${dir}: every rendered object passes the Kubernetes schema of its kind`, async () => {
    const objects = render(dir);
    assert.ok(objects.length >= 10, `expected the whole stack, rendered ${objects.length} objects`);
    for (const object of objects) {
      const Model = await modelOf(object);
      assert.doesNotThrow(() => new Model(object).validate(), `${object.kind} ${object.metadata.name} fails its schema`);
      assert.equal(object.metadata.namespace ?? "asyncinvoke", "asyncinvoke", `${object.kind} ${object.metadata.name} is outside the namespace`);
    }
  });
}

test("schema check: an object that breaks its schema is refused", async () => {
  const deployment = structuredClone(one(render("deploy/kubernetes/base"), "Deployment"));
  deployment.spec.template.spec.containers[0].ports[0].containerPort = "eighty";
  const Model = await modelOf(deployment);
  assert.throws(() => new Model(deployment).validate(), /containerPort/);
});

test("silo Deployment: 3 replicas, surge-only rolling update, probes, requests, non-root, read-only root", () => {
  const objects = render("deploy/kubernetes/base");
  const deployment = one(objects, "Deployment", "asyncinvoke-silo");
  const spec = deployment.spec.template.spec;
  const silo = spec.containers[0];
  assert.equal(deployment.spec.replicas, 3);
  assert.deepEqual(deployment.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  assert.equal(silo.readinessProbe.httpGet.path, "/readyz");
  assert.equal(silo.livenessProbe.httpGet.path, "/healthz");
  assert.ok(silo.startupProbe.httpGet, "startup probe");
  assert.ok(silo.resources.requests.cpu && silo.resources.requests.memory, "CPU and memory requests");
  assert.equal(spec.securityContext.runAsNonRoot, true);
  assert.notEqual(spec.securityContext.runAsUser, 0);
  assert.equal(silo.securityContext.readOnlyRootFilesystem, true);
  assert.equal(silo.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(silo.ports.map((p) => p.containerPort).sort(), [11111, 30000, 8080]);
});

test("silo Deployment: pod identity from the downward API, Redis from a Secret, settings from the ConfigMap", () => {
  const objects = render("deploy/kubernetes/base");
  const silo = one(objects, "Deployment").spec.template.spec.containers[0];
  const env = Object.fromEntries(silo.env.map((e) => [e.name, e.valueFrom ?? e.value]));
  assert.equal(env.POD_IP.fieldRef.fieldPath, "status.podIP");
  assert.equal(env.POD_NAME.fieldRef.fieldPath, "metadata.name");
  assert.equal(env.ConnectionStrings__Redis.secretKeyRef.name, "asyncinvoke-redis");
  const redisSecret = one(objects, "Secret", "asyncinvoke-redis");
  assert.ok(redisSecret.stringData[env.ConnectionStrings__Redis.secretKeyRef.key], "the Secret holds the connection string");
  const config = one(objects, "ConfigMap", "asyncinvoke-settings");
  assert.deepEqual(silo.envFrom, [{ configMapRef: { name: "asyncinvoke-settings" } }, { secretRef: { name: "asyncinvoke-auth" } }]);
  assert.equal(config.data.AsyncInvoke__Cluster__Profile, "kubernetes");
  assert.equal(config.data.AsyncInvoke__Auth__AllowAnonymous, "false");
  assert.ok(!Object.keys(config.data).some((k) => /Key$|Secret$|Redis/.test(k)), "no secret in the ConfigMap");
  assert.ok(!Object.keys(config.data).some((k) => /AllowLocalPrograms/.test(k)), "local programs stay off");
  const auth = one(objects, "Secret", "asyncinvoke-auth");
  assert.equal(auth.stringData.AsyncInvoke__Auth__ApiKeys__admin__Role, "admin");
  assert.ok(auth.stringData.AsyncInvoke__Auth__ApiKeys__admin__Key, "an admin API key");
});

test("silo Deployment: the grace period outlasts the silo's own bound on a stop", () => {
  const objects = render("deploy/kubernetes/base");
  const config = one(objects, "ConfigMap", "asyncinvoke-settings").data;
  const bound = seconds(config.AsyncInvoke__Shutdown__ReadinessDelay) + seconds(config.AsyncInvoke__Shutdown__DrainTimeout) + 3;
  const grace = one(objects, "Deployment").spec.template.spec.terminationGracePeriodSeconds;
  assert.ok(grace >= bound + 10, `grace period ${grace} s must exceed the silo's bound ${bound} s with room to spare`);
});

test("Services, PodDisruptionBudget and autoscaling on the pending backlog", () => {
  const objects = render("deploy/kubernetes/base");
  const selector = one(objects, "Deployment").spec.selector.matchLabels;
  const http = one(objects, "Service", "asyncinvoke-http");
  const gateway = one(objects, "Service", "asyncinvoke-gateway");
  assert.deepEqual(http.spec.selector, selector);
  assert.equal(http.spec.ports[0].targetPort, "http");
  assert.deepEqual(gateway.spec.selector, selector);
  assert.equal(gateway.spec.ports[0].port, 30000);
  assert.deepEqual(one(objects, "PodDisruptionBudget").spec.selector.matchLabels, selector);
  const hpa = one(objects, "HorizontalPodAutoscaler");
  assert.equal(hpa.spec.scaleTargetRef.name, "asyncinvoke-silo");
  assert.ok(hpa.spec.metrics.some((m) => m.type === "External" && m.external.metric.name === "asyncinvoke_pending_invocations"),
    "scales on the pending-invocation backlog");
});

test("Redis: a StatefulSet with the append-only file on a PersistentVolumeClaim", () => {
  const objects = render("deploy/kubernetes/base");
  const redis = one(objects, "StatefulSet", "asyncinvoke-redis");
  const args = redis.spec.template.spec.containers[0].args.join(" ");
  assert.match(args, /--appendonly yes/);
  const data = redis.spec.template.spec.containers[0].volumeMounts.find((m) => m.name === "data");
  assert.ok(redis.spec.volumeClaimTemplates.some((c) => c.metadata.name === data.name), "the data directory is a claim");
  assert.match(args, new RegExp(`--dir ${data.mountPath}`));
  assert.equal(one(objects, "Service", "asyncinvoke-redis").spec.clusterIP, "None");
});

test("Orleans TLS: the full install mounts the Secret asyncinvoke-tls and names its files; base does not", () => {
  const full = one(render("deploy/kubernetes"), "Deployment").spec.template.spec;
  const silo = full.containers[0];
  const volume = full.volumes.find((v) => v.secret?.secretName === "asyncinvoke-tls");
  assert.ok(volume, "a volume from the Secret asyncinvoke-tls");
  const mount = silo.volumeMounts.find((m) => m.name === volume.name);
  const env = Object.fromEntries(silo.env.filter((e) => e.value).map((e) => [e.name, e.value]));
  assert.equal(env.AsyncInvoke__Cluster__Tls__CertificatePath, `${mount.mountPath}/tls.crt`);
  assert.equal(env.AsyncInvoke__Cluster__Tls__KeyPath, `${mount.mountPath}/tls.key`);
  assert.equal(env.AsyncInvoke__Cluster__Tls__CaPath, `${mount.mountPath}/ca.crt`);
  const base = one(render("deploy/kubernetes/base"), "Deployment").spec.template.spec;
  assert.ok(!base.containers[0].env.some((e) => e.name.includes("Tls")), "base has no TLS settings");
});

test("container image: multi-stage SDK build, ASP.NET Core runtime, non-root, the silo's ports", () => {
  const dockerfile = readFileSync(path.join(root, "deploy/Dockerfile"), "utf8");
  const from = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
  assert.deepEqual(from, ["mcr.microsoft.com/dotnet/sdk:10.0", "mcr.microsoft.com/dotnet/aspnet:10.0"]);
  assert.match(dockerfile, /dotnet publish silo\/Orleans\.AsyncInvoke\.Silo\.csproj -c Release/);
  assert.match(dockerfile, /^USER \$APP_UID$/m);
  assert.match(dockerfile, /^EXPOSE 8080 11111 30000$/m);
  assert.match(dockerfile, /^ENTRYPOINT \["dotnet", "Orleans\.AsyncInvoke\.Silo\.dll"\]$/m);
  const ignored = readFileSync(path.join(root, ".dockerignore"), "utf8");
  for (const entry of ["**/bin/", "**/obj/", "tests/"]) {
    assert.ok(ignored.split("\n").includes(entry), `.dockerignore leaves out ${entry}`);
  }
  for (const copied of [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(" "))) {
    assert.ok(existsSync(path.join(root, copied.replace(/\*\.csproj$/, ""))), `the build context has ${copied}`);
  }
});
