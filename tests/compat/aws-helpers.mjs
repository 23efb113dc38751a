// What the SNS and EventBridge compatibility tests share: names, queues to read deliveries from, error checks.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';

export const execFileAsync = promisify(execFile);
export const hasCli = await execFileAsync('aws', ['--version']).then(() => true, () => false);
export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
export const account = '000000000000';
export const unique = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;
export const queueArn = (name) => `arn:aws:sqs:us-east-1:${account}:${name}`;

/** A client configuration for the silo: only the endpoint is overridden. */
export const clientConfig = (silo) => ({ endpoint: silo.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

/** Runs the AWS CLI against the silo and parses its JSON output. */
export function cli(silo) {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1' };
  return async (...args) => {
    const { stdout } = await execFileAsync('aws', [...args, '--endpoint-url', silo.endpoint, '--output', 'json'], { env });
    return stdout.trim() ? JSON.parse(stdout) : {};
  };
}

export async function createQueue(sqs) {
  const name = unique('q');
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return { name, url: QueueUrl, arn: queueArn(name) };
}

/** Receives until a message arrives (long polling: it answers as soon as one does), at most `rounds` polls of 20 s. */
export async function receiveOne(sqs, url, extra = {}, rounds = 3) {
  for (let i = 0; i < rounds; i++) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20, ...extra }));
    if (Messages?.length) {
      return Messages[0];
    }
  }
  assert.fail(`no message arrived on ${url}`);
}

/** The call fails with an error of the class (or of the name, for errors the SDK has no class for), its message matching. */
export async function rejects(promise, expected, pattern) {
  await assert.rejects(promise, (error) => {
    const fits = typeof expected === 'string' ? error.name === expected : error instanceof expected;
    assert.ok(fits, `expected ${expected.name ?? expected}, got ${error.name}: ${error.message}`);
    if (pattern) {
      assert.match(error.message, pattern);
    }
    return true;
  });
}
