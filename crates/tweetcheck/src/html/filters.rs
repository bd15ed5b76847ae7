//! The filter controls of list pages: one input per query parameter that the list accepts.

use super::forms::{FormField, SelectOption};

/// The tweet statuses with their names, as the API numbers them.
const STATUSES: [(&str, &str); 4] = [
    ("0", "pending"),
    ("1", "posted"),
    ("-1", "rejected"),
    ("3", "scheduled"),
];

/// Returns the filter fields of the list at `path`, filled with the values of `query`. Other
/// routes have none.
pub fn for_list(path: &str, query: Option<&str>) -> Vec<FormField> {
    let current = |name: &str| -> String {
        query
            .map(|query| url::form_urlencoded::parse(query.as_bytes()))
            .and_then(|mut pairs| pairs.find(|(key, _)| key == name))
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default()
    };

    match path {
        "/api/tweets/" => vec![select("status", "Status", &STATUSES, &current("status"))],
        "/api/users/" => vec![
            select(
                "is_approver",
                "Is approver",
                &[("true", "yes"), ("false", "no")],
                &current("is_approver"),
            ),
            text("token", "Token", "text", current("token")),
        ],
        "/api/devices/" => vec![text("token", "Token", "text", current("token"))],
        "/api/actions/" => vec![text("tweet", "Tweet id", "number", current("tweet"))],
        _ => Vec::new(),
    }
}

/// Builds a select whose first option, "any", leaves the filter out.
fn select(name: &str, label: &str, choices: &[(&str, &str)], current: &str) -> FormField {
    let any = SelectOption {
        value: String::new(),
        label: String::from("any"),
        selected: current.is_empty(),
    };
    let choices = choices.iter().map(|(value, label)| SelectOption {
        value: (*value).to_owned(),
        label: (*label).to_owned(),
        selected: *value == current,
    });
    FormField {
        name: name.to_owned(),
        label: label.to_owned(),
        required: false,
        widget: "select",
        input_type: "text",
        placeholder: "",
        value: current.to_owned(),
        options: std::iter::once(any).chain(choices).collect(),
    }
}

fn text(name: &str, label: &str, input_type: &'static str, current: String) -> FormField {
    FormField {
        name: name.to_owned(),
        label: label.to_owned(),
        required: false,
        widget: "input",
        input_type,
        placeholder: "",
        value: current,
        options: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tweets_filter_by_status_with_current_value_selected() {
        let filters = for_list("/api/tweets/", Some("status=-1"));

        assert_eq!(filters.len(), 1);
        assert_eq!(filters[0].name, "status");
        let selected: Vec<_> = filters[0].options.iter().filter(|o| o.selected).collect();
        assert_eq!(selected.len(), 1);
        assert_eq!(selected[0].label, "rejected");
    }

    #[test]
    fn routes_without_filters_have_none() {
        assert!(for_list("/api/", None).is_empty());
        assert!(for_list("/api/tweets/1/", None).is_empty());
    }
}
