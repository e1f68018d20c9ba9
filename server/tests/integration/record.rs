//! The shared record: identity (INS) rules, the administrative file,
//! accompaniments, transmissions and their versions, agenda, documents and
//! work, against PostgreSQL through the real HTTP server.

use crate::helpers::{spawn_app, usager_named, TestApp};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

/// The identity form of the usager as stored, with `changes` applied.
async fn identity_form(app: &TestApp, id: Uuid, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let (status, v) = app.call("identite", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    let mut form = vec![
        ("id".to_string(), id.to_string()),
        ("version".to_string(), v["version"].to_string()),
        ("form[birth_last_name]".into(), s("birth_last_name")),
        ("form[birth_first_names]".into(), s("birth_first_names")),
        ("form[used_last_name]".into(), s("used_last_name")),
        ("form[used_first_name]".into(), s("used_first_name")),
        ("form[birth_date]".into(), s("birth_date")),
        ("form[sex]".into(), s("sex")),
        ("form[birthplace_insee]".into(), s("birthplace_insee")),
        ("form[status]".into(), s("status").to_uppercase()),
        ("form[matricule]".into(), s("matricule")),
        ("form[oid]".into(), s("oid")),
        ("form[address]".into(), s("address")),
        ("form[phone]".into(), s("phone")),
        ("form[reason]".into(), String::new()),
    ];
    for (k, val) in changes {
        let key = format!("form[{k}]");
        match form.iter_mut().find(|(f, _)| *f == key || f == k) {
            Some(entry) => entry.1 = val.to_string(),
            None => form.push((key, val.to_string())),
        }
    }
    form
}

async fn save_identity(app: &TestApp, form: &[(String, String)]) -> (StatusCode, Value) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call("identite_modifier", &pairs).await
}

/// A demo usager with this trust status, inside the educateur's perimeter.
async fn usager_with_status(app: &TestApp, status: &str) -> Uuid {
    sqlx::query_scalar(
        "SELECT id FROM usager WHERE identity_status = $1 AND used_first_name IN
           ('Lucas','Emma','Hugo','Léa','Nathan','Chloé','Théo') ORDER BY used_first_name LIMIT 1",
    )
    .bind(status)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

fn reason(v: &Value) -> String {
    v["Invalid"]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_matricule_leaves_the_server_only_for_a_qualified_identity(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let qual = usager_with_status(&app, "QUAL").await;
    let prov = usager_with_status(&app, "PROV").await;
    let (_, q) = app.call("identite", &[("id", &qual.to_string())]).await;
    assert_eq!(q["status"], "Qual");
    assert_eq!(q["matricule"].as_str().map(str::len), Some(15));
    sqlx::query("UPDATE usager SET ins_matricule = '188037512345655' WHERE id = $1")
        .bind(prov)
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, p) = app.call("identite", &[("id", &prov.to_string())]).await;
    assert_eq!(p["status"], "Prov");
    assert!(p["matricule"].is_null(), "{p}");
    assert!(!p.to_string().contains("188037512345655"));
}

#[sqlx::test(migrations = "../migrations")]
async fn identity_edits_follow_the_rniv_rules(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    app.login("chef.service").await;
    let prov = usager_with_status(&app, "PROV").await;
    let qual = usager_with_status(&app, "QUAL").await;

    // Invalid NIR key.
    let form = identity_form(&app, prov, &[("matricule", "188037512345600")]).await;
    let (status, v) = save_identity(&app, &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reason(&v).contains("clé"), "{v}");
    // Birth date in the future.
    let form = identity_form(&app, prov, &[("birth_date", "2099-01-01")]).await;
    let (status, v) = save_identity(&app, &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reason(&v).contains("futur"), "{v}");
    // QUAL without a matricule.
    let form = identity_form(&app, prov, &[("status", "QUAL"), ("matricule", "")]).await;
    let (status, v) = save_identity(&app, &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reason(&v).contains("matricule"), "{v}");
    // DOUT only with PROV.
    let form = identity_form(&app, qual, &[("doubtful", "true")]).await;
    let (status, _) = save_identity(&app, &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Traits are normalised; HTML in a free field is kept as text.
    let form = identity_form(
        &app,
        prov,
        &[
            ("birth_last_name", "lefèvre-d’arcy"),
            ("address", "<script>alert(1)</script>"),
        ],
    )
    .await;
    let (status, v) = save_identity(&app, &form).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["birth_last_name"], "LEFEVRE-D'ARCY");
    assert_eq!(v["address"], "<script>alert(1)</script>");
    let page = app
        .client
        .get(app.url(&format!("/usagers/{prov}/identite")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("&lt;script&gt;alert(1)"),
        "the address is on the identity page"
    );
    assert!(!page.contains("<script>alert(1)"), "rendered escaped");

    // A strict trait of a qualified identity changes: a reason is required,
    // then the identity is demoted and the change recorded.
    let form = identity_form(&app, qual, &[("birth_first_names", "JEAN PAUL")]).await;
    let (status, v) = save_identity(&app, &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reason(&v).contains("motif"), "{v}");
    let form = identity_form(
        &app,
        qual,
        &[
            ("birth_first_names", "JEAN PAUL"),
            ("reason", "Erreur de saisie du prénom corrigée"),
        ],
    )
    .await;
    let (status, v) = save_identity(&app, &form).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "Vali");
    assert!(v["matricule"].is_null());
    assert!(
        v["history"][0].as_str().unwrap().contains("QUAL → VALI"),
        "{v}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_identity_edits_do_not_overwrite_each_other(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    app.login("chef.service").await;
    let other = app.other_device();
    other.login("assistant.social").await;
    let id = usager_with_status(&app, "VALI").await;
    let first = identity_form(&app, id, &[("phone", "01 00 00 00 01")]).await;
    let second = identity_form(&other, id, &[("phone", "01 00 00 00 02")]).await;
    let (status, _) = save_identity(&app, &first).await;
    assert_eq!(status, StatusCode::OK);
    let (status, v) = save_identity(&other, &second).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let current = v["Stale"]["current_version"].as_i64().unwrap();
    let (_, now) = app.call("identite", &[("id", &id.to_string())]).await;
    assert_eq!(now["version"].as_i64(), Some(current));
    assert_eq!(now["phone"], "01 00 00 00 01");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_accompaniment_cannot_end_before_it_starts_and_its_end_closes_the_team_access(
    pool: sqlx::PgPool,
) {
    let app = spawn_app(pool).await;
    app.login("chef.service").await;
    let lucas = usager_named(&app.pool, "Lucas").await;
    let (status, file) = app
        .call("dossier_administratif", &[("id", &lucas.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{file}");
    assert!(!file["contacts"].as_array().unwrap().is_empty());
    let foyer = file["accompagnements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["etablissement"] == "Foyer Les Glycines" && a["current"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, v) = app
        .call(
            "accompagnement_terminer",
            &[
                ("id", &lucas.to_string()),
                ("accompagnement_id", &foyer),
                ("end_date", "1990-01-01"),
                ("exit_mode", "reorientation"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reason(&v).contains("avant"), "{v}");

    let educateur = app.other_device();
    educateur.login("educateur").await;
    let (status, _) = educateur
        .call("usager", &[("id", &lucas.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK);
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1))
        .date_naive()
        .to_string();
    let (status, v) = app
        .call(
            "accompagnement_terminer",
            &[
                ("id", &lucas.to_string()),
                ("accompagnement_id", &foyer),
                ("end_date", &yesterday),
                ("exit_mode", "reorientation"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (status, _) = educateur
        .call("usager", &[("id", &lucas.to_string())])
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the Foyer's team no longer sees him"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_referent_is_chosen_among_the_team_and_one_medecin_traitant_at_a_time(
    pool: sqlx::PgPool,
) {
    let app = spawn_app(pool).await;
    app.login("chef.service").await;
    let lucas = usager_named(&app.pool, "Lucas").await.to_string();
    let (_, file) = app.call("dossier_administratif", &[("id", &lucas)]).await;
    let candidates = file["referent_candidates"].as_array().unwrap();
    let moniteur = candidates
        .iter()
        .find(|c| {
            c["label"]
                .as_str()
                .unwrap()
                .starts_with("Camille Martin — Foyer")
        })
        .unwrap();
    let code = format!(
        "{}/{}",
        moniteur["etablissement_id"].as_str().unwrap(),
        moniteur["account_id"].as_str().unwrap()
    );
    let (status, _) = app
        .call("referent_designer", &[("id", &lucas), ("candidate", &code)])
        .await;
    assert_eq!(status, StatusCode::OK);
    // Someone of another établissement cannot be chosen.
    let fam: String = sqlx::query_scalar(
        "SELECT s.etablissement_id::text || '/' || a.id::text FROM account a
         JOIN staff_assignment s ON s.account_id = a.id WHERE a.login = 'educateur.fam' LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (status, _) = app
        .call("referent_designer", &[("id", &lucas), ("candidate", &fam)])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, _) = app
        .call(
            "professionnel_ajouter",
            &[
                ("id", &lucas),
                ("form[role]", "Médecin généraliste"),
                ("form[name]", "Dr Hélène Roy"),
                ("form[medecin_traitant]", "true"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, file) = app.call("dossier_administratif", &[("id", &lucas)]).await;
    let doctors: Vec<&Value> = file["professionals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["medecin_traitant"] == true)
        .collect();
    assert_eq!(doctors.len(), 1);
    assert_eq!(doctors[0]["name"], "Dr Hélène Roy");
}

fn note(id: Uuid, usager: Uuid, body: &str) -> Vec<(String, String)> {
    vec![
        ("id".into(), usager.to_string()),
        ("input[id]".into(), id.to_string()),
        ("input[category]".into(), "vie_quotidienne".into()),
        ("input[body]".into(), body.into()),
        ("input[important]".into(), "true".into()),
    ]
}

async fn post(app: &TestApp, endpoint: &str, form: &[(String, String)]) -> (StatusCode, Value) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(endpoint, &pairs).await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_transmission_is_written_once_whatever_the_retries(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await;
    let key = Uuid::new_v4();
    let form = note(key, lucas, "Lucas a bien dormi. <b>gras</b>");
    let (a, b) = tokio::join!(
        post(&app, "transmission", &form),
        post(&app, "transmission", &form)
    );
    assert_eq!((a.0, b.0), (StatusCode::OK, StatusCode::OK), "{a:?} {b:?}");
    let (c, _) = post(&app, "transmission", &form).await;
    assert_eq!(c, StatusCode::OK);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM transmission WHERE id = $1")
        .bind(key)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
    let versions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM transmission_version WHERE transmission_id = $1")
            .bind(key)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(versions, 1);
    // Stored as typed.
    assert_eq!(a.1["body"], "Lucas a bien dormi. <b>gras</b>");

    // Someone else reusing the key gets a conflict, not the note.
    let other = app.other_device();
    other.login("moniteur.educateur").await;
    let emma = usager_named(&app.pool, "Emma").await;
    let _ = emma;
    let (status, _) = post(
        &app,
        "transmission",
        &note(key, usager_named(&app.pool, "Hugo").await, "x"),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Too long, empty, unknown category.
    let long = "a".repeat(100_000);
    let (status, v) = post(&app, "transmission", &note(Uuid::new_v4(), lucas, &long)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reason(&v).contains("100000"), "{v}");
    let (status, _) = post(&app, "transmission", &note(Uuid::new_v4(), lucas, "   ")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut bad = note(Uuid::new_v4(), lucas, "ok");
    bad[2].1 = "astrologie".into();
    let (status, _) = post(&app, "transmission", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_correction_is_a_new_version_and_the_old_one_stays_readable(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await;
    let key = Uuid::new_v4();
    let (status, _) = post(&app, "transmission", &note(key, lucas, "Première version")).await;
    assert_eq!(status, StatusCode::OK);
    let correction = |version: &str, request: Uuid, body: &str| {
        vec![
            ("id".to_string(), lucas.to_string()),
            ("transmission_id".into(), key.to_string()),
            ("version".into(), version.to_string()),
            ("request_key".into(), request.to_string()),
            ("input[id]".into(), key.to_string()),
            ("input[category]".into(), "soin".into()),
            ("input[body]".into(), body.to_string()),
            ("reason".into(), "Catégorie erronée".into()),
        ]
    };
    let request = Uuid::new_v4();
    let (status, v) = post(
        &app,
        "transmission_corriger",
        &correction("1", request, "Deuxième version"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 2);
    // The same correction retried is not applied twice.
    let (status, v) = post(
        &app,
        "transmission_corriger",
        &correction("1", request, "Deuxième version"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 2);
    // A correction based on an old version is refused with the current one.
    let (status, v) = post(
        &app,
        "transmission_corriger",
        &correction("1", Uuid::new_v4(), "Autre"),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(v["Stale"]["current_version"], 2);

    let (status, h) = app
        .call(
            "transmission_historique",
            &[
                ("id", &lucas.to_string()),
                ("transmission_id", &key.to_string()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let bodies: Vec<&str> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["Deuxième version", "Première version"]);
    assert_eq!(h[0]["correction_reason"], "Catégorie erronée");

    // The timeline shows the current version, filters apply.
    let (_, t) = app
        .call(
            "transmissions",
            &[
                ("id", &lucas.to_string()),
                ("filter[category]", "soin"),
                ("filter[important_only]", "false"),
            ],
        )
        .await;
    let notes = t["notes"].as_array().unwrap();
    assert!(notes
        .iter()
        .any(|n| n["id"] == key.to_string() && n["corrected"].is_string()));
    assert!(notes.iter().all(|n| n["category"] == "Soin"));
    let (status, _) = app
        .call(
            "transmissions",
            &[
                ("id", &lucas.to_string()),
                ("filter[from]", "2026-12-01"),
                ("filter[to]", "2026-01-01"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_cahier_de_liaison_shows_the_day_of_the_callers_units_only(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await;
    let key = Uuid::new_v4();
    post(
        &app,
        "transmission",
        &note(key, lucas, "Pour l’équipe du soir"),
    )
    .await;
    let (status, c) = app.call("cahier_de_liaison", &[("date", "")]).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert!(c["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["id"] == key.to_string()));
    // Another unit's educator does not see it.
    let fam = app.other_device();
    fam.login("educateur.fam").await;
    let (_, c) = fam.call("cahier_de_liaison", &[("date", "")]).await;
    assert!(!c["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["id"] == key.to_string()));
    // Every usager shown is traced.
    let traced: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_event WHERE object_id = 'cahier_de_liaison' AND usager_id = $1",
    )
    .bind(lucas)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(traced >= 1);
    // A secretary has no transmissions: refused.
    let sec = app.other_device();
    sec.login("secretaire").await;
    let (status, _) = sec.call("cahier_de_liaison", &[("date", "")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn upload(app: &TestApp, usager: Uuid, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    upload_as(app, usager, "compte_rendu", name, bytes).await
}

async fn upload_as(
    app: &TestApp,
    usager: Uuid,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let form = reqwest::multipart::Form::new()
        .text("id", usager.to_string())
        .text("kind", kind.to_string())
        .text("title", "Compte rendu de consultation")
        .text("valid_until", "")
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    let response = app
        .client
        .post(app.url("/api/document_depot"))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn documents_round_trip_byte_for_byte_and_bad_files_are_refused(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    app.login("chef.service").await;
    let lucas = usager_named(&app.pool, "Lucas").await;
    let pdf = server::demo_record::PDFS[1].2.to_vec();
    let (status, v) = upload(&app, lucas, "compte-rendu é.pdf", pdf.clone()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let id = v.as_str().unwrap().to_string();
    let response = app
        .client
        .get(app.url(&format!("/documents/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    assert_eq!(response.bytes().await.unwrap().to_vec(), pdf);
    let traced: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE object_id = $1")
        .bind(&id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(traced, 2, "the upload and the download");

    // An executable renamed .pdf.
    let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
    elf.extend(std::iter::repeat_n(0u8, 4096));
    let (status, v) = upload(&app, lucas, "ordonnance.pdf", elf).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reason(&v).contains("ni un PDF"), "{v}");
    // Over the size limit.
    let mut big = pdf.clone();
    big.resize(app::document::MAX_BYTES + 1, b' ');
    let (status, v) = upload(&app, lucas, "gros.pdf", big).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reason(&v).contains("taille maximale"), "{v}");
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM document WHERE usager_id = $1 AND kind = 'compte_rendu'",
    )
    .bind(lucas)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored, 1, "nothing half-written");

    // One envoi, one person: an `id` after the authorized file is refused.
    let emma = usager_named(&app.pool, "Emma").await;
    let form = reqwest::multipart::Form::new()
        .text("id", lucas.to_string())
        .text("kind", "compte_rendu")
        .text("title", "Deux personnes")
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf.clone()).file_name("a.pdf"),
        )
        .text("id", emma.to_string());
    let response = app
        .client
        .post(app.url("/api/document_depot"))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Outside the perimeter: refused and traced, for upload and download.
    let fam = app.other_device();
    fam.login("educateur.fam").await;
    let response = fam
        .client
        .get(fam.url(&format!("/documents/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("Accès refusé"));
    let (status, _) = upload(&fam, lucas, "x.pdf", pdf.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let denied: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_event e JOIN account a ON a.id = e.account_id
         WHERE a.login = 'educateur.fam' AND e.usager_id = $1 AND e.section = 'documents' AND NOT e.allowed",
    )
    .bind(lucas)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(denied, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_identity_photo_shows_on_the_record_for_those_who_read_the_identity(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    app.login("chef.service").await;
    let lucas = usager_named(&app.pool, "Lucas").await;
    // A 1×1 PNG.
    let png = hex::decode(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000\
         1f15c4890000000d49444154789c63f8cfc0f01f0005000201a0d1e3a10000000049454e44ae426082",
    )
    .unwrap();
    let (status, v) = upload_as(&app, lucas, "photo_identite", "photo.png", png).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, record) = app.call("usager", &[("id", &lucas.to_string())]).await;
    assert_eq!(record["photo"], v);
    // The photo identifies the person at each care and dose: whoever reads
    // the identity sees it (a moniteur d'atelier does not read documents),
    // and it is served with that read, traced.
    let photo = v.as_str().unwrap().to_string();
    let atelier = app.other_device();
    atelier.login("moniteur.atelier").await;
    let (status, record) = atelier.call("usager", &[("id", &lucas.to_string())]).await;
    if status == StatusCode::OK {
        assert_eq!(record["photo"], photo.as_str());
        let served = atelier
            .client
            .get(atelier.url(&format!("/documents/{photo}")))
            .send()
            .await
            .unwrap();
        assert_eq!(served.status(), StatusCode::OK);
    }
    // Other documents stay with Documents.
    let (status, docs) = atelier
        .call("documents", &[("id", &lucas.to_string())])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{docs}");
}

#[sqlx::test(migrations = "../migrations")]
async fn expiring_documents_are_listed_for_the_perimeter(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    app.login("chef.service").await;
    let (status, list) = app.call("documents_echeances", &[]).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let list = list.as_array().unwrap();
    assert!(!list.is_empty());
    assert!(list.iter().all(|d| d["expiring"] == true));
}

#[sqlx::test(migrations = "../migrations")]
async fn agenda_events_and_absences(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await.to_string();
    let event = |serafin: &str, end: &str| {
        vec![
            ("id".to_string(), lucas.clone()),
            ("form[id]".into(), Uuid::new_v4().to_string()),
            ("form[kind]".into(), "rendez_vous_medical".into()),
            ("form[title]".into(), "Dentiste".into()),
            ("form[date]".into(), "2026-11-25".into()),
            ("form[start]".into(), "10:00".into()),
            ("form[end]".into(), end.to_string()),
            ("form[serafin_code]".into(), serafin.to_string()),
        ]
    };
    let (status, v) = post(&app, "agenda_ajouter", &event("2.1.1.1", "11:00")).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (status, v) = post(&app, "agenda_ajouter", &event("9.9.9", "11:00")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reason(&v).contains("SERAFIN"), "{v}");
    let (status, _) = post(&app, "agenda_ajouter", &event("", "09:00")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, week) = app
        .call("agenda", &[("id", &lucas), ("week_of", "2026-11-25")])
        .await;
    let wednesday = &week["days"][2];
    assert!(wednesday["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["title"] == "Dentiste" && e["hours"] == "10:00 – 11:00"));

    let (status, _) = app
        .call(
            "absence",
            &[
                ("id", &lucas),
                ("form[reason]", "hospitalisation"),
                ("form[start_date]", "2026-11-20"),
                ("form[end_date]", "2026-11-19"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let today = chrono::Utc::now().date_naive().to_string();
    let (status, _) = app
        .call(
            "absence",
            &[
                ("id", &lucas),
                ("form[reason]", "hospitalisation"),
                ("form[start_date]", &today),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, week) = app.call("agenda", &[("id", &lucas), ("week_of", "")]).await;
    assert!(
        week["today_status"]
            .as_str()
            .unwrap()
            .contains("hospitalisation"),
        "{week}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_workshop_instructor_fills_the_work_sheet_without_seeing_care(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    app.login("moniteur.atelier").await;
    let (_, mine) = app.call("mes_usagers", &[]).await;
    let id = mine["usagers"][0]["id"].as_str().unwrap().to_string();
    let (status, t) = app.call("travail", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    let version = t["version"].to_string();
    let save = |version: &str| {
        vec![
            ("id".to_string(), id.clone()),
            ("version".into(), version.to_string()),
            ("form[atelier]".into(), "Espaces verts".into()),
            ("form[poste]".into(), "Taille de haies".into()),
            ("form[schedule]".into(), "Lundi–jeudi".into()),
            ("form[skills]".into(), "Autonome".into()),
            ("form[training]".into(), "".into()),
        ]
    };
    let (status, v) = post(&app, "travail_modifier", &save(&version)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (status, _) = post(&app, "travail_modifier", &save(&version)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let key = Uuid::new_v4().to_string();
    for _ in 0..2 {
        let (status, _) = app
            .call(
                "travail_observation",
                &[("id", &id), ("key", &key), ("body", "Très bonne semaine")],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (_, t) = app.call("travail", &[("id", &id)]).await;
    assert_eq!(
        t["observations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["body"] == "Très bonne semaine")
            .count(),
        1
    );
    // No documents section for this profession.
    let (status, _) = app.call("documents", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

// ---------------------------------------------------------------------------
// Care notes and corrections (the security review).

/// A note of `category` by the signed-in account.
async fn write_note(app: &TestApp, usager: Uuid, category: &str, body: &str) -> (StatusCode, Uuid) {
    let id = Uuid::new_v4();
    let mut form = note(id, usager, body);
    form[2].1 = category.to_string();
    (post(app, "transmission", &form).await.0, id)
}

/// A demo usager accompanied by the teams of both logins.
async fn shared_usager(app: &TestApp, a: &str, b: &str) -> Uuid {
    let of_b = server::demo::expected_usagers_of(b);
    let name = server::demo::expected_usagers_of(a)
        .into_iter()
        .find(|n| of_b.contains(n))
        .expect("a person both teams accompany");
    let first = name.split(' ').next().unwrap().to_string();
    usager_named(&app.pool, &first).await
}

#[sqlx::test(migrations = "../migrations")]
async fn care_notes_reach_only_the_professions_that_hold_soins(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let person = shared_usager(&app, "educateur", "moniteur.atelier").await;
    let (status, soin) = write_note(&app, person, "soin", "Pansement refait au talon").await;
    assert_eq!(status, StatusCode::OK);
    let (_, psy) = write_note(&app, person, "sante_psychique", "Angoisse le soir").await;
    let (_, daily) = write_note(&app, person, "educatif", "Atelier cuisine réussi").await;

    let atelier = app.other_device();
    atelier.login("moniteur.atelier").await;
    let pid = person.to_string();
    let (status, t) = atelier
        .call("transmissions", &[("id", &pid), ("filter[category]", "")])
        .await;
    assert_eq!(status, StatusCode::OK, "{t}");
    let ids: Vec<&str> = t["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&daily.to_string().as_str()));
    assert!(!ids.contains(&soin.to_string().as_str()) && !ids.contains(&psy.to_string().as_str()));
    assert!(t["notes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["category"] != "Soin" && n["category"] != "SantePsychique"));
    assert!(!t["categories"]
        .as_array()
        .unwrap()
        .contains(&Value::from("Soin")));
    // Asking for care notes, their history or writing one: refused, traced.
    let (status, _) = atelier
        .call(
            "transmissions",
            &[("id", &pid), ("filter[category]", "soin")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = atelier
        .call(
            "transmission_historique",
            &[("id", &pid), ("transmission_id", &soin.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = write_note(&atelier, person, "soin", "Essai").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = write_note(&atelier, person, "travail", "Bonne journée à l’atelier").await;
    assert_eq!(status, StatusCode::OK);
    let denied: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_event e JOIN account a ON a.id = e.account_id
         WHERE a.login = 'moniteur.atelier' AND e.section = 'soins' AND NOT e.allowed",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(denied, 3);
    // The cahier de liaison of the day leaves them out too.
    let (_, cahier) = atelier.call("cahier_de_liaison", &[("date", "")]).await;
    let bodies: Vec<&str> = cahier["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["body"].as_str().unwrap())
        .collect();
    assert!(bodies.contains(&"Bonne journée à l’atelier"), "{bodies:?}");
    assert!(!bodies.contains(&"Pansement refait au talon"), "{bodies:?}");

    // Those who hold Soins read them, and the read of Soins is traced.
    let (status, t) = app
        .call("transmissions", &[("id", &pid), ("filter[category]", "")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(t["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["id"] == soin.to_string()));
    let soins_reads: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_event e JOIN account a ON a.id = e.account_id
         WHERE a.login = 'educateur' AND e.section = 'soins' AND e.action = 'read' AND e.allowed",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(soins_reads >= 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_note_is_corrected_by_its_author_or_a_chef_de_service(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await;
    let (_, key) = write_note(&app, lucas, "educatif", "Texte de Camille").await;
    let correction = |version: &str, body: &str| {
        vec![
            ("id".to_string(), lucas.to_string()),
            ("transmission_id".into(), key.to_string()),
            ("version".into(), version.to_string()),
            ("request_key".into(), Uuid::new_v4().to_string()),
            ("input[id]".into(), key.to_string()),
            ("input[category]".into(), "educatif".into()),
            ("input[body]".into(), body.to_string()),
            ("reason".into(), "Précision".into()),
        ]
    };
    // Another writer of the same section may not replace Camille's text.
    let psy = app.other_device();
    psy.login("psychologue").await;
    let (status, _) = post(&psy, "transmission_corriger", &correction("1", "Réécrit")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let denied: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_event e JOIN account a ON a.id = e.account_id
         WHERE a.login = 'psychologue' AND e.object_id IS NULL AND NOT e.allowed AND e.action = 'write'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(denied, 1);
    // The chef de service may, with a reason; each version keeps its writer.
    let chef = app.other_device();
    chef.login("chef.service").await;
    let (status, v) = post(
        &chef,
        "transmission_corriger",
        &correction("1", "Corrigé par le chef"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["author"], "Camille Martin");
    assert!(
        v["corrected"]
            .as_str()
            .unwrap()
            .ends_with("par Olivier Garnier"),
        "{v}"
    );
    let (_, h) = app
        .call(
            "transmission_historique",
            &[
                ("id", &lucas.to_string()),
                ("transmission_id", &key.to_string()),
            ],
        )
        .await;
    let authors: Vec<&str> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["author"].as_str().unwrap())
        .collect();
    assert_eq!(authors, ["Olivier Garnier", "Camille Martin"]);
    // And the author still corrects their own note.
    let (status, v) = post(
        &app,
        "transmission_corriger",
        &correction("2", "Camille reprend"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    // The timeline tells the page who may correct.
    let (_, t) = psy
        .call(
            "transmissions",
            &[("id", &lucas.to_string()), ("filter[category]", "")],
        )
        .await;
    assert_eq!(t["corrector"]["any_author"], false);
    let (_, t) = chef
        .call(
            "transmissions",
            &[("id", &lucas.to_string()), ("filter[category]", "")],
        )
        .await;
    assert_eq!(t["corrector"]["any_author"], true);
}

// ---------------------------------------------------------------------------
// The record's overview and the timeline's pages (issue 12).

#[sqlx::test(migrations = "../migrations")]
async fn the_overview_shows_today_the_latest_important_notes_and_what_is_due_each_traced(
    pool: sqlx::PgPool,
) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await;
    // An important note and an ordinary one, the ordinary one last.
    let important = Uuid::new_v4();
    let (status, _) = post(
        &app,
        "transmission",
        &note(important, lucas, "Chute ce matin, vue par l’infirmière."),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut ordinary = note(Uuid::new_v4(), lucas, "Repas pris.");
    ordinary[4].1 = "false".into();
    assert_eq!(
        post(&app, "transmission", &ordinary).await.0,
        StatusCode::OK
    );

    let (status, o) = app
        .call("dossier_apercu", &[("id", &lucas.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{o}");
    let presence = o["today"]["presence"]
        .as_str()
        .expect("today for an agenda reader");
    assert!(presence.contains("aujourd’hui"), "{presence}");
    let notes = o["notes"]
        .as_array()
        .expect("notes for a transmissions reader");
    assert!(notes.len() <= app::record::LATEST_NOTES as usize);
    assert_eq!(
        notes[0]["id"],
        important.to_string(),
        "the latest important note first"
    );
    assert!(notes.iter().all(|n| n["important"] == true), "{notes:?}");
    assert!(o["due"].is_array());

    // One read per section shown, under the object "apercu".
    for section in ["identite", "agenda", "transmissions", "projet", "documents"] {
        let events = app.events(section).await;
        assert!(
            events
                .iter()
                .any(|(login, allowed, object)| login == "educateur"
                    && *allowed
                    && object.as_deref() == Some("apercu")),
            "{section}: {events:?}"
        );
    }

    // A workshop instructor reads neither the agenda nor the notes here:
    // the overview leaves them out, and traces no read of them.
    let atelier = app.other_device();
    atelier.login("moniteur.atelier").await;
    let (status, o) = atelier
        .call("dossier_apercu", &[("id", &lucas.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{o}");
    let sections: Vec<String> = sqlx::query_scalar(
        "SELECT section FROM audit_event e JOIN account a ON a.id = e.account_id
         WHERE a.login = 'moniteur.atelier' AND e.object_id = 'apercu' ORDER BY section",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        o["notes"].is_null(),
        !sections.contains(&"transmissions".to_string()),
        "{o} {sections:?}"
    );
    assert_eq!(
        o["today"].is_null(),
        !sections.contains(&"agenda".to_string()),
        "{o} {sections:?}"
    );
    assert!(!sections.contains(&"soins".to_string()), "{sections:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_timeline_sends_a_page_of_recent_notes_then_more_on_demand(pool: sqlx::PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await;
    for i in 0..(app::transmission::TIMELINE_PAGE + 5) {
        let form = note(Uuid::new_v4(), lucas, &format!("Note numéro {i}"));
        assert_eq!(post(&app, "transmission", &form).await.0, StatusCode::OK);
    }
    let id = lucas.to_string();
    let (status, t) = app
        .call("transmissions", &[("id", &id), ("filter[category]", "")])
        .await;
    assert_eq!(status, StatusCode::OK, "{t}");
    assert_eq!(
        t["notes"].as_array().unwrap().len() as i64,
        app::transmission::TIMELINE_PAGE
    );
    assert_eq!(t["truncated"], true);
    assert_eq!(
        t["notes"][0]["body"],
        format!("Note numéro {}", app::transmission::TIMELINE_PAGE + 4)
    );
    let (_, more) = app
        .call(
            "transmissions",
            &[
                ("id", &id),
                ("filter[category]", ""),
                ("filter[count]", "60"),
            ],
        )
        .await;
    assert!(more["notes"].as_array().unwrap().len() as i64 > app::transmission::TIMELINE_PAGE);
    assert_eq!(more["count"], 60);
    // Asking for more than the limit gets the limit, never everything.
    let (_, all) = app
        .call(
            "transmissions",
            &[
                ("id", &id),
                ("filter[category]", ""),
                ("filter[count]", "100000"),
            ],
        )
        .await;
    assert_eq!(all["count"], app::transmission::TIMELINE_LIMIT);
    // A count that is not a number is refused with a typed error, not a 500.
    let (status, _) = app
        .call(
            "transmissions",
            &[
                ("id", &id),
                ("filter[category]", ""),
                ("filter[count]", "beaucoup"),
            ],
        )
        .await;
    assert!(status.is_client_error(), "{status}");
}
