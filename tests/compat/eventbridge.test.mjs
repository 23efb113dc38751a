// The real AWS SDK for JavaScript v3 EventBridge client (AWS JSON 1.1) and the AWS CLI v1 against a running silo's
// built-in event buses; routed events are read with the SQS client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  EventBridgeClient, CreateEventBusCommand, DeleteEventBusCommand, ListEventBusesCommand, DescribeEventBusCommand,
  PutRuleCommand, DeleteRuleCommand, ListRulesCommand, DescribeRuleCommand, EnableRuleCommand, DisableRuleCommand,
  PutTargetsCommand, RemoveTargetsCommand, ListTargetsByRuleCommand, PutEventsCommand, TestEventPatternCommand,
  ResourceNotFoundException, ResourceAlreadyExistsException, InvalidEventPatternException, LimitExceededException,
} from '@aws-sdk/client-eventbridge';
import { SQSClient, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { SNSClient, CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { LambdaClient, CreateFunctionCommand, PutFunctionEventInvokeConfigCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { startSilo } from './silo.mjs';
import { account, clientConfig, cli, createQueue as newQueue, hasCli, queueArn, receiveOne as receive, rejects, unique } from './aws-helpers.mjs';

const busArn = (name) => `arn:aws:events:us-east-1:${account}:event-bus/${name}`;

let silo;
let events;
let sqs;
let sns;
let lambda;

before(async () => {
  silo = await startSilo({ AsyncInvoke__TimeCompression: '60' });
  const config = clientConfig(silo);
  events = new EventBridgeClient(config);
  sqs = new SQSClient(config);
  sns = new SNSClient(config);
  lambda = new LambdaClient(config);
});

after(() => silo?.stop());

async function createBus() {
  const name = unique('bus');
  const { EventBusArn } = await events.send(new CreateEventBusCommand({ Name: name }));
  return { name, arn: EventBusArn };
}

const orderPattern = JSON.stringify({ source: ['shop'], 'detail-type': ['OrderPlaced'] });

async function ruleToQueue(bus, target = {}, pattern = orderPattern) {
  const queue = await createQueue();
  const rule = unique('rule');
  await events.send(new PutRuleCommand({ Name: rule, EventBusName: bus, EventPattern: pattern }));
  const put = await events.send(new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: [{ Id: 't1', Arn: queue.arn, ...target }] }));
  assert.equal(put.FailedEntryCount, 0);
  return { rule, queue };
}

test('CreateEventBus_WhenNameExists_IsResourceAlreadyExists', async () => {
  const bus = await createBus();
  assert.equal(bus.arn, busArn(bus.name));
  await rejects(events.send(new CreateEventBusCommand({ Name: bus.name })), ResourceAlreadyExistsException, /already exists/);
  await rejects(events.send(new CreateEventBusCommand({ Name: 'default' })), ResourceAlreadyExistsException);
});

test('DescribeEventBus_WhenDefaultOrCreatedOrDeleted_AnswersAsEventBridge', async () => {
  assert.deepEqual(await events.send(new DescribeEventBusCommand({})).then(({ Name, Arn }) => ({ Name, Arn })), { Name: 'default', Arn: busArn('default') });
  const bus = await createBus();
  assert.equal((await events.send(new DescribeEventBusCommand({ Name: bus.arn }))).Name, bus.name);
  await events.send(new DeleteEventBusCommand({ Name: bus.name }));
  await rejects(events.send(new DescribeEventBusCommand({ Name: bus.name })), ResourceNotFoundException, /does not exist/);
  await rejects(events.send(new DeleteEventBusCommand({ Name: 'default' })), 'ValidationException', /Cannot delete event bus default/);
});

test('ListEventBuses_WhenPrefixAndLimitAreGiven_PagesThroughTheMatchingBuses', async () => {
  const prefix = unique('list');
  const names = [];
  for (let i = 0; i < 3; i++) {
    names.push((await events.send(new CreateEventBusCommand({ Name: `${prefix}-${i}` }))) && `${prefix}-${i}`);
  }
  const first = await events.send(new ListEventBusesCommand({ NamePrefix: prefix, Limit: 2 }));
  assert.deepEqual(first.EventBuses.map((b) => b.Name), names.slice(0, 2));
  const second = await events.send(new ListEventBusesCommand({ NamePrefix: prefix, Limit: 2, NextToken: first.NextToken }));
  assert.deepEqual(second.EventBuses.map((b) => b.Name), names.slice(2));
  assert.equal(second.NextToken, undefined);
  assert.ok((await events.send(new ListEventBusesCommand({}))).EventBuses.some((b) => b.Name === 'default'));
});

test('PutRule_WhenPatternIsInvalid_IsInvalidEventPatternException', async () => {
  await rejects(events.send(new PutRuleCommand({ Name: unique('bad'), EventPattern: '{"source":"lambda"}' })),
    InvalidEventPatternException, /^Event pattern is not valid\. Reason: /);
  await rejects(events.send(new PutRuleCommand({ Name: unique('bad'), EventPattern: '{}' })), InvalidEventPatternException);
  await rejects(events.send(new PutRuleCommand({ Name: unique('bad'), EventPattern: 'not json' })), InvalidEventPatternException);
});

test('PutRule_WhenScheduleOrNothingIsGiven_IsValidationException', async () => {
  await rejects(events.send(new PutRuleCommand({ Name: unique('cron'), ScheduleExpression: 'rate(5 minutes)' })), 'ValidationException', /ScheduleExpression is not supported/);
  await rejects(events.send(new PutRuleCommand({ Name: unique('none') })), 'ValidationException', /EventPattern or ScheduleExpression/);
  await rejects(events.send(new PutRuleCommand({ Name: unique('state'), EventPattern: orderPattern, State: 'ON' })), 'ValidationException', /ENABLED, DISABLED/);
  await rejects(events.send(new PutRuleCommand({ Name: unique('r'), EventPattern: orderPattern, EventBusName: unique('missing') })), ResourceNotFoundException);
});

test('DescribeRule_WhenDisabledAndEnabled_ReportsStateAndArn', async () => {
  const bus = await createBus();
  const name = unique('rule');
  const { RuleArn } = await events.send(new PutRuleCommand({ Name: name, EventBusName: bus.name, EventPattern: orderPattern, Description: 'orders', State: 'DISABLED' }));
  assert.equal(RuleArn, `arn:aws:events:us-east-1:${account}:rule/${bus.name}/${name}`);
  let rule = await events.send(new DescribeRuleCommand({ Name: name, EventBusName: bus.name }));
  assert.equal(rule.State, 'DISABLED');
  assert.equal(rule.Description, 'orders');
  assert.equal(rule.EventPattern, orderPattern);
  assert.equal(rule.EventBusName, bus.name);
  await events.send(new EnableRuleCommand({ Name: name, EventBusName: bus.name }));
  rule = await events.send(new DescribeRuleCommand({ Name: name, EventBusName: bus.name }));
  assert.equal(rule.State, 'ENABLED');
  await events.send(new DisableRuleCommand({ Name: name, EventBusName: bus.name }));
  assert.equal((await events.send(new DescribeRuleCommand({ Name: name, EventBusName: bus.name }))).State, 'DISABLED');
  const onDefault = unique('rule');
  const { RuleArn: defaultArn } = await events.send(new PutRuleCommand({ Name: onDefault, EventPattern: orderPattern }));
  assert.equal(defaultArn, `arn:aws:events:us-east-1:${account}:rule/${onDefault}`);
  await events.send(new DeleteRuleCommand({ Name: onDefault }));
  await rejects(events.send(new DescribeRuleCommand({ Name: onDefault })), ResourceNotFoundException, /does not exist on EventBus default/);
  await rejects(events.send(new EnableRuleCommand({ Name: unique('missing'), EventBusName: bus.name })), ResourceNotFoundException);
});

test('ListRules_WhenNamePrefixAndLimitAreGiven_PagesThroughTheMatchingRules', async () => {
  const bus = await createBus();
  for (const name of ['orders-a', 'orders-b', 'orders-c', 'other']) {
    await events.send(new PutRuleCommand({ Name: name, EventBusName: bus.name, EventPattern: orderPattern }));
  }
  const first = await events.send(new ListRulesCommand({ EventBusName: bus.name, NamePrefix: 'orders-', Limit: 2 }));
  assert.deepEqual(first.Rules.map((r) => r.Name), ['orders-a', 'orders-b']);
  assert.equal(first.Rules[0].State, 'ENABLED');
  const second = await events.send(new ListRulesCommand({ EventBusName: bus.name, NamePrefix: 'orders-', Limit: 2, NextToken: first.NextToken }));
  assert.deepEqual(second.Rules.map((r) => r.Name), ['orders-c']);
  assert.equal(second.NextToken, undefined);
});

test('DeleteRule_WhenTargetsRemain_IsRefusedUntilTheyAreRemoved', async () => {
  const bus = await createBus();
  const { rule, queue } = await ruleToQueue(bus.name);
  await rejects(events.send(new DeleteRuleCommand({ Name: rule, EventBusName: bus.name })), 'ValidationException', /has targets/);
  const removed = await events.send(new RemoveTargetsCommand({ Rule: rule, EventBusName: bus.name, Ids: ['t1', 'nope'] }));
  assert.equal(removed.FailedEntryCount, 1);
  assert.equal(removed.FailedEntries[0].TargetId, 'nope');
  assert.deepEqual((await events.send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: bus.name }))).Targets, []);
  await events.send(new DeleteRuleCommand({ Name: rule, EventBusName: bus.name }));
  await rejects(events.send(new DescribeRuleCommand({ Name: rule, EventBusName: bus.name })), ResourceNotFoundException);
  assert.ok(queue.url);
});

test('PutTargets_WhenTargetsAreMixed_ReportsFailedEntriesAndListsTheRest', async () => {
  const bus = await createBus();
  const queue = await createQueue();
  const rule = unique('rule');
  await events.send(new PutRuleCommand({ Name: rule, EventBusName: bus.name, EventPattern: orderPattern }));
  const put = await events.send(new PutTargetsCommand({
    Rule: rule, EventBusName: bus.name, Targets: [
      { Id: 'queue', Arn: queue.arn, InputPath: '$.detail' },
      { Id: 'bucket', Arn: 'arn:aws:s3:::bucket-x' },
      { Id: 'foreign', Arn: 'arn:aws:sqs:eu-west-1:000000000000:q' },
    ],
  }));
  assert.equal(put.FailedEntryCount, 2);
  assert.deepEqual(put.FailedEntries.map((f) => f.TargetId).sort(), ['bucket', 'foreign']);
  const { Targets } = await events.send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: bus.name }));
  assert.deepEqual(Targets, [{ Id: 'queue', Arn: queue.arn, InputPath: '$.detail' }]);
  await rejects(events.send(new PutTargetsCommand({ Rule: rule, EventBusName: bus.name, Targets: [{ Id: 'x', Arn: queue.arn, Input: '{not json' }] })), 'ValidationException', /Input is not valid JSON/);
  await rejects(events.send(new PutTargetsCommand({
    Rule: rule, EventBusName: bus.name, Targets: [{ Id: 'x', Arn: queue.arn, InputTransformer: { InputTemplate: '"x"' } }],
  })), 'ValidationException', /InputTransformer/);
  await rejects(events.send(new PutTargetsCommand({
    Rule: rule, EventBusName: bus.name, Targets: Array.from({ length: 5 }, (_, i) => ({ Id: `more-${i}`, Arn: queue.arn })),
  })), LimitExceededException);
  await rejects(events.send(new PutTargetsCommand({ Rule: unique('missing'), EventBusName: bus.name, Targets: [{ Id: 'x', Arn: queue.arn }] })), ResourceNotFoundException);
});

test('PutEvents_WhenARuleMatches_DeliversTheEventBridgeEnvelopeToTheQueue', async () => {
  const bus = await createBus();
  const { queue } = await ruleToQueue(bus.name);
  const time = new Date('2026-01-02T03:04:05Z');
  const answer = await events.send(new PutEventsCommand({
    Entries: [{ EventBusName: bus.name, Source: 'shop', DetailType: 'OrderPlaced', Detail: JSON.stringify({ order: 7 }), Resources: ['arn:aws:x:::y'], Time: time }],
  }));
  assert.equal(answer.FailedEntryCount, 0);
  const [{ EventId }] = answer.Entries;
  assert.match(EventId, /^[0-9a-f-]{36}$/);
  const event = JSON.parse((await receiveOne(queue.url)).Body);
  assert.deepEqual(event, {
    version: '0', id: EventId, 'detail-type': 'OrderPlaced', source: 'shop', account, time: '2026-01-02T03:04:05Z',
    region: 'us-east-1', resources: ['arn:aws:x:::y'], detail: { order: 7 },
  });
});

test('PutEvents_WhenTargetsHaveInputOrInputPath_SendsWhatTheySelect', async () => {
  const bus = await createBus();
  const constant = await ruleToQueue(bus.name, { Input: '{"fixed":true}' });
  const path = await ruleToQueue(bus.name, { InputPath: '$.detail.order' });
  await events.send(new PutEventsCommand({
    Entries: [{ EventBusName: busArn(bus.name), Source: 'shop', DetailType: 'OrderPlaced', Detail: JSON.stringify({ order: { id: 9 } }) }],
  }));
  assert.deepEqual(JSON.parse((await receiveOne(constant.queue.url)).Body), { fixed: true });
  assert.deepEqual(JSON.parse((await receiveOne(path.queue.url)).Body), { id: 9 });
});

test('PutEvents_WhenARuleIsDisabled_RoutesOnlyThroughTheEnabledOnes', async () => {
  const bus = await createBus();
  const enabled = await ruleToQueue(bus.name);
  const disabled = await ruleToQueue(bus.name);
  await events.send(new DisableRuleCommand({ Name: disabled.rule, EventBusName: bus.name }));
  await events.send(new PutEventsCommand({ Entries: [{ EventBusName: bus.name, Source: 'shop', DetailType: 'OrderPlaced', Detail: '{}' }] }));
  await receiveOne(enabled.queue.url);
  // Every rule's deliveries are stored in the one step that routed the event: once the enabled rule's has arrived,
  // a delivery for the disabled rule would be pending or in its queue.
  const status = await (await fetch(`${silo.endpoint}/destinations?uri=${encodeURIComponent(disabled.queue.arn)}`)).json();
  assert.equal(status.pending, 0);
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: disabled.queue.url, AttributeNames: ['ApproximateNumberOfMessages'] }));
  assert.equal(Attributes.ApproximateNumberOfMessages, '0');
});

test('PutEvents_WhenEntriesAreInvalid_ReportsPerEntryErrors', async () => {
  const bus = await createBus();
  const answer = await events.send(new PutEventsCommand({
    Entries: [
      { EventBusName: bus.name, DetailType: 'x', Detail: '{}' },
      { EventBusName: bus.name, Source: 'shop', DetailType: 'x', Detail: '[1]' },
      { EventBusName: unique('missing'), Source: 'shop', DetailType: 'x', Detail: '{}' },
      { EventBusName: bus.name, Source: 'shop', DetailType: 'x', Detail: '{}' },
    ],
  }));
  assert.equal(answer.FailedEntryCount, 3);
  assert.deepEqual(answer.Entries.slice(0, 3).map((e) => e.ErrorCode), ['InvalidArgument', 'MalformedDetail', 'ResourceNotFoundException']);
  assert.match(answer.Entries[0].ErrorMessage, /Source/);
  assert.match(answer.Entries[3].EventId, /^[0-9a-f-]{36}$/);
  await rejects(events.send(new PutEventsCommand({ Entries: [] })), 'ValidationException');
});

test('PutEvents_WhenTargetsAreATopicAndAFunction_DeliversThroughBoth', async () => {
  const bus = await createBus();
  const viaTopic = await createQueue();
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique('bus-topic') }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: viaTopic.arn }));
  const viaFunction = await createQueue();
  const fn = unique('bus-fn');
  await lambda.send(new CreateFunctionCommand({ FunctionName: fn, Role: 'arn:aws:iam::000000000000:role/any', PackageType: 'Image', Code: { ImageUri: 'dotnet:echo' } }));
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, DestinationConfig: { OnSuccess: { Destination: viaFunction.arn } } }));
  const rule = unique('rule');
  await events.send(new PutRuleCommand({ Name: rule, EventBusName: bus.name, EventPattern: orderPattern }));
  await events.send(new PutTargetsCommand({
    Rule: rule, EventBusName: bus.name,
    Targets: [{ Id: 'topic', Arn: TopicArn }, { Id: 'function', Arn: `arn:aws:lambda:us-east-1:${account}:function:${fn}` }],
  }));
  const { Entries: [{ EventId }] } = await events.send(new PutEventsCommand({
    Entries: [{ EventBusName: bus.name, Source: 'shop', DetailType: 'OrderPlaced', Detail: '{"n":1}' }],
  }));
  const notification = JSON.parse((await receiveOne(viaTopic.url)).Body);
  assert.equal(notification.Type, 'Notification');
  assert.equal(JSON.parse(notification.Message).id, EventId);
  const record = JSON.parse((await receiveOne(viaFunction.url)).Body);
  assert.equal(record.requestPayload.id, EventId);
  assert.deepEqual(record.requestPayload.detail, { n: 1 });
});

test('TestEventPattern_WhenEventMatchesOrNot_AnswersTrueOrFalse', async () => {
  const event = JSON.stringify({
    id: '1', account, source: 'lambda', time: '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [],
    'detail-type': 'Lambda Function Invocation Result - Failure', detail: { requestContext: { condition: 'RetriesExhausted' } },
  });
  const matches = await events.send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: ['lambda'], detail: { requestContext: { condition: [{ 'anything-but': 'Success' }] } } }), Event: event }));
  assert.equal(matches.Result, true);
  const misses = await events.send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: ['shop'] }), Event: event }));
  assert.equal(misses.Result, false);
  await rejects(events.send(new TestEventPatternCommand({ EventPattern: '{"source":[{"prefix":1}]}', Event: event })), InvalidEventPatternException);
  await rejects(events.send(new TestEventPatternCommand({ EventPattern: orderPattern, Event: '{"source":"x"}' })), 'ValidationException', /Event is not valid/);
});

test('OnFailure_WhenDestinationIsABusWithAFailureRule_DeliversTheEnvelopeToTheSqsTarget', async () => {
  const bus = await createBus();
  const { queue } = await ruleToQueue(bus.name, {}, JSON.stringify({ source: ['lambda'], 'detail-type': ['Lambda Function Invocation Result - Failure'] }));
  const name = unique('to-bus');
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Role: 'arn:aws:iam::000000000000:role/any', PackageType: 'Image', Code: { ImageUri: 'dotnet:fail' } }));
  await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: name, MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: bus.arn } },
  }));
  const invoked = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: JSON.stringify({ order: 3 }) }));
  assert.equal(invoked.StatusCode, 202);

  const event = JSON.parse((await receiveOne(queue.url)).Body);
  const functionArn = `arn:aws:lambda:us-east-1:${account}:function:${name}`;
  assert.equal(event.version, '0');
  assert.equal(event.source, 'lambda');
  assert.equal(event['detail-type'], 'Lambda Function Invocation Result - Failure');
  assert.deepEqual(event.resources, [bus.arn, `${functionArn}:$LATEST`]);
  assert.equal(event.detail.requestContext.condition, 'RetriesExhausted');
  assert.equal(event.detail.requestContext.requestId, invoked.$metadata.requestId);
  assert.deepEqual(event.detail.requestPayload, { order: 3 });
});

test('ListRules_WhenARuleWasPutThroughTheProjectRoute_ShowsItOnTheSameBus', async () => {
  const bus = await createBus();
  const response = await fetch(`${silo.endpoint}/eventbuses/${bus.name}/rules/from-route`, {
    method: 'PUT', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ EventPattern: { source: ['lambda'] }, Targets: ['queue://from-route'] }),
  });
  assert.equal(response.status, 200);
  const { Rules } = await events.send(new ListRulesCommand({ EventBusName: bus.name }));
  assert.deepEqual(Rules.map((r) => [r.Name, r.State]), [['from-route', 'ENABLED']]);
});

test('AwsCli_WhenDrivingEventBridge_PutsRulesTargetsAndEvents', { skip: hasCli ? false : 'the AWS CLI (aws) is not installed' }, async () => {
  const run = cli(silo);
  const aws = (...args) => run('events', ...args);
  const bus = unique('cli-bus');
  assert.equal((await aws('create-event-bus', '--name', bus)).EventBusArn, busArn(bus));
  const queue = await createQueue();
  const { RuleArn } = await aws('put-rule', '--name', 'cli-rule', '--event-bus-name', bus, '--event-pattern', orderPattern);
  assert.equal(RuleArn, `arn:aws:events:us-east-1:${account}:rule/${bus}/cli-rule`);
  assert.equal((await aws('put-targets', '--rule', 'cli-rule', '--event-bus-name', bus, '--targets', `Id=q,Arn=${queue.arn}`)).FailedEntryCount, 0);
  assert.equal((await aws('list-targets-by-rule', '--rule', 'cli-rule', '--event-bus-name', bus)).Targets[0].Arn, queue.arn);
  const put = await aws('put-events', '--entries', JSON.stringify([{ EventBusName: bus, Source: 'shop', DetailType: 'OrderPlaced', Detail: '{"cli":true}' }]));
  assert.equal(put.FailedEntryCount, 0);
  assert.deepEqual(JSON.parse((await receiveOne(queue.url)).Body).detail, { cli: true });
  const tested = await aws('test-event-pattern', '--event-pattern', orderPattern, '--event', JSON.stringify({
    id: '1', account, source: 'shop', time: '2026-01-01T00:00:00Z', region: 'us-east-1', 'detail-type': 'OrderPlaced', detail: {},
  }));
  assert.equal(tested.Result, true);
  assert.deepEqual((await aws('list-rules', '--event-bus-name', bus)).Rules.map((r) => r.Name), ['cli-rule']);
  await assert.rejects(aws('put-rule', '--name', 'bad', '--event-bus-name', bus, '--event-pattern', '{"source":"x"}'), /InvalidEventPatternException/);
});

const createQueue = () => newQueue(sqs);
const receiveOne = (url, extra) => receive(sqs, url, extra);
