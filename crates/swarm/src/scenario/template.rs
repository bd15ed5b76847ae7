//! Templates in paths, headers and bodies: literal text with `{{ ... }}` placeholders.
//!
//! Placeholders are a variable name (captured or set in `variables`), `user_index`, `uuid`,
//! `random_int(MIN, MAX)`, `random_string(LENGTH)` or `data.COLUMN` (a column of the class's
//! CSV data file).

use std::fmt::Write as _;

use rand::distributions::Alphanumeric;
use rand::Rng;

/// One piece of a template.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Literal(String),
    Variable(String),
    UserIndex,
    Uuid,
    RandomInt(i64, i64),
    RandomString(usize),
    DataColumn(String),
}

/// A parsed template; one without placeholders renders without allocating a new string.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    source: String,
    pieces: Vec<Piece>,
}

/// Values a template reads when it renders.
pub trait TemplateContext {
    fn variable(&self, name: &str) -> Option<&str>;
    fn user_index(&self) -> usize;
    fn data_column(&self, column: &str) -> Option<&str>;
}

/// A placeholder that could not be parsed; `offset` is the byte offset in the template.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateError {
    pub offset: usize,
    pub message: String,
}

impl Template {
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        let mut pieces = Vec::new();
        let mut rest = source;
        let mut offset = 0;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                pieces.push(Piece::Literal(rest[..open].to_owned()));
            }
            let after_open = &rest[open + 2..];
            let Some(close) = after_open.find("}}") else {
                return Err(TemplateError {
                    offset: offset + open,
                    message: "unclosed placeholder: expected `}}` after `{{`".into(),
                });
            };
            let expression = after_open[..close].trim();
            let piece = parse_placeholder(expression).map_err(|message| TemplateError {
                offset: offset + open,
                message,
            })?;
            pieces.push(piece);
            let consumed = open + 2 + close + 2;
            rest = &rest[consumed..];
            offset += consumed;
        }
        if !rest.is_empty() {
            pieces.push(Piece::Literal(rest.to_owned()));
        }
        Ok(Self {
            source: source.to_owned(),
            pieces,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// Returns the text when the template has no placeholder.
    pub fn as_static(&self) -> Option<&str> {
        match self.pieces.as_slice() {
            [] => Some(""),
            [Piece::Literal(text)] => Some(text),
            _ => None,
        }
    }

    /// Names of the variables this template reads.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|piece| match piece {
            Piece::Variable(name) => Some(name.as_str()),
            _ => None,
        })
    }

    /// Names of the data file columns this template reads.
    pub fn data_columns(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|piece| match piece {
            Piece::DataColumn(name) => Some(name.as_str()),
            _ => None,
        })
    }

    /// Renders the template; a variable not captured yet renders as an error naming it.
    pub fn render(&self, context: &dyn TemplateContext) -> Result<String, String> {
        if let Some(text) = self.as_static() {
            return Ok(text.to_owned());
        }
        let mut output = String::with_capacity(self.source.len() + 16);
        for piece in &self.pieces {
            match piece {
                Piece::Literal(text) => output.push_str(text),
                Piece::Variable(name) => match context.variable(name) {
                    Some(value) => output.push_str(value),
                    None => {
                        return Err(format!(
                            "variable `{name}` has no value yet: capture it in an earlier request"
                        ))
                    }
                },
                Piece::UserIndex => {
                    let _ = write!(output, "{}", context.user_index());
                }
                Piece::Uuid => {
                    let _ = write!(output, "{}", uuid::Uuid::new_v4());
                }
                Piece::RandomInt(min, max) => {
                    let value = rand::thread_rng().gen_range(*min..=*max);
                    let _ = write!(output, "{value}");
                }
                Piece::RandomString(length) => {
                    output.extend(
                        rand::thread_rng()
                            .sample_iter(&Alphanumeric)
                            .take(*length)
                            .map(char::from),
                    );
                }
                Piece::DataColumn(column) => match context.data_column(column) {
                    Some(value) => output.push_str(value),
                    None => return Err(format!("data column `{column}` has no value")),
                },
            }
        }
        Ok(output)
    }
}

fn parse_placeholder(expression: &str) -> Result<Piece, String> {
    if expression.is_empty() {
        return Err("empty placeholder: expected a variable name inside `{{ }}`".into());
    }
    if expression == "user_index" {
        return Ok(Piece::UserIndex);
    }
    if expression == "uuid" {
        return Ok(Piece::Uuid);
    }
    if let Some(column) = expression.strip_prefix("data.") {
        if !is_identifier(column) {
            return Err(format!(
                "invalid data column `{column}`: expected letters, digits or `_`"
            ));
        }
        return Ok(Piece::DataColumn(column.to_owned()));
    }
    if let Some(arguments) = call_arguments(expression, "random_int") {
        let numbers: Vec<Result<i64, _>> = arguments.iter().map(|a| a.parse::<i64>()).collect();
        return match numbers.as_slice() {
            [Ok(min), Ok(max)] if min <= max => Ok(Piece::RandomInt(*min, *max)),
            _ => Err(format!(
                "invalid `{expression}`: expected random_int(MIN, MAX) with integers MIN <= MAX"
            )),
        };
    }
    if let Some(arguments) = call_arguments(expression, "random_string") {
        return match arguments.as_slice() {
            [length] => match length.parse::<usize>() {
                Ok(length) if length <= 4096 => Ok(Piece::RandomString(length)),
                _ => Err(format!(
                    "invalid `{expression}`: expected random_string(LENGTH) with LENGTH from 0 to 4096"
                )),
            },
            _ => Err(format!(
                "invalid `{expression}`: expected random_string(LENGTH)"
            )),
        };
    }
    if is_identifier(expression) {
        return Ok(Piece::Variable(expression.to_owned()));
    }
    Err(format!(
        "invalid placeholder `{expression}`: expected a variable name, user_index, uuid, \
         random_int(MIN, MAX), random_string(LENGTH) or data.COLUMN"
    ))
}

fn call_arguments<'a>(expression: &'a str, function: &str) -> Option<Vec<&'a str>> {
    let inner = expression
        .strip_prefix(function)?
        .trim_start()
        .strip_prefix('(')?
        .strip_suffix(')')?;
    Some(inner.split(',').map(str::trim).collect())
}

pub fn is_identifier(text: &str) -> bool {
    let mut characters = text.chars();
    matches!(characters.next(), Some(first) if first.is_ascii_alphabetic() || first == '_')
        && characters.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Context {
        variables: HashMap<String, String>,
        index: usize,
        row: HashMap<String, String>,
    }

    impl TemplateContext for Context {
        fn variable(&self, name: &str) -> Option<&str> {
            self.variables.get(name).map(String::as_str)
        }
        fn user_index(&self) -> usize {
            self.index
        }
        fn data_column(&self, column: &str) -> Option<&str> {
            self.row.get(column).map(String::as_str)
        }
    }

    fn context() -> Context {
        Context {
            variables: HashMap::from([("token".to_owned(), "abc123".to_owned())]),
            index: 7,
            row: HashMap::from([("email".to_owned(), "a@b.c".to_owned())]),
        }
    }

    #[test]
    fn renders_variables_and_builtins() {
        let template =
            Template::parse("Token {{ token }} user={{user_index}} mail={{ data.email }}").unwrap();
        assert_eq!(
            template.render(&context()).unwrap(),
            "Token abc123 user=7 mail=a@b.c"
        );
    }

    #[test]
    fn random_int_stays_in_range() {
        let template = Template::parse("{{ random_int(3, 5) }}").unwrap();
        for _ in 0..50 {
            let value: i64 = template.render(&context()).unwrap().parse().unwrap();
            assert!((3..=5).contains(&value));
        }
    }

    #[test]
    fn random_string_and_uuid_have_their_lengths() {
        let text = Template::parse("{{ random_string(12) }}").unwrap();
        let uuid = Template::parse("{{uuid}}").unwrap();
        assert_eq!(text.render(&context()).unwrap().len(), 12);
        assert_eq!(uuid.render(&context()).unwrap().len(), 36);
    }

    #[test]
    fn static_template_has_no_pieces_to_fill() {
        let template = Template::parse("/api/").unwrap();
        assert_eq!(template.as_static(), Some("/api/"));
    }

    #[test]
    fn missing_variable_names_it() {
        let template = Template::parse("{{ session }}").unwrap();
        let error = template.render(&context()).unwrap_err();
        assert!(error.contains("`session`"), "{error}");
    }

    #[test]
    fn parse_errors_point_at_placeholder() {
        let cases = [
            ("abc {{ token", 4, "unclosed"),
            ("x{{ }}", 1, "empty"),
            ("{{ random_int(5, 1) }}", 0, "MIN <= MAX"),
            ("ab{{ 9lives }}", 2, "invalid placeholder"),
            ("{{ random_string(x) }}", 0, "LENGTH"),
        ];
        for (source, offset, expected) in cases {
            let error = Template::parse(source).unwrap_err();
            assert_eq!(error.offset, offset, "{source}");
            assert!(
                error.message.contains(expected),
                "{source}: {}",
                error.message
            );
        }
    }
}
