// Drawing histograms on a canvas: axes with round ticks, a TH1 as steps with error bars, a TH2 as a
// colour map. No library: what a projector needs, large and clear.

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

function frame(ctx, w, h, xlo, xhi, ylo, yhi, title, xtitle) {
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, w, h);
  const pw = w - MARGIN.left - MARGIN.right;
  const ph = h - MARGIN.top - MARGIN.bottom;
  const X = (x) => MARGIN.left + ((x - xlo) / (xhi - xlo)) * pw;
  const Y = (y) => MARGIN.top + ph - ((y - ylo) / (yhi - ylo)) * ph;
  ctx.strokeStyle = "#000";
  ctx.lineWidth = 1.5;
  ctx.strokeRect(MARGIN.left, MARGIN.top, pw, ph);
  ctx.fillStyle = "#000";
  ctx.font = "15px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of ticks(xlo, xhi, 8)) {
    ctx.beginPath(); ctx.moveTo(X(t), MARGIN.top + ph); ctx.lineTo(X(t), MARGIN.top + ph - 8); ctx.stroke();
    ctx.fillText(label(t), X(t), MARGIN.top + ph + 6);
  }
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of ticks(ylo, yhi, 6)) {
    ctx.beginPath(); ctx.moveTo(MARGIN.left, Y(t)); ctx.lineTo(MARGIN.left + 8, Y(t)); ctx.stroke();
    ctx.fillText(label(t), MARGIN.left - 6, Y(t));
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "alphabetic";
  ctx.font = "bold 17px system-ui, sans-serif";
  ctx.fillText(title || "", MARGIN.left + pw / 2, MARGIN.top - 12);
  ctx.font = "16px system-ui, sans-serif";
  ctx.fillText(xtitle || "", MARGIN.left + pw / 2, h - 12);
  return { X, Y, pw, ph };
}

// A 1D histogram: {axes: [{edges, title}], values, errors, title}.
export function drawHist1D(canvas, h) {
  const ctx = canvas.getContext("2d");
  const edges = h.axes[0].edges;
  const n = h.values.length;
  let top = 0;
  let bottom = 0;
  for (let i = 0; i < n; i++) {
    top = Math.max(top, h.values[i] + (h.errors[i] || 0));
    bottom = Math.min(bottom, h.values[i] - (h.errors[i] || 0));
  }
  if (top <= bottom) top = bottom + 1;
  const { X, Y } = frame(ctx, canvas.width, canvas.height, edges[0], edges[n], bottom, top * 1.1, h.title || h.name, h.axes[0].title);
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
export function drawHist2D(canvas, h) {
  const ctx = canvas.getContext("2d");
  const xe = h.axes[0].edges;
  const ye = h.axes[1].edges;
  const nx = xe.length - 1;
  const ny = ye.length - 1;
  const { X, Y } = frame(ctx, canvas.width, canvas.height, xe[0], xe[nx], ye[0], ye[ny], h.title || h.name, h.axes[0].title);
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
  const x = canvas.width - 22;
  for (let k = 0; k < 100; k++) {
    ctx.fillStyle = colour(k / 99);
    ctx.fillRect(x, MARGIN.top + (99 - k) * 4, 14, 4.5);
  }
}
