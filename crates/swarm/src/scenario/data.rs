//! CSV data files for templates: a header row naming the columns, then one row per record.

/// Splits CSV text into rows of fields. Fields may be quoted with `"`, and `""` inside quotes
/// is a literal quote. Blank lines are skipped.
pub fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        rows.push(parse_line(line).map_err(|message| format!("line {}: {message}", number + 1))?);
    }
    Ok(rows)
}

fn parse_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut characters = line.chars().peekable();
    let mut quoted = false;
    while let Some(character) = characters.next() {
        match (quoted, character) {
            (true, '"') if characters.peek() == Some(&'"') => {
                field.push('"');
                characters.next();
            }
            (true, '"') => quoted = false,
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (_, other) => field.push(other),
        }
    }
    if quoted {
        return Err("unclosed quote: expected a closing `\"`".into());
    }
    fields.push(field);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_keep_commas_and_quotes() {
        let rows = parse_csv("email,name\r\na@b.c,\"Doe, \"\"J\"\"\"\n\n").unwrap();
        assert_eq!(
            rows,
            vec![vec!["email", "name"], vec!["a@b.c", "Doe, \"J\""]]
        );
    }

    #[test]
    fn unclosed_quote_names_line() {
        let error = parse_csv("a\n\"b").unwrap_err();
        assert!(error.starts_with("line 2"), "{error}");
    }
}
