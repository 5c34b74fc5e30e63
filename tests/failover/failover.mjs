// Drives the failover check (check.sh): phase "prepare" builds a twin on the owner, streams two
// minutes of telemetry and writes a setpoint; phase "takeover" waits until the standby answers
// live-state calls, then checks the setpoint and the rebuilt value and streams more telemetry.
// Usage: node failover.mjs prepare ADDRESS TWIN_ID
//        node failover.mjs takeover ADDRESS TWIN_ID KILLED_AT_EPOCH_MS LIMIT_MS

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const home = path.resolve(here, '..', '..');
// The Node client's packages live in tests/node.
const require = createRequire(path.join(home, 'tests', 'node', 'package.json'));
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [phase, address, twinId, killedAt, limitMs] = process.argv.slice(2);
const protoRoot = path.join(home, 'proto', 'src', 'main', 'proto');
const definition = protoLoader.loadSync(
  path.join(protoRoot, 'factorytwin', 'twin', 'v1', 'twin_service.proto'),
  { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [protoRoot] });
const { TwinService } = grpc.loadPackageDefinition(definition).factorytwin.twin.v1;
const client = new TwinService(address, grpc.credentials.createInsecure());
const twin = `twins/${twinId}`;
// Midnight UTC yesterday: a minute boundary within the first-sample window of the twin.
const T0 = (Math.floor(Date.now() / 86_400_000) - 1) * 86_400_000;
const POWER = 'hall-1.row-01.rack-01.rack-power';
const SETPOINT = `${twin}/points/hall-1.row-01.cdu-1.liquid-temperature-sp.secondary-supply`;

function metadata(role) {
  const token = fs.readFileSync(path.join(home, 'run', 'tokens', `${role}.jwt`), 'utf8').trim();
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

function unary(method, request, role) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata(role), { deadline: Date.now() + 5000 }, (error, response) =>
      (error ? reject(error) : resolve(response)));
  });
}

function applyDesign() {
  const rack = (id) => ({ id: `hall-1.row-01.${id}`, part_revision: 'parts/rack/revisions/a' });
  const messages = [
    { header: { twin_id: twinId, design: 'designs/failover', design_revision: 'designs/failover/revisions/a',
      part_count: 2, placement_count: 2, connection_count: 1, redundancy_group_count: 0 } },
    { chunk: { sequence: 1, site: { display_name: 'Failover check' }, halls: [{ id: 'hall-1' }],
      rows: [{ id: 'hall-1.row-01' }],
      parts: [
        { part_revision: 'parts/rack/revisions/a', equipment_class: 'EQUIPMENT_CLASS_RACK_SYSTEM',
          spec: { rated_power_kw: 132 }, ports: [{ id: 'tcs-supply', domain: 'PORT_DOMAIN_TCS_SUPPLY' }] },
        { part_revision: 'parts/cdu/revisions/a', equipment_class: 'EQUIPMENT_CLASS_CDU',
          spec: { cooling_capacity_kw: 1350 }, ports: [{ id: 'tcs-supply', domain: 'PORT_DOMAIN_TCS_SUPPLY' }] },
      ],
      placements: [rack('rack-01'), { id: 'hall-1.row-01.cdu-1', part_revision: 'parts/cdu/revisions/a' }],
      connections: [{ id: 'c1', source_placement: 'hall-1.row-01.cdu-1', source_port: 'tcs-supply',
        target_placement: 'hall-1.row-01.rack-01', target_port: 'tcs-supply' }],
      setpoints: { tcs_supply_temperature_c: 30 } } },
    { commit: { chunk_count: 1 } },
  ];
  return new Promise((resolve, reject) => {
    const call = client.ApplyDesign(metadata('publisher'), { deadline: Date.now() + 30_000 },
      (error, response) => (error ? reject(error) : resolve(response)));
    messages.forEach((m) => call.write(m));
    call.end();
  });
}

function ingest(values, times) {
  return new Promise((resolve, reject) => {
    const stream = client.Ingest(metadata('telemetry-writer'));
    const acks = [];
    stream.on('data', (ack) => {
      acks.push(ack);
      if (acks.length === 2) {
        stream.end();
      }
    });
    stream.on('error', reject);
    stream.on('end', () => resolve(acks));
    stream.write({ header: { twin } });
    stream.write({ register_points: { sequence: 1, registrations: [{ handle: 1, point_id: POWER }] } });
    stream.write({ batch: { sequence: 1, handles: values.map(() => 1), values,
      facility_time_unix_ms: times.map(String) } });
  });
}

async function latest() {
  const response = await unary('GetLatestValues', { parent: twin, points: [`${twin}/points/${POWER}`] }, 'reader');
  return response.values[0];
}

if (phase === 'prepare') {
  await applyDesign();
  const acks = await ingest([100, 110, 130], [T0 + 1000, T0 + 2000, T0 + 61_000]);
  assert.equal(acks[1].batch_ack.accepted_count, 3);
  const change = await unary('ApplySetpoint', { point: SETPOINT, value: 32, expected_version: '1',
    request_id: crypto.randomUUID(), facility_time: { seconds: String(T0 / 1000 + 61) },
    action: 'actions/failover-check' }, 'setpoint-writer');
  assert.equal(change.version, '2');
  // Wait until minute 0 is written: the standby rebuilds from it.
  for (let attempt = 0; ; attempt++) {
    const history = await unary('GetHistory', { point: `${twin}/points/${POWER}`,
      time_range: { start_time: { seconds: String(T0 / 1000) }, end_time: { seconds: String(T0 / 1000 + 600) } },
      resolution: { seconds: '60' } }, 'reader');
    if (history.buckets.length > 0) {
      break;
    }
    assert.ok(attempt < 50, 'the roll-up of minute 0 was not written');
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log('prepared: twin built, 3 samples, setpoint at version 2, minute 0 written');
} else if (phase === 'takeover') {
  const start = Date.now();
  let value;
  for (;;) {
    try {
      value = await latest();
      break;
    } catch (error) {
      assert.equal(error.code, grpc.status.UNAVAILABLE, error.message);
      if (Date.now() - start > 30_000) {
        throw new Error('the standby did not take over within 30 s');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const took = Date.now() - Number(killedAt);
  assert.ok(took <= Number(limitMs), `the standby took over after ${took} ms, limit ${limitMs} ms`);
  const point = await unary('GetPoint', { name: SETPOINT }, 'reader');
  assert.equal(point.version, '2', 'the setpoint lost its version');
  assert.equal(value.value, 105, 'the latest value was not rebuilt from the minute-0 roll-up');
  const acks = await ingest([140], [T0 + 125_000]);
  assert.equal(acks[1].batch_ack.accepted_count, 1, 'ingest did not resume');
  assert.equal((await latest()).value, 140);
  console.log(`takeover: the standby served live state ${took} ms after the owner was killed`
    + ` (limit ${limitMs} ms); setpoint version 2 kept, value rebuilt from the roll-up, ingest resumed`);
}
client.close();
