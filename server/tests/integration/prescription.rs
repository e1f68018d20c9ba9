//! Prescriptions: entered by a nurse or a doctor on the BDPM, checked,
//! matched against allergies, stopped and changed with their history.

use crate::helpers::{spawn_app, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

const DOLIPRANE: &str = "61824357";
const LANTUS: &str = "62951774";

/// A person the nurse and the AES both follow, without demo treatments.
pub(crate) async fn person(pool: &PgPool) -> Uuid {
    sqlx::query_scalar(
        "SELECT p.usager_id FROM current_perimeter p JOIN account a ON a.id = p.account_id
         WHERE a.login = ANY($1)
           AND NOT EXISTS (SELECT 1 FROM prescription_line l WHERE l.usager_id = p.usager_id)
         GROUP BY p.usager_id
         HAVING count(DISTINCT a.login) = 2 ORDER BY p.usager_id LIMIT 1",
    )
    .bind(vec!["infirmier".to_string(), "aes".to_string()])
    .fetch_one(pool)
    .await
    .expect("a person of the nurse and the AES")
}

fn line(cis: &str, drug: &str) -> Value {
    json!({"id": Uuid::new_v4(), "cis": cis, "drug": drug, "dose": "1", "unit": "comprime",
    "route": "orale", "slots": ["matin", "soir"], "times": "", "recurrence": "tous_les_jours", "weekdays": [],
    "every_n_days": "", "starts_on": "2026-12-01", "ends_on": "", "as_needed": false, "indication": "",
    "min_interval_hours": "", "max_per_day": "", "instructions": "", "aide_prise": true, "high_risk": false})
}

fn prescription(usager: Uuid, key: Uuid, lines: Vec<Value>, confirm: bool) -> Value {
    json!({"id": usager, "input": {"id": key, "prescriber": "Dr Anne Martin", "rpps": "10001234567",
    "prescribed_on": "2026-12-01", "document_id": null, "lines": lines, "confirm_allergies": confirm}})
}

async fn lines_of(pool: &PgPool, usager: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM prescription_line WHERE usager_id = $1")
        .bind(usager)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn field(answer: &Value) -> &str {
    answer["Invalid"]["field"].as_str().unwrap_or_default()
}

async fn nurse(pool: &PgPool) -> (TestApp, Uuid) {
    let app = spawn_app(pool.clone()).await;
    let usager = person(pool).await;
    app.login("infirmier").await;
    (app, usager)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_nurse_enters_a_prescription_on_the_bdpm_once_and_the_aes_reads_it(pool: PgPool) {
    let (app, usager) = nurse(&pool).await;
    let key = Uuid::new_v4();
    let mut insulin = line(LANTUS, "");
    insulin["unit"] = json!("ui");
    insulin["dose"] = json!("12");
    insulin["route"] = json!("sous_cutanee");
    insulin["slots"] = json!(["soir"]);
    insulin["aide_prise"] = json!(false);
    insulin["high_risk"] = json!(true);
    let body = prescription(
        usager,
        key,
        vec![line(DOLIPRANE, "typed name"), insulin],
        false,
    );
    let (status, answer) = app.call_json("prescription_ajouter", &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let in_force = answer["in_force"].as_array().unwrap();
    assert_eq!(in_force.len(), 2);
    // The BDPM's name and substances, not what the client typed.
    let doliprane = in_force
        .iter()
        .find(|l| l["drug"].as_str().unwrap().starts_with("DOLIPRANE"))
        .unwrap();
    assert_eq!(doliprane["drug"], "DOLIPRANE 1000 mg, comprimé");
    assert!(
        doliprane["substances"].to_string().contains("PARACÉTAMOL"),
        "{doliprane}"
    );
    assert_eq!(doliprane["schedule"], "Matin, Soir — tous les jours");
    assert_eq!(doliprane["dose"], "1 comprimé(s) — Voie orale");
    assert!(doliprane["prescribed"]
        .as_str()
        .unwrap()
        .contains("RPPS 10001234567"));
    let lantus = in_force
        .iter()
        .find(|l| l["drug"].as_str().unwrap().starts_with("LANTUS"))
        .unwrap();
    assert_eq!(lantus["high_risk"], true);
    assert_eq!(lantus["dose"], "12 UI — Sous-cutanée");
    assert_eq!(answer["may_write"], true);

    // The same send again (a dropped answer): written once.
    let (status, _) = app.call_json("prescription_ajouter", &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(lines_of(&pool, usager).await, 2);

    // The AES reads the treatments (the round needs them), cannot prescribe.
    let aes = app.other_device();
    aes.login("aes").await;
    let (status, answer) = aes
        .call("traitements", &[("id", &usager.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["in_force"].as_array().unwrap().len(), 2);
    assert_eq!(answer["may_write"], false);
    let other = prescription(usager, Uuid::new_v4(), vec![line(DOLIPRANE, "")], false);
    let (status, _) = aes.call_json("prescription_ajouter", &other).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(lines_of(&pool, usager).await, 2);
    let events = app.events("medical").await;
    assert!(
        events
            .iter()
            .any(|(login, allowed, _)| login == "aes" && !allowed),
        "{events:?}"
    );
    assert!(events
        .iter()
        .any(|(login, allowed, object)| login == "infirmier"
            && *allowed
            && object.as_deref() == Some(&key.to_string())));
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_lines_are_refused_in_french_and_nothing_is_written(pool: PgPool) {
    let (app, usager) = nurse(&pool).await;
    let with = |k: &str, v: Value| {
        let mut l = line(DOLIPRANE, "");
        l[k] = v;
        l
    };
    let cases = [
        (with("dose", json!("0")), "dose"),
        (with("dose", json!("abc")), "dose"),
        (with("ends_on", json!("2026-11-01")), "ends_on"),
        (with("slots", json!([])), "slots"),
        (with("cis", json!("99999999")), "drug"),
        (with("unit", json!("seau")), "unit"),
    ];
    for (bad, expected) in cases {
        // A good line first: the whole prescription is refused.
        let body = prescription(
            usager,
            Uuid::new_v4(),
            vec![line(DOLIPRANE, ""), bad],
            false,
        );
        let (status, answer) = app.call_json("prescription_ajouter", &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(field(&answer), expected, "{answer}");
        assert!(!answer["Invalid"]["reason"].as_str().unwrap().is_empty());
    }
    let mut body = prescription(usager, Uuid::new_v4(), vec![line(DOLIPRANE, "")], false);
    body["input"]["rpps"] = json!("123");
    let (status, answer) = app.call_json("prescription_ajouter", &body).await;
    assert_eq!(
        (status, field(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, "rpps")
    );
    body["input"]["rpps"] = json!("");
    body["input"]["lines"] = json!([]);
    let (status, answer) = app.call_json("prescription_ajouter", &body).await;
    assert_eq!(
        (status, field(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, "lines")
    );
    // A free-text preparation is accepted, flagged.
    let body = prescription(
        usager,
        Uuid::new_v4(),
        vec![line("", "Gélules de mélatonine 2 mg (préparation)")],
        false,
    );
    let (status, answer) = app.call_json("prescription_ajouter", &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["in_force"][0]["free_text"], true);
    assert_eq!(lines_of(&pool, usager).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_line_matching_an_allergy_needs_an_explicit_confirmation(pool: PgPool) {
    let (app, usager) = nurse(&pool).await;
    let (status, answer) = app
        .call(
            "allergie_ajouter",
            &[
                ("id", &usager.to_string()),
                ("input[id]", &Uuid::new_v4().to_string()),
                ("input[substance]", "Paracétamol"),
                ("input[kind]", "allergie"),
                ("input[severity]", "severe"),
                ("input[certainty]", "confirmee"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let key = Uuid::new_v4();
    let (status, answer) = app
        .call_json(
            "prescription_ajouter",
            &prescription(usager, key, vec![line(DOLIPRANE, "")], false),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field(&answer), "allergies");
    assert!(
        answer["Invalid"]["reason"]
            .as_str()
            .unwrap()
            .contains("Allergie connue : Paracétamol"),
        "{answer}"
    );
    assert_eq!(lines_of(&pool, usager).await, 0);
    let (status, answer) = app
        .call_json(
            "prescription_ajouter",
            &prescription(usager, key, vec![line(DOLIPRANE, "")], true),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer["in_force"][0]["allergy_matches"],
        json!(["Paracétamol"])
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn stopping_and_changing_a_line_keep_the_history(pool: PgPool) {
    let (app, usager) = nurse(&pool).await;
    let id = usager.to_string();
    let (_, answer) = app
        .call_json(
            "prescription_ajouter",
            &prescription(usager, Uuid::new_v4(), vec![line(DOLIPRANE, "")], false),
        )
        .await;
    let old = answer["in_force"][0]["id"].as_str().unwrap().to_string();
    // A change: the old line stops with the reason, the new one names it.
    let mut new = line(DOLIPRANE, "");
    new["slots"] = json!(["midi"]);
    let body = json!({"id": usager, "line_id": old, "line": new, "reason": "Prise décalée à midi",
                      "confirm_allergies": false});
    let (status, answer) = app.call_json("ligne_modifier", &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["in_force"].as_array().unwrap().len(), 1);
    assert_eq!(answer["in_force"][0]["replaces"], json!(old));
    assert_eq!(answer["in_force"][0]["schedule"], "Midi — tous les jours");
    let stopped = answer["stopped"][0]["stopped"].as_str().unwrap();
    assert!(
        stopped.contains("Claire Fontaine") && stopped.ends_with("Prise décalée à midi"),
        "{stopped}"
    );
    // Sent again: nothing more.
    let (status, _) = app.call_json("ligne_modifier", &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(lines_of(&pool, usager).await, 2);
    // Stopping the old line again: it is already stopped.
    let (status, _) = app
        .call(
            "ligne_arreter",
            &[("id", &id), ("line_id", &old), ("reason", "Fin")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // A line of nobody here.
    let (status, _) = app
        .call(
            "ligne_arreter",
            &[
                ("id", &id),
                ("line_id", &Uuid::new_v4().to_string()),
                ("reason", "Fin"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A stop needs its reason.
    let current = answer["in_force"][0]["id"].as_str().unwrap().to_string();
    let (status, answer) = app
        .call(
            "ligne_arreter",
            &[("id", &id), ("line_id", &current), ("reason", " ")],
        )
        .await;
    assert_eq!(
        (status, field(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, "reason")
    );
    let (status, answer) = app
        .call(
            "ligne_arreter",
            &[
                ("id", &id),
                ("line_id", &current),
                ("reason", "Traitement terminé"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(answer["in_force"].as_array().unwrap().is_empty());
    assert_eq!(answer["stopped"].as_array().unwrap().len(), 2);
}
