// Walks the README's HTTP walk-through as a new user would type it, against a fresh silo: every bash block from
// "A first invocation (HTTP)" to the client SDK section, and the one in "Functions", run as written (only the
// addresses are moved to free ports), each HTTP call required to succeed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSilo } from './silo.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function blocks(fromHeading, toHeading) {
  const start = readme.indexOf(`\n## ${fromHeading}`);
  const end = readme.indexOf(`\n## ${toHeading}`, start + 1);
  assert.ok(start >= 0 && end > start, `README sections ${fromHeading} .. ${toHeading}`);
  const text = readme.slice(start, end);
  const found = [];
  const pattern = /```bash\n([\s\S]*?)```/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const line = readme.slice(0, start + match.index).split('\n').length + 1;
    found.push({ line, code: match[1] });
  }
  return found;
}

const cliVersion = (() => {
  try {
    const out = execFileSync('aws', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /aws-cli\/(\d)/.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
})();

let silo;
let ports;
before(async () => {
  silo = await startSilo({ AsyncInvoke__TimeCompression: '60' });
  ports = { 9000: await freePort(), 9001: await freePort() };
});
// Files the walk-through's commands write in the repository root, as a user's would in their working directory.
const written = ['out.json', 'function.zip'].map((f) => path.join(root, f)).filter((f) => !existsSync(f));
after(() => {
  silo?.stop();
  for (const file of written) {
    rmSync(file, { force: true });
  }
});

// The harness around a block: HTTP errors fail it, background servers stop with it and are waited for.
const prelude = `set -euo pipefail
curl() { command curl --fail-with-body "$@"; }
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
wait_for_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "nothing listens on $1" >&2; return 1; }
`;

function prepare(code) {
  const url = new URL(silo.endpoint);
  // A command continued with a backslash is one command: join it, so a comment at its end speaks for all of it.
  const script = code
    .replace(/\\\n\s*/g, ' ')
    .replaceAll('localhost:7071', `127.0.0.1:${url.port}`)
    .replaceAll('127.0.0.1:9000', `127.0.0.1:${ports[9000]}`)
    .replaceAll('127.0.0.1:9001', `127.0.0.1:${ports[9001]}`)
    .replaceAll('PORT=9000', `PORT=${ports[9000]}`)
    .replaceAll('PORT=9001', `PORT=${ports[9001]}`);
  const lines = [];
  for (const line of script.split('\n')) {
    if (cliVersion === '1' && /# CLI v2\s*$/.test(line)) continue;
    if (cliVersion === '2' && /# CLI v1 \(Debian's\)\s*$/.test(line)) continue;
    lines.push(line);
    const port = /PORT=(\d+)/.exec(line);
    if (port && /&\s*(#.*)?$/.test(line)) {
      lines.push(`wait_for_port ${port[1]}`);
    }
  }
  return prelude + lines.join('\n');
}

const walkthrough = [...blocks('A first invocation (HTTP)', 'A first invocation (client SDK)'), ...blocks('Functions', 'Observability')]
  .filter((b) => b.code.includes('curl') || b.code.includes('aws '));

for (const block of walkthrough) {
  const needsCli = /\baws (lambda|sqs|sns|events) /.test(block.code);
  test(`README line ${block.line} runs as written`, { skip: needsCli && !cliVersion ? 'the AWS CLI (aws) is not installed' : false }, () => {
    const result = spawnSync('bash', ['-c', prepare(block.code)], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_DEFAULT_REGION: '' },
    });
    assert.equal(result.status, 0, `README block at line ${block.line} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  });
}

test('the walk-through covers the documented routes', () => {
  assert.ok(walkthrough.length >= 5, `found ${walkthrough.length} runnable blocks`);
});
