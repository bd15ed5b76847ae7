//! Which class each new user belongs to: `fixed_count` classes first, then classes by weight in
//! a smooth interleaving, so any prefix of the order is close to the weights.

use crate::scenario::UserClass;

/// Returns the class index of users 0..count, in spawn order.
pub fn class_order(classes: &[UserClass], count: usize) -> Vec<usize> {
    let mut order = Vec::with_capacity(count);
    for (index, class) in classes.iter().enumerate() {
        let fixed = class.fixed_count as usize;
        order.extend(std::iter::repeat_n(index, fixed.min(count - order.len())));
    }
    let weighted: Vec<(usize, i64)> = classes
        .iter()
        .enumerate()
        .filter(|(_, class)| class.fixed_count == 0 && class.weight > 0)
        .map(|(index, class)| (index, i64::from(class.weight)))
        .collect();
    if weighted.is_empty() {
        return order;
    }
    // Smooth weighted round robin: each turn every class gains its weight, the leader is
    // chosen and loses the total.
    let total: i64 = weighted.iter().map(|(_, weight)| weight).sum();
    let mut current = vec![0i64; weighted.len()];
    while order.len() < count {
        for (slot, (_, weight)) in current.iter_mut().zip(&weighted) {
            *slot += weight;
        }
        let (leader, _) = current
            .iter()
            .enumerate()
            .max_by_key(|(position, value)| (**value, std::cmp::Reverse(*position)))
            .expect("at least one weighted class");
        current[leader] -= total;
        order.push(weighted[leader].0);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::TaskSet;

    fn class(name: &str, weight: u32, fixed_count: u32) -> UserClass {
        UserClass {
            name: name.into(),
            weight,
            fixed_count,
            host: None,
            headers: Vec::new(),
            variables: Vec::new(),
            data: None,
            timeout: None,
            behaviour: TaskSet {
                on_start: Vec::new(),
                on_stop: Vec::new(),
                tasks: Vec::new(),
                sequential: false,
                wait_time: None,
                iterations: 0,
            },
        }
    }

    #[test]
    fn weights_interleave_evenly() {
        let classes = [class("A", 5, 0), class("B", 1, 0)];
        let order = class_order(&classes, 12);
        assert_eq!(order.iter().filter(|&&index| index == 1).count(), 2);
        // Any 6 consecutive users hold one B.
        assert_eq!(order[..6].iter().filter(|&&index| index == 1).count(), 1);
    }

    #[test]
    fn fixed_counts_come_first_and_cap() {
        let classes = [
            class("Admin", 1, 2),
            class("Reader", 3, 0),
            class("Writer", 1, 0),
        ];
        let order = class_order(&classes, 10);
        assert_eq!(&order[..2], &[0, 0]);
        assert_eq!(order.iter().filter(|&&index| index == 0).count(), 2);
        assert_eq!(order.iter().filter(|&&index| index == 1).count(), 6);
        assert_eq!(order.iter().filter(|&&index| index == 2).count(), 2);
    }

    #[test]
    fn fewer_users_than_fixed_counts() {
        let classes = [class("Admin", 1, 5)];
        assert_eq!(class_order(&classes, 3), vec![0, 0, 0]);
    }
}
