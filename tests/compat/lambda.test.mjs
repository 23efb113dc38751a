// The real AWS SDK for JavaScript v3 against a running silo, with only the endpoint overridden.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  LambdaClient, CreateFunctionCommand, GetFunctionCommand, GetFunctionConfigurationCommand, ListFunctionsCommand,
  UpdateFunctionConfigurationCommand, DeleteFunctionCommand, InvokeCommand, PublishVersionCommand,
  ListVersionsByFunctionCommand, CreateAliasCommand, GetAliasCommand, UpdateAliasCommand, DeleteAliasCommand,
  ListAliasesCommand, PutFunctionConcurrencyCommand, GetFunctionConcurrencyCommand, DeleteFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand, UpdateFunctionEventInvokeConfigCommand, GetFunctionEventInvokeConfigCommand,
  ListFunctionEventInvokeConfigsCommand, DeleteFunctionEventInvokeConfigCommand, PutFunctionRecursionConfigCommand,
  GetFunctionRecursionConfigCommand, ResourceNotFoundException, InvalidParameterValueException,
  ResourceConflictException, RequestTooLargeException, TooManyRequestsException, InvalidRequestContentException,
  ListTagsCommand, TagResourceCommand, UntagResourceCommand, AddPermissionCommand, GetPolicyCommand,
  RemovePermissionCommand, GetAccountSettingsCommand, GetFunctionCodeSigningConfigCommand, GetFunctionUrlConfigCommand,
  GetRuntimeManagementConfigCommand, PreconditionFailedException,
} from '@aws-sdk/client-lambda';
import { startSilo } from './silo.mjs';

let silo;
let lambda;
const enc = (value) => new TextEncoder().encode(JSON.stringify(value));
const dec = (bytes) => JSON.parse(new TextDecoder().decode(bytes));
const unique = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;

async function createFunction(target = 'dotnet:echo', extra = {}) {
  const name = unique('sdk');
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Role: 'arn:aws:iam::000000000000:role/any', PackageType: 'Image', Code: { ImageUri: target }, ...extra,
  }));
  return name;
}

async function rejects(promise, ErrorClass, message) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${error.name}: ${error.message}`);
    if (message !== undefined) {
      assert.equal(error.message, message);
    }
    return true;
  });
}

before(async () => {
  silo = await startSilo();
  lambda = new LambdaClient({
    endpoint: silo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

after(() => silo?.stop());

test('CreateFunction, GetFunction, GetFunctionConfiguration, UpdateFunctionConfiguration, DeleteFunction', async () => {
  const name = unique('crud');
  const created = await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Role: 'arn:aws:iam::000000000000:role/any', PackageType: 'Image',
    Code: { ImageUri: 'dotnet:echo' }, Timeout: 5, Description: 'from the sdk', Environment: { Variables: { MODE: 'a' } },
  }));
  assert.equal(created.$metadata.httpStatusCode, 201);
  assert.equal(created.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}`);
  assert.equal(created.Version, '$LATEST');
  assert.equal(created.Timeout, 5);
  assert.equal(created.PackageType, 'Image');

  const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
  assert.equal(got.Configuration.Description, 'from the sdk');
  assert.equal(got.Code.ImageUri, 'dotnet:echo');
  assert.deepEqual(got.Configuration.Environment.Variables, { MODE: 'a' });

  const updated = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 10, Environment: { Variables: { MODE: 'b' } } }));
  assert.equal(updated.Timeout, 10);
  const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `arn:aws:lambda:us-east-1:000000000000:function:${name}` }));
  assert.equal(configuration.Timeout, 10);
  assert.deepEqual(configuration.Environment.Variables, { MODE: 'b' });

  await rejects(lambda.send(new CreateFunctionCommand({ FunctionName: name, Role: 'r', PackageType: 'Image', Code: { ImageUri: 'dotnet:echo' } })), ResourceConflictException);
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  await rejects(lambda.send(new GetFunctionCommand({ FunctionName: name })), ResourceNotFoundException,
    `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${name}`);
});

test('ListFunctions pages with Marker and MaxItems', async () => {
  const name = await createFunction();
  const names = [];
  let marker;
  do {
    const page = await lambda.send(new ListFunctionsCommand({ Marker: marker, MaxItems: 2 }));
    assert.ok(page.Functions.length <= 2);
    names.push(...page.Functions.map((f) => f.FunctionName));
    marker = page.NextMarker;
  } while (marker);
  assert.ok(names.includes(name));
  assert.ok(names.includes('echo'));
});

test('Invoke Event answers 202 with a request id whose status can be read', async () => {
  const response = await lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: enc({ hello: 'event' }) }));
  assert.equal(response.StatusCode, 202);
  const requestId = response.$metadata.requestId;
  assert.match(requestId, /^[0-9a-f-]{36}$/);

  let status;
  for (let i = 0; i < 100; i++) {
    status = await (await fetch(`${silo.endpoint}/invocations/${requestId}`)).json();
    if (status.status === 'Succeeded') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(status.status, 'Succeeded');
  assert.deepEqual(status.record.requestPayload, { hello: 'event' });
});

test('Invoke RequestResponse returns the response, or the function error with FunctionError', async () => {
  const ok = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: enc({ n: 1 }) }));
  assert.equal(ok.StatusCode, 200);
  assert.equal(ok.ExecutedVersion, '$LATEST');
  assert.equal(ok.FunctionError, undefined);
  assert.deepEqual(dec(ok.Payload), { n: 1 });

  const failed = await lambda.send(new InvokeCommand({ FunctionName: 'fail', InvocationType: 'RequestResponse', Payload: enc({ message: 'broken' }) }));
  assert.equal(failed.StatusCode, 200);
  assert.equal(failed.FunctionError, 'Unhandled');
  assert.deepEqual(dec(failed.Payload), { errorMessage: 'broken', errorType: 'InvalidOperationException' });
});

test('Invoke DryRun answers 204', async () => {
  const response = await lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
  assert.equal(response.StatusCode, 204);
});

test('Invoke errors: unknown function, bad JSON, too large, qualifier mismatch', async () => {
  await rejects(lambda.send(new InvokeCommand({ FunctionName: 'no-such-fn', Payload: enc({}) })), ResourceNotFoundException,
    'Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-fn');
  await rejects(lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: new TextEncoder().encode('{not json') })), InvalidRequestContentException);
  await rejects(lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: new Uint8Array(1024 * 1024 + 1) })), RequestTooLargeException);
  await rejects(lambda.send(new InvokeCommand({ FunctionName: 'echo:1', Qualifier: '2', Payload: enc({}) })), InvalidParameterValueException,
    'The derived qualifier from the function name does not match the specified qualifier.');
});

test('Event-invoke-config: Put overwrites, Update merges, Get, List, Delete', async () => {
  const name = await createFunction();
  const put = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 1 }));
  assert.equal(put.MaximumRetryAttempts, 1);
  assert.equal(put.MaximumEventAgeInSeconds, undefined);
  assert.ok(put.LastModified instanceof Date);
  assert.equal(put.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}:$LATEST`);
  assert.deepEqual(put.DestinationConfig, { OnSuccess: {}, OnFailure: {} });

  const merged = await lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumEventAgeInSeconds: 300 }));
  assert.equal(merged.MaximumRetryAttempts, 1);
  assert.equal(merged.MaximumEventAgeInSeconds, 300);

  const overwritten = await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: name, DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:failures' } },
  }));
  assert.equal(overwritten.MaximumRetryAttempts, undefined);
  assert.equal(overwritten.DestinationConfig.OnFailure.Destination, 'arn:aws:sqs:us-east-1:000000000000:failures');

  const got = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name }));
  assert.equal(got.DestinationConfig.OnFailure.Destination, 'arn:aws:sqs:us-east-1:000000000000:failures');
  const list = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: name, MaxItems: 10 }));
  assert.equal(list.FunctionEventInvokeConfigs.length, 1);

  await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: name }));
  await rejects(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name })), ResourceNotFoundException,
    `The function arn:aws:lambda:us-east-1:000000000000:function:${name}:$LATEST doesn't have an EventInvokeConfig`);
});

test('Event-invoke-config errors carry Lambda messages', async () => {
  const name = await createFunction();
  await rejects(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name })), InvalidParameterValueException,
    'You must specify at least one of error handling or destination setting.');
  await rejects(lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: name, DestinationConfig: { OnFailure: { Destination: `arn:aws:lambda:us-east-1:000000000000:function:${name}` } },
  })), InvalidParameterValueException, "You can't specify the function as a destination for itself.");
  await rejects(lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: name, DestinationConfig: { OnSuccess: { Destination: 'arn:aws:lambda:us-east-1:000000000000:function:missing-fn' } },
  })), InvalidParameterValueException, 'The destination ARN arn:aws:lambda:us-east-1:000000000000:function:missing-fn is invalid.');
  await assert.rejects(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 3 })), (error) => {
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.match(error.message, /Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2/);
    return true;
  });
});

test('PublishVersion, ListVersionsByFunction, aliases, and configs that do not carry over', async () => {
  const name = await createFunction();
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 0 }));
  const version = await lambda.send(new PublishVersionCommand({ FunctionName: name, Description: 'v1' }));
  assert.equal(version.Version, '1');
  assert.equal(version.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}:1`);
  const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
  assert.deepEqual(versions.Versions.map((v) => v.Version), ['$LATEST', '1']);
  await rejects(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name, Qualifier: '1' })), ResourceNotFoundException);

  const alias = await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' }));
  assert.equal(alias.AliasArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}:live`);
  assert.equal((await lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }))).FunctionVersion, '1');
  const viaAlias = await lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: 'live', Payload: enc({ via: 'alias' }) }));
  assert.equal(viaAlias.ExecutedVersion, '1');
  assert.deepEqual(dec(viaAlias.Payload), { via: 'alias' });

  const moved = await lambda.send(new UpdateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '$LATEST', Description: 'moved' }));
  assert.equal(moved.FunctionVersion, '$LATEST');
  assert.equal((await lambda.send(new ListAliasesCommand({ FunctionName: name }))).Aliases.length, 1);
  await rejects(lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' })), ResourceConflictException);
  await lambda.send(new DeleteAliasCommand({ FunctionName: name, Name: 'live' }));
  await rejects(lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' })), ResourceNotFoundException);
});

test('Reserved concurrency: put, get, delete, and 0 throttles synchronous calls', async () => {
  const name = await createFunction();
  const put = await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 5 }));
  assert.equal(put.ReservedConcurrentExecutions, 5);
  assert.equal((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }))).ReservedConcurrentExecutions, 5);
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 0 }));
  await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: name, Payload: enc({}) })), (error) => {
    assert.ok(error instanceof TooManyRequestsException, `got ${error.name}`);
    assert.equal(error.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    assert.equal(error.message, 'Rate Exceeded.');
    return true;
  });
  await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
  assert.equal((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }))).ReservedConcurrentExecutions, undefined);
});

test('Recursion config: Terminate by default, Allow when put', async () => {
  const name = await createFunction();
  assert.equal((await lambda.send(new GetFunctionRecursionConfigCommand({ FunctionName: name }))).RecursiveLoop, 'Terminate');
  const put = await lambda.send(new PutFunctionRecursionConfigCommand({ FunctionName: name, RecursiveLoop: 'Allow' }));
  assert.equal(put.RecursiveLoop, 'Allow');
  assert.equal((await lambda.send(new GetFunctionRecursionConfigCommand({ FunctionName: name }))).RecursiveLoop, 'Allow');
});

const arnOf = (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

test('Tags: CreateFunction Tags, ListTags, TagResource, UntagResource, GetFunction Tags', async () => {
  const name = await createFunction('dotnet:echo', { Tags: { team: 'core' } });
  assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: arnOf(name) }))).Tags, { team: 'core' });

  const tagged = await lambda.send(new TagResourceCommand({ Resource: arnOf(name), Tags: { env: 'dev', team: 'edge' } }));
  assert.equal(tagged.$metadata.httpStatusCode, 204);
  assert.deepEqual((await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Tags, { env: 'dev', team: 'edge' });

  await lambda.send(new UntagResourceCommand({ Resource: arnOf(name), TagKeys: ['team', 'absent'] }));
  assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: arnOf(name) }))).Tags, { env: 'dev' });

  await rejects(lambda.send(new ListTagsCommand({ Resource: `${arnOf(name)}:$LATEST` })), InvalidParameterValueException,
    'Tags on function aliases and versions are not supported. Please specify a function ARN.');
  await rejects(lambda.send(new ListTagsCommand({ Resource: arnOf(`${name}-gone`) })), ResourceNotFoundException,
    `Function not found: ${arnOf(`${name}-gone`)}`);
});

test('Policy: AddPermission, GetPolicy, RemovePermission, duplicate and missing statements', async () => {
  const name = await createFunction();
  const added = await lambda.send(new AddPermissionCommand({
    FunctionName: name, StatementId: 'from-bucket', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com',
    SourceArn: 'arn:aws:s3:::uploads', SourceAccount: '000000000000',
  }));
  assert.equal(added.$metadata.httpStatusCode, 201);
  assert.deepEqual(JSON.parse(added.Statement), {
    Sid: 'from-bucket', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction',
    Resource: arnOf(name),
    Condition: { StringEquals: { 'AWS:SourceAccount': '000000000000' }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads' } },
  });

  const policy = await lambda.send(new GetPolicyCommand({ FunctionName: name }));
  const document = JSON.parse(policy.Policy);
  assert.equal(document.Version, '2012-10-17');
  assert.deepEqual(document.Statement.map((s) => s.Sid), ['from-bucket']);
  const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  assert.equal(policy.RevisionId, configuration.RevisionId);

  await rejects(lambda.send(new AddPermissionCommand({
    FunctionName: name, StatementId: 'from-bucket', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com',
  })), ResourceConflictException,
  'The statement id (from-bucket) provided already exists. Please provide a new statement id, or remove the existing statement.');
  await rejects(lambda.send(new AddPermissionCommand({
    FunctionName: name, StatementId: 'stale', Action: 'lambda:InvokeFunction', Principal: '*', RevisionId: 'old',
  })), PreconditionFailedException);
  await rejects(lambda.send(new RemovePermissionCommand({ FunctionName: name, StatementId: 'nope' })), ResourceNotFoundException,
    'Statement nope is not found in resource policy.');

  const removed = await lambda.send(new RemovePermissionCommand({ FunctionName: name, StatementId: 'from-bucket' }));
  assert.equal(removed.$metadata.httpStatusCode, 204);
  await rejects(lambda.send(new GetPolicyCommand({ FunctionName: name })), ResourceNotFoundException,
    'The resource you requested does not exist.');
});

test('GetAccountSettings, GetFunctionCodeSigningConfig, GetFunctionUrlConfig, GetRuntimeManagementConfig', async () => {
  const name = await createFunction();
  const settings = await lambda.send(new GetAccountSettingsCommand({}));
  assert.equal(settings.AccountLimit.ConcurrentExecutions, 2147483647);
  assert.ok(settings.AccountLimit.UnreservedConcurrentExecutions > 0);
  assert.ok(settings.AccountLimit.CodeSizeZipped > 0);
  assert.ok(settings.AccountUsage.FunctionCount >= 1);
  assert.equal(settings.AccountUsage.TotalCodeSize, 0);

  const signing = await lambda.send(new GetFunctionCodeSigningConfigCommand({ FunctionName: name }));
  assert.equal(signing.$metadata.httpStatusCode, 200);
  assert.equal(signing.CodeSigningConfigArn, undefined);

  await rejects(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name })), ResourceNotFoundException,
    'The resource you requested does not exist.');

  const runtime = await lambda.send(new GetRuntimeManagementConfigCommand({ FunctionName: name }));
  assert.equal(runtime.UpdateRuntimeOn, 'Auto');
  assert.equal(runtime.FunctionArn, arnOf(name));
});

test('Alias RoutingConfig: weighted versions split invocations and report the version that ran', async () => {
  const name = await createFunction();
  await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { V: '2' } } }));
  await lambda.send(new PublishVersionCommand({ FunctionName: name }));

  const alias = await lambda.send(new CreateAliasCommand({
    FunctionName: name, Name: 'canary', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { 2: 0.5 } },
  }));
  assert.deepEqual(alias.RoutingConfig, { AdditionalVersionWeights: { 2: 0.5 } });
  assert.deepEqual((await lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'canary' }))).RoutingConfig,
    { AdditionalVersionWeights: { 2: 0.5 } });

  const counts = { 1: 0, 2: 0 };
  for (let i = 0; i < 100; i++) {
    const response = await lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: 'canary', Payload: enc({ i }) }));
    assert.ok(response.ExecutedVersion === '1' || response.ExecutedVersion === '2', `executed ${response.ExecutedVersion}`);
    counts[response.ExecutedVersion] += 1;
  }
  // 100 draws at 0.5: 50 expected, standard deviation 5; a loose bound that a fair split never misses.
  assert.ok(counts[2] >= 20 && counts[2] <= 80, `version 2 ran ${counts[2]} of 100 times`);

  await rejects(lambda.send(new CreateAliasCommand({
    FunctionName: name, Name: 'two', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { 1: 0.5, 2: 0.5 } },
  })), InvalidParameterValueException, 'Number of items in AdditionalVersionWeights cannot be greater than 1');
  await rejects(lambda.send(new UpdateAliasCommand({
    FunctionName: name, Name: 'canary', FunctionVersion: '2',
  })), InvalidParameterValueException, 'Invalid function version 2. Function version 2 is already included in routing configuration.');
  await assert.rejects(lambda.send(new UpdateAliasCommand({
    FunctionName: name, Name: 'canary', RoutingConfig: { AdditionalVersionWeights: { 2: 1.5 } },
  })), (error) => {
    assert.equal(error.name, 'ValidationException');
    assert.match(error.message, /Value '\{2=1\.5\}' at 'routingConfig\.additionalVersionWeights'/);
    return true;
  });

  const cleared = await lambda.send(new UpdateAliasCommand({ FunctionName: name, Name: 'canary', RoutingConfig: { AdditionalVersionWeights: {} } }));
  assert.equal(cleared.RoutingConfig, undefined);
  const only = await lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: 'canary', Payload: enc({}) }));
  assert.equal(only.ExecutedVersion, '1');
});
