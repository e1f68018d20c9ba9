//! The projet personnalisé through HTTP against a real PostgreSQL: the
//! status machine, versions and avenants and their comparison, concurrent
//! writers, bad input, deadlines and indicators, completeness, template
//! changes, and the PDF.

use crate::helpers::{spawn_app, usager_named, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

async fn create(app: &TestApp, usager: Uuid) -> Uuid {
    let etablissement: Uuid = sqlx::query_scalar(
        "SELECT etablissement_id FROM accompagnement WHERE usager_id = $1 AND end_date IS NULL ORDER BY start_date LIMIT 1",
    )
    .bind(usager)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let key = Uuid::new_v4();
    let (status, body) = app
        .call(
            "projet_creer",
            &[
                ("id", &usager.to_string()),
                ("key", &key.to_string()),
                ("title", "Projet personnalisé 2027"),
                ("kind", "PPA"),
                ("starts_on", "2026-11-01"),
                ("etablissements[0]", &etablissement.to_string()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    key
}

struct Writer<'a> {
    app: &'a TestApp,
    usager: Uuid,
    projet: Uuid,
    session: Uuid,
}

impl Writer<'_> {
    async fn field(&self, key: &str, version: i32, value: &str) -> (StatusCode, Value) {
        self.app
            .call_json(
                "projet_champ",
                &json!({"id": self.usager, "projet": self.projet, "session": self.session,
                        "key": key, "version": version, "value": value}),
            )
            .await
    }

    async fn element(&self, element: Uuid, version: i32, content: Value) -> (StatusCode, Value) {
        self.app
            .call_json(
                "projet_element",
                &json!({"id": self.usager, "projet": self.projet, "session": self.session,
                        "element": element, "version": version, "content": content}),
            )
            .await
    }

    async fn header(&self, version: i32, next_review: &str) -> (StatusCode, Value) {
        self.app
            .call_json(
                "projet_entete",
                &json!({"id": self.usager, "projet": self.projet, "session": self.session, "version": version,
                        "form": {"title": "Projet personnalisé 2027", "kind": "PPA", "starts_on": "2026-11-01",
                                 "ends_on": "", "next_review": next_review}}),
            )
            .await
    }

    async fn call(&self, endpoint: &str, extra: &[(&str, &str)]) -> (StatusCode, Value) {
        let (u, p) = (self.usager.to_string(), self.projet.to_string());
        let mut args = vec![("id", u.as_str()), ("projet", p.as_str())];
        args.extend_from_slice(extra);
        self.app.call(endpoint, &args).await
    }

    async fn view(&self) -> Value {
        let (status, body) = self.call("projet", &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

fn objective(title: &str, referent: Option<Uuid>, avis: &str) -> Value {
    json!({"kind": "objectif", "title": title, "description": "", "starts_on": "", "ends_on": "",
           "expected": "Nager 25 mètres", "avis": avis, "referent_id": referent, "falc": "Je nage le mardi.",
           "pictogram": "loisirs"})
}

async fn account(pool: &PgPool, login: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM account WHERE login = $1")
        .bind(login)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A project filled enough to be validated.
async fn filled<'a>(app: &'a TestApp, usager: Uuid) -> (Writer<'a>, Uuid) {
    let projet = create(app, usager).await;
    let w = Writer {
        app,
        usager,
        projet,
        session: Uuid::new_v4(),
    };
    let me = account(&app.pool, "educateur").await;
    assert_eq!(
        w.field("evaluation", 0, "Synthèse de l’évaluation").await.0,
        StatusCode::OK
    );
    assert_eq!(
        w.field("modalites", 0, "Point mensuel").await.0,
        StatusCode::OK
    );
    let (s, b) = w
        .element(
            Uuid::new_v4(),
            0,
            json!({"kind": "attente", "origin": "usager", "text": "Je veux aller à la piscine", "said_by": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = w
        .element(
            Uuid::new_v4(),
            0,
            json!({"kind": "besoin", "code": "1.3.4.2", "description": "Bus", "analysis": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let goal = Uuid::new_v4();
    let (s, b) = w
        .element(goal, 0, objective("Nager", Some(me), "D’accord"))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = w.header(1, "2027-10-01").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    (w, goal)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_project_goes_from_draft_to_versions_and_avenants_and_ends(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await;
    let projet = create(&app, lucas).await;
    let w = Writer {
        app: &app,
        usager: lucas,
        projet,
        session: Uuid::new_v4(),
    };
    // Validating an empty draft is refused with the list of what is missing.
    let (status, body) = w.call("projet_valider", &[("reason", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing = body["Incomplete"]["missing"]
        .as_array()
        .expect("a list")
        .clone();
    assert!(missing.len() >= 4, "{body}");
    assert!(missing
        .iter()
        .any(|m| m.as_str().unwrap().contains("Synthèse de l’évaluation")));
    // A status cannot skip validation.
    let (status, _) = w
        .call("projet_statut", &[("status", "ENCOURS"), ("reason", "")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (w, goal) = filled(&app, lucas).await;
    let view = w.view().await;
    assert_eq!(view["status"], "ENPREPARATION");
    let (status, body) = w.call("projet_valider", &[("reason", "")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, 1);
    let view = w.view().await;
    assert_eq!(view["status"], "ENCOURS");
    assert_eq!(view["editing"], false);
    assert_eq!(view["versions"][0]["label"], "Version initiale");

    // The validated version does not change: an avenant must be opened.
    let (status, body) = w.field("evaluation", 1, "Autre synthèse").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body, json!("Frozen"));
    let me = account(&app.pool, "educateur").await;
    let (status, _) = w
        .element(goal, 1, objective("Nager 50 m", Some(me), "D’accord"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    assert_eq!(w.call("projet_avenant", &[]).await.0, StatusCode::OK);
    let (s, b) = w
        .element(goal, 1, objective("Nager 50 m", Some(me), "D’accord"))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let cook = Uuid::new_v4();
    let (s, b) = w
        .element(cook, 0, objective("Cuisiner", Some(me), ""))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // An avenant says why.
    let (status, _) = w.call("projet_valider", &[("reason", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = w
        .call("projet_valider", &[("reason", "Bilan à six mois")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, 2);

    let (status, diff) = w
        .call("projet_comparer", &[("from", "1"), ("to", "2")])
        .await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    let lines: Vec<String> = diff
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d["what"].as_str().unwrap(),
                d["name"].as_str().unwrap(),
                d["change"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        lines.contains(&"Objectif Nager 50 m modifié".to_string()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"Objectif Cuisiner ajouté".to_string()),
        "{lines:?}"
    );
    let details = diff[0]["details"].to_string();
    assert!(details.contains("titre : Nager → Nager 50 m"), "{details}");

    // ENCOURS ↔ ENPAUSE → TERMINE, each change kept with its author.
    for (to, ok) in [
        ("ENPAUSE", true),
        ("ENCOURS", true),
        ("TERMINE", true),
        ("ENCOURS", false),
    ] {
        let (status, body) = w
            .call("projet_statut", &[("status", to), ("reason", "Réunion")])
            .await;
        assert_eq!(status == StatusCode::OK, ok, "{to}: {body}");
    }
    let view = w.view().await;
    assert_eq!(view["status"], "TERMINE");
    let history: Vec<String> = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{} {}",
                h["change"].as_str().unwrap(),
                h["by"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        history[..3],
        [
            "En cours → Terminé Camille Martin",
            "En pause → En cours Camille Martin",
            "En cours → En pause Camille Martin",
        ]
    );
    assert!(
        history
            .iter()
            .any(|h| h.starts_with("En préparation → En cours")),
        "{history:?}"
    );
    assert_eq!(
        w.call("projet_avenant", &[]).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn two_writers_work_on_different_fields_and_collide_on_the_same_one(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let other = app.other_device();
    other.login("psychologue").await;
    let lucas = usager_named(&app.pool, "Lucas").await;
    let projet = create(&app, lucas).await;
    let a = Writer {
        app: &app,
        usager: lucas,
        projet,
        session: Uuid::new_v4(),
    };
    let b = Writer {
        app: &other,
        usager: lucas,
        projet,
        session: Uuid::new_v4(),
    };
    let (s1, s2) = tokio::join!(
        a.field("evaluation", 0, "Texte A"),
        b.field("modalites", 0, "Texte B")
    );
    assert_eq!((s1.0, s2.0), (StatusCode::OK, StatusCode::OK));
    // Same field: the second writer started from version 1 too.
    assert_eq!(
        a.field("evaluation", 1, "Texte A corrigé").await.0,
        StatusCode::OK
    );
    let (status, body) = b.field("evaluation", 1, "Texte B sur le même champ").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["Stale"]["current_version"], 2);
    let view = a.view().await;
    assert_eq!(view["fields"]["evaluation"]["value"], "Texte A corrigé");
    // A retried save of what is already there answers its version.
    let (status, body) = a.field("evaluation", 1, "Texte A corrigé").await;
    assert_eq!((status, body), (StatusCode::OK, json!(2)));
    // The time spent counts both sessions.
    let sessions: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM projet_session WHERE projet_id = $1 AND last_saved_at IS NOT NULL",
    )
    .bind(projet)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(sessions, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_is_refused_in_french_and_nothing_is_written(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await;
    let projet = create(&app, lucas).await;
    let w = Writer {
        app: &app,
        usager: lucas,
        projet,
        session: Uuid::new_v4(),
    };
    let (status, body) = w
        .element(
            Uuid::new_v4(),
            0,
            json!({"kind": "besoin", "code": "9.9.9", "description": "", "analysis": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["Invalid"]["reason"]
        .as_str()
        .unwrap()
        .contains("n’existe pas dans la nomenclature SERAFIN-PH"));
    let (status, body) = w
        .element(
            Uuid::new_v4(),
            0,
            json!({"kind": "prestation", "code": "2.9", "description": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = w
        .element(Uuid::new_v4(), 0, objective("  ", None, ""))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["Invalid"]["reason"],
        "Un objectif doit avoir un titre."
    );
    // A référent outside the person's team.
    let dpo = account(&app.pool, "admin").await;
    let (status, _) = w
        .element(Uuid::new_v4(), 0, objective("Nager", Some(dpo), ""))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // A review date before the start.
    let (status, body) = w.header(1, "2026-01-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["Invalid"]["reason"]
        .as_str()
        .unwrap()
        .contains("ne peut pas précéder le début"));
    let elements: i64 =
        sqlx::query_scalar("SELECT count(*) FROM projet_element WHERE projet_id = $1")
            .bind(projet)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(elements, 0);

    // A project for someone outside the perimeter: refused and traced.
    let outside: Uuid = sqlx::query_scalar(
        "SELECT a.usager_id FROM accompagnement a JOIN etablissement e ON e.id = a.etablissement_id
         WHERE e.name LIKE 'FAM%' AND a.end_date IS NULL AND a.start_date <= current_date LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (status, body) = app
        .call(
            "projet_creer",
            &[
                ("id", &outside.to_string()),
                ("key", &Uuid::new_v4().to_string()),
                ("title", "Projet"),
                ("kind", "PP"),
                ("starts_on", ""),
                ("etablissements[0]", &Uuid::new_v4().to_string()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let refused: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_event WHERE usager_id = $1 AND section = 'projet' AND NOT allowed",
    )
    .bind(outside)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(refused, 1);
    let (status, _) = app.call("projets", &[("id", &outside.to_string())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn deadlines_and_indicators_follow_the_projects(pool: PgPool) {
    let app = spawn_app(pool).await;
    let chef = app.other_device();
    chef.login("chef.service").await;
    let (status, before) = chef.call("projets_echeances", &[]).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    assert_eq!(before["leads"], true);
    let foyer = |v: &Value| {
        v["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == "Foyer Les Glycines")
            .unwrap()
            .clone()
    };
    let states: Vec<&str> = before["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"].as_str().unwrap())
        .collect();
    for s in ["sans_projet", "en_retard", "a_echeance"] {
        assert!(states.contains(&s), "the demo shows {s}: {states:?}");
    }
    // A person without a project in force gets one.
    let without: Uuid = before["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["state"] == "sans_projet" && d["etablissement"] == "Foyer Les Glycines")
        .map(|d| d["usager_id"].as_str().unwrap().parse().unwrap())
        .expect("someone without a project at the foyer");
    let writer = app.other_device();
    writer.login("chef.service").await;
    let (w, _) = filled_by(&writer, without).await;
    assert_eq!(
        w.call("projet_valider", &[("reason", "")]).await.0,
        StatusCode::OK
    );
    let (_, after) = chef.call("projets_echeances", &[]).await;
    let (b, a) = (foyer(&before), foyer(&after));
    assert_eq!(
        a["in_force"].as_i64().unwrap(),
        b["in_force"].as_i64().unwrap() + 1
    );
    assert_eq!(
        a["without"].as_i64().unwrap(),
        b["without"].as_i64().unwrap() - 1
    );
    assert!(a["average_completeness"].as_i64().unwrap() > 0);
    // A référent sees only their own deadlines, without indicators.
    app.login("educateur").await;
    let (status, mine) = app.call("projets_echeances", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine["leads"], false);
    assert!(mine["indicators"].as_array().unwrap().is_empty());
    assert!(mine["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["mine"] == true));
}

async fn filled_by(app: &TestApp, usager: Uuid) -> (Writer<'_>, Uuid) {
    let projet = create(app, usager).await;
    let w = Writer {
        app,
        usager,
        projet,
        session: Uuid::new_v4(),
    };
    let referent = account(&app.pool, "chef.service").await;
    assert_eq!(w.field("evaluation", 0, "Synthèse").await.0, StatusCode::OK);
    assert_eq!(
        w.field("modalites", 0, "Point mensuel").await.0,
        StatusCode::OK
    );
    w.element(
        Uuid::new_v4(),
        0,
        json!({"kind": "besoin", "code": "1.2.1.1", "description": "", "analysis": ""}),
    )
    .await;
    let goal = Uuid::new_v4();
    let (s, b) = w
        .element(goal, 0, objective("Se laver seul", Some(referent), "Oui"))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(w.header(1, "2027-06-01").await.0, StatusCode::OK);
    (w, goal)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_template_change_applies_to_new_projects_only(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await;
    let (old, _) = filled(&app, lucas).await;

    let admin = app.other_device();
    admin.login("admin").await;
    let (status, trame) = admin.call("trame", &[]).await;
    assert_eq!(status, StatusCode::OK, "{trame}");
    let mut sections = trame["sections"].clone();
    sections[0]["title"] = json!("Qui je suis");
    sections[0]["fields"][0]["required"] = json!(true);
    sections.as_array_mut().unwrap().swap(2, 3);
    sections.as_array_mut().unwrap().push(json!({"key": "", "title": "Vie affective", "guidance": "Avec l’accord de la personne.",
        "block": "libre", "fields": [{"key": "", "label": "Ce que la personne souhaite", "required": false, "guidance": ""}]}));
    let (status, body) = admin
        .call_json(
            "trame_modifier",
            &json!({"version": 1, "sections": sections}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, 2);
    // Saving from an old version is stale; removing a structural block is refused.
    let (status, _) = admin
        .call_json(
            "trame_modifier",
            &json!({"version": 1, "sections": sections}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let mut broken = sections.clone();
    broken.as_array_mut().unwrap().remove(1);
    let (status, _) = admin
        .call_json("trame_modifier", &json!({"version": 2, "sections": broken}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Only administrators.
    let (status, _) = app
        .call_json(
            "trame_modifier",
            &json!({"version": 2, "sections": sections}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The project begun before keeps its version and validates as before.
    let view = old.view().await;
    assert_eq!(view["trame"]["version"], 1);
    assert_eq!(
        old.call("projet_valider", &[("reason", "")]).await.0,
        StatusCode::OK
    );
    // A new one follows the new template: the newly required field is missing.
    let (new, _) = filled(&app, lucas).await;
    let view = new.view().await;
    assert_eq!(view["trame"]["version"], 2);
    assert_eq!(view["trame"]["sections"][0]["title"], "Qui je suis");
    assert_eq!(
        view["trame"]["sections"][4]["fields"][0]["key"],
        "ce_que_la_personne_souhaite"
    );
    let (status, body) = new.call("projet_valider", &[("reason", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["Incomplete"]["missing"],
        json!(["Le champ « Situation actuelle et parcours » (Qui je suis) est vide."])
    );
    assert!(view["completeness"]["percent"].as_i64().unwrap() < 100);
    assert_eq!(
        new.field("situation", 0, "Au foyer depuis 2019").await.0,
        StatusCode::OK
    );
    assert_eq!(
        new.call("projet_valider", &[("reason", "")]).await.0,
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_pdf_is_a_traced_a4_document_with_the_dmp_type_code(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("educateur").await;
    let lucas = usager_named(&app.pool, "Lucas").await;
    let (w, _) = filled(&app, lucas).await;
    for variant in ["projet.pdf", "facile-a-lire.pdf"] {
        let response = app
            .client
            .get(app.url(&format!("/projets/{}/{variant}", w.projet)))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        assert!(response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment"));
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("80788-3"),
            "the DMP type code is in the metadata"
        );
        assert!(text.contains("595.28") && text.contains("841.89"), "A4");
    }
    let reads: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_event WHERE usager_id = $1 AND section = 'projet' AND object_id = $2",
    )
    .bind(lucas)
    .bind(format!("{}/document", w.projet))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(reads, 2);
    // Outside the perimeter: refused.
    let other = app.other_device();
    other.login("aes").await;
    let response = other
        .client
        .get(other.url(&format!("/projets/{}/projet.pdf", w.projet)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
