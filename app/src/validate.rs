//! Checks of what users type, with the French sentence shown when it is
//! refused. Used by server functions before anything is written, so that a
//! database constraint is a last line of defence, never the message.

use crate::error::AppError;
use chrono::NaiveDate;

/// A required text of at most `max` characters, trimmed.
pub fn required(field: &str, label: &str, value: &str, max: usize) -> Result<String, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::invalid(
            field,
            &format!("« {label} » est obligatoire."),
        ));
    }
    too_long(field, label, v, max)?;
    Ok(v.to_string())
}

/// An optional text (empty means absent) of at most `max` characters.
pub fn optional(
    field: &str,
    label: &str,
    value: &str,
    max: usize,
) -> Result<Option<String>, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    too_long(field, label, v, max)?;
    Ok(Some(v.to_string()))
}

fn too_long(field: &str, label: &str, v: &str, max: usize) -> Result<(), AppError> {
    let n = v.chars().count();
    if n > max {
        return Err(AppError::invalid(
            field,
            &format!("« {label} » est trop long ({n} caractères, {max} au plus)."),
        ));
    }
    Ok(())
}

/// A date typed as `AAAA-MM-JJ` (what `<input type="date">` sends).
pub fn date(field: &str, label: &str, value: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, &format!("« {label} » n’est pas une date valide.")))
}

/// An optional date (empty means absent).
pub fn optional_date(field: &str, label: &str, value: &str) -> Result<Option<NaiveDate>, AppError> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        date(field, label, value).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_limits_count_characters_not_bytes() {
        assert_eq!(required("f", "Nom", "  Éé ", 2).unwrap(), "Éé");
        assert!(required("f", "Nom", "   ", 2).is_err());
        assert!(required("f", "Nom", "abc", 2).is_err());
        assert_eq!(optional("f", "Nom", " ", 2).unwrap(), None);
    }

    #[test]
    fn dates() {
        assert!(date("d", "Date", "2026-02-30").is_err());
        assert_eq!(
            optional_date("d", "Date", "2026-02-28").unwrap(),
            NaiveDate::from_ymd_opt(2026, 2, 28)
        );
    }
}
