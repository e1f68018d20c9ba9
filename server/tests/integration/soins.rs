//! Soins: allergies, measures and their checks, NEWS2 alerts and their
//! acknowledgement, against PostgreSQL.

use crate::helpers::spawn_app;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

/// A person in the perimeters of all these accounts, without demo soins.
async fn shared_usager(pool: &PgPool, logins: &[&str]) -> Uuid {
    sqlx::query_scalar(
        "SELECT p.usager_id FROM current_perimeter p JOIN account a ON a.id = p.account_id
         WHERE a.login = ANY($1)
           AND NOT EXISTS (SELECT 1 FROM measure_set m WHERE m.usager_id = p.usager_id)
           AND NOT EXISTS (SELECT 1 FROM allergy l WHERE l.usager_id = p.usager_id)
           AND NOT EXISTS (SELECT 1 FROM allergy_none_known n WHERE n.usager_id = p.usager_id)
         GROUP BY p.usager_id
         HAVING count(DISTINCT a.login) = cardinality($1) ORDER BY p.usager_id LIMIT 1",
    )
    .bind(logins.iter().map(|l| l.to_string()).collect::<Vec<_>>())
    .fetch_one(pool)
    .await
    .expect("a person shared by these accounts")
}

fn set(id: &str, key: &str, values: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut form = vec![
        ("id".to_string(), id.to_string()),
        ("input[id]".into(), key.to_string()),
    ];
    form.extend(
        values
            .iter()
            .map(|(k, v)| (format!("input[{k}]"), v.to_string())),
    );
    form
}

async fn post(
    app: &crate::helpers::TestApp,
    endpoint: &str,
    form: &[(String, String)],
) -> (StatusCode, Value) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(endpoint, &pairs).await
}

async fn sets_of(pool: &PgPool, usager: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM measure_set WHERE usager_id = $1")
        .bind(usager)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A set whose NEWS2 is 7: RR 23 (2), SpO₂ 93 (2), air, SBP 105 (1),
/// pulse 115 (2), alert, 37.2 °C.
const SICK: &[(&str, &str)] = &[
    ("respiratory_rate", "23"),
    ("spo2", "93"),
    ("systolic", "105"),
    ("diastolic", "70"),
    ("pulse", "115"),
    ("consciousness", "A"),
    ("temperature", "37,2"),
];

#[sqlx::test(migrations = "../migrations")]
async fn impossible_measures_are_refused_and_unusual_ones_accepted_and_flagged(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let person = shared_usager(&pool, &["aide.soignant"]).await;
    let id = person.to_string();
    app.login("aide.soignant").await;
    let refused = [
        (
            vec![("temperature", "60")],
            "Température : 60 °C n’est pas une valeur possible",
        ),
        (
            vec![("systolic", "70"), ("diastolic", "90")],
            "plus haute que la diastolique",
        ),
        (
            vec![("pulse", "72"), ("taken_at", "2099-01-01T08:00")],
            "Une mesure",
        ),
        (
            vec![("pulse", "soixante")],
            "Pouls : saisissez un nombre entier",
        ),
        (vec![], "au moins une mesure"),
    ];
    for (values, message) in refused {
        let (status, body) = post(
            &app,
            "mesures_saisir",
            &set(&id, &Uuid::new_v4().to_string(), &values),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{values:?}: {body}"
        );
        assert!(body.to_string().contains(message), "{values:?}: {body}");
    }
    assert_eq!(sets_of(&pool, person).await, 0, "nothing written");

    let (status, body) = post(
        &app,
        "mesures_saisir",
        &set(
            &id,
            &Uuid::new_v4().to_string(),
            &[("pulse", "128"), ("weight", "70,5")],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["unusual"], serde_json::json!(["Pouls 128 /min"]));
    assert!(
        body["news2"].is_null(),
        "no NEWS2 without its six parameters"
    );
    assert!(body["alert"].is_null());
}

#[sqlx::test(migrations = "../migrations")]
async fn news2_raises_an_alert_the_nurse_acknowledges_once_and_a_replayed_set_is_written_once(
    pool: PgPool,
) {
    let app = spawn_app(pool.clone()).await;
    let person = shared_usager(&pool, &["aide.soignant", "infirmier"]).await;
    let id = person.to_string();
    app.login("aide.soignant").await;
    let key = Uuid::new_v4().to_string();
    let (status, first) = post(&app, "mesures_saisir", &set(&id, &key, SICK)).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["news2"]["total"], 7);
    assert!(first["alert"].is_string(), "{first}");
    // The same set sent again (a dropped answer): found, not repeated.
    let (status, again) = post(&app, "mesures_saisir", &set(&id, &key, SICK)).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["alert"], first["alert"]);
    assert_eq!(sets_of(&pool, person).await, 1);
    let alerts: i64 = sqlx::query_scalar("SELECT count(*) FROM news2_alert WHERE usager_id = $1")
        .bind(person)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(alerts, 1);
    // Someone else's key is not a replay.
    let nurse = app.other_device();
    nurse.login("infirmier").await;
    let (status, _) = post(&nurse, "mesures_saisir", &set(&id, &key, SICK)).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The nurse's home page lists it until it is acknowledged.
    let (status, open) = nurse.call("alertes_unite", &[]).await;
    assert_eq!(status, StatusCode::OK, "{open}");
    let alert = first["alert"].as_str().unwrap();
    assert!(
        open.as_array().unwrap().iter().any(|a| a["id"] == alert),
        "{open}"
    );
    let (status, body) = nurse
        .call(
            "alerte_acquitter",
            &[("id", &id), ("alert_id", alert), ("action", "")],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "what was done is required: {body}"
    );
    let (status, done) = nurse
        .call(
            "alerte_acquitter",
            &[
                ("id", &id),
                ("alert_id", alert),
                ("action", "Médecin appelé, surveillance horaire"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(
        done["acknowledged"]
            .as_str()
            .unwrap()
            .contains("Médecin appelé"),
        "{done}"
    );
    let (status, _) = nurse
        .call(
            "alerte_acquitter",
            &[("id", &id), ("alert_id", alert), ("action", "Encore")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "acknowledged once");
    let (_, open) = nurse.call("alertes_unite", &[]).await;
    assert!(
        !open.as_array().unwrap().iter().any(|a| a["id"] == alert),
        "{open}"
    );
    // The section shows the set, its score and the acknowledged alert.
    let (status, soins) = nurse.call("soins", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{soins}");
    assert_eq!(soins["sets"][0]["news2"]["total"], 7);
    assert!(soins["alerts"][0]["acknowledged"].is_string());
    // Every write and read is in the trail.
    let events = nurse.events("soins").await;
    assert!(
        events
            .iter()
            .any(|(l, ok, o)| l == "infirmier" && *ok && o.as_deref() == Some(alert)),
        "{events:?}"
    );
    assert!(events
        .iter()
        .any(|(l, ok, o)| l == "aide.soignant" && *ok && o.as_deref() == Some(key.as_str())));
}

#[sqlx::test(migrations = "../migrations")]
async fn allergies_are_written_by_nurses_read_with_the_identity_and_never_deleted(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let person = shared_usager(&pool, &["infirmier", "aide.soignant"]).await;
    let id = person.to_string();
    app.login("infirmier").await;
    let (_, before) = app.call("allergies", &[("id", &id)]).await;
    assert_eq!(before["in_force"], serde_json::json!([]));
    assert!(
        before["none_known"].is_null(),
        "not stated is not « aucune allergie connue »"
    );

    let allergy = Uuid::new_v4().to_string();
    let form = [
        ("id", id.as_str()),
        ("input[id]", allergy.as_str()),
        ("input[substance]", "Amoxicilline"),
        ("input[kind]", "allergie"),
        ("input[reaction]", "Œdème de Quincke"),
        ("input[severity]", "severe"),
        ("input[certainty]", "confirmee"),
        ("input[source]", "Courrier du médecin traitant"),
    ];
    let (status, body) = app.call("allergie_ajouter", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = app.call("allergie_ajouter", &form).await;
    assert_eq!(status, StatusCode::OK, "a retry finds the first");
    let (status, body) = app.call("allergie_aucune", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // The aide-soignant sees it in the record's header, and may not write one.
    let aide = app.other_device();
    aide.login("aide.soignant").await;
    let (status, record) = aide.call("usager", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{record}");
    assert_eq!(
        record["allergies"]["in_force"][0]["substance"],
        "Amoxicilline"
    );
    assert_eq!(record["allergies"]["in_force"][0]["severity"], "Severe");
    assert_eq!(record["allergies"]["may_write"], false);
    let other = Uuid::new_v4().to_string();
    let mut theirs = form;
    theirs[1] = ("input[id]", other.as_str());
    let (status, _) = aide.call("allergie_ajouter", &theirs).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let denied = aide.events("medical").await;
    assert!(
        denied.iter().any(|(l, ok, _)| l == "aide.soignant" && !ok),
        "{denied:?}"
    );

    // Refuted, it stays in the history; then « aucune allergie connue ».
    let (status, body) = app
        .call(
            "allergie_terminer",
            &[
                ("id", &id),
                ("allergy_id", &allergy),
                ("end", "refutee"),
                ("reason", "Tests allergologiques négatifs"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["in_force"], serde_json::json!([]));
    assert!(
        body["ended"][0]["ended"]
            .as_str()
            .unwrap()
            .starts_with("Réfutée le"),
        "{body}"
    );
    let (status, _) = app
        .call(
            "allergie_terminer",
            &[
                ("id", &id),
                ("allergy_id", &allergy),
                ("end", "refutee"),
                ("reason", "Encore"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = app.call("allergie_aucune", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body["none_known"]
            .as_str()
            .unwrap()
            .starts_with("Aucune allergie connue"),
        "{body}"
    );
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM allergy WHERE usager_id = $1")
        .bind(person)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kept, 1, "never deleted");
}

#[sqlx::test(migrations = "../migrations")]
async fn soins_outside_the_perimeter_or_the_profession_are_refused_and_traced(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    // A person the aide-soignant does not accompany (without demo measures).
    let outside: Uuid = sqlx::query_scalar(
        "SELECT u.id FROM usager u WHERE NOT EXISTS (SELECT 1 FROM current_perimeter p JOIN account a ON a.id = p.account_id
         WHERE a.login = 'aide.soignant' AND p.usager_id = u.id)
           AND NOT EXISTS (SELECT 1 FROM measure_set m WHERE m.usager_id = u.id)
         ORDER BY u.id LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    app.login("aide.soignant").await;
    let (status, _) = post(
        &app,
        "mesures_saisir",
        &set(&outside.to_string(), &Uuid::new_v4().to_string(), SICK),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(sets_of(&pool, outside).await, 0);
    // A moniteur d'atelier holds no Soins: neither the section nor the alerts.
    let mono = app.other_device();
    mono.login("moniteur.atelier").await;
    let (status, _) = mono.call("alertes_unite", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let events = app.events("soins").await;
    assert!(
        events.iter().any(|(l, ok, _)| l == "aide.soignant" && !ok),
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .any(|(l, ok, _)| l == "moniteur.atelier" && !ok),
        "{events:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_chart_has_the_values_of_its_period_and_refuses_what_has_no_chart(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let person = shared_usager(&pool, &["aide.soignant"]).await;
    let id = person.to_string();
    app.login("aide.soignant").await;
    for pulse in ["64", "72", "128"] {
        let (status, body) = post(
            &app,
            "mesures_saisir",
            &set(&id, &Uuid::new_v4().to_string(), &[("pulse", pulse)]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // One older than the week.
    sqlx::query("UPDATE measure_set SET taken_at = now() - interval '10 days' WHERE usager_id = $1 AND pulse = 64")
        .bind(person)
        .execute(&pool)
        .await
        .unwrap();
    let (status, week) = app
        .call("courbe", &[("id", &id), ("field", "pulse"), ("days", "7")])
        .await;
    assert_eq!(status, StatusCode::OK, "{week}");
    let values: Vec<f64> = week["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values, vec![72.0, 128.0]);
    assert_eq!(week["usual"], serde_json::json!([50.0, 110.0]));
    let (_, month) = app
        .call("courbe", &[("id", &id), ("field", "pulse"), ("days", "30")])
        .await;
    assert_eq!(month["points"].as_array().unwrap().len(), 3);
    let (status, _) = app
        .call(
            "courbe",
            &[("id", &id), ("field", "password_hash"), ("days", "7")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app
        .call("courbe", &[("id", &id), ("field", "pulse"), ("days", "3")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
