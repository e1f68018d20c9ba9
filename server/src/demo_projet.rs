//! Demo projets personnalisés: every status, some in force and complete,
//! some due within 30 days, some overdue, some incomplete, an avenant, a
//! bilan with evaluations and accords, and usagers without a project.

use anyhow::Result;
use app::projet::completeness::completeness;
use app::projet::trame::{default_sections, Trame};
use app::projet::{Element, ElementContent, Snapshot};
use chrono::{Days, Months, NaiveDate};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

/// (title, pictogram, FALC text, need, service, attente of the person).
const THEMES: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "Aller seul à la piscine en bus",
        "transport",
        "Je prends le bus seul.\nJe vais à la piscine le mardi.",
        "1.3.4.2",
        "2.3.4.3",
        "Je veux aller à la piscine tout seul, comme mon frère.",
    ),
    (
        "Préparer un repas simple une fois par semaine",
        "repas",
        "Je fais à manger le jeudi.\nJe choisis le menu avec Camille.",
        "1.3.2.2",
        "2.3.2.2",
        "J’aimerais faire la cuisine, des pâtes et des crêpes.",
    ),
    (
        "Garder le poste au conditionnement",
        "travail",
        "Je travaille à l’atelier conditionnement.\nJe demande de l’aide si j’ai un souci.",
        "1.3.3.2",
        "2.3.3.3",
        "Je veux rester à l’atelier avec mes collègues.",
    ),
    (
        "Prendre soin de sa santé dentaire",
        "sante",
        "Je vais chez le dentiste deux fois par an.\nJe me brosse les dents le matin et le soir.",
        "1.1.1.4",
        "2.1.1.1",
        "Je n’aime pas le dentiste mais je veux plus avoir mal.",
    ),
    (
        "Voir sa famille plus souvent",
        "famille",
        "Je téléphone à ma sœur le dimanche.\nJe vais chez ma mère un week-end par mois.",
        "1.3.3.4",
        "2.3.4.1",
        "Je voudrais voir ma mère plus souvent.",
    ),
    (
        "Gérer son argent de poche",
        "argent",
        "Je garde mon argent dans mon porte-monnaie.\nJe compte mon argent avec Karim le lundi.",
        "1.3.5.1",
        "2.3.5.2",
        "Je veux acheter moi-même mes magazines.",
    ),
];

struct Person {
    usager: Uuid,
    etablissement: Uuid,
    referent: Uuid,
}

pub async fn load(tx: &mut Transaction<'_, Postgres>, org: Uuid) -> Result<()> {
    let sections = default_sections();
    sqlx::query!(
        "INSERT INTO trame (organisation_id, version, sections) VALUES ($1, 1, $2)",
        org,
        serde_json::to_value(&sections)?
    )
    .execute(&mut **tx)
    .await?;
    let trame = Trame {
        version: 1,
        sections,
    };
    let people: Vec<Person> = sqlx::query!(
        r#"SELECT a.usager_id, a.etablissement_id, r.account_id
           FROM accompagnement a JOIN usager u ON u.id = a.usager_id
           JOIN referent r ON r.usager_id = a.usager_id AND r.etablissement_id = a.etablissement_id
           WHERE a.organisation_id = $1 AND a.end_date IS NULL AND a.start_date <= paris_today()
           ORDER BY u.used_last_name, u.used_first_name, a.start_date"#,
        org
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| Person {
        usager: r.usager_id,
        etablissement: r.etablissement_id,
        referent: r.account_id,
    })
    .collect();
    let today = app::time::today_paris();
    let ago = |months: u32, days: u64| {
        today
            .checked_sub_months(Months::new(months))
            .and_then(|d| d.checked_sub_days(Days::new(days)))
            .unwrap_or(today)
    };
    for (i, p) in people.iter().enumerate() {
        let theme = |k: usize| THEMES[(i + k) % THEMES.len()];
        match i % 6 {
            // No project: the avenant is overdue when admission is old.
            0 => {}
            // In force, complete, its yearly review due within 30 days.
            1 => {
                let on = ago(11, 10);
                let pp = projet(
                    tx,
                    org,
                    p,
                    &trame,
                    "Projet personnalisé",
                    on,
                    &[theme(0), theme(1)],
                    true,
                )
                .await?;
                validate(tx, pp, p, 1, on, None, &trame).await?;
                accord(tx, pp, 1, "usager", on).await?;
                accord(tx, pp, 1, "structure", on).await?;
            }
            // In force but overdue (validated 14 months ago), incomplete.
            2 => {
                let on = ago(14, 0);
                let pp = projet(
                    tx,
                    org,
                    p,
                    &trame,
                    "Projet personnalisé",
                    on,
                    &[theme(0)],
                    false,
                )
                .await?;
                validate(tx, pp, p, 1, on, None, &trame).await?;
            }
            // A draft in preparation, incomplete.
            3 => {
                projet_draft(tx, org, p, &trame, theme(2)).await?;
            }
            // Paused (hospitalisation), with a bilan.
            4 => {
                let on = ago(5, 0);
                let pp = projet(
                    tx,
                    org,
                    p,
                    &trame,
                    "Projet personnalisé",
                    on,
                    &[theme(0), theme(3)],
                    true,
                )
                .await?;
                validate(tx, pp, p, 1, on, None, &trame).await?;
                bilan(tx, pp, p, ago(1, 0), today + Days::new(150)).await?;
                status(
                    tx,
                    pp,
                    p,
                    "ENCOURS",
                    "ENPAUSE",
                    "Hospitalisation de plusieurs semaines",
                )
                .await?;
            }
            // An ended project and the new one in force after an avenant.
            _ => {
                let old = projet(
                    tx,
                    org,
                    p,
                    &trame,
                    "Projet 2024-2025",
                    ago(26, 0),
                    &[theme(4)],
                    true,
                )
                .await?;
                validate(tx, old, p, 1, ago(26, 0), None, &trame).await?;
                status(
                    tx,
                    old,
                    p,
                    "ENCOURS",
                    "TERMINE",
                    "Remplacé par le projet suivant",
                )
                .await?;
                let on = ago(8, 0);
                let pp = projet(
                    tx,
                    org,
                    p,
                    &trame,
                    "Projet personnalisé",
                    on,
                    &[theme(0), theme(5)],
                    true,
                )
                .await?;
                validate(tx, pp, p, 1, on, None, &trame).await?;
                // The avenant adds an objective after a review.
                add_objective(tx, pp, p, theme(2), true).await?;
                bilan(tx, pp, p, ago(2, 0), today + Days::new(200)).await?;
                validate(
                    tx,
                    pp,
                    p,
                    2,
                    ago(2, 0),
                    Some("Bilan semestriel : un objectif ajouté"),
                    &trame,
                )
                .await?;
            }
        }
    }
    Ok(())
}

type Theme = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

#[allow(clippy::too_many_arguments)]
async fn projet(
    tx: &mut Transaction<'_, Postgres>,
    org: Uuid,
    p: &Person,
    _trame: &Trame,
    title: &str,
    starts_on: NaiveDate,
    themes: &[Theme],
    complete: bool,
) -> Result<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO projet (id, organisation_id, usager_id, trame_version, title, kind, starts_on, created_by,
                               created_at, status)
           VALUES ($1, $2, $3, 1, $4, 'PPA', $5, $6, $5::date::timestamptz - interval '20 days', 'ENPREPARATION')"#,
        id,
        org,
        p.usager,
        title,
        starts_on as _,
        p.referent
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "INSERT INTO projet_etablissement (projet_id, etablissement_id) VALUES ($1, $2)",
        id,
        p.etablissement
    )
    .execute(&mut **tx)
    .await?;
    status_at(tx, id, p, None, "ENPREPARATION", None, starts_on).await?;
    field(
        tx,
        id,
        p,
        "situation",
        "Vit au foyer depuis son admission ; a repris contact avec sa famille cette année.",
    )
    .await?;
    field(tx, id, p, "evaluation", "Bonne autonomie dans les actes de la vie quotidienne ; besoin d’appui pour les déplacements et la gestion du budget. Évaluation réalisée en réunion pluridisciplinaire avec la personne.").await?;
    field(tx, id, p, "modalites", "Point mensuel avec le référent ; bilan à six mois ; la personne peut demander une réunion à tout moment.").await?;
    field(
        tx,
        id,
        p,
        "communication",
        "Version facile à lire remise et lue avec la personne.",
    )
    .await?;
    for t in themes {
        element(
            tx,
            id,
            p,
            ElementContent::Attente {
                origin: "usager".into(),
                text: t.5.into(),
                said_by: String::new(),
            },
            None,
        )
        .await?;
        element(
            tx,
            id,
            p,
            ElementContent::Besoin {
                code: t.3.into(),
                description: format!("Besoin repéré en lien avec : {}", t.0.to_lowercase()),
                analysis: "Analyse partagée en réunion d’équipe.".into(),
            },
            None,
        )
        .await?;
        add_objective(tx, id, p, *t, complete).await?;
        element(
            tx,
            id,
            p,
            ElementContent::Prestation {
                code: t.4.into(),
                description: String::new(),
            },
            Some("ACTIF"),
        )
        .await?;
    }
    sqlx::query!(
        "UPDATE projet SET next_review = $2 WHERE id = $1",
        id,
        starts_on.checked_add_months(Months::new(12)) as _
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

async fn projet_draft(
    tx: &mut Transaction<'_, Postgres>,
    org: Uuid,
    p: &Person,
    trame: &Trame,
    t: Theme,
) -> Result<()> {
    let id = Uuid::new_v4();
    let today = app::time::today_paris();
    sqlx::query!(
        r#"INSERT INTO projet (id, organisation_id, usager_id, trame_version, title, kind, created_by)
           VALUES ($1, $2, $3, 1, 'Projet personnalisé', 'PP', $4)"#,
        id,
        org,
        p.usager,
        p.referent
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "INSERT INTO projet_etablissement (projet_id, etablissement_id) VALUES ($1, $2)",
        id,
        p.etablissement
    )
    .execute(&mut **tx)
    .await?;
    status_at(tx, id, p, None, "ENPREPARATION", None, today).await?;
    element(
        tx,
        id,
        p,
        ElementContent::Attente {
            origin: "usager".into(),
            text: t.5.into(),
            said_by: String::new(),
        },
        None,
    )
    .await?;
    let session = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO projet_session (id, projet_id, account_id, opened_at, last_saved_at)
           VALUES ($1, $2, $3, now() - interval '35 minutes', now() - interval '10 minutes')"#,
        session,
        id,
        p.referent
    )
    .execute(&mut **tx)
    .await?;
    store_completeness(tx, id, trame).await
}

async fn add_objective(
    tx: &mut Transaction<'_, Postgres>,
    projet: Uuid,
    p: &Person,
    t: Theme,
    complete: bool,
) -> Result<()> {
    element(
        tx,
        projet,
        p,
        ElementContent::Objectif {
            title: t.0.into(),
            description: String::new(),
            starts_on: String::new(),
            ends_on: String::new(),
            expected: "Y arriver sans aide d’ici un an.".into(),
            avis: if complete {
                "Je suis d’accord, je veux essayer.".into()
            } else {
                String::new()
            },
            referent_id: Some(p.referent),
            falc: t.2.into(),
            pictogram: t.1.into(),
        },
        Some("ACTIF"),
    )
    .await
}

async fn element(
    tx: &mut Transaction<'_, Postgres>,
    projet: Uuid,
    p: &Person,
    content: ElementContent,
    status: Option<&str>,
) -> Result<()> {
    sqlx::query!(
        r#"INSERT INTO projet_element (id, projet_id, kind, content, status, created_by, updated_by)
           VALUES ($1, $2, $3, $4, $5, $6, $6)"#,
        Uuid::new_v4(),
        projet,
        content.kind(),
        serde_json::to_value(&content)?,
        status,
        p.referent
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn field(
    tx: &mut Transaction<'_, Postgres>,
    projet: Uuid,
    p: &Person,
    key: &str,
    value: &str,
) -> Result<()> {
    sqlx::query!(
        "INSERT INTO projet_field (projet_id, key, value, updated_by) VALUES ($1, $2, $3, $4)",
        projet,
        key,
        value,
        p.referent
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn current(tx: &mut Transaction<'_, Postgres>, projet: Uuid) -> Result<Snapshot> {
    let h = sqlx::query!(
        r#"SELECT title, kind, starts_on AS "starts_on: NaiveDate", next_review AS "next_review: NaiveDate"
           FROM projet WHERE id = $1"#,
        projet
    )
    .fetch_one(&mut **tx)
    .await?;
    let fields = sqlx::query!(
        "SELECT key, value FROM projet_field WHERE projet_id = $1",
        projet
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| (r.key, r.value))
    .collect();
    let elements = sqlx::query!(
        "SELECT id, content, status, version FROM projet_element WHERE projet_id = $1 ORDER BY created_at, id",
        projet
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| -> Result<Element> {
        Ok(Element {
            id: r.id,
            content: serde_json::from_value(r.content)?,
            status: r.status,
            version: r.version,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    Ok(Snapshot {
        title: h.title,
        kind: h.kind,
        starts_on: date(h.starts_on),
        ends_on: String::new(),
        next_review: date(h.next_review),
        fields,
        elements,
    })
}

async fn store_completeness(
    tx: &mut Transaction<'_, Postgres>,
    projet: Uuid,
    trame: &Trame,
) -> Result<()> {
    let c = completeness(trame, &current(tx, projet).await?);
    sqlx::query!(
        "UPDATE projet SET completeness = $2 WHERE id = $1",
        projet,
        c.percent
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn validate(
    tx: &mut Transaction<'_, Postgres>,
    projet: Uuid,
    p: &Person,
    number: i32,
    on: NaiveDate,
    reason: Option<&str>,
    trame: &Trame,
) -> Result<()> {
    let snap = current(tx, projet).await?;
    let c = completeness(trame, &snap);
    sqlx::query!(
        r#"INSERT INTO projet_version (projet_id, number, reason, snapshot, completeness, validated_by, validated_at)
           VALUES ($1, $2, $3, $4, $5, $6, ($7::date + time '17:00') AT TIME ZONE 'Europe/Paris')"#,
        projet,
        number,
        reason,
        serde_json::to_value(&snap)?,
        c.percent,
        p.referent,
        on as _
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE projet SET editing = false, status = 'ENCOURS', completeness = $2 WHERE id = $1",
        projet,
        c.percent
    )
    .execute(&mut **tx)
    .await?;
    if number == 1 {
        status_at(
            tx,
            projet,
            p,
            Some("ENPREPARATION"),
            "ENCOURS",
            Some("Validation de la version initiale"),
            on,
        )
        .await?;
    }
    // A first editing session per version (time spent).
    sqlx::query!(
        r#"INSERT INTO projet_session (id, projet_id, account_id, opened_at, last_saved_at)
           VALUES ($1, $2, $3, ($4::date + time '14:00') AT TIME ZONE 'Europe/Paris',
                   ($4::date + time '15:05') AT TIME ZONE 'Europe/Paris')"#,
        Uuid::new_v4(),
        projet,
        p.referent,
        on as _
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn status(
    tx: &mut Transaction<'_, Postgres>,
    projet: Uuid,
    p: &Person,
    from: &str,
    to: &str,
    reason: &str,
) -> Result<()> {
    sqlx::query!("UPDATE projet SET status = $2 WHERE id = $1", projet, to)
        .execute(&mut **tx)
        .await?;
    status_at(
        tx,
        projet,
        p,
        Some(from),
        to,
        Some(reason),
        app::time::today_paris(),
    )
    .await
}

async fn status_at(
    tx: &mut Transaction<'_, Postgres>,
    projet: Uuid,
    p: &Person,
    from: Option<&str>,
    to: &str,
    reason: Option<&str>,
    on: NaiveDate,
) -> Result<()> {
    sqlx::query!(
        r#"INSERT INTO projet_status_change (projet_id, from_status, to_status, reason, changed_by, changed_at)
           VALUES ($1, $2, $3, $4, $5, ($6::date + time '17:00') AT TIME ZONE 'Europe/Paris')"#,
        projet,
        from,
        to,
        reason,
        p.referent,
        on as _
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn bilan(
    tx: &mut Transaction<'_, Postgres>,
    projet: Uuid,
    p: &Person,
    held_on: NaiveDate,
    next_review: NaiveDate,
) -> Result<()> {
    let bilan = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO projet_bilan (id, projet_id, held_on, synthesis, invited, preparation, preparation_by,
                                    next_review, written_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#,
        bilan,
        projet,
        held_on as _,
        "Les objectifs avancent ; la personne dit être contente de ses progrès. On garde les objectifs et on en ajoute un.",
        "La personne, sa sœur, le référent, la psychologue",
        "Je suis content. Je veux continuer la piscine.",
        "La personne, avec l’aide de sa sœur",
        next_review as _,
        p.referent
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        r#"INSERT INTO projet_evaluation (bilan_id, objectif_id, result, comment)
           SELECT $1, id, CASE WHEN row_number() OVER (ORDER BY created_at) = 1 THEN 'partiellement' ELSE 'atteint' END,
                  'Progrès réguliers'
           FROM projet_element WHERE projet_id = $2 AND kind = 'objectif'"#,
        bilan,
        projet
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE projet SET next_review = $2 WHERE id = $1",
        projet,
        next_review as _
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn accord(
    tx: &mut Transaction<'_, Postgres>,
    projet: Uuid,
    version: i32,
    party: &str,
    on: NaiveDate,
) -> Result<()> {
    sqlx::query!(
        r#"INSERT INTO projet_accord (id, projet_id, version, party, signatory, signed_on, recorded_by)
           SELECT $1, $2, $3, $4, CASE WHEN $4 = 'structure' THEN 'Olivier Garnier, chef de service'
                                       ELSE u.used_first_name || ' ' || u.used_last_name END,
                  $5, p.created_by
           FROM projet p JOIN usager u ON u.id = p.usager_id WHERE p.id = $2"#,
        Uuid::new_v4(),
        projet,
        version,
        party,
        on as _
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
