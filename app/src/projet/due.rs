//! When a project's next review is due (pure, compiled for both sides).

use chrono::{Months, NaiveDate};

/// The date the next review is due: the planned date, and at the latest a
/// year after the last validation or bilan.
pub fn due_date(
    next_review: Option<NaiveDate>,
    last_review: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let yearly = last_review.and_then(|d| d.checked_add_months(Months::new(12)));
    match (next_review, yearly) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::due_date;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_review_is_due_at_the_planned_date_and_at_the_latest_a_year_on() {
        assert_eq!(due_date(None, Some(d("2026-01-15"))), Some(d("2027-01-15")));
        assert_eq!(
            due_date(Some(d("2026-06-01")), Some(d("2026-01-15"))),
            Some(d("2026-06-01"))
        );
        assert_eq!(
            due_date(Some(d("2028-06-01")), Some(d("2026-01-15"))),
            Some(d("2027-01-15"))
        );
        assert_eq!(due_date(None, None), None);
    }
}
