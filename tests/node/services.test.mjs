// An independent client of the running services: grpc-js with the contract's .proto files
// loaded from proto/, as a partner tool in another language would use them. Start the services
// first (bin/factory up); bin/factory test does both.
//
// Environment: FACTORYTWIN_<SERVICE>_ADDRESS (default 127.0.0.1:8101..8104) and
// FACTORYTWIN_HOME (default: two folders up), whose run/tokens/ holds the development tokens.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const home = process.env.FACTORYTWIN_HOME ?? path.resolve(here, '..', '..');
const protoRoot = path.join(home, 'proto', 'src', 'main', 'proto');
const require = (await import('node:module')).createRequire(import.meta.url);
const healthProto = require.resolve('grpc-health-check/proto/health/v1/health.proto');
const reflectionProto = path.join(
  path.dirname(require.resolve('@grpc/reflection/package.json')),
  'build', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');

const SERVICES = [
  { id: 'lifecycle', port: 8101, service: 'factorytwin.lifecycle.v1.LifecycleService' },
  { id: 'twin', port: 8102, service: 'factorytwin.twin.v1.TwinService' },
  { id: 'simulation', port: 8103, service: 'factorytwin.simulation.v1.SimulationService' },
  { id: 'control', port: 8104, service: 'factorytwin.control.v1.ControlService' },
];

const LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

function address(entry) {
  return process.env[`FACTORYTWIN_${entry.id.toUpperCase()}_ADDRESS`] ?? `127.0.0.1:${entry.port}`;
}

function serviceProtoFile(entry) {
  return path.join(protoRoot, 'factorytwin', entry.id, 'v1', `${entry.id}_service.proto`);
}

function token(role) {
  return fs.readFileSync(path.join(home, 'run', 'tokens', `${role}.jwt`), 'utf8').trim();
}

function lookup(root, dotted) {
  return dotted.split('.').reduce((node, part) => node[part], root);
}

// Loads one service from the contract's own .proto files.
function loadContract(entry) {
  const definition = protoLoader.loadSync(serviceProtoFile(entry), {
    ...LOADER_OPTIONS,
    includeDirs: [protoRoot],
  });
  return { definition, root: grpc.loadPackageDefinition(definition) };
}

function call(client, method, request, metadata = new grpc.Metadata()) {
  return new Promise((resolve) => {
    client[method](request, metadata, { deadline: Date.now() + 5000 }, (error, response) =>
      resolve({ error, response }));
  });
}

// Asks the server's reflection service one question and returns its first answer.
function reflect(entry, request) {
  const definition = protoLoader.loadSync(reflectionProto, LOADER_OPTIONS);
  const { ServerReflection } = grpc.loadPackageDefinition(definition).grpc.reflection.v1;
  const client = new ServerReflection(address(entry), grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    const stream = client.ServerReflectionInfo({ deadline: Date.now() + 5000 });
    stream.on('data', (response) => {
      resolve(response);
      stream.end();
    });
    stream.on('error', (error) => reject(error));
    stream.write(request);
  }).finally(() => client.close());
}

const descriptorRoot = protobuf.Root.fromJSON(require('protobufjs/google/protobuf/descriptor.json'));
const FileDescriptorProto = descriptorRoot.lookupType('google.protobuf.FileDescriptorProto');

for (const entry of SERVICES) {
  test(`${entry.id}: health check reports SERVING`, async () => {
    const definition = protoLoader.loadSync(healthProto, LOADER_OPTIONS);
    const { Health } = grpc.loadPackageDefinition(definition).grpc.health.v1;
    const client = new Health(address(entry), grpc.credentials.createInsecure());
    try {
      const { error, response } = await call(client, 'Check', { service: '' });
      assert.equal(error, null, `health check failed: ${error?.message}`);
      assert.equal(response.status, 'SERVING');
    } finally {
      client.close();
    }
  });

  test(`${entry.id}: reflection lists the contract service, health and reflection`, async () => {
    const response = await reflect(entry, { list_services: '' });
    const names = response.list_services_response.service.map((s) => s.name);
    assert.ok(names.includes(entry.service), `${entry.service} missing from ${names}`);
    assert.ok(names.includes('grpc.health.v1.Health'), `health missing from ${names}`);
  });

  test(`${entry.id}: reflection serves exactly the RPCs the contract declares`, async () => {
    const { definition } = loadContract(entry);
    const declared = Object.values(definition[entry.service])
      .map((method) => method.path.slice(method.path.lastIndexOf('/') + 1))
      .sort();
    const response = await reflect(entry, { file_containing_symbol: entry.service });
    const files = response.file_descriptor_response.file_descriptor_proto.map((bytes) =>
      FileDescriptorProto.decode(bytes));
    const pkg = entry.service.slice(0, entry.service.lastIndexOf('.'));
    const simpleName = entry.service.slice(entry.service.lastIndexOf('.') + 1);
    const served = files
      .filter((file) => file.package === pkg)
      .flatMap((file) => file.service ?? [])
      .filter((service) => service.name === simpleName)
      .flatMap((service) => service.method.map((method) => method.name))
      .sort();
    assert.ok(declared.length > 0, 'the contract declares no RPCs');
    assert.deepEqual(served, declared);
  });

  test(`${entry.id}: a call without a token is UNAUTHENTICATED`, async () => {
    const { definition, root } = loadContract(entry);
    const unary = Object.entries(definition[entry.service])
      .find(([, method]) => !method.requestStream && !method.responseStream);
    assert.ok(unary, 'the service has no unary method');
    const Client = lookup(root, entry.service);
    const client = new Client(address(entry), grpc.credentials.createInsecure());
    try {
      const { error } = await call(client, unary[0], {});
      assert.ok(error, 'the call succeeded without a token');
      assert.equal(error.code, grpc.status.UNAUTHENTICATED, error.message);
    } finally {
      client.close();
    }
  });

  test(`${entry.id}: an operator call is authenticated and never UNKNOWN`, async () => {
    const { definition, root } = loadContract(entry);
    const unary = Object.entries(definition[entry.service])
      .find(([, method]) => !method.requestStream && !method.responseStream);
    const Client = lookup(root, entry.service);
    const client = new Client(address(entry), grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token('operator')}`);
    try {
      const { error } = await call(client, unary[0], {}, metadata);
      const code = error?.code ?? grpc.status.OK;
      assert.notEqual(code, grpc.status.UNAUTHENTICATED, error?.message);
      assert.notEqual(code, grpc.status.UNKNOWN, error?.message);
    } finally {
      client.close();
    }
  });
}
