//! The pages of the space, made of blocks. Each page reads only the
//! person's own record, nothing medical, and traces its read as one event
//! of the section it shows.

use super::{words, Person};
use crate::access::server::append;
use crate::error::AppError;
use crate::espace::{Block, Line, SpacePage, SpaceView, FIXED_TEXTS};
use crate::organisation::Profession;
use crate::state::db_error;
use crate::time;
use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use uuid::Uuid;

/// The SHA-256 of a text, as the "relu par" marks key it.
pub fn text_hash(text: &str) -> Vec<u8> {
    Sha256::digest(text.trim().as_bytes()).to_vec()
}

fn line(text: impl Into<String>) -> Line {
    Line {
        pictogram: None,
        text: text.into(),
    }
}

fn lines_of(text: &str) -> Vec<Line> {
    crate::projet::falc::lines(text)
        .into_iter()
        .map(line)
        .collect()
}

/// "Le mardi 12 mai" (a title starts with a capital).
fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The page's first block: its fixed text.
fn intro(page: SpacePage) -> Block {
    let text = FIXED_TEXTS
        .iter()
        .find(|(_, p, _)| *p == page)
        .map(|(_, _, t)| *t)
        .unwrap_or_default();
    Block {
        key: "intro".into(),
        pictogram: page.pictogram().into(),
        title: page.label().into(),
        lines: lines_of(text),
        reviewed: None,
    }
}

/// The "relu par" mark of each text that has one, by hash.
pub async fn reviews(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    texts: &[String],
) -> Result<Vec<Option<String>>, AppError> {
    let hashes: Vec<Vec<u8>> = texts.iter().map(|t| text_hash(t)).collect();
    let rows = sqlx::query!(
        r#"SELECT text_hash, reading_group, reviewed_on AS "reviewed_on: NaiveDate" FROM falc_review
           WHERE organisation_id = $1 AND text_hash = ANY($2)"#,
        organisation_id,
        &hashes
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading the texts' reviews")
    .map_err(db_error)?;
    let today = time::today_paris();
    Ok(hashes
        .iter()
        .map(|h| {
            rows.iter().find(|r| &r.text_hash == h).map(|r| {
                format!(
                    "Facile à lire — relu par {}, {}",
                    r.reading_group,
                    words::date(r.reviewed_on, today)
                )
            })
        })
        .collect())
}

pub(super) async fn read(person: &Person, page: SpacePage) -> Result<SpaceView, AppError> {
    let mut tx = person.state.begin().await?;
    let me = sqlx::query!(
        r#"SELECT used_first_name, used_last_name, birth_date AS "birth_date: NaiveDate",
                  EXISTS (SELECT 1 FROM document WHERE usager_id = u.id AND kind = 'photo_identite'
                          AND media_type LIKE 'image/%') AS "photo!"
           FROM usager u WHERE id = $1"#,
        person.usager_id
    )
    .fetch_one(&mut *tx)
    .await
    .context("reading the person")
    .map_err(db_error)?;
    let today = time::today_paris();
    let mut blocks = vec![intro(page)];
    // (section traced, the texts whose review marks are looked up)
    let section = match page {
        SpacePage::Moi => {
            blocks.extend(
                moi(
                    &mut tx,
                    person.usager_id,
                    &me.used_first_name,
                    &me.used_last_name,
                    me.birth_date,
                    today,
                )
                .await?,
            );
            Some("identite")
        }
        SpacePage::Projet => {
            blocks.extend(projet(&mut tx, person.usager_id, today).await?);
            Some("projet")
        }
        SpacePage::Semaine => {
            blocks.extend(semaine(&mut tx, person.usager_id, today).await?);
            Some("agenda")
        }
        SpacePage::Regards => {
            blocks.extend(regards(&mut tx, person, today).await?);
            Some("audit")
        }
        SpacePage::Dire => None,
    };
    // The marks: the fixed text of the page, the objectives' texts.
    let reviewable: Vec<(usize, String)> = blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.key == "intro" || b.key.starts_with("objectif-"))
        .map(|(i, b)| {
            let text: Vec<&str> = b.lines.iter().map(|l| l.text.as_str()).collect();
            (i, text.join("\n"))
        })
        .collect();
    let texts: Vec<String> = reviewable.iter().map(|(_, t)| t.clone()).collect();
    let marks = reviews(&mut tx, person.principal.organisation_id, &texts).await?;
    for ((i, _), mark) in reviewable.into_iter().zip(marks) {
        blocks[i].reviewed = mark;
    }
    if let Some(section) = section {
        append(
            &mut tx,
            &person.event(section, "read", &format!("espace/{}", page.code())),
        )
        .await
        .map_err(db_error)?;
    }
    tx.commit()
        .await
        .context("committing a page of the space")
        .map_err(db_error)?;
    Ok(SpaceView {
        first_name: me.used_first_name,
        page,
        blocks,
        photo: me.photo,
        message_key: Uuid::new_v4(),
        idle_minutes: person.state.config.espace_idle_minutes,
    })
}

async fn moi(
    conn: &mut PgConnection,
    usager_id: Uuid,
    first: &str,
    last: &str,
    birth: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<Block>, AppError> {
    let mut blocks = vec![Block {
        key: "nom".into(),
        pictogram: "moi".into(),
        title: "Votre nom".into(),
        lines: vec![
            line(format!("Vous vous appelez {first} {last}.")),
            line(format!("Vous avez {} ans.", time::age_on(birth, today))),
        ],
        reviewed: None,
    }];
    let places = sqlx::query!(
        r#"SELECT e.name AS etablissement, e.kind, u.name AS "unit?"
           FROM accompagnement a JOIN etablissement e ON e.id = a.etablissement_id
           LEFT JOIN unit u ON u.id = a.unit_id
           WHERE a.usager_id = $1 AND a.start_date <= $2 AND (a.end_date IS NULL OR a.end_date >= $2)
           ORDER BY a.start_date"#,
        usager_id,
        today as _
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading where the person lives and works")
    .map_err(db_error)?;
    let (work, home): (Vec<_>, Vec<_>) = places.into_iter().partition(|p| p.kind == "esat");
    if !home.is_empty() {
        blocks.push(Block {
            key: "maison".into(),
            pictogram: "maison".into(),
            title: "Où vous habitez".into(),
            lines: home
                .iter()
                .map(|p| match &p.unit {
                    Some(unit) => line(format!(
                        "Vous habitez à {}, dans la {unit}.",
                        p.etablissement
                    )),
                    None => line(format!("Vous êtes accompagné par {}.", p.etablissement)),
                })
                .collect(),
            reviewed: None,
        });
    }
    if !work.is_empty() {
        blocks.push(Block {
            key: "travail".into(),
            pictogram: "travail".into(),
            title: "Où vous travaillez".into(),
            lines: work
                .iter()
                .map(|p| line(format!("Vous travaillez à {}.", p.etablissement)))
                .collect(),
            reviewed: None,
        });
    }
    let referents = sqlx::query!(
        r#"SELECT a.first_name, a.profession, a.title_gender FROM referent r
           JOIN account a ON a.id = r.account_id
           WHERE r.usager_id = $1 AND a.active ORDER BY r.since, a.first_name"#,
        usager_id
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading the référents")
    .map_err(db_error)?;
    if !referents.is_empty() {
        blocks.push(Block {
            key: "referents".into(),
            pictogram: "amis".into(),
            title: "Vos référents".into(),
            lines: referents
                .iter()
                .map(|r| {
                    let feminine = r.title_gender.as_deref() == Some("f");
                    let job = r.profession.as_deref().and_then(Profession::parse);
                    let referent = if feminine {
                        "référente"
                    } else {
                        "référent"
                    };
                    match (job, r.title_gender.is_some()) {
                        (Some(p), true) => line(format!(
                            "{} est votre {} {referent}.",
                            r.first_name,
                            words::job(p, feminine)
                        )),
                        _ => line(format!("{} est votre {referent}.", r.first_name)),
                    }
                })
                .collect(),
            reviewed: None,
        });
    }
    Ok(blocks)
}

/// The projet the person reads: the one in force, or else the one being
/// prepared (its id and next review date).
pub(super) async fn current_projet(
    conn: &mut PgConnection,
    usager_id: Uuid,
) -> Result<Option<(Uuid, Option<NaiveDate>)>, AppError> {
    let head = sqlx::query!(
        r#"SELECT id, next_review AS "next_review: NaiveDate" FROM projet WHERE usager_id = $1 AND status <> 'TERMINE'
           ORDER BY (status = 'ENCOURS') DESC, created_at DESC LIMIT 1"#,
        usager_id
    )
    .fetch_optional(&mut *conn)
    .await
    .context("finding the person's projet")
    .map_err(db_error)?;
    Ok(head.map(|h| (h.id, h.next_review)))
}

async fn projet(
    conn: &mut PgConnection,
    usager_id: Uuid,
    today: NaiveDate,
) -> Result<Vec<Block>, AppError> {
    let Some((projet_id, next_review)) = current_projet(conn, usager_id).await? else {
        return Ok(vec![Block {
            key: "aucun".into(),
            pictogram: "cible".into(),
            title: "Votre projet".into(),
            lines: vec![
                line("Votre projet n’est pas encore écrit."),
                line("Votre référent va l’écrire avec vous."),
            ],
            reviewed: None,
        }]);
    };
    let elements = crate::projet::server::person_elements(conn, projet_id).await?;
    let mut blocks = Vec::new();
    let mut said = Vec::new();
    let mut n = 0;
    for content in elements {
        match content {
            crate::projet::ElementContent::Objectif {
                title,
                falc,
                pictogram,
                ..
            } => {
                n += 1;
                let lines = lines_of(&falc);
                blocks.push(Block {
                    key: format!("objectif-{n}"),
                    pictogram: if crate::projet::falc::pictogram(&pictogram).is_some() {
                        pictogram
                    } else {
                        "cible".into()
                    },
                    title: format!("Objectif {n}"),
                    lines: if lines.is_empty() {
                        vec![line(title)]
                    } else {
                        lines
                    },
                    reviewed: None,
                });
            }
            crate::projet::ElementContent::Attente { origin, text, .. } if origin == "usager" => {
                said.push(line(format!("Vous avez dit : « {} »", text.trim())));
            }
            _ => {}
        }
    }
    if !said.is_empty() {
        blocks.push(Block {
            key: "dit".into(),
            pictogram: "parler".into(),
            title: "Ce que vous avez dit".into(),
            lines: said,
            reviewed: None,
        });
    }
    blocks.push(Block {
        key: "reunion".into(),
        pictogram: "reunion".into(),
        title: "La prochaine réunion".into(),
        lines: vec![match next_review {
            Some(d) => line(format!(
                "La prochaine réunion sur votre projet est {}.",
                words::date(d, today)
            )),
            None => line("La date de la prochaine réunion n’est pas encore choisie."),
        }],
        reviewed: None,
    });
    Ok(blocks)
}

async fn semaine(
    conn: &mut PgConnection,
    usager_id: Uuid,
    today: NaiveDate,
) -> Result<Vec<Block>, AppError> {
    let end = today + chrono::Duration::days(7);
    let events = sqlx::query!(
        r#"SELECT kind, title, starts_at AS "starts_at: DateTime<Utc>" FROM agenda_event
           WHERE usager_id = $1 AND starts_at >= $2 AND starts_at < $3
           ORDER BY starts_at"#,
        usager_id,
        time::paris_midnight(today) as _,
        time::paris_midnight(end) as _
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading the person's week")
    .map_err(db_error)?;
    let absences = sqlx::query!(
        r#"SELECT reason, start_date AS "start_date: NaiveDate", end_date AS "end_date: NaiveDate" FROM absence
           WHERE usager_id = $1 AND start_date < $3 AND (end_date IS NULL OR end_date >= $2)
           ORDER BY start_date"#,
        usager_id,
        today as _,
        end as _
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading the person's absences")
    .map_err(db_error)?;
    let mut blocks = Vec::new();
    for a in &absences {
        let when = match a.end_date {
            Some(e) if e != a.start_date => format!(
                "Du {} au {}.",
                words::date(a.start_date, today).trim_start_matches("le "),
                words::date(e, today).trim_start_matches("le ")
            ),
            Some(_) => format!("{}.", capital(&words::day(a.start_date, today))),
            None => format!(
                "Depuis {}.",
                words::date(a.start_date, today).trim_start_matches("le ")
            ),
        };
        blocks.push(Block {
            key: format!("absence-{}", blocks.len()),
            pictogram: "maison".into(),
            title: "Vous êtes absent".into(),
            lines: vec![line(when), line(words::absence(&a.reason))],
            reviewed: None,
        });
    }
    for offset in 0..7 {
        let d = today + chrono::Duration::days(offset);
        let of_day: Vec<Line> = events
            .iter()
            .filter(|e| time::paris_date(e.starts_at) == d)
            .map(|e| {
                let at = words::time(time::paris_local(e.starts_at).time());
                // Nothing medical: an appointment for one's health says no more.
                let what = if e.kind == "rendez_vous_medical" {
                    "vous avez un rendez-vous pour votre santé".to_string()
                } else {
                    e.title.trim().trim_end_matches('.').to_string()
                };
                Line {
                    pictogram: Some(words::event_pictogram(&e.kind).into()),
                    text: format!("{}, {what}.", capital(&at)),
                }
            })
            .collect();
        if !of_day.is_empty() {
            blocks.push(Block {
                key: format!("jour-{offset}"),
                pictogram: "calendrier".into(),
                title: capital(&words::day(d, today)),
                lines: of_day,
                reviewed: None,
            });
        }
    }
    if blocks.is_empty() {
        blocks.push(Block {
            key: "rien".into(),
            pictogram: "calendrier".into(),
            title: "Cette semaine".into(),
            lines: vec![line("Rien n’est écrit dans votre agenda cette semaine.")],
            reviewed: None,
        });
    }
    Ok(blocks)
}

/// The days shown on "Qui a regardé mon dossier".
pub const REGARDS_DAYS: i64 = 30;

async fn regards(
    conn: &mut PgConnection,
    person: &Person,
    today: NaiveDate,
) -> Result<Vec<Block>, AppError> {
    let since = time::paris_midnight(today - chrono::Duration::days(REGARDS_DAYS - 1));
    // One line per person, part and kind of access, per day; the
    // person's own visits to this page are not repeated back to them.
    let rows = sqlx::query!(
        r#"SELECT (ev.at AT TIME ZONE 'Europe/Paris')::date AS "day!: NaiveDate", ev.account_id,
                  a.first_name, a.kind, a.title_gender, ev.profession, ev.section,
                  bool_or(ev.action = 'write') AS "wrote!", max(ev.at) AS "last!: DateTime<Utc>"
           FROM audit_event ev JOIN account a ON a.id = ev.account_id
           WHERE ev.usager_id = $1 AND ev.at >= $2 AND ev.allowed AND ev.section <> 'espace'
             AND NOT (ev.account_id = $3 AND ev.section = 'audit')
           GROUP BY 1, 2, 3, 4, 5, 6, 7
           ORDER BY 1 DESC, 9 DESC
           LIMIT 300"#,
        person.usager_id,
        since as _,
        person.principal.account_id
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading who looked at the record")
    .map_err(db_error)?;
    let mut blocks: Vec<Block> = Vec::new();
    for r in rows {
        let who = if r.account_id == person.principal.account_id {
            "Vous".to_string()
        } else if r.kind == "family" {
            r.first_name.clone()
        } else {
            words::who(
                &r.first_name,
                r.profession.as_deref().and_then(Profession::parse),
                r.title_gender.as_deref(),
            )
        };
        let mut what = words::looked_at(&r.section, r.wrote);
        if r.account_id == person.principal.account_id {
            what = what
                .replacen("a lu", "avez lu", 1)
                .replacen("a écrit", "avez écrit", 1);
        }
        // "Inès, psychologue, a lu vos notes." but "Vous avez lu…".
        let sentence = if who.contains(',') {
            format!("{who}, {what}.")
        } else {
            format!("{who} {what}.")
        };
        let title = capital(&words::day(r.day, today));
        match blocks.last_mut() {
            Some(b) if b.title == title => {
                if !b.lines.iter().any(|l| l.text == sentence) {
                    b.lines.push(line(sentence));
                }
            }
            _ => blocks.push(Block {
                key: format!("jour-{}", (today - r.day).num_days()),
                pictogram: "regarder".into(),
                title,
                lines: vec![line(sentence)],
                reviewed: None,
            }),
        }
    }
    if blocks.is_empty() {
        blocks.push(Block {
            key: "personne".into(),
            pictogram: "regarder".into(),
            title: "Ce mois-ci".into(),
            lines: vec![line("Personne n’a regardé votre dossier ce mois-ci.")],
            reviewed: None,
        });
    }
    Ok(blocks)
}
