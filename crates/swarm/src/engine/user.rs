//! One simulated user: a tokio task that runs `on_start`, then tasks with waits in between,
//! then `on_stop`.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use rand::Rng;
use tokio::sync::{mpsc, watch};

use super::client::{CookieJar, HttpClient};
use super::http1::Connections;
use super::inputs::missing_input;
use super::lag::ScheduleLag;
use super::request::perform;
use super::wait::Pacer;
use crate::scenario::{DataMode, Request, Task, TaskKind, TaskSet, UserClass, WaitTime};
use crate::stats::{Sample, UserException};

/// Stop request that the runner sends to a user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopMode {
    Run,
    /// Finish the current task (a wait is cut short), then run `on_stop`.
    AfterTask,
    /// Abandon the current request at once, then run `on_stop`.
    Now,
}

/// Messages to the statistics aggregator.
#[derive(Debug)]
pub enum StatsMessage {
    Sample(Sample),
    Exception(UserException),
    /// Replies once every message sent before it is recorded.
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// What the users of one class share during a run.
#[derive(Debug)]
pub struct UserEnv {
    pub class: Arc<UserClass>,
    /// Base URL without a trailing slash.
    pub host: Arc<str>,
    pub client: HttpClient,
    pub samples: mpsc::UnboundedSender<StatsMessage>,
    /// Next data file row for round-robin mode.
    pub next_row: AtomicUsize,
    /// How late users of the run wake up from their waits.
    pub lag: Arc<ScheduleLag>,
}

impl UserEnv {
    pub fn record(&self, sample: Sample) {
        // The aggregator only goes away when the runner does, so a failed send loses nothing
        // anyone could read.
        let _ = self.samples.send(StatsMessage::Sample(sample));
    }

    /// Records an exception of this class at `location` (a swarmfile path and line).
    pub fn record_exception(&self, message: String, location: &str) {
        let location = format!("{location} (user class {})", self.class.name);
        let _ = self.samples.send(StatsMessage::Exception(UserException {
            message,
            location: location.into(),
        }));
    }
}

/// What one user keeps between requests.
#[derive(Debug)]
pub struct UserState {
    /// 0-based spawn order within the run.
    pub index: usize,
    pub variables: HashMap<String, String>,
    pub jar: CookieJar,
    /// Keep-alive connections, closed when the user is dropped.
    pub connections: Connections,
    pub data_row: Option<usize>,
}

enum Flow {
    Continue,
    Stop,
}

/// Runs one user until the runner asks it to stop.
pub async fn run_user(env: Arc<UserEnv>, index: usize, mut stop: watch::Receiver<StopMode>) {
    let class = env.class.clone();
    let data_row = class.data.as_ref().map(|data| match data.mode {
        DataMode::PerUser => index % data.rows.len(),
        DataMode::RoundRobin => env.next_row.fetch_add(1, Ordering::Relaxed) % data.rows.len(),
    });
    let mut user = UserState {
        index,
        variables: class.variables.iter().cloned().collect(),
        jar: CookieJar::default(),
        connections: Connections::default(),
        data_row,
    };
    let behaviour = &class.behaviour;
    let wait_time = behaviour.wait_time.unwrap_or_default();

    if let Flow::Continue = run_requests(&env, &mut user, &behaviour.on_start, &mut stop).await {
        task_loop(&env, &mut user, behaviour, wait_time, None, &mut stop).await;
    }
    // on_stop runs even after an interrupted task, as in Locust; the runner bounds how long.
    run_to_end(&env, &mut user, &behaviour.on_stop).await;
}

/// Runs `requests` in order unless the runner requests an immediate stop. An exception skips the
/// rest of them, as an exception ends a task in Locust.
async fn run_requests(
    env: &UserEnv,
    user: &mut UserState,
    requests: &[Request],
    stop: &mut watch::Receiver<StopMode>,
) -> Flow {
    for request in requests {
        if let Some(message) = missing_input(env, user, request) {
            env.record_exception(message, &request.location);
            break;
        }
        if let Flow::Stop = unless_stopped_now(stop, perform(env, user, request)).await {
            return Flow::Stop;
        }
    }
    Flow::Continue
}

/// Runs `on_stop` requests, which a stop does not interrupt.
async fn run_to_end(env: &UserEnv, user: &mut UserState, requests: &[Request]) {
    for request in requests {
        if let Some(message) = missing_input(env, user, request) {
            env.record_exception(message, &request.location);
            return;
        }
        perform(env, user, request).await;
    }
}

/// Runs `work` unless the runner asks to stop at once.
async fn unless_stopped_now(
    stop: &mut watch::Receiver<StopMode>,
    work: impl Future<Output = ()>,
) -> Flow {
    tokio::select! {
        _ = work => Flow::Continue,
        _ = stopped_now(stop) => Flow::Stop,
    }
}

async fn stopped_now(stop: &mut watch::Receiver<StopMode>) {
    loop {
        if *stop.borrow_and_update() == StopMode::Now {
            return;
        }
        if stop.changed().await.is_err() {
            return;
        }
    }
}

async fn stop_requested(stop: &mut watch::Receiver<StopMode>) {
    loop {
        if *stop.borrow_and_update() != StopMode::Run {
            return;
        }
        if stop.changed().await.is_err() {
            return;
        }
    }
}

/// Picks and runs tasks of `set`, waiting between them; returns after `limit` tasks (a group)
/// or when the runner asks to stop.
async fn task_loop(
    env: &UserEnv,
    user: &mut UserState,
    set: &TaskSet,
    wait_time: WaitTime,
    limit: Option<u32>,
    stop: &mut watch::Receiver<StopMode>,
) -> Flow {
    let mut pacer = Pacer::default();
    let mut sequence_position = 0;
    let mut runs = 0;
    loop {
        if *stop.borrow() != StopMode::Run {
            return Flow::Stop;
        }
        let task = if set.sequential {
            // As in Locust, a task of weight N runs N times in a row in the cycle.
            let task = task_at(set, sequence_position);
            sequence_position = (sequence_position + 1) % set.total_weight();
            task
        } else {
            task_at(set, rand::thread_rng().gen_range(0..set.total_weight()))
        };
        if let Some(data) = &env.class.data {
            if data.mode == DataMode::RoundRobin {
                user.data_row =
                    Some(env.next_row.fetch_add(1, Ordering::Relaxed) % data.rows.len());
            }
        }
        if let Flow::Stop = run_task(env, user, task, wait_time, stop).await {
            return Flow::Stop;
        }
        runs += 1;
        if limit.is_some_and(|limit| runs >= limit) {
            return Flow::Continue;
        }
        let now = Instant::now();
        let wait = pacer.next_wait(wait_time, now);
        if wait.is_zero() {
            // Yield so a user without waits cannot hold a worker thread.
            tokio::task::yield_now().await;
            continue;
        }
        let deadline = now + wait;
        tokio::select! {
            _ = tokio::time::sleep_until(deadline.into()) => {
                env.lag.record(Instant::now().saturating_duration_since(deadline));
            }
            _ = stop_requested(stop) => return Flow::Stop,
        }
    }
}

async fn run_task(
    env: &UserEnv,
    user: &mut UserState,
    task: &Task,
    parent_wait: WaitTime,
    stop: &mut watch::Receiver<StopMode>,
) -> Flow {
    match &task.kind {
        TaskKind::Steps(requests) => run_requests(env, user, requests, stop).await,
        TaskKind::Group(group) => {
            let wait_time = group.wait_time.unwrap_or(parent_wait);
            let mut flow = run_requests(env, user, &group.on_start, stop).await;
            if let Flow::Continue = flow {
                // Groups nest, so the recursion needs a boxed future.
                flow = Box::pin(task_loop(
                    env,
                    user,
                    group,
                    wait_time,
                    Some(group.iterations),
                    stop,
                ))
                .await;
            }
            run_to_end(env, user, &group.on_stop).await;
            flow
        }
    }
}

/// Returns the task at `position` (0 to the total weight) when every task takes as many
/// positions as its weight, in file order.
fn task_at(set: &TaskSet, position: u64) -> &Task {
    let mut ticket = position;
    for task in &set.tasks {
        let weight = u64::from(task.weight);
        if ticket < weight {
            return task;
        }
        ticket -= weight;
    }
    &set.tasks[set.tasks.len() - 1]
}
