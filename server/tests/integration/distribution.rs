//! The medication round of a unit and a slot: who is listed with what,
//! which doses the viewer may give, closing only when every dose has an
//! outcome, units out of reach, and the nurse's overview of the day with its
//! late doses and refusals.

use crate::administration::{dose, round};
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

fn today() -> String {
    app::time::today_paris().to_string()
}

/// The person's unit, as the AES's round lists it.
async fn unit_of(pool: &PgPool, usager: Uuid) -> Uuid {
    sqlx::query_scalar(
        "SELECT p.unit_id FROM current_perimeter p JOIN account a ON a.id = p.account_id
         WHERE a.login = 'aes' AND p.usager_id = $1 AND p.unit_id IS NOT NULL LIMIT 1",
    )
    .bind(usager)
    .fetch_one(pool)
    .await
    .expect("the person's unit")
}

async fn read(app: &TestApp, unit: Uuid, slot: &str) -> (StatusCode, Value) {
    app.call(
        "distribution",
        &[
            ("unit", &unit.to_string()),
            ("slot", slot),
            ("day", &today()),
        ],
    )
    .await
}

fn person_of(round: &Value, usager: Uuid) -> Value {
    round["persons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["usager_id"] == json!(usager))
        .cloned()
        .unwrap_or_else(|| panic!("the person is listed: {round}"))
}

async fn close(app: &TestApp, unit: Uuid, slot: &str) -> (StatusCode, Value) {
    app.call(
        "distribution_cloturer",
        &[
            ("unit", &unit.to_string()),
            ("slot", slot),
            ("day", &today()),
        ],
    )
    .await
}

async fn closings(pool: &PgPool, unit: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM dose_round_closure WHERE unit_id = $1")
        .bind(unit)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_round_lists_the_doses_due_and_closes_only_when_each_has_an_outcome(pool: PgPool) {
    let r = round(&pool).await;
    let unit = unit_of(&pool, r.usager).await;

    let (status, midi) = read(&r.aes, unit, "midi").await;
    assert_eq!(status, StatusCode::OK, "{midi}");
    assert!(!midi["nurse"].as_bool().unwrap());
    let p = person_of(&midi, r.usager);
    assert!(p["birth_date"].as_str().unwrap().contains('/'));
    let doses = p["doses"].as_array().unwrap();
    assert_eq!(doses.len(), 1, "the midday paracetamol only: {p}");
    assert_eq!(doses[0]["line_id"].as_str().unwrap(), r.paracetamol);
    assert_eq!(doses[0]["due"], "midi");
    assert!(doses[0]["may_give"].as_bool().unwrap());
    assert!(doses[0]["outcome"].is_null());
    let as_needed = p["as_needed"].as_array().unwrap();
    assert_eq!(as_needed[0]["line_id"].as_str().unwrap(), r.as_needed);
    // Every person shown is a traced read.
    let traced: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_event e JOIN account a ON a.id = e.account_id
         WHERE a.login = 'aes' AND e.usager_id = $1 AND e.section = 'soins' AND e.allowed",
    )
    .bind(r.usager)
    .fetch_one(&pool)
    .await
    .unwrap();
    let traced = traced >= 1;
    assert!(traced, "the round's read is in the trail");

    // The evening insulin is listed, but not hers to give.
    let (_, soir) = read(&r.aes, unit, "soir").await;
    let insulin = &person_of(&soir, r.usager)["doses"][0];
    assert_eq!(insulin["line_id"].as_str().unwrap(), r.insulin);
    assert!(insulin["high_risk"].as_bool().unwrap());
    assert!(!insulin["may_give"].as_bool().unwrap());
    let (_, soir) = read(&r.nurse, unit, "soir").await;
    assert!(person_of(&soir, r.usager)["doses"][0]["may_give"]
        .as_bool()
        .unwrap());

    // Not closed while a dose has no outcome; nothing written.
    let (status, answer) = close(&r.aes, unit, "midi").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["Invalid"]["field"], "round");
    assert!(answer["Invalid"]["reason"]
        .as_str()
        .unwrap()
        .contains("sans issue"));
    assert_eq!(closings(&pool, unit).await, 0);

    let (status, answer) = dose(
        &r.aes,
        r.usager,
        &Uuid::new_v4().to_string(),
        &r.paracetamol,
        &today(),
        "midi",
        "aide_prise",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    // The other persons' midday doses (the demo's), given by the nurse.
    let (_, midi) = read(&r.nurse, unit, "midi").await;
    for p in midi["persons"].as_array().unwrap() {
        for d in p["doses"].as_array().unwrap() {
            if d["outcome"].is_null() {
                let usager: Uuid = serde_json::from_value(p["usager_id"].clone()).unwrap();
                let (status, answer) = dose(
                    &r.nurse,
                    usager,
                    &Uuid::new_v4().to_string(),
                    d["line_id"].as_str().unwrap(),
                    &today(),
                    d["due"].as_str().unwrap(),
                    "donne",
                    "",
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{answer}");
            }
        }
    }
    let (_, midi) = read(&r.aes, unit, "midi").await;
    assert_eq!(midi["done"], midi["due"]);
    let dose = &person_of(&midi, r.usager)["doses"][0];
    assert_eq!(dose["outcome"], "aide_prise");
    assert!(dose["summary"]
        .as_str()
        .unwrap()
        .starts_with("Aide à la prise"));

    let (status, closed) = close(&r.aes, unit, "midi").await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert!(closed["closed"].as_str().unwrap().starts_with("Clôturée"));
    // A second tablet closing it too writes nothing more.
    let (status, _) = close(&r.nurse, unit, "midi").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(closings(&pool, unit).await, 1);
    let closing_events: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_event WHERE object_id LIKE 'distribution:%' AND allowed",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        closing_events, 1,
        "the closing and its event commit together"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_unit_out_of_reach_and_a_family_account_are_refused_and_traced(pool: PgPool) {
    let r = round(&pool).await;
    let unit = unit_of(&pool, r.usager).await;
    let other: Uuid = sqlx::query_scalar(
        "SELECT id FROM unit WHERE id <> ALL(
            SELECT p.unit_id FROM current_perimeter p JOIN account a ON a.id = p.account_id
            WHERE a.login = 'aes' AND p.unit_id IS NOT NULL) LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    for (endpoint, slot) in [("distribution", "midi"), ("distribution_cloturer", "midi")] {
        let (status, answer) = r
            .aes
            .call(
                endpoint,
                &[
                    ("unit", &other.to_string()),
                    ("slot", slot),
                    ("day", &today()),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{endpoint}: {answer}");
    }
    let denied = r
        .aes
        .events("soins")
        .await
        .into_iter()
        .filter(|(login, allowed, _)| login == "aes" && !allowed)
        .count();
    assert_eq!(denied, 2);

    let family = r.aes.other_device();
    family.login("famille.moreau").await;
    for endpoint in ["distribution", "distribution_cloturer"] {
        let (status, _) = family
            .call(
                endpoint,
                &[
                    ("unit", &unit.to_string()),
                    ("slot", "midi"),
                    ("day", &today()),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{endpoint}");
    }
    let (status, _) = family.call("distribution_jour", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(closings(&pool, unit).await, 0);

    // A slot that is not one, a day that is not a date.
    for (slot, day) in [("gouter", today()), ("midi", "32/13/2026".to_string())] {
        let (status, answer) = r
            .aes
            .call(
                "distribution",
                &[("unit", &unit.to_string()), ("slot", slot), ("day", &day)],
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{slot} {day}: {answer}"
        );
        assert!(answer["Invalid"]["reason"].is_string());
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_nurse_sees_the_refusals_and_the_late_doses_of_the_day(pool: PgPool) {
    let r = round(&pool).await;
    let unit = unit_of(&pool, r.usager).await;
    // A dose due at midnight: late from one in the morning on.
    let start = (app::time::today_paris() - chrono::Duration::days(1)).to_string();
    let body = json!({"id": r.usager, "input": {"id": Uuid::new_v4(), "prescriber": "Dr Anne Martin", "rpps": "",
        "prescribed_on": start, "document_id": null, "confirm_allergies": false, "lines": [
        {"id": Uuid::new_v4(), "cis": "", "drug": "Préparation magistrale", "dose": "1", "unit": "comprime",
         "route": "orale", "slots": [], "times": "00:00", "recurrence": "tous_les_jours", "weekdays": [],
         "every_n_days": "", "starts_on": start, "ends_on": "", "as_needed": false, "indication": "",
         "min_interval_hours": "", "max_per_day": "", "instructions": "", "aide_prise": true, "high_risk": false}]}});
    let (status, answer) = r.nurse.call_json("prescription_ajouter", &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let (status, answer) = dose(
        &r.aes,
        r.usager,
        &Uuid::new_v4().to_string(),
        &r.paracetamol,
        &today(),
        "midi",
        "refuse",
        "Ne veut pas",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let (status, day) = r.nurse.call("distribution_jour", &[]).await;
    assert_eq!(status, StatusCode::OK, "{day}");
    let refusal = day["not_taken"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["usager_id"] == json!(r.usager))
        .unwrap_or_else(|| panic!("the refusal is on the overview: {day}"));
    assert!(refusal["what"].as_str().unwrap().contains("Ne veut pas"));
    let midi = day["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["unit_id"] == json!(unit) && s["slot"] == "midi")
        .unwrap_or_else(|| panic!("the unit's midday round: {day}"));
    assert_eq!(midi["not_taken"], 1);

    let past_one =
        app::time::now_paris().time() >= chrono::NaiveTime::from_hms_opt(1, 0, 0).unwrap();
    if past_one {
        let late = day["late"].as_array().unwrap();
        assert!(
            late.iter().any(|n| n["usager_id"] == json!(r.usager)),
            "the midnight dose is late: {day}"
        );
        // And on the home page of those who read soins.
        let (_, listing) = r.aes.call("mes_usagers", &[]).await;
        assert!(listing["late_doses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["usager_id"] == json!(r.usager)));
        let (_, matin) = read(&r.aes, unit, "matin").await;
        assert!(person_of(&matin, r.usager)["doses"][0]["late"]
            .as_bool()
            .unwrap());
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_chart_shows_each_outcome_with_its_words_and_the_missed_doses(pool: PgPool) {
    let r = round(&pool).await;
    let yesterday = (app::time::today_paris() - chrono::Duration::days(1)).to_string();
    let (status, answer) = dose(
        &r.aes,
        r.usager,
        &Uuid::new_v4().to_string(),
        &r.paracetamol,
        &yesterday,
        "midi",
        "refuse",
        "Dit avoir mal au ventre",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = dose(
        &r.nurse,
        r.usager,
        &Uuid::new_v4().to_string(),
        &r.as_needed,
        &today(),
        "",
        "donne",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let (status, chart) = r
        .nurse
        .call(
            "prises_tableau",
            &[("id", &r.usager.to_string()), ("days", "7")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{chart}");
    assert_eq!(chart["day_labels"].as_array().unwrap().len(), 7);
    let rows = chart["rows"].as_array().unwrap();
    let midi = rows
        .iter()
        .find(|row| row["when"] == "Midi")
        .unwrap_or_else(|| panic!("the midday paracetamol: {chart}"));
    let cells = midi["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 7);
    assert_eq!(cells[5]["symbol"], "R", "yesterday's refusal: {midi}");
    assert!(cells[5]["label"]
        .as_str()
        .unwrap()
        .contains("Dit avoir mal au ventre"));
    // The days before, nobody recorded it: missed, and listed.
    assert_eq!(cells[4]["symbol"], "!");
    assert!(rows.iter().any(|row| row["when"] == "Soir"), "the insulin");
    assert!(chart["not_taken"][0]["what"]
        .as_str()
        .unwrap()
        .contains("Dit avoir mal au ventre"));
    assert!(chart["missed"].as_array().unwrap().len() >= 5);
    assert_eq!(chart["as_needed"].as_array().unwrap().len(), 1);
    // Reading it is traced.
    let traced = r
        .nurse
        .events("soins")
        .await
        .into_iter()
        .any(|(login, allowed, object)| {
            login == "infirmier" && allowed && object.as_deref() == Some("tableau_prises")
        });
    assert!(traced);

    // A period not offered; a family account.
    let (status, answer) = r
        .nurse
        .call(
            "prises_tableau",
            &[("id", &r.usager.to_string()), ("days", "5")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let family = r.nurse.other_device();
    family.login("famille.moreau").await;
    let (status, _) = family
        .call(
            "prises_tableau",
            &[("id", &r.usager.to_string()), ("days", "7")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// GETs one of the circuit du médicament's PDFs.
async fn pdf(app: &TestApp, path: &str) -> (StatusCode, Vec<u8>) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    let status = response.status();
    (status, response.bytes().await.unwrap().to_vec())
}

#[sqlx::test(migrations = "../migrations")]
async fn the_report_and_the_dlu_are_traced_pdfs_with_their_type_codes(pool: PgPool) {
    let r = round(&pool).await;
    let (from, to) = (
        (app::time::today_paris() - chrono::Duration::days(6)).to_string(),
        today(),
    );
    let report = format!("/medicaments/{}/prises.pdf?du={from}&au={to}", r.usager);
    let (status, bytes) = pdf(&r.aes, &report).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("80565-5"), "the report's DMP type code");
    assert!(text.contains("595.28") && text.contains("841.89"), "A4");
    let (status, bytes) = pdf(&r.aes, &format!("/medicaments/{}/dlu.pdf", r.usager)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        String::from_utf8_lossy(&bytes).contains("74207-2"),
        "the DLU's code"
    );
    let events = r.aes.events("soins").await;
    assert!(events.iter().any(|(login, allowed, object)| login == "aes"
        && *allowed
        && object.as_deref() == Some(&format!("rapport_prises/{from}/{to}"))));
    assert!(events.iter().any(|(login, allowed, object)| login == "aes"
        && *allowed
        && object.as_deref() == Some("dlu")));

    // A period in the wrong order, too long, or in the future: a French page, 422.
    let far = (app::time::today_paris() - chrono::Duration::days(200)).to_string();
    let tomorrow = (app::time::today_paris() + chrono::Duration::days(1)).to_string();
    for (du, au) in [
        (to.as_str(), from.as_str()),
        (far.as_str(), to.as_str()),
        (to.as_str(), tomorrow.as_str()),
        ("abc", ""),
    ] {
        let (status, body) = pdf(
            &r.aes,
            &format!("/medicaments/{}/prises.pdf?du={du}&au={au}", r.usager),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{du} {au}");
        assert!(String::from_utf8_lossy(&body).contains("Document indisponible"));
    }
    // Unknown variant, unknown person, a family account: refused, and the
    // family's attempt is in the trail.
    assert_eq!(
        pdf(&r.aes, &format!("/medicaments/{}/autre.pdf", r.usager))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_ne!(
        pdf(&r.aes, &format!("/medicaments/{}/dlu.pdf", Uuid::new_v4()))
            .await
            .0,
        StatusCode::OK
    );
    let family = r.nurse.other_device();
    family.login("famille.moreau").await;
    for path in [report.clone(), format!("/medicaments/{}/dlu.pdf", r.usager)] {
        assert_eq!(pdf(&family, &path).await.0, StatusCode::FORBIDDEN);
    }
    assert!(r
        .aes
        .events("soins")
        .await
        .iter()
        .any(|(login, allowed, _)| login == "famille.moreau" && !allowed));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_liaison_is_written_once_per_key_kept_and_checked(pool: PgPool) {
    let r = round(&pool).await;
    let id = r.usager.to_string();
    let key = Uuid::new_v4().to_string();
    let write = |key: String, communication: String| {
        let aes = &r.aes;
        let id = id.clone();
        async move {
            aes.call(
                "liaison_ecrire",
                &[
                    ("id", &id),
                    ("input[key]", &key),
                    ("input[communication]", &communication),
                    ("input[autonomy]", "Se déplace en fauteuil"),
                    ("input[comfort]", "Sa peluche le rassure"),
                ],
            )
            .await
        }
    };
    let (status, answer) = write(
        key.clone(),
        "Parle peu, comprend les phrases courtes".into(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["autonomy"], "Se déplace en fauteuil");
    assert!(answer["updated"].as_str().unwrap().contains("LAMBERT"));
    // The same key again (a retried send): written once.
    assert_eq!(
        write(
            key.clone(),
            "Parle peu, comprend les phrases courtes".into()
        )
        .await
        .0,
        StatusCode::OK
    );
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM liaison_info WHERE usager_id = $1")
        .bind(r.usager)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    // Too long: refused in French, nothing written.
    let (status, answer) = write(Uuid::new_v4().to_string(), "x".repeat(2001)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["Invalid"]["field"], "communication");
    // A new statement keeps the old one; the section reads the newest.
    assert_eq!(
        write(
            Uuid::new_v4().to_string(),
            "Utilise des pictogrammes".into()
        )
        .await
        .0,
        StatusCode::OK
    );
    let (status, soins) = r.nurse.call("soins", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        soins["liaison"]["communication"],
        "Utilise des pictogrammes"
    );
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM liaison_info WHERE usager_id = $1")
        .bind(r.usager)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 2);
    // A family account may not write it.
    let family = r.nurse.other_device();
    family.login("famille.moreau").await;
    let (status, _) = family
        .call(
            "liaison_ecrire",
            &[
                ("id", &id),
                ("input[key]", &Uuid::new_v4().to_string()),
                ("input[communication]", "x"),
                ("input[autonomy]", ""),
                ("input[comfort]", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
