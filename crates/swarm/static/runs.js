// The Runs tab: finished runs side by side, with the difference to a chosen baseline run.

import { cell, formatCell, formatNumber, formatShortTime } from "./format.js";

const byId = (id) => document.getElementById(id);

// The settings and headline figures come first, so that a narrow screen shows them without
// scrolling sideways. The time and host follow them.
const RUN_FIGURES = [
  // [field, kind, whether a higher value is better]
  ["user_count", "count", null],
  ["spawn_rate", "rate", null],
  ["total_rps", "rate", true],
  ["median_response_time", "ms", false],
  ["response_time_percentile_0.95", "ms", false],
  ["fail_percent", "rate", false],
  ["num_requests", "count", null],
  ["duration", "count", null],
];

function baselineId() {
  return Number(localStorage.getItem("swarm-baseline-run")) || null;
}

function deltaSpan(value, base, kind, higherIsBetter) {
  const span = document.createElement("span");
  span.className = "delta";
  const difference = value - base;
  const percent = base !== 0 ? ` (${difference >= 0 ? "+" : ""}${formatNumber((difference / base) * 100, 0)} %)` : "";
  span.textContent = `${difference >= 0 ? "+" : ""}${formatCell(difference, kind)}${percent}`;
  if (Math.abs(difference) < 1e-9) {
    span.classList.add("same");
  } else if (higherIsBetter !== null) {
    span.classList.add((difference > 0) === higherIsBetter ? "better" : "worse");
  }
  return span;
}

function baselineRadio(run, isChosen) {
  const radioCell = document.createElement("td");
  const radio = document.createElement("input");
  radio.type = "radio";
  radio.name = "baseline";
  radio.checked = isChosen;
  radio.setAttribute("aria-label", `Compare with run ${run.id}`);
  radio.addEventListener("change", () => {
    localStorage.setItem("swarm-baseline-run", String(run.id));
    refreshRuns();
  });
  radioCell.appendChild(radio);
  return radioCell;
}

function runRow(run, chosen) {
  const isChosen = Boolean(chosen) && run.id === chosen.id;
  const tr = document.createElement("tr");
  tr.dataset.run = run.id;
  if (isChosen) {
    tr.className = "baseline";
  }
  tr.append(cell(String(run.id), "number"), baselineRadio(run, isChosen));

  for (const [field, kind, higherIsBetter] of RUN_FIGURES) {
    const td = cell(formatCell(run[field], kind), "number");
    if (chosen && !isChosen) {
      td.appendChild(deltaSpan(run[field], chosen[field], kind, higherIsBetter));
    }
    tr.appendChild(td);
  }
  tr.append(cell(formatShortTime(run.ended_at), "nowrap"), cell(run.host, "nowrap"));
  return tr;
}

// The runs and baseline last drawn, so that polling redraws the table (and moves keyboard
// focus out of it) only when something changed.
let drawnRuns = "";

export async function refreshRuns() {
  const response = await fetch("runs", { cache: "no-store" });
  const result = await response.json();
  const drawing = JSON.stringify([result, baselineId()]);
  if (drawing === drawnRuns) {
    return;
  }
  drawnRuns = drawing;
  byId("runs-file").textContent = result.file;
  const errorLine = byId("runs-error");
  errorLine.textContent = result.error || "";
  errorLine.hidden = !result.error;

  const runs = result.runs.map((run) => ({
    ...run,
    duration: Math.round((Date.parse(run.ended_at) - Date.parse(run.started_at)) / 1000),
  }));
  const chosen = runs.find((run) => run.id === baselineId()) || runs[0];

  const rows = runs.map((run) => runRow(run, chosen));
  byId("runs-table").tBodies[0].replaceChildren(...rows.reverse());
  byId("runs-empty").hidden = runs.length > 0;
  byId("tab-runs").classList.toggle("has-runs", runs.length > 0);
}
