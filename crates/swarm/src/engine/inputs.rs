//! The check before a request is sent that every variable and data column its templates read
//! has a value for this user. A missing value is an exception, not a failed request, because
//! nothing reaches the server: Locust likewise records an error raised in a task apart from
//! the request statistics.

use crate::scenario::template::Piece;
use crate::scenario::{Body, JsonTemplate, Part, Request, Template};

use super::user::{UserEnv, UserState};

/// Returns a message for the first variable or data column that `request` reads but `user`
/// has no value for, or `None` when the request can be rendered.
pub fn missing_input(env: &UserEnv, user: &UserState, request: &Request) -> Option<String> {
    let mut templates: Vec<&Template> = Vec::new();
    templates.push(&request.path);
    templates.extend(request.query.iter().map(|(_, value)| value));
    templates.extend(env.class.headers.iter().map(|(_, value)| value));
    templates.extend(request.headers.iter().map(|(_, value)| value));
    match &request.body {
        Body::Empty => {}
        Body::Form(fields) => templates.extend(fields.iter().map(|(_, value)| value)),
        Body::Json(template) => json_templates(template, &mut templates),
        Body::Raw { body, .. } => templates.push(body),
        Body::Multipart(parts) => {
            for part in parts {
                if let Part::Text { value, .. } = part {
                    templates.push(value);
                }
            }
        }
    }
    templates
        .into_iter()
        .flat_map(Template::pieces)
        .find_map(|piece| missing_piece(env, user, piece))
}

fn json_templates<'a>(template: &'a JsonTemplate, templates: &mut Vec<&'a Template>) {
    match template {
        JsonTemplate::Literal(_) => {}
        JsonTemplate::String(text) => templates.push(text),
        JsonTemplate::Array(items) => {
            for item in items {
                json_templates(item, templates);
            }
        }
        JsonTemplate::Object(fields) => {
            for (_, value) in fields {
                json_templates(value, templates);
            }
        }
    }
}

fn missing_piece(env: &UserEnv, user: &UserState, piece: &Piece) -> Option<String> {
    match piece {
        Piece::Variable(name) if !user.variables.contains_key(name) => Some(format!(
            "variable `{name}` has no value: the request that captures it has not run or its capture failed"
        )),
        Piece::DataColumn(column) => missing_column(env, user, column),
        _ => None,
    }
}

fn missing_column(env: &UserEnv, user: &UserState, column: &str) -> Option<String> {
    // The swarmfile parser accepts `data.COLUMN` only with a data file that has the column,
    // so only a short row can leave it without a value.
    let data = env.class.data.as_ref()?;
    let row_index = user.data_row?;
    let position = data.columns.iter().position(|known| known == column)?;
    let row = data.rows.get(row_index)?;
    if position < row.len() {
        return None;
    }
    Some(format!(
        "data row {} of {} has no value for column `{column}`: it has {} of the {} fields in the header row",
        row_index + 1,
        data.path.display(),
        row.len(),
        data.columns.len()
    ))
}
