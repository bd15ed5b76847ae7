// Number, time and table cell formatting shared by the page's scripts.

export function formatNumber(value, decimals) {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return "–";
  }
  return Number(value).toLocaleString("en-US", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

export function formatCell(value, kind) {
  switch (kind) {
    case "count":
      return formatNumber(value, 0);
    case "ms":
    case "rate":
      return formatNumber(value, 2);
    default:
      return value === "" ? "" : String(value);
  }
}

export function formatTime(unixSeconds) {
  return new Date(unixSeconds * 1000).toLocaleString();
}

export function formatShortTime(isoTime) {
  return new Date(isoTime).toLocaleString([], { dateStyle: "short", timeStyle: "short" });
}

export function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  return td;
}
