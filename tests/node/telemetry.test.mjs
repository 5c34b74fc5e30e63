// twin-service through grpc-js, as a BMS gateway or partner tool in another language would use
// it: build a small twin, watch it, stream telemetry over Ingest, read the latest values and the
// one-minute roll-ups back, and write a setpoint. Runs against the services bin/factory up started.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const here = path.dirname(fileURLToPath(import.meta.url));
const home = process.env.FACTORYTWIN_HOME ?? path.resolve(here, '..', '..');
const protoRoot = path.join(home, 'proto', 'src', 'main', 'proto');
const address = process.env.FACTORYTWIN_TWIN_ADDRESS ?? '127.0.0.1:8102';

const definition = protoLoader.loadSync(
  path.join(protoRoot, 'factorytwin', 'twin', 'v1', 'twin_service.proto'),
  { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [protoRoot] });
const { TwinService } = grpc.loadPackageDefinition(definition).factorytwin.twin.v1;

function metadata(role) {
  const token = fs.readFileSync(path.join(home, 'run', 'tokens', `${role}.jwt`), 'utf8').trim();
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

function unary(client, method, request, role) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata(role), { deadline: Date.now() + 10_000 }, (error, response) =>
      (error ? reject(error) : resolve(response)));
  });
}

// A row of two GB200 NVL72 racks on one CDU; ratings as in examples/catalog.yaml.
function smallDesign(twinId) {
  const parts = [
    {
      part_revision: 'parts/gb200-nvl72/revisions/a',
      equipment_class: 'EQUIPMENT_CLASS_RACK_SYSTEM',
      spec: { rated_power_kw: 132, design_power_kw: 120, heat_to_liquid_fraction: 0.9 },
      ports: [
        { id: 'tcs-supply', domain: 'PORT_DOMAIN_TCS_SUPPLY' },
        { id: 'tcs-return', domain: 'PORT_DOMAIN_TCS_RETURN' },
      ],
    },
    {
      part_revision: 'parts/cdu-1350/revisions/a',
      equipment_class: 'EQUIPMENT_CLASS_CDU',
      spec: { cooling_capacity_kw: 1350, supply_temperature_max_c: 45 },
      ports: [
        { id: 'tcs-supply', domain: 'PORT_DOMAIN_TCS_SUPPLY' },
        { id: 'tcs-return', domain: 'PORT_DOMAIN_TCS_RETURN' },
      ],
    },
  ];
  const placements = [
    { id: 'hall-1.row-01.cdu-1', part_revision: 'parts/cdu-1350/revisions/a' },
    { id: 'hall-1.row-01.rack-01', part_revision: 'parts/gb200-nvl72/revisions/a' },
    { id: 'hall-1.row-01.rack-02', part_revision: 'parts/gb200-nvl72/revisions/a' },
  ];
  const connections = ['rack-01', 'rack-02'].flatMap((rack) => [
    { id: `s-${rack}`, source_placement: 'hall-1.row-01.cdu-1', source_port: 'tcs-supply',
      target_placement: `hall-1.row-01.${rack}`, target_port: 'tcs-supply' },
    { id: `r-${rack}`, source_placement: `hall-1.row-01.${rack}`, source_port: 'tcs-return',
      target_placement: 'hall-1.row-01.cdu-1', target_port: 'tcs-return' },
  ]);
  return [
    { header: { twin_id: twinId, design: 'designs/node-test', design_revision: 'designs/node-test/revisions/a',
      part_count: 2, placement_count: 3, connection_count: 4, redundancy_group_count: 0 } },
    { chunk: { sequence: 1, parts, halls: [{ id: 'hall-1' }], rows: [{ id: 'hall-1.row-01' }],
      placements, connections, site: { display_name: 'Node test site' },
      setpoints: { tcs_supply_temperature_c: 30 } } },
    { commit: { chunk_count: 1 } },
  ];
}

function applyDesign(client, messages) {
  return new Promise((resolve, reject) => {
    const call = client.ApplyDesign(metadata('publisher'), { deadline: Date.now() + 30_000 },
      (error, response) => (error ? reject(error) : resolve(response)));
    messages.forEach((message) => call.write(message));
    call.end();
  });
}

// Sends the messages one at a time and collects one reply per registration or batch.
function ingest(client, messages) {
  return new Promise((resolve, reject) => {
    const replies = [];
    const stream = client.Ingest(metadata('telemetry-writer'));
    let next = 0;
    const sendNext = () => {
      while (next < messages.length) {
        const message = messages[next++];
        stream.write(message);
        if (!message.header) {
          return;
        }
      }
      stream.end();
    };
    stream.on('data', (reply) => {
      replies.push(reply);
      sendNext();
    });
    stream.on('error', reject);
    stream.on('end', () => resolve(replies));
    sendNext();
  });
}

// Midnight UTC yesterday: a minute boundary within the first-sample window of the twin.
const T0 = (Math.floor(Date.now() / 86_400_000) - 1) * 86_400_000;

test('twin: telemetry streams in, Watch sees it, and latest values and roll-ups come back', async () => {
  const client = new TwinService(address, grpc.credentials.createInsecure());
  const twinId = `node-${crypto.randomUUID().slice(0, 8)}`;
  const twin = `twins/${twinId}`;
  try {
    const built = await applyDesign(client, smallDesign(twinId));
    assert.equal(built.newly_built, true);
    assert.equal(built.twin_revision.node_count, '6');

    const power = 'hall-1.row-01.rack-01.rack-power';
    const supply = 'hall-1.row-01.cdu-1.liquid-temperature.secondary-supply';
    // Watch the rack's power while the telemetry arrives.
    const watched = [];
    const watch = client.Watch(
      { parent: twin, filter: { points: [`${twin}/points/${power}`], event_kinds: ['WATCH_EVENT_KIND_VALUES'] } },
      metadata('reader'));
    const fourValues = new Promise((resolve, reject) => {
      watch.on('data', (message) => {
        if (message.values_changed) {
          watched.push(...message.values_changed.values.map((v) => v.value));
          if (watched.length >= 4) {
            resolve();
          }
        }
      });
      watch.on('error', (error) => {
        if (error.code !== grpc.status.CANCELLED) {
          reject(error);
        }
      });
    });
    await new Promise((r) => setTimeout(r, 300));
    const replies = await ingest(client, [
      { header: { twin, source: 'node-test' } },
      { register_points: { sequence: 1, registrations: [
        { handle: 1, point_id: power }, { handle: 2, point_id: supply }] } },
      { batch: { sequence: 1, handles: [1, 1, 1, 2], values: [100, 110, 120, 31],
        facility_time_unix_ms: [T0 + 1000, T0 + 2000, T0 + 3000, T0 + 3000].map(String) } },
      // The second minute closes the first; NaN is counted, not fatal.
      { batch: { sequence: 2, handles: [1, 2, 2], values: [130, Number.NaN, 32],
        facility_time_unix_ms: [T0 + 61_000, T0 + 61_000, T0 + 62_000].map(String) } },
    ]);
    assert.equal(replies[0].register_points_ack.registered_count, 2);
    assert.equal(replies[1].batch_ack.accepted_count, 4);
    assert.equal(replies[2].batch_ack.accepted_count, 2);
    assert.equal(replies[2].batch_ack.rejected_count, 1);
    assert.equal(replies[2].batch_ack.reject_counts[0].reason, 'INGEST_REJECT_REASON_NON_FINITE');

    await Promise.race([fourValues, new Promise((_, reject) => setTimeout(
      () => reject(new Error(`Watch sent ${watched.length} of 4 values`)), 10_000))]);
    watch.cancel();
    assert.deepEqual(watched, [100, 110, 120, 130]);

    const latest = await unary(client, 'GetLatestValues',
      { parent: twin, points: [`${twin}/points/${power}`, `${twin}/points/${supply}`] }, 'reader');
    assert.deepEqual(latest.values.map((v) => v.value), [130, 32]);

    // Roll-ups are written by a background writer; give it a few seconds.
    let buckets = [];
    for (let attempt = 0; attempt < 50 && buckets.length === 0; attempt++) {
      const history = await unary(client, 'GetHistory', {
        point: `${twin}/points/${power}`,
        time_range: { start_time: { seconds: String(T0 / 1000) }, end_time: { seconds: String(T0 / 1000 + 600) } },
        resolution: { seconds: '60' },
      }, 'reader');
      buckets = history.buckets;
      if (buckets.length === 0) {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    assert.equal(buckets.length, 1);
    assert.equal(buckets[0].min_value, 100);
    assert.equal(buckets[0].mean_value, 110);
    assert.equal(buckets[0].max_value, 120);
    assert.equal(buckets[0].count, '3');

    const setpoint = `${twin}/points/hall-1.row-01.cdu-1.liquid-temperature-sp.secondary-supply`;
    const change = await unary(client, 'ApplySetpoint', {
      point: setpoint, value: 32, expected_version: '1', request_id: crypto.randomUUID(),
      facility_time: { seconds: String(T0 / 1000 + 62) }, action: 'actions/node-test',
    }, 'setpoint-writer');
    assert.equal(change.previous_value, 30);
    assert.equal(change.version, '2');
  } finally {
    client.close();
  }
});
