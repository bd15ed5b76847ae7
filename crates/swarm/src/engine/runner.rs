//! Run control: start, change the user count, stop, reset statistics, and read state,
//! statistics, chart history, task ratios and log lines. Headless mode and the web UI are
//! both clients of `Runner`.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{json, Map, Value};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use super::client::HttpClient;
use super::dispatch::class_order;
use super::lag::{LagSummary, ScheduleLag, BEHIND_SCHEDULE};
use super::panics::guard_user;
use super::run_timer::RunTimer;
use super::user::{run_user, StatsMessage, StopMode, UserEnv};
use crate::scenario::{Scenario, TaskKind, TaskSet};
use crate::stats::history::HISTORY_INTERVAL_SECONDS;
use crate::stats::{unix_now, HistoryPoint, RequestStats, StatsHistory, StatsSnapshot};
use crate::timespan::is_valid_spawn_rate;

/// Log lines kept for the web UI, as in Locust.
const LOG_LINES_KEPT: usize = 500;
/// After the stop timeout, users get this long to abandon their request and run `on_stop`
/// before their tasks are aborted.
const ON_STOP_GRACE: Duration = Duration::from_secs(5);

/// The runner's state, with Locust's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunnerState {
    Ready,
    Spawning,
    Running,
    Stopping,
    Stopped,
}

impl RunnerState {
    pub fn as_str(self) -> &'static str {
        match self {
            RunnerState::Ready => "ready",
            RunnerState::Spawning => "spawning",
            RunnerState::Running => "running",
            RunnerState::Stopping => "stopping",
            RunnerState::Stopped => "stopped",
        }
    }
}

/// Settings fixed for the runner's life.
#[derive(Clone, Debug, Default)]
pub struct RunnerOptions {
    /// Host for classes without their own, when a start request names none.
    pub default_host: Option<String>,
    /// How long stopping users may finish their current task (0: abandon it at once).
    pub stop_timeout: Duration,
    /// Resets the statistics each time a ramp completes (`--reset-stats`).
    pub reset_stats_after_spawn: bool,
    /// Skips TLS certificate checks (`--insecure`).
    pub insecure: bool,
}

/// A start, or a change of a running test (`POST /swarm` in Locust).
#[derive(Clone, Debug, PartialEq)]
pub struct StartRequest {
    pub user_count: usize,
    /// Users started (or stopped) per second.
    pub spawn_rate: f64,
    /// Overrides the host of every class unless blank; ignored when changing a running test.
    pub host: Option<String>,
    /// Stops the test this long after the start; counted from the start, not from the end of
    /// the ramp.
    pub run_time: Option<Duration>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StartError {
    #[error("invalid spawn rate {0}: expected users per second above 0")]
    InvalidSpawnRate(f64),
    #[error(
        "no host for user class {0}: pass -H URL, or set `host` in the [swarm] table or the class"
    )]
    MissingHost(String),
    #[error(
        "invalid host `{0}`: expected an http:// or https:// URL such as http://127.0.0.1:8000"
    )]
    InvalidHost(String),
    #[error("the test is stopping: wait until it has stopped, then start again")]
    Stopping,
}

/// One line of the runner's log.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogLine {
    /// Unix time in seconds.
    pub time: f64,
    pub level: &'static str,
    pub message: String,
}

/// Start and end of the latest test, for reports.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RunTimes {
    pub started_at: Option<f64>,
    pub stopped_at: Option<f64>,
}

/// Controls one load test at a time; cheap to clone.
#[derive(Clone)]
pub struct Runner {
    shared: Arc<Shared>,
}

struct Shared {
    scenario: Arc<Scenario>,
    options: RunnerOptions,
    client: HttpClient,
    stats: Arc<Mutex<RequestStats>>,
    history: Mutex<StatsHistory>,
    logs: Arc<Mutex<VecDeque<LogLine>>>,
    control: tokio::sync::Mutex<Control>,
    state: watch::Sender<RunnerState>,
    samples: mpsc::UnboundedSender<StatsMessage>,
    user_count: AtomicUsize,
    host: Mutex<Option<String>>,
    times: Mutex<RunTimes>,
    class_counts: Mutex<Vec<usize>>,
    lag: Arc<ScheduleLag>,
    /// Set once the current test has logged that users fell behind schedule.
    lag_warned: AtomicBool,
}

#[derive(Default)]
struct Control {
    users: Vec<UserHandle>,
    envs: Vec<Arc<UserEnv>>,
    spawner: Option<JoinHandle<()>>,
    timer: Option<RunTimer>,
    next_index: usize,
}

struct UserHandle {
    class: usize,
    stop: watch::Sender<StopMode>,
    task: JoinHandle<()>,
}

impl Runner {
    /// Creates a runner for `scenario`; must be called inside a tokio runtime, because the
    /// statistics aggregator and the history recorder start here.
    pub fn new(scenario: Scenario, options: RunnerOptions) -> Result<Self, rustls::Error> {
        if options.insecure {
            tracing::warn!(
                "TLS certificates are not checked (--insecure): use this only against test servers"
            );
        }
        let client = HttpClient::new(options.insecure)?;
        let (samples, receiver) = mpsc::unbounded_channel();
        let stats = Arc::new(Mutex::new(RequestStats::default()));
        let logs = Arc::new(Mutex::new(VecDeque::new()));
        let class_count = scenario.classes.len();
        let shared = Arc::new(Shared {
            host: Mutex::new(options.default_host.clone()),
            scenario: Arc::new(scenario),
            options,
            client,
            stats: stats.clone(),
            history: Mutex::new(StatsHistory::default()),
            logs: logs.clone(),
            control: tokio::sync::Mutex::new(Control::default()),
            state: watch::Sender::new(RunnerState::Ready),
            samples,
            user_count: AtomicUsize::new(0),
            times: Mutex::new(RunTimes::default()),
            class_counts: Mutex::new(vec![0; class_count]),
            lag: Arc::default(),
            lag_warned: AtomicBool::new(false),
        });
        tokio::spawn(aggregate(receiver, stats, logs));
        tokio::spawn(record_history(Arc::downgrade(&shared)));
        Ok(Self { shared })
    }

    /// Starts a test, or changes the user count and spawn rate of the running one.
    ///
    /// Returns at once; users spawn in the background. A start from `ready` or `stopped` clears
    /// the statistics of the previous test.
    pub async fn start(&self, request: StartRequest) -> Result<(), StartError> {
        let shared = &self.shared;
        if !is_valid_spawn_rate(request.spawn_rate) {
            return Err(StartError::InvalidSpawnRate(request.spawn_rate));
        }
        let mut control = shared.control.lock().await;
        let state = *shared.state.borrow();
        match state {
            RunnerState::Stopping => return Err(StartError::Stopping),
            RunnerState::Ready | RunnerState::Stopped => self.begin_test(&mut control, &request)?,
            RunnerState::Spawning | RunnerState::Running => {}
        }

        if let Some(spawner) = control.spawner.take() {
            spawner.abort();
        }
        if let Some(run_time) = request.run_time {
            self.set_run_timer(&mut control, run_time);
        }

        shared.state.send_replace(RunnerState::Spawning);
        let target = request.user_count;
        let rate = request.spawn_rate;
        shared.log(
            "INFO",
            format!("Ramping to {target} users at a rate of {rate:.2} per second"),
        );
        if let Some(warning) = crate::open_files::limit_warning(target) {
            shared.log("WARNING", warning);
        }
        control.spawner = Some(tokio::spawn(ramp(Arc::downgrade(shared), target, rate)));
        Ok(())
    }

    /// Prepares a new test: resolves the hosts and clears the previous test's statistics.
    fn begin_test(&self, control: &mut Control, request: &StartRequest) -> Result<(), StartError> {
        let shared = &self.shared;
        // A blank host (an empty web form field) means "no override".
        let explicit = request
            .host
            .as_deref()
            .map(str::trim)
            .filter(|host| !host.is_empty());
        control.envs = self.build_envs(explicit)?;
        let host = explicit
            .map(str::to_owned)
            .or_else(|| shared.options.default_host.clone());
        *shared.host.lock().expect("host lock") = host;

        let now = unix_now();
        let snapshot = {
            let mut stats = shared.stats.lock().expect("stats lock");
            stats.clear(now);
            stats.snapshot(now)
        };
        shared.restart_history(&snapshot);
        shared.lag.reset();
        shared.lag_warned.store(false, Ordering::Relaxed);
        *shared.times.lock().expect("times lock") = RunTimes {
            started_at: Some(now),
            stopped_at: None,
        };
        control.next_index = 0;
        Ok(())
    }

    /// Stops the test `run_time` from now, replacing an earlier limit.
    fn set_run_timer(&self, control: &mut Control, run_time: Duration) {
        let shared = &self.shared;
        // Dropping the earlier timer cancels it.
        control.timer = None;
        shared.log(
            "INFO",
            format!("Run time limit set to {} seconds", run_time.as_secs()),
        );
        let weak = Arc::downgrade(shared);
        let runtime = tokio::runtime::Handle::current();
        let timer = RunTimer::start(run_time, move || {
            let Some(shared) = weak.upgrade() else {
                return;
            };
            shared.log("INFO", "Run time limit reached, stopping the test".into());
            shared.signal_stop();
            runtime.spawn(async move { shared.stop_all().await });
        });
        match timer {
            Ok(timer) => control.timer = Some(timer),
            Err(error) => shared.log(
                "ERROR",
                format!(
                    "Cannot start the run-time thread ({error}): the test will not stop by \
                     itself, so stop it with Ctrl-C or the web UI"
                ),
            ),
        }
    }

    fn build_envs(&self, explicit_host: Option<&str>) -> Result<Vec<Arc<UserEnv>>, StartError> {
        let shared = &self.shared;
        let mut envs = Vec::new();
        for class in &shared.scenario.classes {
            let default_host = shared.options.default_host.as_deref();
            let host = match request_host(explicit_host, class.host.as_deref(), default_host) {
                Some(host) => host,
                None => return Err(StartError::MissingHost(class.name.clone())),
            };
            let valid = url::Url::parse(&host)
                .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some());
            if !valid {
                return Err(StartError::InvalidHost(host));
            }
            envs.push(Arc::new(UserEnv {
                class: Arc::new(class.clone()),
                host: Arc::from(host.trim_end_matches('/')),
                client: shared.client.clone(),
                samples: shared.samples.clone(),
                next_row: AtomicUsize::new(0),
                lag: shared.lag.clone(),
            }));
        }
        Ok(envs)
    }

    /// Stops the test in the background; see `stop_and_wait`.
    // NOTE: Ctrl-C, SIGTERM and the web UI's Stop reach the users through the runtime's queue,
    // so under overload they take effect as late as users wake up from their waits. Only the
    // run-time limit sends its stop requests from its own thread.
    pub fn stop(&self) {
        let shared = self.shared.clone();
        tokio::spawn(async move { shared.stop_all().await });
    }

    /// Stops every user, honouring the stop timeout, and returns once the state is `stopped`
    /// and every recorded request is in the statistics.
    pub async fn stop_and_wait(&self) {
        if self.state() == RunnerState::Ready {
            return;
        }
        self.shared.clone().stop_all().await;
        self.wait_stopped().await;
    }

    /// Returns once the state is `stopped`.
    pub async fn wait_stopped(&self) {
        let mut state = self.shared.state.subscribe();
        let _ = state.wait_for(|state| *state == RunnerState::Stopped).await;
    }

    /// Zeroes the statistics and clears failures and chart history, keeping the rows.
    pub fn reset_stats(&self) {
        self.shared.reset_stats();
    }

    pub fn state(&self) -> RunnerState {
        *self.shared.state.borrow()
    }

    /// Notifies on every state change.
    pub fn subscribe_state(&self) -> watch::Receiver<RunnerState> {
        self.shared.state.subscribe()
    }

    /// Users running now.
    pub fn user_count(&self) -> usize {
        self.shared.user_count.load(Ordering::Relaxed)
    }

    /// Running users per class, in the order of `scenario().classes`.
    pub fn class_counts(&self) -> BTreeMap<String, usize> {
        let counts = self.shared.class_counts.lock().expect("class counts lock");
        self.shared
            .scenario
            .classes
            .iter()
            .zip(counts.iter())
            .map(|(class, &count)| (class.name.clone(), count))
            .collect()
    }

    /// Returns the host given at start, or the default host.
    pub fn host(&self) -> Option<String> {
        self.shared.host.lock().expect("host lock").clone()
    }

    pub fn scenario(&self) -> &Scenario {
        &self.shared.scenario
    }

    pub fn options(&self) -> &RunnerOptions {
        &self.shared.options
    }

    /// Returns how late users woke up from their waits in the current or latest test.
    pub fn schedule_lag(&self) -> LagSummary {
        self.shared.lag.summary()
    }

    pub fn run_times(&self) -> RunTimes {
        self.shared.times.lock().expect("times lock").clone()
    }

    /// Statistics now, per entry and Aggregated, with current RPS, percentiles and failures.
    pub fn snapshot(&self) -> StatsSnapshot {
        self.shared
            .stats
            .lock()
            .expect("stats lock")
            .snapshot(unix_now())
    }

    /// Returns the body of Locust's `GET /stats/requests`.
    pub fn requests_json(&self) -> Value {
        self.snapshot()
            .to_locust_json(self.state().as_str(), self.user_count())
    }

    /// Waits until every request reported so far is in the statistics.
    pub async fn flush_stats(&self) {
        self.shared.flush().await;
    }

    /// Chart points, one per 5 s while a test runs.
    pub fn history(&self) -> Vec<HistoryPoint> {
        self.shared
            .history
            .lock()
            .expect("history lock")
            .points()
            .to_vec()
    }

    /// Returns the latest log lines, oldest first.
    pub fn logs(&self) -> Vec<LogLine> {
        self.shared
            .logs
            .lock()
            .expect("logs lock")
            .iter()
            .cloned()
            .collect()
    }

    /// Task ratios in the shape of Locust's `GET /tasks`: `{"per_class": R, "total": R}` with
    /// `R = {Class: {"ratio": r, "tasks": {task: {"ratio": r, "tasks": {...}}}}}`.
    ///
    /// Class ratios come from the running users, or from the weights when none runs.
    pub fn task_ratios(&self) -> Value {
        let classes = &self.shared.scenario.classes;
        let counts = self
            .shared
            .class_counts
            .lock()
            .expect("class counts lock")
            .clone();
        let running: usize = counts.iter().sum();
        let weights: Vec<f64> = if running > 0 {
            counts.iter().map(|&count| count as f64).collect()
        } else {
            classes
                .iter()
                .map(|class| f64::from(class.weight))
                .collect()
        };
        let total_weight: f64 = weights.iter().sum::<f64>().max(f64::MIN_POSITIVE);
        let mut per_class = Map::new();
        let mut total = Map::new();
        for (class, weight) in classes.iter().zip(weights) {
            let class_ratio = weight / total_weight;
            per_class.insert(
                class.name.clone(),
                json!({"ratio": class_ratio, "tasks": task_ratios(&class.behaviour, 1.0)}),
            );
            total.insert(
                class.name.clone(),
                json!({"ratio": class_ratio, "tasks": task_ratios(&class.behaviour, class_ratio)}),
            );
        }
        json!({"per_class": per_class, "total": total})
    }
}

fn task_ratios(set: &TaskSet, scale: f64) -> Value {
    let total = set.total_weight().max(1) as f64;
    let mut tasks = Map::new();
    for task in &set.tasks {
        let ratio = scale * f64::from(task.weight) / total;
        let mut entry = Map::new();
        entry.insert("ratio".into(), json!(ratio));
        if let TaskKind::Group(group) = &task.kind {
            entry.insert("tasks".into(), task_ratios(group, ratio));
        }
        tasks.insert(task.name.clone(), Value::Object(entry));
    }
    Value::Object(tasks)
}

/// Picks a class's host: an explicit host overrides every class, as Locust's -H does; the
/// default host only fills in for classes without their own.
fn request_host(
    explicit: Option<&str>,
    class_host: Option<&str>,
    default: Option<&str>,
) -> Option<String> {
    explicit.or(class_host).or(default).map(str::to_owned)
}

impl Shared {
    fn log(&self, level: &'static str, message: String) {
        match level {
            "WARNING" => tracing::warn!("{message}"),
            "ERROR" => tracing::error!("{message}"),
            _ => tracing::info!("{message}"),
        }
        push_log(&self.logs, level, message);
    }

    fn reset_stats(&self) {
        let now = unix_now();
        let snapshot = {
            let mut stats = self.stats.lock().expect("stats lock");
            stats.reset(now);
            stats.snapshot(now)
        };
        self.restart_history(&snapshot);
        self.log("INFO", "Resetting stats".into());
    }

    /// Clears the chart history and starts it with a point at `snapshot`, so even a run
    /// shorter than the history interval has a start and an end point.
    fn restart_history(&self, snapshot: &StatsSnapshot) {
        let users = self.user_count.load(Ordering::Relaxed);
        let mut history = self.history.lock().expect("history lock");
        history.clear();
        history.push(snapshot, users);
    }

    /// Warns once per test when a user woke up more than `BEHIND_SCHEDULE` late.
    fn warn_if_behind_schedule(&self) {
        let lag = self.lag.summary();
        if lag.behind_schedule == 0 || self.lag_warned.swap(true, Ordering::Relaxed) {
            return;
        }
        self.log(
            "WARNING",
            format!(
                "Users are behind schedule: {} of {} waits ended more than {} ms late (max {:.0} ms). \
                 This machine cannot generate the requested load, so the results understate it; \
                 use fewer users or a faster machine",
                lag.behind_schedule,
                lag.wakeups,
                BEHIND_SCHEDULE.as_millis(),
                lag.max_ms
            ),
        );
    }

    fn log_schedule_lag(&self) {
        let lag = self.lag.summary();
        if lag.wakeups == 0 {
            return;
        }
        let p99 = match lag.p99_below_ms {
            Some(bound) => format!("below {bound} ms"),
            None => "above 1 s".to_owned(),
        };
        let level = if lag.behind_schedule > 0 {
            "WARNING"
        } else {
            "INFO"
        };
        self.log(
            level,
            format!(
                "Schedule lag: 99% of {} waits ended {p99} late, max {:.1} ms, {} more than {} ms late",
                lag.wakeups,
                lag.max_ms,
                lag.behind_schedule,
                BEHIND_SCHEDULE.as_millis()
            ),
        );
    }

    async fn flush(&self) {
        let (reply, done) = oneshot::channel();
        if self.samples.send(StatsMessage::Flush(reply)).is_ok() {
            let _ = done.await;
        }
    }

    fn set_user_counts(&self, control: &Control) {
        let mut counts = vec![0; self.scenario.classes.len()];
        for user in &control.users {
            counts[user.class] += 1;
        }
        self.user_count
            .store(control.users.len(), Ordering::Relaxed);
        *self.class_counts.lock().expect("class counts lock") = counts;
    }

    /// Stops the ramp and sends every user its stop request, without waiting for them. It is called
    /// from the run-time thread, outside the runtime, so users get the signal on time even
    /// when the runtime's queue is long. `stop_all` then waits for them and records the end.
    fn signal_stop(&self) {
        let control = self.control.blocking_lock();
        if let Some(spawner) = &control.spawner {
            spawner.abort();
        }
        let mode = if self.options.stop_timeout.is_zero() {
            StopMode::Now
        } else {
            StopMode::AfterTask
        };
        for user in &control.users {
            user.stop.send_replace(mode);
        }
    }

    async fn stop_all(self: Arc<Self>) {
        let users = {
            let mut control = self.control.lock().await;
            let state = *self.state.borrow();
            if matches!(
                state,
                RunnerState::Ready | RunnerState::Stopped | RunnerState::Stopping
            ) {
                return;
            }
            self.state.send_replace(RunnerState::Stopping);
            if let Some(spawner) = control.spawner.take() {
                spawner.abort();
            }
            control.timer = None;
            let users = std::mem::take(&mut control.users);
            self.set_user_counts(&control);
            users
        };
        self.log("INFO", format!("Stopping {} users", users.len()));
        stop_users(users, self.options.stop_timeout, &self).await;
        self.flush().await;
        let now = unix_now();
        self.stats.lock().expect("stats lock").mark_stopped(now);
        self.times.lock().expect("times lock").stopped_at = Some(now);
        let snapshot = self.stats.lock().expect("stats lock").snapshot(unix_now());
        self.history
            .lock()
            .expect("history lock")
            .push(&snapshot, 0);
        self.state.send_replace(RunnerState::Stopped);
        self.log_schedule_lag();
        self.log("INFO", "Test stopped".into());
    }
}

async fn all_finished(users: &[UserHandle]) {
    futures::future::join_all(users.iter().map(|user| user.stop.closed())).await;
}

fn push_log(logs: &Mutex<VecDeque<LogLine>>, level: &'static str, message: String) {
    let mut logs = logs.lock().expect("logs lock");
    if logs.len() == LOG_LINES_KEPT {
        logs.pop_front();
    }
    logs.push_back(LogLine {
        time: unix_now(),
        level,
        message,
    });
}

/// Stops `users`. With a stop timeout, they first get that long to finish their current task.
/// Users still running then abandon their request and get `ON_STOP_GRACE` for `on_stop`
/// before their tasks are aborted.
async fn stop_users(users: Vec<UserHandle>, stop_timeout: Duration, shared: &Shared) {
    if users.is_empty() {
        return;
    }
    if !stop_timeout.is_zero() {
        for user in &users {
            user.stop.send_replace(StopMode::AfterTask);
        }
        if tokio::time::timeout(stop_timeout, all_finished(&users))
            .await
            .is_ok()
        {
            return;
        }
        shared.log(
            "INFO",
            format!(
                "Not every user finished its task within the stop timeout of {} s: interrupting the rest",
                stop_timeout.as_secs_f64()
            ),
        );
    }
    for user in &users {
        user.stop.send_replace(StopMode::Now);
    }
    if tokio::time::timeout(ON_STOP_GRACE, all_finished(&users))
        .await
        .is_err()
    {
        shared.log(
            "WARNING",
            format!(
                "Users still running {} s after the stop: aborting them",
                ON_STOP_GRACE.as_secs()
            ),
        );
    }
    for user in users {
        user.task.abort();
    }
}

/// Moves the user count to `target`, `max(1, floor(rate))` users per step, one step every
/// `step / rate` seconds counted from the ramp's start, so slow steps do not delay later ones;
/// removes the newest users first.
async fn ramp(shared: Weak<Shared>, target: usize, rate: f64) {
    let step = (rate.floor() as usize).max(1);
    let pause = Duration::from_secs_f64(step as f64 / rate);
    let started = Instant::now();
    let mut steps: u32 = 0;
    let (order, source) = match shared.upgrade() {
        Some(shared) => (
            class_order(&shared.scenario.classes, target),
            Arc::from(shared.scenario.source.display().to_string()),
        ),
        None => return,
    };
    loop {
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let removed;
        let done = {
            let mut control = shared.control.lock().await;
            let current = control.users.len();
            removed = if current > target {
                let count = step.min(current - target);
                let keep = current - count;
                control.users.split_off(keep)
            } else {
                let count = step.min(target - current);
                spawn_users(&mut control, &order, count, &source);
                Vec::new()
            };
            shared.set_user_counts(&control);
            control.users.len() == target
        };
        if !removed.is_empty() {
            let stopping = shared.clone();
            tokio::spawn(async move {
                let timeout = stopping.options.stop_timeout;
                stop_users(removed, timeout, &stopping).await;
            });
        }
        if done {
            finish_ramp(&shared);
            return;
        }
        drop(shared);
        steps = steps.saturating_add(1);
        let next_step = started + pause.saturating_mul(steps);
        tokio::time::sleep_until(next_step.into()).await;
    }
}

/// Starts `count` users; `order` is the class of each position in spawn order, and `source`
/// the swarmfile's path for reports.
fn spawn_users(control: &mut Control, order: &[usize], count: usize, source: &Arc<str>) {
    for _ in 0..count {
        let position = control.users.len();
        let class = order[position];
        let env = control.envs[class].clone();
        let index = control.next_index;
        control.next_index += 1;
        let (stop, receiver) = watch::channel(StopMode::Run);
        let task = tokio::spawn(run_user_reporting_panics(
            env,
            index,
            receiver,
            source.clone(),
        ));
        control.users.push(UserHandle { class, stop, task });
    }
}

/// Runs one user; a panic ends only this user and is reported (see `guard_user`).
async fn run_user_reporting_panics(
    env: Arc<UserEnv>,
    index: usize,
    stop: watch::Receiver<StopMode>,
    source: Arc<str>,
) {
    guard_user(&env, index, &source, run_user(env.clone(), index, stop)).await;
}

fn finish_ramp(shared: &Shared) {
    let counts: Vec<String> = {
        let counts = shared.class_counts.lock().expect("class counts lock");
        shared
            .scenario
            .classes
            .iter()
            .zip(counts.iter())
            .map(|(class, count)| format!("\"{}\": {count}", class.name))
            .collect()
    };
    let total = shared.user_count.load(Ordering::Relaxed);
    shared.log(
        "INFO",
        format!(
            "All users spawned: {{{}}} ({total} total users)",
            counts.join(", ")
        ),
    );
    shared.state.send_if_modified(|state| {
        let spawning = *state == RunnerState::Spawning;
        if spawning {
            *state = RunnerState::Running;
        }
        spawning
    });
    if shared.options.reset_stats_after_spawn {
        shared.reset_stats();
    }
}

/// Records samples in batches, so the request path never takes the statistics lock.
async fn aggregate(
    mut receiver: mpsc::UnboundedReceiver<StatsMessage>,
    stats: Arc<Mutex<RequestStats>>,
    logs: Arc<Mutex<VecDeque<LogLine>>>,
) {
    let mut batch = Vec::with_capacity(1024);
    while receiver.recv_many(&mut batch, 1024).await > 0 {
        let mut replies = Vec::new();
        let mut new_errors = Vec::new();
        let mut new_exceptions = Vec::new();
        {
            let mut stats = stats.lock().expect("stats lock");
            let known_errors = stats.errors.iter().count();
            let known_exceptions = stats.exceptions.iter().count();
            for message in batch.drain(..) {
                match message {
                    StatsMessage::Sample(sample) => stats.record(&sample),
                    StatsMessage::Exception(exception) => stats.record_exception(&exception),
                    StatsMessage::Flush(reply) => replies.push(reply),
                }
            }
            for error in stats.errors.iter().skip(known_errors) {
                new_errors.push(format!("{} {}: {}", error.method, error.name, error.error));
            }
            for exception in stats.exceptions.iter().skip(known_exceptions) {
                new_exceptions.push(format!("{} at {}", exception.message, exception.location));
            }
        }
        for error in new_errors {
            tracing::warn!("New failure: {error}");
            push_log(&logs, "WARNING", format!("New failure: {error}"));
        }
        for exception in new_exceptions {
            tracing::error!("New exception: {exception}");
            push_log(&logs, "ERROR", format!("New exception: {exception}"));
        }
        for reply in replies {
            let _ = reply.send(());
        }
    }
}

async fn record_history(shared: Weak<Shared>) {
    let mut interval = tokio::time::interval(Duration::from_secs(HISTORY_INTERVAL_SECONDS));
    interval.tick().await;
    loop {
        interval.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let state = *shared.state.borrow();
        if matches!(state, RunnerState::Spawning | RunnerState::Running) {
            shared.warn_if_behind_schedule();
            let snapshot = shared
                .stats
                .lock()
                .expect("stats lock")
                .snapshot(unix_now());
            let users = shared.user_count.load(Ordering::Relaxed);
            shared
                .history
                .lock()
                .expect("history lock")
                .push(&snapshot, users);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headless::Outcome;

    /// Serves `ok` on a loopback port until the test ends.
    async fn serve_ok() -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let router = axum::Router::new().fallback(|| async { "ok" });
        tokio::spawn(async move { axum::serve(listener, router).await });
        format!("http://{address}")
    }

    // No swarmfile input is known to make a user panic, so the panicking user here is a future
    // passed to the same guard that wraps every real user, beside users that keep running.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn panicking_user_is_reported() {
        let host = serve_ok().await;
        let source =
            "[user.Reader]\nwait_time = { constant = 0.05 }\n[[user.Reader.task]]\npath = \"/\"\n";
        let scenario = crate::scenario::parse(std::path::Path::new("panic.toml"), source).unwrap();
        let runner = Runner::new(scenario, RunnerOptions::default()).unwrap();
        runner
            .start(StartRequest {
                user_count: 2,
                spawn_rate: 100.0,
                host: Some(host),
                run_time: Some(Duration::from_millis(1500)),
            })
            .await
            .unwrap();
        let env = runner.shared.control.lock().await.envs[0].clone();

        tokio::time::sleep(Duration::from_millis(300)).await;
        runner.flush_stats().await;
        let before_panic = runner.snapshot().aggregated.num_requests;
        let panicked = tokio::spawn(async move {
            guard_user(&env, 7, "panic.toml", async {
                panic!("injected panic in user code")
            })
            .await;
        })
        .await;
        tokio::time::timeout(Duration::from_secs(10), runner.wait_stopped())
            .await
            .expect("the run stops at its run time");

        assert!(panicked.is_ok(), "the guard let the panic escape");
        let snapshot = runner.snapshot();
        let exceptions = &snapshot.exceptions;
        assert_eq!(exceptions.len(), 1, "{exceptions:?}");
        assert_eq!(
            exceptions[0].message,
            "user stopped after a panic: injected panic in user code"
        );
        assert_eq!(exceptions[0].location, "panic.toml (user class Reader)");
        assert_eq!(exceptions[0].count, 1);
        // The other users went on sending requests after the panic.
        assert!(
            snapshot.aggregated.num_requests > before_panic + 4,
            "{} requests before the panic, {} at the end",
            before_panic,
            snapshot.aggregated.num_requests
        );
        assert_eq!(snapshot.aggregated.num_failures, 0);
        assert!(runner
            .logs()
            .iter()
            .any(|line| line.level == "ERROR" && line.message.contains("injected panic")));
        assert_eq!(runner.state(), RunnerState::Stopped);
        assert_eq!(Outcome::of(&snapshot), Outcome::Failed);
    }
}
