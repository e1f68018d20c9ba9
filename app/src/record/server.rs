use super::*;
use crate::access::server::{enter, readable_sections};
use crate::access::Action;
use crate::state::db_error;
use crate::time;
use crate::{agenda, document, projet, transmission};

pub async fn record_overview(id: Uuid) -> Result<Overview, AppError> {
    let e = enter(id, Section::Identite, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let readable = readable_sections(&mut tx, &e.principal, id)
        .await
        .map_err(db_error)?;
    let reads = |s: Section| readable.contains(&s);
    // The sections this overview shows, each traced as read.
    let mut shown = Vec::new();

    let today = if reads(Section::Agenda) {
        shown.push(Section::Agenda);
        let (presence, events) = agenda::server::today_of(&mut tx, id).await?;
        Some(Today { presence, events })
    } else {
        None
    };
    let notes = if reads(Section::Transmissions) {
        shown.push(Section::Transmissions);
        let notes = transmission::server::latest_important(
            &mut tx,
            id,
            reads(Section::Soins),
            LATEST_NOTES,
        )
        .await?;
        shown.extend(transmission::server::sections_of(&notes));
        Some(notes)
    } else {
        None
    };
    let now = time::today_paris();
    let mut due: Vec<(chrono::NaiveDate, Due)> = Vec::new();
    if reads(Section::Projet) {
        shown.push(Section::Projet);
        for (_, title, date) in projet::server::due_of(&mut tx, id).await? {
            due.push((
                date,
                Due {
                    what: format!("Réviser le projet « {title} »"),
                    when: deadline(date, now),
                    overdue: date < now,
                    section: Section::Projet,
                },
            ));
        }
    }
    if reads(Section::Documents) {
        shown.push(Section::Documents);
        for (date, d) in document::server::expiring_of(&mut tx, id).await? {
            due.push((
                date,
                Due {
                    what: format!("Renouveler : {} — {}", d.kind, d.title),
                    when: deadline(date, now),
                    overdue: d.expired,
                    section: Section::Documents,
                },
            ));
        }
    }
    due.sort_by_key(|(d, _)| *d);
    e.access
        .commit_with(tx, Some("apercu".into()), &shown)
        .await?;
    Ok(Overview {
        today,
        notes,
        due: due.into_iter().map(|(_, d)| d).collect(),
    })
}

/// "avant le 12/03/2027" or, past it, "en retard depuis le 01/11/2026".
fn deadline(date: chrono::NaiveDate, today: chrono::NaiveDate) -> String {
    if date < today {
        format!("en retard depuis le {}", time::short_date(date))
    } else {
        format!("avant le {}", time::short_date(date))
    }
}
