//! Checks of what users type, with the French sentence shown when it is
//! refused. Used by server functions before anything is written, so that a
//! database constraint is a last line of defence, never the message.

use crate::error::AppError;
use chrono::{Datelike, NaiveDate};

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

/// The years a date may fall in: every date the wire accepts goes through
/// `date`, so that nothing outside this range reaches date arithmetic or
/// PostgreSQL (a year like +262142 or 0000 is a probe, not a birth date).
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// A date typed as `AAAA-MM-JJ` (what `<input type="date">` sends), between
/// 1900 and 2100.
pub fn date(field: &str, label: &str, value: &str) -> Result<NaiveDate, AppError> {
    let d = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::invalid(field, &format!("« {label} » n’est pas une date valide."))
    })?;
    if !YEARS.contains(&d.year()) {
        return Err(AppError::invalid(
            field,
            &format!(
                "« {label} » doit être comprise entre {} et {}.",
                YEARS.start(),
                YEARS.end()
            ),
        ));
    }
    Ok(d)
}

/// A period whose end, when both are known, does not precede its start
/// (the same day is allowed); `message` says which period, in French, on
/// `field` (the end's).
pub fn ordered(
    field: &str,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    message: &str,
) -> Result<(), AppError> {
    match (start, end) {
        (Some(s), Some(e)) if e < s => Err(AppError::invalid(field, message)),
        _ => Ok(()),
    }
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
        // Years the date library parses but nothing downstream should see.
        for probe in [
            "+262142-12-31",
            "0000-01-01",
            "-5000-01-01",
            "1899-12-31",
            "2101-01-01",
        ] {
            assert!(date("d", "Date", probe).is_err(), "{probe}");
        }
        assert!(date("d", "Date", "1900-01-01").is_ok());
        assert!(date("d", "Date", "2100-12-31").is_ok());
        let (a, b) = (
            date("d", "D", "2026-01-02").ok(),
            date("d", "D", "2026-01-01").ok(),
        );
        assert!(ordered("f", a, b, "fin").is_err());
        assert!(ordered("f", b, a, "fin").is_ok());
        assert!(ordered("f", a, a, "fin").is_ok());
        assert!(ordered("f", None, a, "fin").is_ok());
        assert_eq!(
            optional_date("d", "Date", "2026-02-28").unwrap(),
            NaiveDate::from_ymd_opt(2026, 2, 28)
        );
    }
}
