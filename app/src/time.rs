//! Dates and times as users see them: in Europe/Paris, in French.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

/// Today's date in Europe/Paris (what "today" means for an accompaniment).
pub fn today_paris() -> NaiveDate {
    Utc::now().with_timezone(&Paris).date_naive()
}

/// The Paris wall-clock time now.
pub fn now_paris() -> chrono::NaiveDateTime {
    Utc::now().with_timezone(&Paris).naive_local()
}

/// The Paris wall-clock time of an instant.
pub fn paris_local(t: DateTime<Utc>) -> chrono::NaiveDateTime {
    t.with_timezone(&Paris).naive_local()
}

/// "23/11/2026".
pub fn short_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// "lundi 23 novembre 2026".
pub fn long_date(d: NaiveDate) -> String {
    d.format_localized("%A %-d %B %Y", chrono::Locale::fr_FR)
        .to_string()
}

/// "23/11/2026 à 14:05", in Paris time.
pub fn date_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Paris)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

/// The Paris date of an instant.
pub fn paris_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Paris).date_naive()
}

/// "14:05", in Paris time.
pub fn hour_minute(t: DateTime<Utc>) -> String {
    t.with_timezone(&Paris).format("%H:%M").to_string()
}

/// Midnight in Paris at the start of `d`, as an instant.
pub fn paris_midnight(d: NaiveDate) -> DateTime<Utc> {
    at_paris(d, chrono::NaiveTime::MIN)
}

/// A Paris wall-clock time on a date, as an instant (the earlier one when
/// the clock goes back, the next valid one when it jumps forward).
pub fn at_paris(d: NaiveDate, t: chrono::NaiveTime) -> DateTime<Utc> {
    use chrono::TimeZone as _;
    let naive = d.and_time(t);
    match Paris.from_local_datetime(&naive) {
        chrono::LocalResult::Single(x) | chrono::LocalResult::Ambiguous(x, _) => {
            x.with_timezone(&Utc)
        }
        chrono::LocalResult::None => Paris
            .from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
            .map(|x| x.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&naive)),
    }
}

/// The Monday of the week of `d`.
pub fn monday_of(d: NaiveDate) -> NaiveDate {
    d - chrono::Duration::days(d.weekday().num_days_from_monday() as i64)
}

/// "depuis le 01/09/2019" or "du 01/09/2019 au 30/06/2024".
pub fn period(start: NaiveDate, end: Option<NaiveDate>) -> String {
    match end {
        Some(end) => format!("du {} au {}", short_date(start), short_date(end)),
        None => format!("depuis le {}", short_date(start)),
    }
}

/// Age in whole years on `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_french() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(short_date(d), "23/11/2026");
        assert_eq!(long_date(d), "lundi 23 novembre 2026");
    }

    #[test]
    fn converts_to_paris_time_across_dst() {
        let winter = "2026-01-15T12:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let summer = "2026-07-15T12:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(date_time(winter), "15/01/2026 à 13:00");
        assert_eq!(date_time(summer), "15/07/2026 à 14:00");
    }

    #[test]
    fn age_counts_birthdays() {
        let b = NaiveDate::from_ymd_opt(1990, 6, 10).unwrap();
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2026, 6, 9).unwrap()), 35);
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2026, 6, 10).unwrap()), 36);
    }
}
