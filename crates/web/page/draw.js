// Drawing histograms: axes with round ticks, a TH1 as steps with error bars, a TH2 as a colour map, and a
// sample set as stacked simulation under data points with a data/simulation ratio panel. No library: what
// a projector needs, large and clear. Everything draws on a 2D context; `SvgContext` is that context's
// subset written as SVG, so "Save plot (SVG)" is the plot on screen, as vectors.

const MARGIN = { left: 80, right: 30, top: 40, bottom: 60 };

// Round tick positions covering [lo, hi], about n of them.
function ticks(lo, hi, n) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

function label(v) {
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(1) : String(Number(v.toPrecision(6)));
}

// Axes of a plot in the rectangle `box` ({x, y, w, h}): ticks, labels; returns the data → pixel maps.
function axes(ctx, box, xlo, xhi, ylo, yhi, { xtitle = "", ytitle = "", xlabels = true } = {}) {
  const X = (x) => box.x + ((x - xlo) / (xhi - xlo)) * box.w;
  const Y = (y) => box.y + box.h - ((y - ylo) / (yhi - ylo)) * box.h;
  ctx.strokeStyle = "#000";
  ctx.lineWidth = 1.5;
  ctx.strokeRect(box.x, box.y, box.w, box.h);
  ctx.fillStyle = "#000";
  ctx.font = "15px sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of ticks(xlo, xhi, 8)) {
    ctx.beginPath(); ctx.moveTo(X(t), box.y + box.h); ctx.lineTo(X(t), box.y + box.h - 8); ctx.stroke();
    if (xlabels) ctx.fillText(label(t), X(t), box.y + box.h + 6);
  }
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of ticks(ylo, yhi, box.h > 200 ? 6 : 3)) {
    ctx.beginPath(); ctx.moveTo(box.x, Y(t)); ctx.lineTo(box.x + 8, Y(t)); ctx.stroke();
    ctx.fillText(label(t), box.x - 6, Y(t));
  }
  ctx.textBaseline = "alphabetic";
  ctx.font = "16px sans-serif";
  if (xtitle) {
    ctx.textAlign = "right";
    ctx.fillText(xtitle, box.x + box.w, box.y + box.h + 44);
  }
  if (ytitle) {
    ctx.textAlign = "left";
    ctx.fillText(ytitle, box.x - MARGIN.left + 6, box.y - 10);
  }
  return { X, Y };
}

function background(ctx, w, h) {
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, w, h);
}

function title(ctx, text, box) {
  ctx.textAlign = "center";
  ctx.textBaseline = "alphabetic";
  ctx.font = "bold 17px sans-serif";
  ctx.fillStyle = "#000";
  ctx.fillText(text || "", box.x + box.w / 2, box.y - 12);
}

function plotBox(w, h) {
  return { x: MARGIN.left, y: MARGIN.top, w: w - MARGIN.left - MARGIN.right, h: h - MARGIN.top - MARGIN.bottom };
}

// A 1D histogram: {axes: [{edges, title}], values, errors, title}.
export function drawHist1DOn(ctx, w, hgt, h) {
  const edges = h.axes[0].edges;
  const n = h.values.length;
  let top = 0;
  let bottom = 0;
  for (let i = 0; i < n; i++) {
    top = Math.max(top, h.values[i] + (h.errors[i] || 0));
    bottom = Math.min(bottom, h.values[i] - (h.errors[i] || 0));
  }
  if (top <= bottom) top = bottom + 1;
  background(ctx, w, hgt);
  const box = plotBox(w, hgt);
  const { X, Y } = axes(ctx, box, edges[0], edges[n], bottom, top * 1.1, { xtitle: h.axes[0].title });
  title(ctx, h.title || h.name, box);
  ctx.strokeStyle = "#16325c";
  ctx.fillStyle = "rgba(22, 50, 92, 0.15)";
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(X(edges[0]), Y(0));
  for (let i = 0; i < n; i++) {
    ctx.lineTo(X(edges[i]), Y(h.values[i]));
    ctx.lineTo(X(edges[i + 1]), Y(h.values[i]));
  }
  ctx.lineTo(X(edges[n]), Y(0));
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
  ctx.strokeStyle = "#000";
  ctx.lineWidth = 1.5;
  for (let i = 0; i < n; i++) {
    const e = h.errors[i] || 0;
    if (e <= 0) continue;
    const x = X((edges[i] + edges[i + 1]) / 2);
    ctx.beginPath(); ctx.moveTo(x, Y(h.values[i] - e)); ctx.lineTo(x, Y(h.values[i] + e)); ctx.stroke();
  }
}

// Viridis-like ramp from a few anchor colours.
const RAMP = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
function colour(f) {
  const x = Math.min(Math.max(f, 0), 1) * (RAMP.length - 1);
  const i = Math.min(Math.floor(x), RAMP.length - 2);
  const t = x - i;
  const c = RAMP[i].map((a, k) => Math.round(a + (RAMP[i + 1][k] - a) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

// A 2D histogram: values row after row (x fastest); empty bins stay white.
export function drawHist2DOn(ctx, w, hgt, h) {
  const xe = h.axes[0].edges;
  const ye = h.axes[1].edges;
  const nx = xe.length - 1;
  const ny = ye.length - 1;
  background(ctx, w, hgt);
  const box = plotBox(w, hgt);
  const { X, Y } = axes(ctx, box, xe[0], xe[nx], ye[0], ye[ny], { xtitle: h.axes[0].title });
  title(ctx, h.title || h.name, box);
  const max = Math.max(...h.values, 0);
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      const v = h.values[iy * nx + ix];
      if (!(v > 0)) continue;
      ctx.fillStyle = colour(v / max);
      const x0 = X(xe[ix]);
      const y0 = Y(ye[iy + 1]);
      ctx.fillRect(x0, y0, X(xe[ix + 1]) - x0 + 0.5, Y(ye[iy]) - y0 + 0.5);
    }
  }
  const x = w - 22;
  for (let k = 0; k < 100; k++) {
    ctx.fillStyle = colour(k / 99);
    ctx.fillRect(x, MARGIN.top + (99 - k) * 4, 14, 4.5);
  }
}

// Colours for stack groups that name none (the analysis files' `color` wins).
const PALETTE = ["#6baed6", "#fd8d3c", "#74c476", "#9e9ac8", "#fdd0a2", "#c6dbef", "#e6550d", "#31a354"];

// A sample set: `plot` = {edges, stack: [{group, color, values}] (bottom first), total: {values, variances},
// data: {values} | null, fit: {background, total} | null, title, xtitle, label}.
export function drawStackOn(ctx, w, hgt, plot) {
  const edges = plot.edges;
  const n = edges.length - 1;
  background(ctx, w, hgt);
  const full = plotBox(w, hgt);
  const ratioH = Math.round(full.h * 0.27);
  const main = { x: full.x, y: full.y, w: full.w, h: full.h - ratioH - 8 };
  const ratio = { x: full.x, y: main.y + main.h + 8, w: full.w, h: ratioH };
  let top = 0;
  for (let i = 0; i < n; i++) {
    top = Math.max(top, plot.total.values[i] + Math.sqrt(plot.total.variances[i]));
    if (plot.data) top = Math.max(top, plot.data.values[i] + Math.sqrt(plot.data.values[i]));
  }
  if (!(top > 0)) top = 1;
  const binWidth = (edges[n] - edges[0]) / n;
  const { X, Y } = axes(ctx, main, edges[0], edges[n], 0, top * 1.35, { xlabels: false, ytitle: `Events / ${label(Number(binWidth.toPrecision(3)))}` });
  title(ctx, plot.title, main);
  // The stack: each group's cumulative outline, filled.
  const below = new Array(n).fill(0);
  plot.stack.forEach((g, k) => {
    ctx.fillStyle = g.color || PALETTE[k % PALETTE.length];
    for (let i = 0; i < n; i++) {
      const y0 = Y(below[i]);
      const y1 = Y(below[i] + g.values[i]);
      ctx.fillRect(X(edges[i]), y1, X(edges[i + 1]) - X(edges[i]), y0 - y1);
      below[i] += g.values[i];
    }
  });
  ctx.strokeStyle = "#000";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(X(edges[0]), Y(0));
  for (let i = 0; i < n; i++) { ctx.lineTo(X(edges[i]), Y(below[i])); ctx.lineTo(X(edges[i + 1]), Y(below[i])); }
  ctx.lineTo(X(edges[n]), Y(0));
  ctx.stroke();
  // The simulation's statistical uncertainty, hatched grey.
  ctx.fillStyle = "rgba(0, 0, 0, 0.18)";
  for (let i = 0; i < n; i++) {
    const e = Math.sqrt(plot.total.variances[i]);
    if (e > 0) ctx.fillRect(X(edges[i]), Y(below[i] + e), X(edges[i + 1]) - X(edges[i]), Y(below[i] - e) - Y(below[i] + e));
  }
  if (plot.fit) {
    const centres = edges.slice(0, n).map((e, i) => (e + edges[i + 1]) / 2);
    for (const [curve, dash, colour] of [[plot.fit.background, [8, 6], "#c00"], [plot.fit.total, [], "#c00"]]) {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2.5;
      ctx.setLineDash(dash);
      ctx.beginPath();
      centres.forEach((x, i) => (i ? ctx.lineTo(X(x), Y(curve[i])) : ctx.moveTo(X(x), Y(curve[i]))));
      ctx.stroke();
    }
    ctx.setLineDash([]);
  }
  // Empty data bins get no point.
  if (plot.data) dataPoints(ctx, X, Y, edges, plot.data.values.map((v) => (v > 0 ? v : NaN)), plot.data.values.map(Math.sqrt));
  legend(ctx, main, plot);

  if (plot.fit && plot.data) residuals(ctx, ratio, edges, plot);
  else ratioPanel(ctx, ratio, edges, plot);
}

// The lower panel's title, written upwards beside its axis.
function sideTitle(ctx, box, text) {
  ctx.save();
  ctx.translate(box.x - 62, box.y + box.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillStyle = "#000";
  ctx.textAlign = "center";
  ctx.font = "14px sans-serif";
  ctx.fillText(text, 0, 0);
  ctx.restore();
}

// Data / simulation, with the simulation's uncertainty around 1.
function ratioPanel(ctx, box, edges, plot) {
  const n = edges.length - 1;
  const R = axes(ctx, box, edges[0], edges[n], 0.5, 1.5, { xtitle: plot.xtitle });
  sideTitle(ctx, box, plot.data ? "Data / Pred." : "Pred. unc.");
  ctx.fillStyle = "rgba(0, 0, 0, 0.18)";
  for (let i = 0; i < n; i++) {
    const t = plot.total.values[i];
    if (!(t > 0)) continue;
    const e = Math.min(Math.sqrt(plot.total.variances[i]) / t, 0.5);
    ctx.fillRect(R.X(edges[i]), R.Y(1 + e), R.X(edges[i + 1]) - R.X(edges[i]), R.Y(1 - e) - R.Y(1 + e));
  }
  ctx.strokeStyle = "#555";
  ctx.lineWidth = 1;
  ctx.setLineDash([4, 4]);
  ctx.beginPath(); ctx.moveTo(box.x, R.Y(1)); ctx.lineTo(box.x + box.w, R.Y(1)); ctx.stroke();
  ctx.setLineDash([]);
  if (plot.data) {
    const r = [], re = [];
    for (let i = 0; i < n; i++) {
      const t = plot.total.values[i];
      r.push(t > 0 ? plot.data.values[i] / t : NaN);
      re.push(t > 0 ? Math.sqrt(plot.data.values[i]) / t : NaN);
    }
    dataPoints(ctx, R.X, R.Y, edges, r, re, [0.5, 1.5]);
  }
}

// Data minus the fitted background, with the fitted signal: where the bump is.
function residuals(ctx, box, edges, plot) {
  const n = edges.length - 1;
  const d = [], e = [], s = [];
  let lo = 0, hi = 0;
  for (let i = 0; i < n; i++) {
    d.push(plot.data.values[i] - plot.fit.background[i]);
    e.push(Math.sqrt(plot.data.values[i]));
    s.push(plot.fit.total[i] - plot.fit.background[i]);
    lo = Math.min(lo, d[i] - e[i], s[i]);
    hi = Math.max(hi, d[i] + e[i], s[i]);
  }
  const pad = 0.1 * (hi - lo || 1);
  const R = axes(ctx, box, edges[0], edges[n], lo - pad, hi + pad, { xtitle: plot.xtitle });
  sideTitle(ctx, box, "Data − Bkg.");
  ctx.strokeStyle = "#555";
  ctx.lineWidth = 1;
  ctx.setLineDash([4, 4]);
  ctx.beginPath(); ctx.moveTo(box.x, R.Y(0)); ctx.lineTo(box.x + box.w, R.Y(0)); ctx.stroke();
  ctx.setLineDash([]);
  ctx.strokeStyle = "#c00";
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  s.forEach((v, i) => {
    const x = R.X((edges[i] + edges[i + 1]) / 2);
    if (i) ctx.lineTo(x, R.Y(v)); else ctx.moveTo(x, R.Y(v));
  });
  ctx.stroke();
  dataPoints(ctx, R.X, R.Y, edges, d, e, [lo - pad, hi + pad]);
}

// Black points with vertical error bars; values outside `clip` (and NaN) are left out.
function dataPoints(ctx, X, Y, edges, values, errors, clip = [-Infinity, Infinity]) {
  ctx.fillStyle = "#000";
  ctx.strokeStyle = "#000";
  ctx.lineWidth = 1.5;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || v < clip[0] || v > clip[1]) continue;
    const x = X((edges[i] + edges[i + 1]) / 2);
    const e = errors[i] || 0;
    ctx.beginPath();
    ctx.moveTo(x, Y(Math.max(v - e, clip[0]))); ctx.lineTo(x, Y(Math.min(v + e, clip[1])));
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(x, Y(v), 3.5, 0, 2 * Math.PI);
    ctx.fill();
  }
}

function legend(ctx, box, plot) {
  const entries = [];
  if (plot.data) entries.push({ text: "Data", data: true });
  for (let k = plot.stack.length - 1; k >= 0; k--) entries.push({ text: plot.stack[k].group, color: plot.stack[k].color || PALETTE[k % PALETTE.length] });
  if (plot.fit) entries.push({ text: "Background fit", line: [8, 6] }, { text: "Background + signal fit", line: [] });
  ctx.font = "15px sans-serif";
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  const x = box.x + box.w * 0.62;
  entries.forEach((e, i) => {
    const y = box.y + 22 + i * 22;
    if (e.data) {
      ctx.fillStyle = "#000";
      ctx.beginPath(); ctx.arc(x + 10, y, 3.5, 0, 2 * Math.PI); ctx.fill();
    } else if (e.line) {
      ctx.strokeStyle = "#c00"; ctx.lineWidth = 2.5; ctx.setLineDash(e.line);
      ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x + 20, y); ctx.stroke(); ctx.setLineDash([]);
    } else {
      ctx.fillStyle = e.color;
      ctx.fillRect(x, y - 7, 20, 14);
    }
    ctx.fillStyle = "#000";
    ctx.fillText(e.text, x + 28, y);
  });
  ctx.textBaseline = "alphabetic";
  ctx.font = "italic bold 16px sans-serif";
  ctx.fillText(plot.experiment || "", box.x + 14, box.y + 24);
  ctx.font = "15px sans-serif";
  ctx.fillText(plot.label || "", box.x + 14, box.y + 46);
}

// The subset of CanvasRenderingContext2D the functions above use, written as SVG.
export class SvgContext {
  constructor(w, h) {
    Object.assign(this, { w, h, out: [], path: "", dash: [], stack: [], transform: "" });
    Object.assign(this, { fillStyle: "#000", strokeStyle: "#000", lineWidth: 1, font: "15px sans-serif", textAlign: "left", textBaseline: "alphabetic" });
  }
  esc(s) { return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"); }
  n(x) { return Number(x.toFixed(2)); }
  wrap(el) { return this.transform ? `<g transform="${this.transform}">${el}</g>` : el; }
  stroked() { return `fill="none" stroke="${this.strokeStyle}" stroke-width="${this.lineWidth}"${this.dash.length ? ` stroke-dasharray="${this.dash.join(" ")}"` : ""}`; }
  clearRect() { this.out = []; }
  fillRect(x, y, w, h) { this.out.push(this.wrap(`<rect x="${this.n(x)}" y="${this.n(y)}" width="${this.n(w)}" height="${this.n(h)}" fill="${this.fillStyle}"/>`)); }
  strokeRect(x, y, w, h) { this.out.push(this.wrap(`<rect x="${this.n(x)}" y="${this.n(y)}" width="${this.n(w)}" height="${this.n(h)}" ${this.stroked()}/>`)); }
  beginPath() { this.path = ""; }
  moveTo(x, y) { this.path += `M${this.n(x)} ${this.n(y)}`; }
  lineTo(x, y) { this.path += `L${this.n(x)} ${this.n(y)}`; }
  closePath() { this.path += "Z"; }
  arc(x, y, r) { this.path += `M${this.n(x - r)} ${this.n(y)}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`; }
  stroke() { this.out.push(this.wrap(`<path d="${this.path}" ${this.stroked()}/>`)); }
  fill() { this.out.push(this.wrap(`<path d="${this.path}" fill="${this.fillStyle}"/>`)); }
  setLineDash(d) { this.dash = d; }
  save() { this.stack.push(this.transform); }
  restore() { this.transform = this.stack.pop() || ""; }
  translate(x, y) { this.transform += ` translate(${this.n(x)} ${this.n(y)})`; }
  rotate(a) { this.transform += ` rotate(${(a * 180) / Math.PI})`; }
  fillText(text, x, y) {
    const anchor = { left: "start", center: "middle", right: "end" }[this.textAlign] || "start";
    const baseline = { top: "hanging", middle: "central" }[this.textBaseline] || "alphabetic";
    const [, style = "", size = "15px"] = /^((?:italic |bold )*)(\d+px)/.exec(this.font) || [];
    const weight = style.includes("bold") ? ` font-weight="bold"` : "";
    const italic = style.includes("italic") ? ` font-style="italic"` : "";
    this.out.push(this.wrap(`<text x="${this.n(x)}" y="${this.n(y)}" font-family="sans-serif" font-size="${size}"${weight}${italic} text-anchor="${anchor}" dominant-baseline="${baseline}" fill="${this.fillStyle}">${this.esc(text)}</text>`));
  }
  toString() {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${this.w}" height="${this.h}" viewBox="0 0 ${this.w} ${this.h}">\n${this.out.join("\n")}\n</svg>\n`;
  }
}
