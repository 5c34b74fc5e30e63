// Reads the DOM that headless Chromium dumped after running a report's script, and fails unless
// every chart figure was drawn with data. Prints one line per chart.
import { readFileSync } from "node:fs";

const [domFile, requireList] = process.argv.slice(2);
const dom = readFileSync(domFile, "utf8");
const failures = [];

if (!/<body[^>]*data-charts-done="true"/.test(dom)) {
  failures.push("the report's script did not finish (no data-charts-done on <body>)");
}
const figures = [...dom.matchAll(/<figure\b([^>]*)>([\s\S]*?)<\/figure>/g)];
const seen = new Set();
for (const [, attributes, inner] of figures) {
  const id = /data-chart="([^"]+)"/.exec(attributes)?.[1];
  if (!id) continue;
  seen.add(id);
  const rendered = Number(/data-rendered="(\d+)"/.exec(attributes)?.[1] ?? 0);
  const error = /data-error="([^"]*)"/.exec(attributes)?.[1];
  const shapes = (inner.match(/<(polyline|rect)\b/g) ?? []).length;
  if (error !== undefined) {
    failures.push(`${id}: not drawn: ${error}`);
  } else if (!(rendered > 0) || shapes === 0) {
    failures.push(`${id}: drew ${rendered} points in ${shapes} shapes`);
  } else {
    console.log(`${id}: ${rendered} points or bars`);
  }
}
if (figures.length === 0) failures.push("the report has no charts");
for (const id of (requireList || "").split(",").filter(Boolean)) {
  if (!seen.has(id)) failures.push(`${id}: required chart is missing`);
}
if (failures.length > 0) {
  for (const failure of failures) console.error(`FAIL ${failure}`);
  process.exit(1);
}
console.log(`report OK: ${seen.size} charts drawn with data`);
