//! Care tasks and the round of a shift, corrections of a set, and the
//! médical section under medical secrecy, against PostgreSQL.

use crate::helpers::spawn_app;
use app::soins::schedule::ShiftTimes;
use chrono::{Duration, Timelike};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

/// A person of aide.soignant's unit, in the infirmier's perimeter too,
/// without demo care tasks, and the unit.
async fn round_person(pool: &PgPool) -> (Uuid, Uuid) {
    sqlx::query_as(
        "SELECT p.usager_id, p.unit_id FROM current_perimeter p JOIN account a ON a.id = p.account_id
         WHERE a.login = 'aide.soignant' AND p.unit_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM care_task t WHERE t.usager_id = p.usager_id)
           AND NOT EXISTS (SELECT 1 FROM medical_entry m WHERE m.usager_id = p.usager_id)
           AND EXISTS (SELECT 1 FROM current_perimeter q JOIN account b ON b.id = q.account_id
                       WHERE b.login = 'infirmier' AND q.usager_id = p.usager_id)
         ORDER BY p.usager_id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("a person of the aide-soignant's unit")
}

fn task_form(
    id: &str,
    key: &str,
    label: &str,
    times: &str,
    starts_on: &str,
    who: &str,
) -> Vec<(String, String)> {
    [
        ("id", id),
        ("input[id]", key),
        ("input[label]", label),
        ("input[rule]", "jours"),
        ("input[every]", "1"),
        ("input[times]", times),
        ("input[starts_on]", starts_on),
        ("input[who]", who),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

async fn post(
    app: &crate::helpers::TestApp,
    endpoint: &str,
    form: &[(String, String)],
) -> (StatusCode, Value) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(endpoint, &pairs).await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_task_of_the_round_is_done_once_from_two_tablets_and_late_until_then(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (person, unit) = round_person(&pool).await;
    let id = person.to_string();
    // Due two hours ago (Paris), every day since yesterday.
    let due = app::time::now_paris() - Duration::hours(2);
    let due = due.with_second(0).unwrap();
    let time = due.format("%H:%M").to_string();
    let due_key = due.format("%Y-%m-%dT%H:%M").to_string();
    let since = (due.date() - Duration::days(1)).to_string();

    // An aide-soignant does not plan care; the refusal is traced.
    let aide = app.other_device();
    aide.login("aide.soignant").await;
    let (status, _) = post(
        &aide,
        "soin_planifier",
        &task_form(
            &id,
            &Uuid::new_v4().to_string(),
            "Tension",
            &time,
            &since,
            "equipe",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(aide
        .events("medical")
        .await
        .iter()
        .any(|(l, allowed, _)| l == "aide.soignant" && !allowed));

    app.login("infirmier").await;
    let (status, body) = post(
        &app,
        "soin_planifier",
        &task_form(
            &id,
            &Uuid::new_v4().to_string(),
            "Prise de tension",
            "25:00",
            &since,
            "equipe",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let task_key = Uuid::new_v4().to_string();
    let form = task_form(&id, &task_key, "Prise de tension", &time, &since, "equipe");
    let (status, tasks) = post(&app, "soin_planifier", &form).await;
    assert_eq!(status, StatusCode::OK, "{tasks}");
    assert!(
        tasks[0]["schedule"]
            .as_str()
            .unwrap()
            .starts_with("Chaque jour à"),
        "{tasks}"
    );
    // A retry of the same task writes it once.
    let (status, again) = post(&app, "soin_planifier", &form).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again.as_array().unwrap().len(), 1);
    let nurse_only = Uuid::new_v4().to_string();
    let (status, _) = post(
        &app,
        "soin_planifier",
        &task_form(&id, &nurse_only, "Pansement", &time, &since, "infirmier"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Late on the aide-soignant's home page, and in the round of its shift.
    let (status, home) = aide.call("mes_usagers", &[]).await;
    assert_eq!(status, StatusCode::OK, "{home}");
    assert!(
        home["late"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["usager_id"] == id.as_str() && l["label"] == "Prise de tension"),
        "{home}"
    );
    let (shift, day) = ShiftTimes::default().current(due);
    let unit_s = unit.to_string();
    let (status, round) = aide
        .call(
            "tournee",
            &[
                ("unit", &unit_s),
                ("shift", shift.code()),
                ("day", &day.to_string()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{round}");
    let me = round["persons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["usager_id"] == id.as_str())
        .expect("the person is in the round")
        .clone();
    let task = me["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == "Prise de tension")
        .expect("due")
        .clone();
    assert_eq!(task["late"], true, "{task}");
    assert!(me["allergies"].is_object());

    // Not done needs a reason; a nurse-only task is refused to the aide.
    let outcome = |key: &str, task: &str, done: &str, reason: &str| -> Vec<(String, String)> {
        [
            ("id", id.as_str()),
            ("input[id]", key),
            ("input[task_id]", task),
            ("input[due]", due_key.as_str()),
            ("input[done]", done),
            ("input[reason]", reason),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    let task_id = task["task_id"].as_str().unwrap().to_string();
    let (status, body) = post(
        &aide,
        "soin_noter",
        &outcome(&Uuid::new_v4().to_string(), &task_id, "false", ""),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = post(
        &aide,
        "soin_noter",
        &outcome(&Uuid::new_v4().to_string(), &nurse_only, "true", ""),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("réservé"), "{body}");
    let mut wrong = outcome(&Uuid::new_v4().to_string(), &task_id, "true", "");
    wrong[3].1 = (due + Duration::minutes(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let (status, body) = post(&aide, "soin_noter", &wrong).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a time it was not due: {body}"
    );
    assert!(
        body.to_string().contains("pas prévu à cette heure"),
        "{body}"
    );

    // Done in one tap; the same key again is the same answer; another
    // tablet is told it was done, and nothing is written twice.
    let key = Uuid::new_v4().to_string();
    let (status, done) = post(&aide, "soin_noter", &outcome(&key, &task_id, "true", "")).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["other"], false);
    assert!(
        done["task"]["outcome"]
            .as_str()
            .unwrap()
            .starts_with("Fait à"),
        "{done}"
    );
    let (status, replay) = post(&aide, "soin_noter", &outcome(&key, &task_id, "true", "")).await;
    assert_eq!(status, StatusCode::OK, "{replay}");
    assert_eq!(replay["other"], false);
    let (status, second) = post(
        &app,
        "soin_noter",
        &outcome(&Uuid::new_v4().to_string(), &task_id, "false", "refus"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["other"], true);
    assert_eq!(
        second["task"]["done"], true,
        "the first word stays: {second}"
    );
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM care_done WHERE usager_id = $1")
        .bind(person)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    let (_, home) = aide.call("mes_usagers", &[]).await;
    assert!(
        !home["late"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["usager_id"] == id.as_str() && l["label"] == "Prise de tension"),
        "{home}"
    );

    // Someone outside the perimeter: refused and traced.
    let outside: Uuid = sqlx::query_scalar(
        "SELECT u.id FROM usager u WHERE NOT EXISTS (SELECT 1 FROM current_perimeter p JOIN account a ON a.id = p.account_id
          WHERE a.login = 'aide.soignant' AND p.usager_id = u.id) LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut far = outcome(&Uuid::new_v4().to_string(), &task_id, "true", "");
    far[0].1 = outside.to_string();
    let (status, _) = post(&aide, "soin_noter", &far).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let denied: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE usager_id = $1 AND section = 'soins' AND NOT allowed")
        .bind(outside)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(denied, 1);
    // A unit out of reach too.
    let far_unit: Uuid = sqlx::query_scalar(
        "SELECT un.id FROM unit un WHERE NOT EXISTS (SELECT 1 FROM current_assignment s JOIN account a ON a.id = s.account_id
          WHERE a.login = 'aide.soignant' AND s.etablissement_id = un.etablissement_id AND assignment_covers(s.unit_id, un.id)) LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let (status, _) = aide
        .call(
            "tournee",
            &[("unit", &far_unit.to_string()), ("shift", ""), ("day", "")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A moniteur d'atelier has no round.
    let other = app.other_device();
    other.login("moniteur.atelier").await;
    let (status, _) = other.call("tournee", &[("shift", ""), ("day", "")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_correction_keeps_the_corrected_set_in_the_history(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (person, _) = round_person(&pool).await;
    let id = person.to_string();
    app.login("aide.soignant").await;
    let first = Uuid::new_v4().to_string();
    let (status, _) = app
        .call(
            "mesures_saisir",
            &[
                ("id", &id),
                ("input[id]", &first),
                ("input[systolic]", "210"),
                ("input[diastolic]", "80"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let fix = |key: &str, reason: &str| {
        vec![
            ("id".to_string(), id.clone()),
            ("input[id]".into(), key.to_string()),
            ("input[systolic]".into(), "120".into()),
            ("input[diastolic]".into(), "80".into()),
            ("input[corrects]".into(), first.clone()),
            ("input[correction_reason]".into(), reason.to_string()),
        ]
    };
    let (status, body) = post(
        &app,
        "mesures_saisir",
        &fix(&Uuid::new_v4().to_string(), ""),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required: {body}"
    );
    let (status, fixed) = post(
        &app,
        "mesures_saisir",
        &fix(&Uuid::new_v4().to_string(), "Erreur de frappe"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{fixed}");
    let (status, body) = post(
        &app,
        "mesures_saisir",
        &fix(&Uuid::new_v4().to_string(), "Encore"),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "corrected already: {body}");
    let (status, soins) = app.call("soins", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{soins}");
    let sets = soins["sets"].as_array().unwrap();
    assert_eq!(
        sets.len(),
        1,
        "the corrected set is out of the current list: {soins}"
    );
    assert_eq!(sets[0]["measures"]["systolic"], 120);
    assert!(sets[0]["correction"]
        .as_str()
        .unwrap()
        .contains("Erreur de frappe"));
    assert!(
        sets[0]["replaced"][0]
            .as_str()
            .unwrap()
            .contains("TA 210/80"),
        "{soins}"
    );
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM measure_set WHERE usager_id = $1")
        .bind(person)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kept, 2, "nothing deleted");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_medical_section_is_under_medical_secrecy(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (person, _) = round_person(&pool).await;
    let id = person.to_string();
    app.login("infirmier").await;
    let key = Uuid::new_v4().to_string();
    let entry = [
        ("id", id.as_str()),
        ("input[id]", key.as_str()),
        ("input[kind]", "probleme"),
        ("input[title]", "Épilepsie"),
        ("input[occurred_on]", "2019-05-01"),
    ];
    let (status, m) = app.call("medical_ajouter", &entry).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let (status, again) = app.call("medical_ajouter", &entry).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        again["entries"].as_array().unwrap().len(),
        1,
        "written once"
    );
    let (status, body) = app
        .call(
            "medical_ajouter",
            &[
                ("id", id.as_str()),
                ("input[id]", &Uuid::new_v4().to_string()),
                ("input[kind]", "vaccination"),
                ("input[title]", "DTP"),
                ("input[occurred_on]", "2099-01-01"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = app
        .call("medical_resoudre", &[("id", &id), ("entry_id", &key)])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .call("medical_resoudre", &[("id", &id), ("entry_id", &key)])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = app
        .call(
            "directives_anticipees",
            &[("id", &id), ("status", "redigees"), ("location", "")],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "where they are is asked: {body}"
    );
    let (status, m) = app
        .call(
            "directives_anticipees",
            &[
                ("id", &id),
                ("status", "redigees"),
                ("location", "Dossier papier, infirmerie"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert!(m["directive"].as_str().unwrap().contains("infirmerie"));

    // A medical letter, listed and served by the médical section only.
    let org: Uuid = sqlx::query_scalar("SELECT organisation_id FROM usager WHERE id = $1")
        .bind(person)
        .fetch_one(&pool)
        .await
        .unwrap();
    let nurse: Uuid = sqlx::query_scalar("SELECT id FROM account WHERE login = 'infirmier'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let letter = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO document (id, organisation_id, usager_id, kind, title, file_name, media_type, size_bytes, sha256, uploaded_by)
         VALUES ($1, $2, $3, 'courrier_medical', 'Courrier du neurologue', 'neuro.pdf', 'application/pdf', 4, 'x', $4)",
    )
    .bind(letter).bind(org).bind(person).bind(nurse).execute(&pool).await.unwrap();
    sqlx::query("INSERT INTO document_content (document_id, bytes) VALUES ($1, '%PDF')")
        .bind(letter)
        .execute(&pool)
        .await
        .unwrap();
    let (_, m) = app.call("medical", &[("id", &id)]).await;
    assert_eq!(m["letters"][0]["title"], "Courrier du neurologue", "{m}");
    let served = app
        .client
        .get(app.url(&format!("/documents/{letter}")))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), StatusCode::OK);

    // Everyone else, direction included, is refused and traced.
    for login in ["aide.soignant", "educateur", "directeur", "psychologue"] {
        let other = app.other_device();
        other.login(login).await;
        let (status, body) = other.call("medical", &[("id", &id)]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{login}: {body}");
        let denied: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM audit_event e JOIN account a ON a.id = e.account_id
             WHERE a.login = $1 AND e.usager_id = $2 AND e.section = 'medical' AND NOT e.allowed",
        )
        .bind(login)
        .bind(person)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(denied >= 1, "{login}: the refusal is traced");
        let served = other
            .client
            .get(other.url(&format!("/documents/{letter}")))
            .send()
            .await
            .unwrap();
        assert_eq!(
            served.status(),
            StatusCode::FORBIDDEN,
            "{login}: the letter is not served"
        );
        let (status, docs) = other.call("documents", &[("id", &id)]).await;
        if status == StatusCode::OK {
            assert!(
                !docs.to_string().contains("neurologue"),
                "{login}: the letter is not listed"
            );
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn shift_times_are_set_per_etablissement_by_an_administrator(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, unit) = round_person(&pool).await;
    let place: Uuid = sqlx::query_scalar("SELECT etablissement_id FROM unit WHERE id = $1")
        .bind(unit)
        .fetch_one(&pool)
        .await
        .unwrap();
    let place = place.to_string();
    let form = |m: &str, a: &str, n: &str| {
        vec![
            ("etablissement_id".to_string(), place.clone()),
            ("matin".into(), m.to_string()),
            ("apres_midi".into(), a.to_string()),
            ("nuit".into(), n.to_string()),
        ]
    };
    let nurse = app.other_device();
    nurse.login("infirmier").await;
    let (status, _) = post(
        &nurse,
        "horaires_equipes_modifier",
        &form("06:30", "13:30", "20:30"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "administrators only");
    app.login("admin").await;
    let (status, body) = post(
        &app,
        "horaires_equipes_modifier",
        &form("14:00", "07:00", "21:00"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, list) = post(
        &app,
        "horaires_equipes_modifier",
        &form("06:30", "13:30", "20:30"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(list.to_string().contains("06:30"), "{list}");
    let aide = app.other_device();
    aide.login("aide.soignant").await;
    let unit_s = unit.to_string();
    let (status, round) = aide
        .call(
            "tournee",
            &[("unit", &unit_s), ("shift", "matin"), ("day", "2026-12-01")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{round}");
    assert!(
        round["title"].as_str().unwrap().contains("06:30 – 13:30"),
        "{round}"
    );
    let traced: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE object_id LIKE 'horaires:%'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(traced, 1);
}
