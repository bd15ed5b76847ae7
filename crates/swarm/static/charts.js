// Line charts drawn on canvas from the server's chart history, in Locust's record format.

import { formatNumber } from "./format.js";

function niceStep(range, ticks) {
  const rough = range / ticks;
  const magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
  for (const factor of [1, 2, 2.5, 5, 10]) {
    if (factor * magnitude >= rough) {
      return factor * magnitude;
    }
  }
  return 10 * magnitude;
}

export function drawChart(canvas, history) {
  const series = canvas.dataset.series.split(",").map((spec) => {
    const [key, label, color] = spec.split(":");
    return { key, label, color };
  });
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const context = canvas.getContext("2d");
  context.scale(ratio, ratio);
  context.clearRect(0, 0, width, height);

  const left = 52;
  const right = 12;
  const top = 26;
  const bottom = 24;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const styles = getComputedStyle(document.body);
  context.font = `12px ${styles.fontFamily}`;

  // Legend.
  let legendX = left;
  for (const line of series) {
    context.fillStyle = line.color;
    context.fillRect(legendX, 8, 12, 4);
    context.fillStyle = "#1f2933";
    context.textBaseline = "middle";
    context.fillText(line.label, legendX + 16, 10);
    legendX += 28 + context.measureText(line.label).width;
  }

  const times = history.map((point) => Date.parse(point.time));
  let maxValue = 0;
  for (const line of series) {
    for (const point of history) {
      const value = point[line.key][1];
      if (value !== null && value > maxValue) {
        maxValue = value;
      }
    }
  }
  const step = niceStep(maxValue > 0 ? maxValue : 1, 4);
  const yMax = Math.max(step, Math.ceil(maxValue / step) * step);
  const tMin = times.length > 0 ? times[0] : 0;
  const tMax = times.length > 1 ? times[times.length - 1] : tMin + 1000;
  const x = (time) => left + ((time - tMin) / (tMax - tMin)) * plotWidth;
  const y = (value) => top + plotHeight - (value / yMax) * plotHeight;

  // Grid and value labels.
  context.strokeStyle = "#e4e7eb";
  context.fillStyle = "#616e7c";
  context.lineWidth = 1;
  context.textAlign = "right";
  for (let value = 0; value <= yMax + step / 2; value += step) {
    const lineY = Math.round(y(value)) + 0.5;
    context.beginPath();
    context.moveTo(left, lineY);
    context.lineTo(left + plotWidth, lineY);
    context.stroke();
    context.fillText(formatNumber(value, step < 1 ? 2 : 0), left - 6, lineY);
  }

  // Time labels: first, middle and last point.
  context.textAlign = "center";
  context.textBaseline = "top";
  if (times.length > 0) {
    const labelled = new Set([0, Math.floor((times.length - 1) / 2), times.length - 1]);
    for (const index of labelled) {
      const label = new Date(times[index]).toLocaleTimeString([], { hour12: false });
      const labelX = Math.min(Math.max(x(times[index]), left + 28), left + plotWidth - 28);
      context.fillText(label, labelX, top + plotHeight + 6);
    }
  }

  // Lines; a null value (no response in the window) breaks the line.
  context.lineWidth = 2;
  context.lineJoin = "round";
  for (const line of series) {
    context.strokeStyle = line.color;
    context.beginPath();
    let drawing = false;
    history.forEach((point, index) => {
      const value = point[line.key][1];
      if (value === null) {
        drawing = false;
        return;
      }
      const pointX = x(times[index]);
      const pointY = y(value);
      if (drawing) {
        context.lineTo(pointX, pointY);
      } else {
        context.moveTo(pointX, pointY);
        drawing = true;
      }
    });
    context.stroke();

    // A dot on each point, so a lone point between gaps stays visible.
    context.fillStyle = line.color;
    history.forEach((point, index) => {
      const value = point[line.key][1];
      if (value !== null) {
        context.beginPath();
        context.arc(x(times[index]), y(value), 2.5, 0, 2 * Math.PI);
        context.fill();
      }
    });
  }
}
