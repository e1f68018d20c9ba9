//! "Mon espace": the person's card and PIN, their pages, their words, the
//! staff side, and every refusal, against PostgreSQL.

use crate::authorization::{sample_arguments, sample_json};
use crate::helpers::{spawn_app, TestApp};
use app::access::policy::{Policy, POLICIES};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::demo_espace::{DEMO_CARD_TOKEN, DEMO_PINS, READING_GROUP};
use uuid::Uuid;

/// The demo person who holds the card: (usager id, first name).
async fn card_holder(app: &TestApp) -> (Uuid, String) {
    sqlx::query_as(
        "SELECT u.id, u.used_first_name FROM espace_card c JOIN usager u ON u.id = c.usager_id
         WHERE c.revoked_at IS NULL",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn sign_in(device: &TestApp, token: &str, pin: &str) -> (StatusCode, Value) {
    device
        .call("espace_connexion", &[("token", token), ("pin", pin)])
        .await
}

/// Every sentence of a page.
fn texts(page: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for b in page["blocks"].as_array().unwrap() {
        out.push(b["title"].as_str().unwrap().to_string());
        for l in b["lines"].as_array().unwrap() {
            out.push(l["text"].as_str().unwrap().to_string());
        }
    }
    out
}

/// No "12/05", "2026-05", "10:30": dates and times are written in words.
fn no_date_in_digits(lines: &[String]) {
    for l in lines {
        let chars: Vec<char> = l.chars().collect();
        for w in chars.windows(3) {
            let digit_around = w[0].is_ascii_digit() && w[2].is_ascii_digit();
            assert!(
                !(digit_around && matches!(w[1], '/' | '-' | ':')),
                "a date or time in digits: {l}"
            );
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_person_signs_in_with_card_and_code_reads_their_pages_and_is_traced(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    let (usager, first_name) = card_holder(&app).await;

    // An éducateur of the person's team reads the notes a minute before.
    let staff_login: String = sqlx::query_scalar(
        "SELECT a.login FROM referent r JOIN account a ON a.id = r.account_id WHERE r.usager_id = $1 LIMIT 1",
    )
    .bind(usager)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let staff = app.other_device();
    staff.login(&staff_login).await;
    let (status, _) = staff
        .call(
            "transmissions",
            &[("id", &usager.to_string()), ("filter[category]", "")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let staff_first: String = sqlx::query_scalar("SELECT first_name FROM account WHERE login = $1")
        .bind(&staff_login)
        .fetch_one(&app.pool)
        .await
        .unwrap();

    let person = app.other_device();
    let (status, body) = sign_in(&person, DEMO_CARD_TOKEN, DEMO_PINS[0]).await;
    assert_eq!(status, StatusCode::OK, "sign-in: {body}");
    let (_, me) = person.call("moi", &[]).await;
    assert_eq!(me["kind"], json!("usager"));

    let (status, moi) = person.call("espace_page", &[("page", "moi")]).await;
    assert_eq!(status, StatusCode::OK, "{moi}");
    assert_eq!(moi["first_name"], json!(first_name));
    let moi_texts = texts(&moi);
    assert!(
        moi_texts
            .iter()
            .any(|t| t.starts_with(&format!("Vous vous appelez {first_name}"))),
        "{moi_texts:?}"
    );
    assert!(
        moi_texts
            .iter()
            .any(|t| t.contains("est votre") && t.contains("référent")),
        "{moi_texts:?}"
    );

    let (_, projet) = person.call("espace_page", &[("page", "projet")]).await;
    let blocks = projet["blocks"].as_array().unwrap();
    let objectives: Vec<&Value> = blocks
        .iter()
        .filter(|b| b["key"].as_str().unwrap().starts_with("objectif-"))
        .collect();
    assert!(!objectives.is_empty(), "{projet}");
    for b in objectives
        .iter()
        .copied()
        .chain(blocks.iter().filter(|b| b["key"] == "intro"))
    {
        let mark = b["reviewed"].as_str().unwrap_or_default();
        assert!(
            mark.starts_with("Facile à lire — relu par") && mark.contains(READING_GROUP),
            "{b}"
        );
    }
    assert!(
        texts(&projet)
            .iter()
            .any(|t| t.starts_with("La prochaine réunion")
                || t.starts_with("La date de la prochaine"))
    );

    let (_, semaine) = person.call("espace_page", &[("page", "semaine")]).await;
    let week = texts(&semaine);
    assert!(
        week.iter().any(|t| t.contains("Piscine avec le groupe")),
        "{week:?}"
    );
    assert!(
        week.iter()
            .any(|t| t.contains("un rendez-vous pour votre santé")),
        "nothing medical is named: {week:?}"
    );
    assert!(!week.iter().any(|t| t.contains("Dentiste")), "{week:?}");

    let (_, regards) = person.call("espace_page", &[("page", "regards")]).await;
    let seen = texts(&regards);
    assert_eq!(seen[0], "Qui a regardé mon dossier");
    assert!(
        seen.iter()
            .any(|t| t.starts_with(&format!("{staff_first}, ")) && t.ends_with(", a lu vos notes.")),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(|t| t == "Vous avez lu votre projet."),
        "{seen:?}"
    );
    assert!(seen.iter().any(|t| t == "Aujourd’hui"), "{seen:?}");
    for page in [&moi, &projet, &semaine, &regards] {
        no_date_in_digits(&texts(page));
    }

    // Each page read is traced as the person's read of its section.
    let traced: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT e.section, e.object_id FROM audit_event e JOIN account a ON a.id = e.account_id
         WHERE a.kind = 'usager' AND e.usager_id = $1 AND e.allowed ORDER BY e.id",
    )
    .bind(usager)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for (section, object) in [
        ("espace", "connexion/carte"),
        ("identite", "espace/moi"),
        ("projet", "espace/projet"),
        ("agenda", "espace/semaine"),
        ("audit", "espace/regards"),
    ] {
        assert!(
            traced
                .iter()
                .any(|(s, o)| s == section && o.as_deref() == Some(object)),
            "{section} {object} in {traced:?}"
        );
    }

    // "J'ai fini": the session ends; the next person sees nothing.
    let (status, _) = person.call("espace_fin", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = person.call("espace_page", &[("page", "moi")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_block_is_read_aloud_once_and_served_with_the_page_rights(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    let person = app.other_device();
    sign_in(&person, DEMO_CARD_TOKEN, DEMO_PINS[0]).await;
    let (_, projet) = person.call("espace_page", &[("page", "projet")]).await;
    let clips_before: i64 = sqlx::query_scalar("SELECT count(*) FROM audio_clip")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    for b in projet["blocks"].as_array().unwrap() {
        let url = app.url(&format!(
            "/mon-espace/ecouter/projet/{}.wav",
            b["key"].as_str().unwrap()
        ));
        let response = person.client.get(&url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "audio/wav");
        assert!(response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-store"));
        let wav = response.bytes().await.unwrap();
        assert!(
            wav.starts_with(b"RIFF") && wav.len() > 8000,
            "{} bytes",
            wav.len()
        );
    }
    let clips_after: i64 = sqlx::query_scalar("SELECT count(*) FROM audio_clip")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let blocks = projet["blocks"].as_array().unwrap().len() as i64;
    assert!(clips_after - clips_before <= blocks);
    // Asked again: from the cache, nothing new spoken.
    let url = app.url("/mon-espace/ecouter/projet/intro.wav");
    assert_eq!(
        person.client.get(&url).send().await.unwrap().status(),
        StatusCode::OK
    );
    let clips_again: i64 = sqlx::query_scalar("SELECT count(*) FROM audio_clip")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(clips_again, clips_after);

    // Nobody else gets the person's audio: another device, a staff member.
    let stranger = app.other_device();
    let response = stranger.client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let staff = app.other_device();
    staff.login("educateur").await;
    let response = staff.client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let unknown = person
        .client
        .get(app.url("/mon-espace/ecouter/projet/rien.wav"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_codes_forged_or_revoked_cards_and_closed_spaces_are_refused(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    let (usager, _) = card_holder(&app).await;
    let id = usager.to_string();
    let person = app.other_device();
    let (status, body) = sign_in(&person, DEMO_CARD_TOKEN, "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    for forged in ["forged-token-that-no-card-has", &"x".repeat(5000)] {
        let (status, body) = sign_in(&person, forged, DEMO_PINS[0]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body, json!("BadCredentials"));
    }
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        last = sign_in(&person, DEMO_CARD_TOKEN, "0000").await.0;
    }
    assert_eq!(
        last,
        StatusCode::TOO_MANY_REQUESTS,
        "throttled like passwords"
    );
    let (status, _) = sign_in(&person, DEMO_CARD_TOKEN, DEMO_PINS[0]).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right code, for a while"
    );
    sqlx::query("DELETE FROM login_failure")
        .execute(&app.pool)
        .await
        .unwrap();

    // A new card revokes the old one (printed by an éducateur of the
    // person's team: those who write the projet manage the space).
    let referent = manager_of(&app, &id).await;
    let staff = app.other_device();
    staff.login(&referent).await;
    let card = staff
        .client
        .post(app.url(&format!("/usagers/{id}/espace/carte.pdf")))
        .header("origin", app.url(""))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(card.status(), StatusCode::OK);
    assert_eq!(card.headers()["content-type"], "application/pdf");
    let pdf = card.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let (status, _) = sign_in(&person, DEMO_CARD_TOKEN, DEMO_PINS[0]).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the old card no longer works"
    );
    let valid: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM espace_card WHERE usager_id = $1 AND revoked_at IS NULL",
    )
    .bind(usager)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(valid, 1);

    // Through a "connexion accompagnée", then closed by staff: the
    // person's next request finds no session.
    let tablet = app.other_device();
    tablet.login(&referent).await;
    let (status, body) = tablet.call("espace_accompagner", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = tablet.call("espace_page", &[("page", "moi")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = tablet.call("mes_usagers", &[]).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the staff session was set aside"
    );
    let accompanied: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_event WHERE usager_id = $1 AND (object_id LIKE 'connexion/accompagnee/%'
           OR object_id = 'espace/connexion_accompagnee')",
    )
    .bind(usager)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(accompanied, 2, "both sides are traced");
    let (status, body) = staff
        .call("espace_fermer", &[("id", &id), ("reason", "")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = staff
        .call(
            "espace_fermer",
            &[
                ("id", &id),
                ("reason", "La personne ne souhaite plus l’utiliser"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = tablet.call("espace_page", &[("page", "moi")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, state) = staff.call("espace_etat", &[("id", &id)]).await;
    assert_eq!(state["open"], json!(false));
    assert!(state["status"]
        .as_str()
        .unwrap()
        .contains("ne souhaite plus"));

    // Reopened with a new code; an opposition in the consents closes it at once.
    let (status, body) = staff
        .call(
            "espace_ouvrir",
            &[
                ("id", &id),
                ("key", &Uuid::new_v4().to_string()),
                ("agreed_by", "usager"),
                ("pin", "12"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = staff
        .call(
            "espace_ouvrir",
            &[
                ("id", &id),
                ("key", &Uuid::new_v4().to_string()),
                ("agreed_by", "usager"),
                ("pin", "9876"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = staff.call("espace_accompagner", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let chef = app.other_device();
    chef.login("chef.service").await;
    let (status, body) = chef
        .call(
            "consentement",
            &[
                ("id", &id),
                ("scope", "espace_personnel"),
                ("decision", "opposition"),
                ("expressed_by", "usager"),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = staff.call("espace_page", &[("page", "moi")]).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the opposition applies to the next request"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_person_s_words_reach_the_referents_once(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    let (usager, first_name) = card_holder(&app).await;
    let person = app.other_device();
    sign_in(&person, DEMO_CARD_TOKEN, DEMO_PINS[0]).await;
    let key = Uuid::new_v4().to_string();
    let (status, body) = person
        .call("espace_dire", &[("key", &key), ("words", "   ")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["Invalid"]["field"], json!("words"));
    let long = "mot ".repeat(600);
    let (status, _) = person
        .call("espace_dire", &[("key", &key), ("words", &long)])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = [
        ("key", key.as_str()),
        ("inquiet", "oui"),
        ("parler", "oui"),
        ("words", "Je veux changer de chambre."),
    ];
    let (status, body) = person.call("espace_dire", &message).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = person.call("espace_dire", &message).await;
    assert_eq!(status, StatusCode::OK, "a resent form finds its message");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM transmission WHERE id = $1::uuid")
        .bind(&key)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);

    let referent: String = sqlx::query_scalar(
        "SELECT a.login FROM referent r JOIN account a ON a.id = r.account_id WHERE r.usager_id = $1 LIMIT 1",
    )
    .bind(usager)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let staff = app.other_device();
    staff.login(&referent).await;
    let (status, timeline) = staff
        .call(
            "transmissions",
            &[("id", &usager.to_string()), ("filter[category]", "")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = timeline.to_string();
    assert!(
        text.contains("Je suis inquiet.") && text.contains("Je veux changer de chambre."),
        "{text}"
    );
    assert!(text.contains(&first_name));
    assert!(
        text.contains("\"usager_words\":true"),
        "marked as the person's own words"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_person_s_session_reaches_no_staff_function_and_staff_reach_no_space_function(
    pool: sqlx::PgPool,
) {
    let app = spawn_app(pool).await;
    let (usager, _) = card_holder(&app).await;
    let other: Uuid = sqlx::query_scalar("SELECT id FROM usager WHERE id <> $1 LIMIT 1")
        .bind(usager)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let person = app.other_device();
    sign_in(&person, DEMO_CARD_TOKEN, DEMO_PINS[0]).await;
    let denied_before: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE NOT allowed")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let (mut calls, mut unexpected, mut untraced) = (0, Vec::new(), Vec::<String>::new());
    for (path, policy) in POLICIES {
        if matches!(policy, Policy::Public | Policy::SignedIn | Policy::Espace)
            || *path == "/api/document_depot"
            || *path == "/api/bdpm_import"
        {
            continue;
        }
        let endpoint = path.trim_start_matches("/api/");
        for target in [usager, other] {
            calls += 1;
            let (status, body) = match sample_json(path, target) {
                Some(body) => person.call_json(endpoint, &body).await,
                None => {
                    let mut args = vec![("id".to_string(), target.to_string())];
                    args.extend(sample_arguments(&app.pool, path, target).await);
                    args.extend(staff_list_arguments(path));
                    let args: Vec<(&str, &str)> =
                        args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    person.call(endpoint, &args).await
                }
            };
            if status != StatusCode::FORBIDDEN {
                unexpected.push(format!("{path} on {target}: HTTP {status} {body}"));
            }
            let denied: i64 =
                sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE NOT allowed")
                    .fetch_one(&app.pool)
                    .await
                    .unwrap();
            if denied != denied_before + calls as i64 - untraced.len() as i64 {
                untraced.push(format!("{path} on {target}"));
            }
        }
    }
    let denied_after: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE NOT allowed")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    println!(
        "person session: {calls} staff calls, unexpected: {}",
        unexpected.len()
    );
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
    assert!(untraced.is_empty(), "refused without a trace: {untraced:?}");
    assert_eq!(
        denied_after - denied_before,
        calls as i64,
        "each refusal is traced"
    );

    // Staff and family sessions reach no page of anyone's space.
    for login in ["educateur", "famille.moreau", "directeur"] {
        let device = app.other_device();
        device.login(login).await;
        for (endpoint, args) in [
            ("espace_page", vec![("page", "moi")]),
            (
                "espace_dire",
                vec![
                    ("key", "00000000-0000-4000-8000-000000000001"),
                    ("words", "x"),
                ],
            ),
            ("espace_fin", vec![]),
        ] {
            let (status, body) = device.call(endpoint, &args).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{login} {endpoint}: {body}");
        }
        let audio = device
            .client
            .get(app.url("/mon-espace/ecouter/moi/intro.wav"))
            .send()
            .await
            .unwrap();
        assert_eq!(audio.status(), StatusCode::FORBIDDEN, "{login}");
    }
    let espace_denied: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_event WHERE NOT allowed AND section = 'espace'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(espace_denied, 12);
}

/// A demo professional who may manage this person's space.
async fn manager_of(app: &TestApp, id: &str) -> String {
    for login in [
        "educateur",
        "psychologue",
        "educateur.fam",
        "chef.service",
        "chef.service.fam",
    ] {
        let device = app.other_device();
        device.login(login).await;
        let (status, state) = device.call("espace_etat", &[("id", id)]).await;
        if status == StatusCode::OK && state["may_manage"] == json!(true) {
            return login.to_string();
        }
    }
    panic!("nobody manages the space of {id}");
}

/// Arguments of the staff-wide functions that take some.
fn staff_list_arguments(path: &str) -> Vec<(String, String)> {
    let pairs: Vec<(&str, &str)> = match path {
        "/api/distribution" | "/api/distribution_cloturer" => {
            vec![
                ("unit", "00000000-0000-4000-8000-000000000001"),
                ("slot", "matin"),
                ("day", "2026-12-07"),
            ]
        }
        "/api/cahier_de_liaison" => vec![("date", "2026-12-07")],
        "/api/agenda_unite" => vec![("week_of", "2026-12-07")],
        "/api/medicaments" => vec![("q", "doliprane")],
        "/api/medicament_code" => vec![("code", "3400930000000")],
        "/api/bris_de_glace" => vec![("reason", "Urgence : hospitalisation de la personne")],
        "/api/bris_de_glace_examen" => vec![("comment", "Vu")],
        "/api/tracabilite" => vec![
            ("filter[usager]", ""),
            ("filter[staff]", ""),
            ("filter[from]", "2026-12-01"),
            ("filter[to]", "2026-12-07"),
            ("filter[denied_only]", "false"),
            ("filter[break_glass_only]", "false"),
        ],
        "/api/droits_profession" => vec![
            ("profession", "educateur"),
            ("identite", "R"),
            ("projet", "W"),
            ("transmissions", "W"),
            ("agenda", "W"),
            ("documents", "R"),
            ("travail", "R"),
            ("soins", "W"),
            ("medical", "N"),
            ("audit", "N"),
        ],
        _ => vec![],
    };
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
