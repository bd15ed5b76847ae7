//! Task selection by tag (`-T` keeps tasks with any of the tags, `-E` drops tasks with any).

use crate::scenario::{Scenario, TaskKind, TaskSet};

/// Removes the tasks that the tag filters exclude, then groups and classes left without tasks.
/// Returns the names of the classes that were dropped.
pub fn filter_by_tags(
    scenario: &mut Scenario,
    include: &[String],
    exclude: &[String],
) -> Vec<String> {
    if include.is_empty() && exclude.is_empty() {
        return Vec::new();
    }
    let mut dropped = Vec::new();
    scenario.classes.retain_mut(|class| {
        filter_task_set(&mut class.behaviour, include, exclude);
        let keep = !class.behaviour.tasks.is_empty();
        if !keep {
            dropped.push(class.name.clone());
        }
        keep
    });
    dropped
}

fn filter_task_set(set: &mut TaskSet, include: &[String], exclude: &[String]) {
    set.tasks.retain_mut(|task| match &mut task.kind {
        TaskKind::Group(group) => {
            filter_task_set(group, include, exclude);
            !group.tasks.is_empty()
        }
        TaskKind::Steps(_) => {
            let included = include.is_empty() || task.tags.iter().any(|tag| include.contains(tag));
            let excluded = task.tags.iter().any(|tag| exclude.contains(tag));
            included && !excluded
        }
    });
}
