// swarm web UI: polls the JSON endpoints, fills the tables and draws the charts.

import { drawChart } from "./charts.js";
import { cell, formatCell, formatNumber, formatTime } from "./format.js";
import { refreshRuns } from "./runs.js";

const POLL_MS = 2000;
const STATS_COLUMNS = [
  ["method", "text"],
  ["name", "name"],
  ["num_requests", "count"],
  ["num_failures", "count"],
  ["median_response_time", "ms"],
  ["response_time_percentile_0.95", "ms"],
  ["response_time_percentile_0.99", "ms"],
  ["avg_response_time", "ms"],
  ["min_response_time", "ms"],
  ["max_response_time", "ms"],
  ["avg_content_length", "count"],
  ["current_rps", "rate"],
  ["current_fail_per_sec", "rate"],
];

const body = document.body;
const byId = (id) => document.getElementById(id);
let state = body.dataset.state;
let activeTab = "stats";
let sortKey = null;
let sortDescending = false;
let lastStats = null;
let pollTimer = null;

// ---- Requests to the server --------------------------------------------------------------

async function getJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) {
    throw new Error(`GET ${path} returned ${response.status}`);
  }
  return response.json();
}

async function postSwarm(form) {
  const fields = new URLSearchParams(new FormData(form));
  const response = await fetch("swarm", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: fields,
  });
  let result;
  try {
    result = await response.json();
  } catch (error) {
    result = { success: false, message: `the server returned ${response.status}` };
  }
  return result;
}

function showFormError(form, message) {
  const error = form.querySelector(".form-error");
  error.textContent = message || "";
  error.hidden = !message;
}

// ---- State and the top bar ---------------------------------------------------------------

function setState(next) {
  if (next === state) {
    return;
  }
  state = next;
  body.dataset.state = next;
  byId("monitor-state").querySelector(".state-badge").textContent = next;
}

function updateMonitor(stats) {
  byId("monitor-users").textContent = formatNumber(stats.user_count, 0);
  byId("monitor-rps").textContent = formatNumber(stats.current_rps, 2);
  byId("monitor-failures").textContent = `${formatNumber(stats.fail_ratio * 100, 1)} %`;
  const failures = stats.errors.length;
  byId("failures-count").textContent = failures > 0 ? String(failures) : "";
}

// ---- Statistics table --------------------------------------------------------------------

function sortedEntries(entries) {
  if (!sortKey) {
    return entries;
  }
  const copy = entries.slice();
  copy.sort((a, b) => {
    const x = a[sortKey];
    const y = b[sortKey];
    const order = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
    return sortDescending ? -order : order;
  });
  return copy;
}

function statsRow(entry) {
  const tr = document.createElement("tr");
  for (const [key, kind] of STATS_COLUMNS) {
    const numeric = kind === "count" || kind === "ms" || kind === "rate";
    let className = "";
    if (numeric) {
      className = "number";
    } else if (kind === "name") {
      className = "name";
    }
    tr.appendChild(cell(formatCell(entry[key], kind), className));
  }
  return tr;
}

function renderStatsTable(stats) {
  const table = byId("stats-table");
  const entries = stats.stats.filter((entry) => entry.name !== "Aggregated" || entry.method !== "");
  const aggregated = stats.stats.find((entry) => entry.name === "Aggregated" && entry.method === "");
  const rows = sortedEntries(entries).map(statsRow);
  table.tBodies[0].replaceChildren(...rows);
  table.tFoot.replaceChildren(aggregated ? statsRow(aggregated) : "");
  byId("stats-empty").hidden = entries.length > 0;
}

function setUpSorting() {
  const headers = byId("stats-table").querySelectorAll("th[data-key]");
  for (const header of headers) {
    header.tabIndex = 0;
    const sortByThis = () => {
      const key = header.dataset.key;
      sortDescending = sortKey === key ? !sortDescending : header.classList.contains("number");
      sortKey = key;
      for (const other of headers) {
        other.removeAttribute("aria-sort");
      }
      header.setAttribute("aria-sort", sortDescending ? "descending" : "ascending");
      if (lastStats) {
        renderStatsTable(lastStats);
      }
    };
    header.addEventListener("click", sortByThis);
    header.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        sortByThis();
      }
    });
  }
}

// ---- Failures, exceptions, ratios, logs --------------------------------------------------

function renderFailures(errors) {
  const rows = errors.map((error) => {
    const tr = document.createElement("tr");
    tr.append(
      cell(formatNumber(error.occurrences, 0), "number"),
      cell(error.method),
      cell(error.name, "name"),
      cell(error.error, "message"),
      cell(formatTime(error.first_seen)),
      cell(formatTime(error.last_seen)),
    );
    return tr;
  });
  byId("failures-table").tBodies[0].replaceChildren(...rows);
  byId("failures-empty").hidden = errors.length > 0;
}

async function refreshExceptions() {
  const { exceptions } = await getJson("exceptions");
  const rows = exceptions.map((exception) => {
    const tr = document.createElement("tr");
    const traceback = document.createElement("td");
    const pre = document.createElement("pre");
    pre.textContent = exception.traceback;
    traceback.appendChild(pre);
    tr.append(cell(formatNumber(exception.count, 0), "number"), cell(exception.msg, "message"), traceback);
    return tr;
  });
  byId("exceptions-table").tBodies[0].replaceChildren(...rows);
  byId("exceptions-empty").hidden = exceptions.length > 0;
  // One row per distinct exception, so the badge counts rows as the failures badge does.
  byId("exceptions-count").textContent = exceptions.length > 0 ? String(exceptions.length) : "";
}

function ratioList(ratios) {
  const list = document.createElement("ul");
  for (const [name, item] of Object.entries(ratios || {})) {
    const li = document.createElement("li");
    const percent = document.createElement("span");
    percent.className = "percent";
    percent.textContent = `${formatNumber(item.ratio * 100, 1)} %`;
    li.append(percent, name);
    if (item.tasks && Object.keys(item.tasks).length > 0) {
      li.appendChild(ratioList(item.tasks));
    }
    list.appendChild(li);
  }
  return list;
}

async function refreshRatios() {
  const ratios = await getJson("tasks");
  byId("ratio-per-class").replaceChildren(ratioList(ratios.per_class));
  byId("ratio-total").replaceChildren(ratioList(ratios.total));
}

async function refreshLogs() {
  const logs = await getJson("logs");
  const pre = byId("log-lines");
  const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  pre.textContent = logs.master.length > 0 ? logs.master.join("\n") : "No log lines yet.";
  if (atBottom) {
    pre.scrollTop = pre.scrollHeight;
  }
}

async function refreshCharts() {
  const history = await getJson("stats/history");
  byId("charts-empty").hidden = history.length > 1;
  for (const canvas of document.querySelectorAll(".chart canvas")) {
    drawChart(canvas, history);
  }
  document.querySelector(".charts").dataset.points = String(history.length);
}

// ---- Tabs --------------------------------------------------------------------------------

const TAB_REFRESH = {
  charts: refreshCharts,
  exceptions: refreshExceptions,
  ratios: refreshRatios,
  logs: refreshLogs,
  runs: refreshRuns,
};

function showTab(name) {
  if (!document.querySelector(`.tabs [data-tab="${name}"]`)) {
    name = "stats";
  }
  activeTab = name;
  for (const button of document.querySelectorAll(".tabs [data-tab]")) {
    button.setAttribute("aria-selected", String(button.dataset.tab === name));
  }
  for (const panel of document.querySelectorAll(".tab-panel")) {
    panel.hidden = panel.id !== `tab-${name}`;
  }
  const url = new URL(window.location.href);
  url.searchParams.set("tab", name);
  window.history.replaceState(null, "", url);
  refreshActiveTab();
}

function refreshActiveTab() {
  const refresh = TAB_REFRESH[activeTab];
  if (refresh) {
    refresh().catch((error) => console.warn(error));
  }
}

// ---- Polling -----------------------------------------------------------------------------

async function poll() {
  clearTimeout(pollTimer);
  try {
    const stats = await getJson("stats/requests");
    lastStats = stats;
    setState(stats.state);
    updateMonitor(stats);
    renderStatsTable(stats);
    renderFailures(stats.errors);
    // /stats/requests has no exceptions, so their table and tab badge are fetched on every
    // poll, whichever tab is open.
    refreshExceptions().catch((error) => console.warn(error));
    // The statistics, failures and exceptions tabs were filled above; the others fetch their
    // own data.
    const filled = ["stats", "failures", "exceptions", "download"];
    if (!filled.includes(activeTab)) {
      refreshActiveTab();
    }
  } catch (error) {
    console.warn(error);
  }
  pollTimer = setTimeout(poll, POLL_MS);
}

// ---- Buttons and forms -------------------------------------------------------------------

async function submitSwarm(form, onSuccess) {
  const submit = form.querySelector("button[type=submit]");
  submit.disabled = true;
  showFormError(form, "");
  try {
    const result = await postSwarm(form);
    if (!result.success) {
      showFormError(form, result.message);
      return;
    }
    byId("monitor-host").textContent = result.host;
    onSuccess();
    setTimeout(poll, 300);
  } catch (error) {
    showFormError(form, `Could not reach swarm: ${error.message}`);
  } finally {
    submit.disabled = false;
  }
}

function setUpControls() {
  const dialog = byId("swarm-dialog");
  const dialogForm = byId("dialog-form");

  byId("start-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const startForm = event.target;
    submitSwarm(startForm, () => {
      // Edit and New test offer the settings of this run, not the page's defaults.
      for (const name of ["user_count", "spawn_rate", "host", "run_time"]) {
        dialogForm[name].value = startForm[name].value;
      }
      setState("spawning");
    });
  });

  byId("edit-button").addEventListener("click", () => {
    dialog.classList.add("editing");
    byId("dialog-title").textContent = "Change the running test";
    dialogForm.querySelector("button[type=submit]").textContent = "Update";
    dialogForm.host.disabled = true;
    dialogForm.run_time.disabled = true;
    if (lastStats) {
      dialogForm.user_count.value = String(lastStats.user_count);
    }
    showFormError(dialogForm, "");
    dialog.showModal();
  });

  byId("new-button").addEventListener("click", () => {
    dialog.classList.remove("editing");
    byId("dialog-title").textContent = "Start a new load test";
    dialogForm.querySelector("button[type=submit]").textContent = "Start";
    dialogForm.host.disabled = false;
    dialogForm.run_time.disabled = false;
    showFormError(dialogForm, "");
    dialog.showModal();
  });

  dialogForm.addEventListener("submit", (event) => {
    event.preventDefault();
    submitSwarm(dialogForm, () => dialog.close());
  });
  dialogForm.querySelector(".cancel").addEventListener("click", () => dialog.close());

  byId("stop-button").addEventListener("click", async (event) => {
    event.target.disabled = true;
    try {
      await getJson("stop");
    } finally {
      event.target.disabled = false;
    }
    poll();
  });

  byId("reset-button").addEventListener("click", async () => {
    await fetch("stats/reset", { cache: "no-store" });
    poll();
    refreshActiveTab();
  });

  for (const button of document.querySelectorAll(".tabs [data-tab]")) {
    button.addEventListener("click", () => showTab(button.dataset.tab));
  }
  window.addEventListener("resize", () => {
    if (activeTab === "charts") {
      refreshActiveTab();
    }
  });
}

setUpSorting();
setUpControls();
showTab(new URLSearchParams(window.location.search).get("tab") || "stats");
if (activeTab !== "runs") {
  refreshRuns().catch((error) => console.warn(error));
}
poll();
