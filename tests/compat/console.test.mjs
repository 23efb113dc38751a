// The web console at /console driven by a real browser (Debian's chromium, headless, through playwright-core): an
// operator finds a failed event, reads its timeline, sees it in the dead-letter queue, fixes the function, redrives
// the queue and watches the same request id succeed, all by clicking in the page; and, on a silo with an API key,
// signs in. Screenshots of every step go to artifacts/console/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LambdaClient, CreateFunctionCommand, GetFunctionCommand, InvokeCommand, PutFunctionEventInvokeConfigCommand, UpdateFunctionEventInvokeConfigCommand,
  UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { SQSClient, CreateQueueCommand } from '@aws-sdk/client-sqs';
import { startSilo } from './silo.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifacts = path.join(root, 'artifacts', 'console');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const missing = existsSync(executablePath) ? null : `chromium is not installed (${executablePath}); apt-get install -y chromium`;
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const apiKey = 'console-compat-key-5d1e9a7c3b';
const reader = { accessKeyId: 'AKIACONSOLEREAD00001', secretAccessKey: 'console-read-secret-8e4f' };
const WAIT_MS = 20_000;

let browser;
let silo;
let securedSilo;

before(async () => {
  if (missing) {
    return;
  }
  mkdirSync(artifacts, { recursive: true });
  const { chromium } = await import('playwright-core');
  [browser, silo, securedSilo] = await Promise.all([
    chromium.launch({ executablePath, args: ['--no-sandbox'] }),
    // Deliveries park after 3 s of failures (6 h by default), to a webhook on this machine.
    startSilo({ AsyncInvoke__DeliveryRetryWindow: '00:00:03', AsyncInvoke__Webhooks__AllowLoopback: 'true' }),
    startSilo({
      AsyncInvoke__Auth__ApiKeys__oncall__Key: apiKey,
      AsyncInvoke__Auth__ApiKeys__oncall__Role: 'admin',
      [`AsyncInvoke__Auth__Credentials__${reader.accessKeyId}__Secret`]: reader.secretAccessKey,
      [`AsyncInvoke__Auth__Credentials__${reader.accessKeyId}__Role`]: 'read',
    }),
  ]);
});

after(async () => {
  await browser?.close();
  silo?.stop();
  securedSilo?.stop();
});

async function newPage(name, viewport = { width: 1400, height: 900 }) {
  const context = await browser.newContext({ viewport, colorScheme: 'dark' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`${name}: ${error.message}`));
  // The silo serves the console under a strict Content-Security-Policy: anything it blocks is a bug of the page.
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) {
      problems.push(`${name}: ${message.text()}`);
    }
  });
  page.problems = problems;
  return page;
}

/** A link of the console's navigation bar. */
const nav = (page, name) => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true });

/** The whole page; `top` also keeps the first screenful, small enough for the README. */
async function shot(page, name, { top = false } = {}) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
  if (top) {
    await page.screenshot({ path: path.join(artifacts, `${name}-top.png`) });
  }
}

/** Waits until the locator is visible and its text matches, and says what it showed when it does not. */
async function sees(locator, pattern, timeout = WAIT_MS) {
  const deadline = Date.now() + timeout;
  let text = '';
  while (Date.now() < deadline) {
    if (await locator.count() > 0 && await locator.first().isVisible()) {
      text = await locator.first().innerText();
      if (pattern === undefined || pattern.test(text)) {
        return text;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`expected ${locator} to show ${pattern ?? 'something'}; it showed: ${text || '(nothing visible)'}`);
}

test('console: a failed event is found, read, seen in the DLQ, redriven after the fix and watched to succeed', async (t) => {
  if (missing) {
    t.skip(missing);
    return;
  }
  const lambda = new LambdaClient({ endpoint: silo.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const sqs = new SQSClient({ endpoint: silo.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

  // `fail` (dotnet:fail) with no retries and a dead-letter queue; the demo function when the silo defines it.
  await sqs.send(new CreateQueueCommand({ QueueName: 'fail-dlq' }));
  const exists = await lambda.send(new GetFunctionCommand({ FunctionName: 'fail' })).then(() => true, () => false);
  if (!exists) {
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'fail', Role: 'arn:aws:iam::000000000000:role/any', PackageType: 'Image', Code: { ImageUri: 'dotnet:fail' } }));
  }
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fail', DeadLetterConfig: { TargetArn: 'arn:aws:sqs:us-east-1:000000000000:fail-dlq' } }));
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'fail', MaximumRetryAttempts: 0 }));
  // Some successful traffic beside it, so the overview has rates to draw.
  await Promise.all(Array.from({ length: 12 }, (_, i) => lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: JSON.stringify({ n: i }) }))));
  const invoked = await lambda.send(new InvokeCommand({ FunctionName: 'fail', InvocationType: 'Event', Payload: JSON.stringify({ order: 7, message: 'card declined' }) }));
  assert.equal(invoked.StatusCode, 202);
  const id = invoked.$metadata.requestId;
  assert.match(id, /^[0-9a-f-]{36}$/);

  const page = await newPage('operator');
  await page.goto(`${silo.endpoint}/console`);
  await sees(page.getByRole('heading', { level: 1 }), /^Overview$/);
  await sees(page.locator('.attention'), /fail: 1 failed in the last hour/);
  await sees(page.locator('tr[data-function="echo"]'), /echo\s+12\b/);
  await shot(page, '01-overview');

  // The invocations list, filtered to `fail`: the failed event is there.
  await nav(page, 'Invocations').click();
  await sees(page.getByRole('heading', { level: 1 }), /^Invocations$/);
  await page.getByLabel('Function').selectOption('fail');
  const row = page.locator(`tr[data-request-id="${id}"]`);
  await sees(row, /Failed[\s\S]*RetriesExhausted/);
  await shot(page, '02-invocations');

  // Its detail: the failed attempt on the timeline, the error, the record.
  await row.getByRole('link', { name: id }).click();
  await page.waitForURL(`**/console/invocations/${id}`);
  await sees(page.getByRole('heading', { level: 1 }), new RegExp(`Invocation ${id}`));
  await sees(page.locator('.headline'), /Failed after 1 attempt \(RetriesExhausted\) — InvalidOperationException: card declined/);
  await sees(page.locator('tr[data-attempt="1"][data-outcome="FunctionError"]'), /FunctionError[\s\S]*InvalidOperationException[\s\S]*card declined/);
  await sees(page.getByRole('region', { name: 'Final record' }), /"condition": "RetriesExhausted"/);
  await shot(page, '03-invocation-failed');

  // The dead-letter queue holds the raw event, with the request id.
  await nav(page, 'Queues').click();
  await sees(page.locator('tr[data-queue="fail-dlq"]'), /fail-dlq\s+1\s+fail: dead-letter queue/);
  await page.getByRole('link', { name: 'fail-dlq' }).click();
  await sees(page.getByRole('heading', { level: 1 }), /^Queue fail-dlq$/);
  await sees(page.locator(`tr[data-request-id="${id}"]`), /card declined/);
  await shot(page, '04-dead-letter-queue');

  // A second window keeps the invocation open: it must change to Succeeded by itself, without a reload.
  // It is opened as from an alert: the request id pasted into the box every page has.
  const watcher = await newPage('watcher', { width: 1400, height: 1120 });
  await watcher.goto(`${silo.endpoint}/console`);
  await watcher.getByRole('search', { name: 'Open an invocation by request id' }).getByLabel('Request id').fill(id);
  await watcher.getByRole('button', { name: 'Open', exact: true }).click();
  await watcher.waitForURL(`**/console/invocations/${id}`);
  await sees(watcher.locator('.headline'), /Failed after 1 attempt/);

  // Fix the function, then redrive the queue from the page.
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'fail', ImageUri: 'dotnet:echo' }));
  await page.getByRole('button', { name: 'Redrive into fail' }).click();
  const dialog = page.getByRole('dialog');
  await sees(dialog, /Redrive fail's dead-letter queue\?/);
  await dialog.getByRole('button', { name: 'Redrive now' }).click();
  await sees(page.locator('.redrive-job[data-state="completed"]'), /Redrive completed[\s\S]*1 moved, 0 skipped, 0 failed of 1/);
  await sees(page.locator('[data-depth]'), /^0 messages$/);
  await shot(page, '05-redrive-completed');

  await sees(watcher.locator('.headline'), /Succeeded after 2 attempts\./);
  assert.equal(new URL(watcher.url()).pathname, `/console/invocations/${id}`);
  await sees(watcher.locator('tr[data-outcome="Redriven"]'), /Redriven/);
  await sees(watcher.locator('tr[data-attempt="2"][data-outcome="Success"]'), /Success/);
  await sees(watcher.getByRole('region', { name: 'Final record' }), /"condition": "Success"/);
  await shot(watcher, '06-invocation-succeeded', { top: true });

  assert.deepEqual([...page.problems, ...watcher.problems], []);
});

test('console: with an API key configured, the login form refuses a wrong key and the right key shows data', async (t) => {
  if (missing) {
    t.skip(missing);
    return;
  }
  const page = await newPage('secured');
  // A deep link, as pasted from an alert: the page loads, asks for a key, and then shows what was asked for.
  await page.goto(`${securedSilo.endpoint}/console/functions/echo`);
  await sees(page.getByRole('heading', { level: 1 }), /^Sign in$/);
  const key = page.getByLabel('API key');
  await key.fill('not-the-key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await sees(page.getByRole('alert'), /Sign in failed: UnauthorizedException — The key is not valid\./);
  await shot(page, '07-login-refused');

  await key.fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await sees(page.getByRole('heading', { level: 1 }), /^echo$/);
  await sees(page.locator('#account'), /Signed in as oncall \(admin\)/);
  await sees(page.getByRole('region', { name: 'Configuration' }), /dotnet:echo/);
  await nav(page, 'Overview').click();
  await sees(page.locator('.cards'), /silos\s+1\b/i);
  await nav(page, 'Functions').click();
  await sees(page.locator('tr[data-function="echo"]'), /Returns the payload/);
  await shot(page, '08-signed-in');

  // Signing out ends the session: the form comes back, and stays after a reload.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await sees(page.getByRole('heading', { level: 1 }), /^Sign in$/);
  await page.reload();
  await sees(page.getByRole('heading', { level: 1 }), /^Sign in$/);

  // A read-only access key signs in too, and what it may not do is refused in the page, in the API's words.
  await page.getByText('Sign in with an AWS access key instead').click();
  await page.getByLabel('Access key id').fill(reader.accessKeyId);
  await page.getByLabel('Secret access key').fill(reader.secretAccessKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await sees(page.locator('#account'), new RegExp(`Signed in as ${reader.accessKeyId} \\(read\\)`));
  await nav(page, 'Functions').click();
  await page.locator('tr[data-function="echo"]').getByRole('link', { name: 'echo' }).click();
  await page.getByRole('button', { name: 'Pause asynchronous processing' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Pause' }).click();
  await sees(page.getByRole('region', { name: 'Pause / resume' }).getByRole('alert'), /Pause: AccessDeniedException — .*asyncinvoke:PutAsyncProcessing/);
  await shot(page, '09-read-only-refused');
  assert.deepEqual(page.problems, []);
});

test('console: pause a function, cancel a held event, retry it, resume, and see it succeed', async (t) => {
  if (missing) {
    t.skip(missing);
    return;
  }
  const lambda = new LambdaClient({ endpoint: silo.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const page = await newPage('control');
  await page.goto(`${silo.endpoint}/console/functions/flaky`);
  await sees(page.getByRole('heading', { level: 1 }), /^flaky$/);
  await page.getByRole('button', { name: 'Pause asynchronous processing' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Pause' }).click();
  await sees(page.getByRole('region', { name: 'Pause / resume' }), /Paused — events are held/);

  const invoked = await lambda.send(new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event', Payload: JSON.stringify({ failTimes: 0 }) }));
  const id = invoked.$metadata.requestId;
  await nav(page, 'Invocations').click();
  await page.getByLabel('Function').selectOption('flaky');
  await page.getByLabel('State').selectOption('paused');
  const row = page.locator(`tr[data-request-id="${id}"]`);
  await sees(row, /Paused/);
  await row.getByRole('link', { name: id }).click();
  await sees(page.locator('.headline'), /Held: the function is paused/);

  await page.getByRole('button', { name: 'Cancel invocation' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel invocation' }).click();
  await sees(page.locator('.headline'), /Cancelled after 0 attempts\./);
  await sees(page.getByRole('status').filter({ hasText: 'Cancelled.' }), /Cancelled\./);

  // A retry while the function is still paused is held again; resuming runs it.
  await page.getByRole('button', { name: 'Retry now' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Retry now' }).click();
  await sees(page.locator('.headline'), /Held: the function is paused/);
  await page.locator('.crumbs').getByRole('link', { name: 'flaky' }).click();
  await page.getByRole('button', { name: 'Resume asynchronous processing' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Resume' }).click();
  await sees(page.getByRole('region', { name: 'Pause / resume' }), /Running/);
  await sees(page.getByRole('region', { name: 'Latest invocations' }).locator('tr').filter({ hasText: id }), /Succeeded/);
  await shot(page, '11-function-resumed');
  assert.deepEqual(page.problems, []);
});

test('console: deliveries parked at a webhook that was down are redriven from the page once it is back', async (t) => {
  if (missing) {
    t.skip(missing);
    return;
  }
  let up = false;
  const received = [];
  const hook = createServer((request, response) => {
    let body = '';
    request.on('data', (d) => { body += d; });
    request.on('end', () => {
      if (up) {
        received.push(JSON.parse(body));
      }
      response.writeHead(up ? 200 : 503).end();
    });
  });
  await new Promise((resolve) => hook.listen(0, '127.0.0.1', resolve));
  t.after(() => hook.close());
  const destination = `http://127.0.0.1:${hook.address().port}/records`;

  const lambda = new LambdaClient({ endpoint: silo.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  await lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'sleep', DestinationConfig: { OnSuccess: { Destination: destination } } }));
  const invoked = await lambda.send(new InvokeCommand({ FunctionName: 'sleep', InvocationType: 'Event', Payload: JSON.stringify({ ms: 1 }) }));
  const id = invoked.$metadata.requestId;

  const page = await newPage('deliveries');
  await page.goto(`${silo.endpoint}/console/destinations`);
  const panel = page.locator(`[data-destination="${destination}"]`);
  await sees(panel, /sleep \(OnSuccess\)[\s\S]*1 parked/);
  await sees(panel.locator(`tr[data-delivery="${id}:success"]`), /Success[\s\S]*503/);
  await shot(page, '12-parked-delivery');

  up = true;
  await panel.getByRole('button', { name: 'Redrive 1 parked' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Redrive' }).click();
  await sees(panel.getByRole('status'), /1 deliveries moved back to pending\./);
  await sees(panel, /0 pending, 0 parked/);
  assert.deepEqual(received.map((r) => [r.requestContext.requestId, r.requestContext.condition]), [[id, 'Success']]);
  assert.deepEqual(page.problems, []);
});
