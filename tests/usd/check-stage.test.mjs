// Tests of check-stage.mjs on hand-written stages: it must pass a good one and fail on a syntax
// error and on a relationship to a prim that does not exist.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkStage } from './check-stage.mjs';

const fixture = (name) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const script = fileURLToPath(new URL('check-stage.mjs', import.meta.url));
const expected = JSON.parse(readFileSync(fixture('small-hall.expect.json'), 'utf8'));

function runCli(...args) {
  return spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
}

test('small hall passes every check', async () => {
  const { failures, prims } = await checkStage(fixture('small-hall.usda'), expected);

  assert.deepEqual(failures, []);
  assert.equal(prims.size, 5);
  assert.deepEqual(prims.get('/Site/hall_1/row_01/rpp_a1').relationships.get(
    'factorytwin:feedsPowerPathA'), ['/Site/hall_1/row_01/rack_01']);
});

test('syntax error fails the parse', async () => {
  const { failures } = await checkStage(fixture('syntax-error.usda'), expected);

  assert.equal(failures.length, 1);
  assert.match(failures[0], /TinyUSDZ cannot parse syntax-error\.usda/);
  assert.match(failures[0], /line 39/);
});

test('missing relationship target fails', async () => {
  const { failures } = await checkStage(fixture('missing-target.usda'));

  assert.deepEqual(failures, [
    '/Site/hall_1/row_01/rpp_a1: relationship target </Site/hall_1/row_01/rack_02> names no ' +
      'prim of the stage',
  ]);
});

test('wrong expected value fails', async () => {
  const wrong = structuredClone(expected);
  wrong.primCount = 6;
  wrong.attributes['/Site/hall_1/row_01/rack_01']['factorytwin:ratedPowerKw'] = 120;

  const { failures } = await checkStage(fixture('small-hall.usda'), wrong);

  assert.deepEqual(failures, [
    'expected 6 prims, found 5',
    '/Site/hall_1/row_01/rack_01: factorytwin:ratedPowerKw is 132.0, expected 120',
  ]);
});

test('command exits 1 on each bad fixture', () => {
  const good = runCli(fixture('small-hall.usda'), fixture('small-hall.expect.json'));
  const syntax = runCli(fixture('syntax-error.usda'));
  const missing = runCli(fixture('missing-target.usda'));

  assert.equal(good.status, 0, good.stderr);
  assert.equal(syntax.status, 1);
  assert.match(syntax.stderr, /^FAIL .*syntax-error\.usda/);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /rack_02> names no prim/);
});
