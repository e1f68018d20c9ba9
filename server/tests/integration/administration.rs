//! The medication round's rules on the server: who may record which dose
//! (CASF L313-26), reasons, due doses only, si-besoin limits, one outcome
//! per dose whichever tablet sends it first.

use crate::helpers::{spawn_app, TestApp};
use crate::prescription::person;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

fn today() -> chrono::NaiveDate {
    app::time::today_paris()
}

/// Paracetamol at midday (aide à la prise), an insulin in the evening (high
/// risk, nurse only), a si-besoin paracetamol (4 h apart, 2 a day at most).
fn lines() -> Vec<Value> {
    let start = (today() - Duration::days(7)).to_string();
    let base = json!({"cis": "61824357", "drug": "", "dose": "1", "unit": "comprime", "route": "orale",
        "slots": ["midi"], "times": "", "recurrence": "tous_les_jours", "weekdays": [], "every_n_days": "",
        "starts_on": start, "ends_on": "", "as_needed": false, "indication": "", "min_interval_hours": "",
        "max_per_day": "", "instructions": "", "aide_prise": true, "high_risk": false});
    let mut paracetamol = base.clone();
    paracetamol["id"] = json!(Uuid::new_v4());
    let mut insulin = base.clone();
    insulin["id"] = json!(Uuid::new_v4());
    insulin["cis"] = json!("62951774");
    insulin["unit"] = json!("ui");
    insulin["route"] = json!("sous_cutanee");
    insulin["slots"] = json!(["soir"]);
    insulin["aide_prise"] = json!(false);
    insulin["high_risk"] = json!(true);
    let mut as_needed = base;
    as_needed["id"] = json!(Uuid::new_v4());
    as_needed["slots"] = json!([]);
    as_needed["as_needed"] = json!(true);
    as_needed["indication"] = json!("Douleur");
    as_needed["min_interval_hours"] = json!("4");
    as_needed["max_per_day"] = json!("2");
    vec![paracetamol, insulin, as_needed]
}

pub(crate) struct Round {
    pub(crate) nurse: TestApp,
    pub(crate) aes: TestApp,
    pub(crate) usager: Uuid,
    pub(crate) paracetamol: String,
    pub(crate) insulin: String,
    pub(crate) as_needed: String,
}

pub(crate) async fn round(pool: &PgPool) -> Round {
    let nurse = spawn_app(pool.clone()).await;
    let usager = person(pool).await;
    nurse.login("infirmier").await;
    let lines = lines();
    let body = json!({"id": usager, "input": {"id": Uuid::new_v4(), "prescriber": "Dr Anne Martin", "rpps": "",
        "prescribed_on": (today() - Duration::days(7)).to_string(), "document_id": null, "lines": lines,
        "confirm_allergies": false}});
    let (status, answer) = nurse.call_json("prescription_ajouter", &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let aes = nurse.other_device();
    aes.login("aes").await;
    let id = |i: usize| lines[i]["id"].as_str().unwrap().to_string();
    Round {
        nurse,
        aes,
        usager,
        paracetamol: id(0),
        insulin: id(1),
        as_needed: id(2),
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn dose(
    app: &TestApp,
    usager: Uuid,
    key: &str,
    line: &str,
    day: &str,
    due: &str,
    outcome: &str,
    reason: &str,
) -> (StatusCode, Value) {
    app.call(
        "prise_noter",
        &[
            ("id", &usager.to_string()),
            ("input[id]", key),
            ("input[line_id]", line),
            ("input[day]", day),
            ("input[due]", due),
            ("input[outcome]", outcome),
            ("input[reason]", reason),
            ("input[comment]", ""),
        ],
    )
    .await
}

async fn doses(pool: &PgPool, usager: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM administration WHERE usager_id = $1")
        .bind(usager)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn field(answer: &Value) -> &str {
    answer["Invalid"]["field"].as_str().unwrap_or_default()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_dose_is_written_once_and_the_second_tablet_is_told_who_recorded_it(pool: PgPool) {
    let r = round(&pool).await;
    let day = today().to_string();
    let key = Uuid::new_v4().to_string();
    let (status, answer) = dose(
        &r.aes,
        r.usager,
        &key,
        &r.paracetamol,
        &day,
        "midi",
        "aide_prise",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["by_another"], false);
    assert!(
        answer["summary"]
            .as_str()
            .unwrap()
            .starts_with("Aide à la prise à "),
        "{answer}"
    );
    // The same send again: written once, same answer.
    let (status, again) = dose(
        &r.aes,
        r.usager,
        &key,
        &r.paracetamol,
        &day,
        "midi",
        "aide_prise",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], answer["id"]);
    // The nurse's tablet records the same dose: nothing written, told who.
    let (status, other) = dose(
        &r.nurse,
        r.usager,
        &Uuid::new_v4().to_string(),
        &r.paracetamol,
        &day,
        "midi",
        "donne",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{other}");
    assert_eq!(other["by_another"], true);
    assert!(
        other["summary"]
            .as_str()
            .unwrap()
            .contains("par Sarah LAMBERT"),
        "{other}"
    );
    assert_eq!(doses(&pool, r.usager).await, 1);
    // Someone else's key reused: refused.
    let (status, _) = dose(
        &r.nurse,
        r.usager,
        &key,
        &r.paracetamol,
        &day,
        "midi",
        "donne",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[sqlx::test(migrations = "../migrations")]
async fn without_nursing_rights_a_high_risk_dose_is_refused_and_traced(pool: PgPool) {
    let r = round(&pool).await;
    let day = today().to_string();
    let (status, _) = dose(
        &r.aes,
        r.usager,
        &Uuid::new_v4().to_string(),
        &r.insulin,
        &day,
        "soir",
        "donne",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Not even "refusé": the line is not hers to record.
    let (status, _) = dose(
        &r.aes,
        r.usager,
        &Uuid::new_v4().to_string(),
        &r.insulin,
        &day,
        "soir",
        "refuse",
        "Dort",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(doses(&pool, r.usager).await, 0);
    let denied = r
        .aes
        .events("soins")
        .await
        .into_iter()
        .filter(|(login, allowed, _)| login == "aes" && !allowed)
        .count();
    assert_eq!(denied, 2);
    let (status, answer) = dose(
        &r.nurse,
        r.usager,
        &Uuid::new_v4().to_string(),
        &r.insulin,
        &day,
        "soir",
        "donne",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_outcomes_are_refused_in_french(pool: PgPool) {
    let r = round(&pool).await;
    let day = today().to_string();
    let k = || Uuid::new_v4().to_string();
    let cases = [
        (
            dose(
                &r.aes,
                r.usager,
                &k(),
                &r.paracetamol,
                &day,
                "midi",
                "refuse",
                " ",
            )
            .await,
            "reason",
        ),
        (
            dose(
                &r.aes,
                r.usager,
                &k(),
                &r.paracetamol,
                &day,
                "midi",
                "avale",
                "",
            )
            .await,
            "outcome",
        ),
        (
            dose(
                &r.aes,
                r.usager,
                &k(),
                &r.paracetamol,
                &day,
                "coucher",
                "donne",
                "",
            )
            .await,
            "due",
        ),
        (
            dose(
                &r.aes,
                r.usager,
                &k(),
                &r.paracetamol,
                &day,
                "",
                "donne",
                "",
            )
            .await,
            "due",
        ),
        (
            dose(
                &r.aes,
                r.usager,
                &k(),
                &r.paracetamol,
                &(today() + Duration::days(1)).to_string(),
                "midi",
                "donne",
                "",
            )
            .await,
            "day",
        ),
        (
            dose(
                &r.aes,
                r.usager,
                &k(),
                &r.paracetamol,
                &(today() - Duration::days(3)).to_string(),
                "midi",
                "donne",
                "",
            )
            .await,
            "day",
        ),
        (
            dose(
                &r.aes,
                r.usager,
                &k(),
                &r.paracetamol,
                "demain",
                "midi",
                "donne",
                "",
            )
            .await,
            "day",
        ),
    ];
    for ((status, answer), expected) in cases {
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(field(&answer), expected, "{answer}");
    }
    // A line of nobody, or of another person: not found.
    let (status, _) = dose(
        &r.aes,
        r.usager,
        &k(),
        &Uuid::new_v4().to_string(),
        &day,
        "midi",
        "donne",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(doses(&pool, r.usager).await, 0);
    // A refusal with its reason is fine.
    let (status, answer) = dose(
        &r.aes,
        r.usager,
        &k(),
        &r.paracetamol,
        &day,
        "midi",
        "refuse",
        "Ne veut pas",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(
        answer["summary"]
            .as_str()
            .unwrap()
            .ends_with(": Ne veut pas"),
        "{answer}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_si_besoin_dose_keeps_to_its_interval_and_its_daily_maximum(pool: PgPool) {
    let r = round(&pool).await;
    let day = today().to_string();
    let k = || Uuid::new_v4().to_string();
    let (status, answer) = dose(
        &r.aes,
        r.usager,
        &k(),
        &r.as_needed,
        &day,
        "",
        "aide_prise",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    // An hour later is too early (4 h apart).
    let (status, answer) = dose(
        &r.nurse,
        r.usager,
        &k(),
        &r.as_needed,
        &day,
        "",
        "donne",
        "",
    )
    .await;
    assert_eq!(
        (status, field(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, "outcome")
    );
    assert!(
        answer["Invalid"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("Trop tôt"),
        "{answer}"
    );
    // A refusal is not a dose taken: always recorded.
    let (status, _) = dose(
        &r.nurse,
        r.usager,
        &k(),
        &r.as_needed,
        &day,
        "",
        "refuse",
        "Plus mal",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // Two taken in the last 24 hours, the last 5 hours ago: the maximum.
    sqlx::query("UPDATE administration SET recorded_at = now() - interval '5 hours' WHERE line_id = $1::uuid")
        .bind(&r.as_needed)
        .execute(&pool)
        .await
        .unwrap();
    let (status, answer) = dose(
        &r.nurse,
        r.usager,
        &k(),
        &r.as_needed,
        &day,
        "",
        "donne",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    sqlx::query("UPDATE administration SET recorded_at = now() - interval '5 hours' WHERE line_id = $1::uuid")
        .bind(&r.as_needed)
        .execute(&pool)
        .await
        .unwrap();
    let (status, answer) = dose(
        &r.nurse,
        r.usager,
        &k(),
        &r.as_needed,
        &day,
        "",
        "donne",
        "",
    )
    .await;
    assert_eq!(
        (status, field(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, "outcome")
    );
    assert!(
        answer["Invalid"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("Maximum atteint"),
        "{answer}"
    );
    // A si-besoin line has no slot.
    let (status, answer) = dose(
        &r.nurse,
        r.usager,
        &k(),
        &r.as_needed,
        &day,
        "midi",
        "donne",
        "",
    )
    .await;
    assert_eq!(
        (status, field(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, "due")
    );
}
