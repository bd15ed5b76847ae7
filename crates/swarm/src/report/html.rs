//! `--html FILE`: a self-contained report (tables and inline SVG charts, no scripts, no network).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::cli::Settings;
use crate::engine::RunTimes;
use crate::report::csv::milliseconds;
use crate::stats::snapshot::PERCENTILES_TO_REPORT;
use crate::stats::{HistoryPoint, StatsSnapshot};

/// Inputs of the HTML report.
pub struct ReportInput<'a> {
    pub snapshot: &'a StatsSnapshot,
    pub history: &'a [HistoryPoint],
    pub times: &'a RunTimes,
    pub host: &'a str,
    pub swarmfile: &'a str,
    /// Task ratios as `Runner::task_ratios` returns them.
    pub ratios: &'a Value,
}

/// Replaces `{u}`, `{r}` and `{t}` in the file name with users, spawn rate and run time in
/// seconds, as Locust does.
pub fn file_name(template: &str, settings: &Settings) -> String {
    template
        .replace("{u}", &settings.users.to_string())
        .replace("{r}", &(settings.spawn_rate as u64).to_string())
        .replace(
            "{t}",
            &settings
                .run_time
                .map_or(0, |time| time.as_secs())
                .to_string(),
        )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn utc(seconds: f64) -> String {
    DateTime::<Utc>::from_timestamp(seconds as i64, 0)
        .map(|time| time.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}\
th:nth-child(-n+2),td:nth-child(-n+2){text-align:left}tr.total{font-weight:bold}\
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em}svg{background:#fafafa;border:1px solid #ddd}\
.legend span{margin-right:1.5em}";

/// Renders the whole report as one HTML document.
pub fn render(input: &ReportInput) -> String {
    let snapshot = input.snapshot;
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>swarm test report</title><style>{STYLE}</style></head><body>\n<h1>swarm test report</h1>\n"
    );
    let started = input.times.started_at.unwrap_or(snapshot.start_time);
    let stopped = input.times.stopped_at.unwrap_or(snapshot.time);
    let _ = writeln!(
        page,
        "<p>During: {} – {} ({} s)<br>Target host: {}<br>Swarmfile: {}</p>",
        utc(started),
        utc(stopped),
        (stopped - started).max(0.0).round(),
        escape(input.host),
        escape(input.swarmfile)
    );

    page.push_str("<h2>Request statistics</h2>\n<table><tr><th>Type</th><th>Name</th><th># Requests</th><th># Fails</th><th>Average (ms)</th><th>Min (ms)</th><th>Max (ms)</th><th>Average size (bytes)</th><th>RPS</th><th>Failures/s</th></tr>\n");
    for (entry, class) in snapshot
        .entries
        .iter()
        .map(|entry| (entry, ""))
        .chain([(&snapshot.aggregated, " class=\"total\"")])
    {
        let _ = writeln!(
            page,
            "<tr{class}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.2}</td><td>{}</td><td>{}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td></tr>",
            escape(&entry.method),
            escape(&entry.name),
            entry.num_requests,
            entry.num_failures,
            entry.avg_response_time,
            milliseconds(entry.min_response_time),
            milliseconds(entry.max_response_time),
            entry.avg_content_length,
            entry.total_rps,
            entry.total_fail_per_sec
        );
    }
    page.push_str("</table>\n");

    page.push_str("<h2>Response time statistics</h2>\n<table><tr><th>Method</th><th>Name</th>");
    for quantile in PERCENTILES_TO_REPORT {
        let _ = write!(page, "<th>{}%ile (ms)</th>", quantile * 100.0);
    }
    page.push_str("</tr>\n");
    for (entry, class) in snapshot
        .entries
        .iter()
        .map(|entry| (entry, ""))
        .chain([(&snapshot.aggregated, " class=\"total\"")])
    {
        let _ = write!(
            page,
            "<tr{class}><td>{}</td><td>{}</td>",
            escape(&entry.method),
            escape(&entry.name)
        );
        for quantile in PERCENTILES_TO_REPORT {
            let value = entry
                .percentile(quantile)
                .map_or_else(|| "N/A".to_owned(), milliseconds);
            let _ = write!(page, "<td>{value}</td>");
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</table>\n");

    page.push_str("<h2>Failures statistics</h2>\n");
    if snapshot.errors.is_empty() {
        page.push_str("<p>No request failed.</p>\n");
    } else {
        page.push_str("<table><tr><th>Method</th><th>Name</th><th>Message</th><th># Failures</th><th>First seen</th><th>Last seen</th></tr>\n");
        for error in &snapshot.errors {
            let _ = writeln!(
                page,
                "<tr><td>{}</td><td>{}</td><td style=\"text-align:left\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&error.method),
                escape(&error.name),
                escape(&error.error),
                error.occurrences,
                utc(error.first_seen),
                utc(error.last_seen)
            );
        }
        page.push_str("</table>\n");
    }

    // As in Locust's report, the section appears only when there are exceptions.
    if !snapshot.exceptions.is_empty() {
        page.push_str("<h2>Exceptions statistics</h2>\n");
        page.push_str("<table><tr><th># Occurrences</th><th>Message</th><th>Where</th></tr>\n");
        for exception in &snapshot.exceptions {
            let _ = writeln!(
                page,
                "<tr><td>{}</td><td style=\"text-align:left\">{}</td><td style=\"text-align:left\">{}</td></tr>",
                exception.count,
                escape(&exception.message),
                escape(&exception.location)
            );
        }
        page.push_str("</table>\n");
    }

    page.push_str("<h2>Charts</h2>\n");
    let times: Vec<f64> = input.history.iter().map(|point| point.time).collect();
    page.push_str(&line_chart(
        "Total requests per second",
        &times,
        &[
            (
                "RPS",
                "#00a050",
                input
                    .history
                    .iter()
                    .map(|point| Some(point.current_rps))
                    .collect(),
            ),
            (
                "Failures/s",
                "#e04040",
                input
                    .history
                    .iter()
                    .map(|point| Some(point.current_fail_per_sec))
                    .collect(),
            ),
        ],
    ));
    page.push_str(&line_chart(
        "Response times (ms)",
        &times,
        &[
            (
                "50th percentile",
                "#4060e0",
                input
                    .history
                    .iter()
                    .map(|point| point.response_time_percentile_50)
                    .collect(),
            ),
            (
                "95th percentile",
                "#e09020",
                input
                    .history
                    .iter()
                    .map(|point| point.response_time_percentile_95)
                    .collect(),
            ),
        ],
    ));
    page.push_str(&line_chart(
        "Number of users",
        &times,
        &[(
            "Users",
            "#8040c0",
            input
                .history
                .iter()
                .map(|point| Some(point.user_count as f64))
                .collect(),
        )],
    ));

    page.push_str("<h2>Final ratio</h2>\n");
    if let Some(total) = input.ratios.get("total") {
        page.push_str(&ratio_list(total));
    }
    page.push_str("</body></html>\n");
    page
}

fn ratio_list(ratios: &Value) -> String {
    let Some(object) = ratios.as_object() else {
        return String::new();
    };
    let mut list = String::from("<ul>");
    for (name, entry) in object {
        let ratio = entry.get("ratio").and_then(Value::as_f64).unwrap_or(0.0);
        let _ = write!(list, "<li>{:.1}% {}", ratio * 100.0, escape(name));
        if let Some(tasks) = entry.get("tasks") {
            list.push_str(&ratio_list(tasks));
        }
        list.push_str("</li>");
    }
    list.push_str("</ul>\n");
    list
}

const CHART_WIDTH: f64 = 800.0;
const CHART_HEIGHT: f64 = 220.0;
const MARGIN_LEFT: f64 = 60.0;
const MARGIN_BOTTOM: f64 = 30.0;
const MARGIN_TOP: f64 = 10.0;

/// Draws one SVG line chart; a `None` value breaks the line.
fn line_chart(title: &str, times: &[f64], series: &[(&str, &str, Vec<Option<f64>>)]) -> String {
    let mut svg = format!("<h3>{}</h3>\n", escape(title));
    if times.len() < 2 {
        svg.push_str("<p>Not enough data for a chart: points are taken every 5 seconds.</p>\n");
        return svg;
    }
    let first = times[0];
    let last = times[times.len() - 1];
    let span = (last - first).max(1.0);
    let top = series
        .iter()
        .flat_map(|(_, _, values)| values.iter().flatten())
        .fold(0.0f64, |max, &value| max.max(value));
    let top = if top > 0.0 { top * 1.1 } else { 1.0 };
    let plot_width = CHART_WIDTH - MARGIN_LEFT - 10.0;
    let plot_height = CHART_HEIGHT - MARGIN_BOTTOM - MARGIN_TOP;
    let x = |time: f64| MARGIN_LEFT + (time - first) / span * plot_width;
    let y = |value: f64| MARGIN_TOP + plot_height - value / top * plot_height;

    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{CHART_WIDTH}\" height=\"{CHART_HEIGHT}\" role=\"img\" aria-label=\"{}\">",
        escape(title)
    );
    let _ = write!(
        svg,
        "<line x1=\"{MARGIN_LEFT}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#888\"/><line x1=\"{MARGIN_LEFT}\" y1=\"{MARGIN_TOP}\" x2=\"{MARGIN_LEFT}\" y2=\"{}\" stroke=\"#888\"/>",
        MARGIN_TOP + plot_height,
        MARGIN_LEFT + plot_width,
        MARGIN_TOP + plot_height,
        MARGIN_TOP + plot_height
    );
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">0</text>",
        MARGIN_LEFT - 4.0,
        MARGIN_TOP + 10.0,
        format_axis(top),
        MARGIN_LEFT - 4.0,
        MARGIN_TOP + plot_height
    );
    let _ = write!(
        svg,
        "<text x=\"{MARGIN_LEFT}\" y=\"{}\" font-size=\"11\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
        CHART_HEIGHT - 8.0,
        utc(first),
        MARGIN_LEFT + plot_width,
        CHART_HEIGHT - 8.0,
        utc(last)
    );
    for (_, color, values) in series {
        let mut path = String::new();
        let mut pen_down = false;
        for (time, value) in times.iter().zip(values) {
            match value {
                Some(value) => {
                    let command = if pen_down { 'L' } else { 'M' };
                    let _ = write!(path, "{command}{:.1},{:.1} ", x(*time), y(*value));
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let _ = write!(
            svg,
            "<path d=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"/>",
            path.trim_end()
        );
    }
    svg.push_str("</svg>\n<div class=\"legend\">");
    for (label, color, _) in series {
        let _ = write!(
            svg,
            "<span style=\"color:{color}\">■ {}</span>",
            escape(label)
        );
    }
    svg.push_str("</div>\n");
    svg
}

fn format_axis(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{RequestStats, Sample, UserException};
    use serde_json::json;

    #[test]
    fn report_is_self_contained_with_charts() {
        let mut stats = RequestStats::new(100.0);
        stats.record(&Sample {
            method: "GET".into(),
            name: "/a<b>".into(),
            at: 101.0,
            response_time_us: 4_000,
            content_length: 1,
            error: Some("HTTP 500 Internal Server Error".into()),
        });
        stats.record_exception(&UserException {
            message: "variable `token` has no value yet".into(),
            location: "swarmfile.toml:7 (user class Reader)".into(),
        });
        let snapshot = stats.snapshot(120.0);
        let history: Vec<HistoryPoint> = (0..4)
            .map(|step| HistoryPoint {
                time: 100.0 + f64::from(step) * 5.0,
                user_count: step as usize,
                current_rps: f64::from(step),
                current_fail_per_sec: 0.0,
                response_time_percentile_50: Some(4.0),
                response_time_percentile_95: None,
                total_avg_response_time: 4.0,
            })
            .collect();
        let ratios =
            json!({"total": {"Reader": {"ratio": 1.0, "tasks": {"GET /": {"ratio": 1.0}}}}});
        let page = render(&ReportInput {
            snapshot: &snapshot,
            history: &history,
            times: &RunTimes {
                started_at: Some(100.0),
                stopped_at: Some(120.0),
            },
            host: "http://127.0.0.1:8000",
            swarmfile: "swarmfile.toml",
            ratios: &ratios,
        });

        assert_eq!(page.matches("<svg").count(), 3);
        assert!(!page.contains("<script"));
        assert!(!page.contains("src=\"http"));
        assert!(page.contains("/a&lt;b&gt;"));
        assert!(page.contains("HTTP 500 Internal Server Error"));
        assert!(page.contains("<h2>Exceptions statistics</h2>"));
        assert!(page.contains("variable `token` has no value yet"));
        assert!(page.contains("swarmfile.toml:7 (user class Reader)"));
        assert!(page.contains("100.0% Reader"));
        assert!(page.contains("(20 s)"));
    }
}
