// Draws the charts of a Factory Twin report from the JSON in <script id="report-data"> as inline
// SVG, with no library, so the page stays one self-contained file. Each <figure data-chart> gets
// data-rendered = the number of points or bars drawn, or data-error = why it drew nothing; the
// report's browser test reads those attributes.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var COLORS = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#0a7f8c"];
  var W = 720, H = 280, LEFT = 64, RIGHT = 16, TOP = 16, BOTTOM = 40;

  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fmt(v) {
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e5 || a < 1e-2)) return v.toExponential(2);
    if (a >= 100) return v.toFixed(0);
    if (a >= 10) return v.toFixed(1);
    return v.toFixed(3);
  }

  function fmtTime(ms, span) {
    var d = new Date(ms).toISOString();
    return span > 3 * 86400e3 ? d.slice(5, 10) : d.slice(11, 16);
  }

  function frame(svg, yMin, yMax, unit) {
    svg.appendChild(el("line", { x1: LEFT, y1: H - BOTTOM, x2: W - RIGHT, y2: H - BOTTOM, stroke: "#888" }));
    svg.appendChild(el("line", { x1: LEFT, y1: TOP, x2: LEFT, y2: H - BOTTOM, stroke: "#888" }));
    for (var i = 0; i <= 4; i++) {
      var v = yMin + (yMax - yMin) * i / 4;
      var y = H - BOTTOM - (H - TOP - BOTTOM) * i / 4;
      svg.appendChild(el("line", { x1: LEFT, y1: y, x2: W - RIGHT, y2: y, stroke: "#eee" }));
      svg.appendChild(el("text", { x: LEFT - 6, y: y + 4, "text-anchor": "end", "font-size": 11 }, fmt(v)));
    }
    svg.appendChild(el("text", { x: 4, y: TOP + 2, "font-size": 11, "dominant-baseline": "hanging" }, unit || ""));
  }

  // JSON null (a value the server could not compute) must not count as 0, which isFinite(null)
  // would do.
  function num(v) { return typeof v === "number" && isFinite(v); }

  function range(values, extra) {
    var lo = Infinity, hi = -Infinity;
    values.concat(extra || []).forEach(function (v) {
      if (num(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    });
    if (!isFinite(lo)) return null;
    if (hi === lo) { hi = lo + 1; lo = lo - 1; }
    var pad = (hi - lo) * 0.05;
    return [lo - pad, hi + pad];
  }

  function legend(svg, labels) {
    labels.forEach(function (label, i) {
      var x = LEFT + 8 + i * 150;
      svg.appendChild(el("rect", { x: x, y: H - 14, width: 10, height: 10, fill: COLORS[i % COLORS.length] }));
      svg.appendChild(el("text", { x: x + 14, y: H - 5, "font-size": 11 }, label));
    });
  }

  function line(svg, chart) {
    var xs = [], ys = [];
    chart.series.forEach(function (s) {
      s.points.forEach(function (p) { xs.push(p[0]); ys.push(p[1]); });
    });
    var limits = chart.limit !== undefined ? [chart.limit] : [];
    var yr = range(ys, limits), xr = range(xs);
    if (!yr || !xr || xs.length < 2) throw new Error("no data");
    frame(svg, yr[0], yr[1], chart.unit);
    var sx = function (x) { return LEFT + (x - xr[0]) / (xr[1] - xr[0]) * (W - LEFT - RIGHT); };
    var sy = function (y) { return H - BOTTOM - (y - yr[0]) / (yr[1] - yr[0]) * (H - TOP - BOTTOM); };
    var drawn = 0;
    chart.series.forEach(function (s, i) {
      var pts = s.points.filter(function (p) { return num(p[1]); })
        .map(function (p) { return sx(p[0]).toFixed(1) + "," + sy(p[1]).toFixed(1); });
      drawn += pts.length;
      svg.appendChild(el("polyline", {
        points: pts.join(" "), fill: "none", stroke: COLORS[i % COLORS.length], "stroke-width": 1.5,
        "data-series": s.label, "data-points": pts.length
      }));
    });
    if (chart.limit !== undefined) {
      svg.appendChild(el("line", {
        x1: LEFT, x2: W - RIGHT, y1: sy(chart.limit), y2: sy(chart.limit),
        stroke: "#000", "stroke-dasharray": "4 3"
      }));
      svg.appendChild(el("text", { x: W - RIGHT, y: sy(chart.limit) - 4, "text-anchor": "end", "font-size": 11 },
        chart.limitLabel || "limit"));
    }
    var span = xr[1] - xr[0];
    [0, 0.5, 1].forEach(function (f) {
      var x = xr[0] + span * f;
      svg.appendChild(el("text", { x: sx(x), y: H - BOTTOM + 14, "text-anchor": "middle", "font-size": 11 },
        fmtTime(x, span)));
    });
    legend(svg, chart.series.map(function (s) { return s.label; }));
    return drawn;
  }

  function bars(svg, chart) {
    var all = [];
    chart.series.forEach(function (s) { all = all.concat(s.values); });
    var yr = range(all, [0]);
    if (!yr || all.length === 0) throw new Error("no data");
    frame(svg, yr[0], yr[1], chart.unit);
    var sy = function (y) { return H - BOTTOM - (y - yr[0]) / (yr[1] - yr[0]) * (H - TOP - BOTTOM); };
    var groups = chart.categories.length, per = chart.series.length;
    var gw = (W - LEFT - RIGHT) / groups, bw = gw * 0.7 / per;
    var drawn = 0;
    chart.categories.forEach(function (c, g) {
      chart.series.forEach(function (s, i) {
        var v = s.values[g];
        if (!num(v)) return;
        var x = LEFT + g * gw + gw * 0.15 + i * bw;
        var y0 = sy(0), y1 = sy(v);
        svg.appendChild(el("rect", {
          x: x, y: Math.min(y0, y1), width: bw - 2, height: Math.max(1, Math.abs(y0 - y1)),
          fill: COLORS[i % COLORS.length], "data-value": v
        }));
        svg.appendChild(el("text", { x: x + bw / 2, y: Math.min(y0, y1) - 3, "text-anchor": "middle", "font-size": 10 }, fmt(v)));
        drawn++;
      });
      svg.appendChild(el("text", { x: LEFT + g * gw + gw / 2, y: H - BOTTOM + 14, "text-anchor": "middle", "font-size": 11 }, c));
    });
    if (per > 1) legend(svg, chart.series.map(function (s) { return s.label; }));
    return drawn;
  }

  var data = JSON.parse(document.getElementById("report-data").textContent);
  data.charts.forEach(function (chart) {
    var figure = document.querySelector('figure[data-chart="' + chart.id + '"]');
    if (!figure) return;
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img" });
    try {
      var drawn = chart.type === "bar" ? bars(svg, chart) : line(svg, chart);
      figure.appendChild(svg);
      figure.setAttribute("data-rendered", String(drawn));
    } catch (e) {
      figure.setAttribute("data-error", String(e.message || e));
    }
  });
  document.body.setAttribute("data-charts-done", "true");
})();
