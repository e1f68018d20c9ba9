//! The authorization matrix and the audit trail, against PostgreSQL.

use crate::helpers::spawn_app;
use app::access::policy::{Policy, POLICIES};
use app::access::server::{decide, readable_sections};
use app::access::{default_permission, may_hold_medical, organisation_wide_admin, Action, Section};
use app::auth::server::Principal;
use app::auth::AccountKind;
use app::organisation::Profession;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

#[test]
fn every_server_function_declares_a_policy() {
    let registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    assert!(!registered.is_empty());
    for path in &registered {
        assert!(
            POLICIES.iter().any(|(p, _)| p == path),
            "the server function {path} has no declared policy in app::access::policy::POLICIES"
        );
    }
    for (path, _) in POLICIES {
        assert!(
            registered.iter().any(|r| r == path),
            "{path} is declared but not registered"
        );
    }
}

/// The rule the product promises, stated from the declared matrix.
fn expected(
    p: Profession,
    section: Section,
    action: Action,
    in_perimeter: bool,
    break_glass: bool,
) -> Option<bool> {
    if section == Section::Medical && !may_hold_medical(p) {
        return None;
    }
    if !default_permission(p, section).allows(action) {
        return None;
    }
    if section == Section::Identite && organisation_wide_admin(p) || in_perimeter {
        return Some(false);
    }
    break_glass.then_some(true)
}

/// Well-formed arguments, besides `id`, of the record server functions
/// that take more. Fresh client keys on every call, so that one account's
/// write never collides with another's. Some are deliberately not valid for
/// every caller (an admission place, a note to correct): the check below is
/// about authorization, which runs before any validation, so an authorized
/// call may answer 404/409/422, a refused one always 403.
pub(crate) async fn sample_arguments(
    pool: &PgPool,
    path: &str,
    usager: Uuid,
) -> Vec<(String, String)> {
    let key = || Uuid::new_v4().to_string();
    let pairs: Vec<(&str, String)> = match path {
        "/api/consentement" => vec![
            ("scope", "famille".into()),
            ("decision", "consentement".into()),
            ("expressed_by", "usager".into()),
            ("comment", "".into()),
        ],
        "/api/identite_modifier" => {
            #[allow(clippy::type_complexity)]
            let r: (i32, String, String, String, String, chrono::NaiveDate, String, Option<String>, String, Option<String>) =
                sqlx::query_as(
                    "SELECT version, birth_last_name, birth_first_names, used_last_name, used_first_name, birth_date,
                            sex, birthplace_insee, identity_status, ins_matricule FROM usager WHERE id = $1",
                )
                .bind(usager)
                .fetch_one(pool)
                .await
                .unwrap();
            vec![
                ("version", r.0.to_string()),
                ("form[birth_last_name]", r.1),
                ("form[birth_first_names]", r.2),
                ("form[used_last_name]", r.3),
                ("form[used_first_name]", r.4),
                ("form[birth_date]", r.5.to_string()),
                ("form[sex]", r.6),
                ("form[birthplace_insee]", r.7.unwrap_or_default()),
                ("form[status]", r.8),
                ("form[matricule]", r.9.unwrap_or_default()),
                ("form[oid]", "".into()),
                ("form[address]", "".into()),
                ("form[phone]", "".into()),
            ]
        }
        "/api/contact_ajouter" => vec![
            ("form[role]", "famille".into()),
            ("form[last_name]", "Test".into()),
            ("form[first_name]", "Contact".into()),
            ("form[relationship]", "Cousin".into()),
            ("form[phone]", "0600000000".into()),
            ("form[email]", "".into()),
        ],
        "/api/professionnel_ajouter" => vec![
            ("form[role]", "Kinésithérapeute".into()),
            ("form[name]", "Julie Morel".into()),
        ],
        "/api/referent_designer" => vec![("candidate", key())],
        "/api/protection_ajouter" => vec![
            ("form[kind]", "curatelle".into()),
            ("form[mandataire]", "UDAF".into()),
            ("form[phone]", "".into()),
            ("form[start_date]", "2025-01-01".into()),
            ("form[end_date]", "".into()),
        ],
        "/api/accompagnement_admettre" => vec![
            ("place", key()),
            ("start_date", "2030-01-01".into()),
            ("entry_mode", "admission".into()),
        ],
        "/api/accompagnement_terminer" => vec![
            ("accompagnement_id", key()),
            ("end_date", "2030-01-01".into()),
            ("exit_mode", "autre".into()),
        ],
        "/api/transmission" => vec![
            ("input[id]", key()),
            ("input[category]", "educatif".into()),
            ("input[body]", "Note de test".into()),
        ],
        "/api/transmission_corriger" => vec![
            ("transmission_id", key()),
            ("version", "1".into()),
            ("request_key", key()),
            ("input[id]", key()),
            ("input[category]", "educatif".into()),
            ("input[body]", "Note de test".into()),
            ("reason", "Test".into()),
        ],
        "/api/transmission_historique" => vec![("transmission_id", key())],
        "/api/transmissions" => vec![("filter[category]", "".into())],
        "/api/agenda" => vec![("week_of", "".into())],
        "/api/agenda_ajouter" => vec![
            ("form[id]", key()),
            ("form[kind]", "activite".into()),
            ("form[title]", "Piscine".into()),
            ("form[date]", "2026-11-25".into()),
            ("form[start]", "10:00".into()),
            ("form[end]", "11:00".into()),
        ],
        "/api/absence" => vec![
            ("form[reason]", "vacances".into()),
            ("form[start_date]", "2030-01-01".into()),
        ],
        "/api/travail_modifier" => vec![
            ("version", "-1".into()),
            ("form[atelier]", "Atelier".into()),
            ("form[poste]", "".into()),
            ("form[schedule]", "".into()),
            ("form[skills]", "".into()),
            ("form[training]", "".into()),
        ],
        "/api/travail_observation" => vec![("key", key()), ("body", "Observation".into())],
        "/api/allergie_ajouter" => vec![
            ("input[id]", key()),
            ("input[substance]", "Latex".into()),
            ("input[kind]", "allergie".into()),
            ("input[severity]", "moderee".into()),
            ("input[certainty]", "suspectee".into()),
        ],
        "/api/allergie_terminer" => vec![
            ("allergy_id", key()),
            ("end", "refutee".into()),
            ("reason", "Test".into()),
        ],
        "/api/courbe" => vec![("field", "pulse".into()), ("days", "30".into())],
        "/api/liaison_ecrire" => vec![
            ("input[key]", key()),
            ("input[communication]", "Parle peu".into()),
            ("input[autonomy]", "".into()),
            ("input[comfort]", "".into()),
        ],
        "/api/mesures_saisir" => vec![("input[id]", key()), ("input[pulse]", "72".into())],
        "/api/alerte_acquitter" => vec![("alert_id", key()), ("action", "Test".into())],
        "/api/soin_planifier" => vec![
            ("input[id]", key()),
            ("input[label]", "Prise de tension".into()),
            ("input[rule]", "jours".into()),
            ("input[every]", "1".into()),
            ("input[times]", "08:00".into()),
        ],
        "/api/soin_arreter" => vec![("task_id", key()), ("reason", "Test".into())],
        "/api/soin_noter" => vec![
            ("input[id]", key()),
            ("input[task_id]", key()),
            ("input[due]", "2026-12-03T08:00".into()),
            ("input[done]", "true".into()),
        ],
        "/api/tournee" => vec![("shift", "".into()), ("day", "".into())],
        "/api/horaires_equipes_modifier" => vec![
            ("etablissement_id", key()),
            ("matin", "07:00".into()),
            ("apres_midi", "14:00".into()),
            ("nuit", "21:00".into()),
        ],
        "/api/medical_ajouter" => vec![
            ("input[id]", key()),
            ("input[kind]", "antecedent".into()),
            ("input[title]", "Appendicectomie".into()),
        ],
        "/api/medical_resoudre" => vec![("entry_id", key())],
        "/api/prise_noter" => vec![
            ("input[id]", key()),
            ("input[line_id]", key()),
            ("input[day]", "2026-01-05".into()),
            ("input[due]", "midi".into()),
            ("input[outcome]", "donne".into()),
            ("input[reason]", "".into()),
            ("input[comment]", "".into()),
        ],
        "/api/prises_tableau" => vec![("days", "7".into())],
        "/api/ligne_arreter" => vec![("line_id", key()), ("reason", "Test".into())],
        "/api/directives_anticipees" => vec![("status", "aucune".into()), ("location", "".into())],
        "/api/projet" | "/api/projet_falc" | "/api/projet_avenant" => vec![("projet", key())],
        "/api/projet_comparer" => vec![("projet", key()), ("from", "1".into()), ("to", "0".into())],
        "/api/projet_creer" => vec![
            ("key", key()),
            ("title", "Projet".into()),
            ("kind", "PP".into()),
            ("starts_on", "".into()),
            ("etablissements[0]", key()),
        ],
        "/api/projet_ouvrir" => vec![("projet", key()), ("session", key())],
        "/api/projet_element_statut" => vec![
            ("projet", key()),
            ("element", key()),
            ("status", "ACTIF".into()),
        ],
        "/api/projet_element_retirer" => vec![
            ("projet", key()),
            ("element", key()),
            ("version", "1".into()),
        ],
        "/api/projet_valider" => vec![("projet", key()), ("reason", "".into())],
        "/api/espace_ouvrir" => vec![
            ("key", key()),
            ("agreed_by", "usager".into()),
            ("pin", "4321".into()),
        ],
        "/api/espace_fermer" => vec![("reason", "Test".into())],
        "/api/falc_relu" => vec![
            ("hashes", "ab".repeat(32)),
            ("group", "Groupe de relecture".into()),
            ("on", "2026-01-05".into()),
        ],
        "/api/projet_statut" => vec![
            ("projet", key()),
            ("status", "ENPAUSE".into()),
            ("reason", "".into()),
        ],
        _ => vec![],
    };
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Arguments of the server functions whose input is JSON (with `id`).
pub(crate) fn sample_json(path: &str, usager: Uuid) -> Option<serde_json::Value> {
    use serde_json::json;
    let (projet, key) = (Uuid::new_v4(), Uuid::new_v4());
    Some(match path {
        "/api/projet_entete" => {
            json!({"id": usager, "projet": projet, "session": key, "version": 1,
            "form": {"title": "Projet", "kind": "PP", "starts_on": "", "ends_on": "", "next_review": ""}})
        }
        "/api/projet_champ" => {
            json!({"id": usager, "projet": projet, "session": key, "key": "evaluation",
            "version": 0, "value": "Texte"})
        }
        "/api/projet_element" => {
            json!({"id": usager, "projet": projet, "session": key, "element": key,
            "version": 0, "content": {"kind": "attente", "origin": "usager", "text": "Texte", "said_by": ""}})
        }
        "/api/projet_bilan" => {
            json!({"id": usager, "projet": projet, "key": key, "form": {"held_on": "2026-01-05",
            "synthesis": "Bilan", "invited": "", "preparation": "", "preparation_by": "", "next_review": "2026-06-01",
            "evaluations": []}})
        }
        "/api/projet_accord" => {
            json!({"id": usager, "projet": projet, "key": key, "form": {"party": "usager",
            "signatory": "Lucas", "signed_on": "2026-01-05", "valid_until": "", "document_id": null}})
        }
        "/api/prescription_ajouter" => {
            json!({"id": usager, "input": {"id": key, "prescriber": "Dr Test", "rpps": "",
            "prescribed_on": "2026-01-05", "document_id": null, "confirm_allergies": false,
            "lines": [sample_line()]}})
        }
        "/api/trame_modifier" => json!({"version": 1, "sections": []}),
        "/api/ligne_modifier" => {
            json!({"id": usager, "line_id": key, "line": sample_line(), "reason": "Test",
            "confirm_allergies": false})
        }
        _ => return None,
    })
}

/// A prescription line a nurse would type (paracetamol, morning and evening).
fn sample_line() -> serde_json::Value {
    serde_json::json!({"id": Uuid::new_v4(), "cis": "", "drug": "Préparation", "dose": "1", "unit": "sachet",
    "route": "orale", "slots": ["matin"], "times": "", "recurrence": "tous_les_jours", "weekdays": [],
    "every_n_days": "", "starts_on": "2026-01-05", "ends_on": "", "as_needed": false, "indication": "",
    "min_interval_hours": "", "max_per_day": "", "instructions": "", "aide_prise": true, "high_risk": false})
}

struct Account {
    id: Uuid,
    dpo: bool,
    login: String,
    kind: AccountKind,
    profession: Option<Profession>,
}

async fn accounts(pool: &PgPool) -> Vec<Account> {
    sqlx::query_as::<_, (Uuid, String, String, Option<String>, bool)>(
        // The people's own accounts sign in with a card, not a password:
        // their sessions are checked by `espace.rs`.
        "SELECT id, login, kind, profession, dpo FROM account WHERE kind <> 'usager' ORDER BY login",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .map(|(id, login, kind, profession, dpo)| Account {
        id,
        dpo,
        login,
        kind: if kind == "staff" {
            AccountKind::Staff
        } else {
            AccountKind::Family
        },
        profession: profession.as_deref().and_then(Profession::parse),
    })
    .collect()
}

async fn usagers_by_name(pool: &PgPool) -> Vec<(Uuid, String)> {
    sqlx::query_as::<_, (Uuid, String)>(
        "SELECT id, used_first_name || ' ' || upper(used_last_name) FROM usager",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_authorization_matrix_holds_for_every_case(pool: PgPool) {
    let app = spawn_app(pool).await;
    let org: Uuid = sqlx::query_scalar("SELECT id FROM organisation")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let usagers = usagers_by_name(&app.pool).await;
    let mut conn = app.pool.acquire().await.unwrap();
    let (mut cases, mut unexpected) = (0u32, Vec::new());

    for account in accounts(&app.pool).await {
        let principal = Principal {
            account_id: account.id,
            organisation_id: org,
            kind: account.kind,
            profession: account.profession,
            dpo: account.dpo,
        };
        let inside: Vec<String> = server::demo::expected_usagers_of(&account.login);
        let in_id = usagers
            .iter()
            .find(|(_, n)| inside.contains(n))
            .map(|(id, _)| *id);
        let out_ids: Vec<Uuid> = usagers
            .iter()
            .filter(|(_, n)| !inside.contains(n))
            .map(|(id, _)| *id)
            .collect();
        let (out_id, glass_id) = (out_ids[0], out_ids[1]);
        sqlx::query(
            "INSERT INTO break_glass (id, organisation_id, account_id, usager_id, reason, expires_at)
             VALUES ($1, $2, $3, $4, 'Hospitalisation en urgence, dossier nécessaire', now() + interval '4 hours')",
        )
        .bind(Uuid::new_v4())
        .bind(org)
        .bind(account.id)
        .bind(glass_id)
        .execute(&mut *conn)
        .await
        .unwrap();

        let situations = [
            (in_id, true, false),
            (Some(out_id), false, false),
            (Some(glass_id), false, true),
        ];
        for (usager, in_perimeter, break_glass) in situations {
            let Some(usager) = usager else { continue };
            // The record's band and overview ask all sections at once.
            let mut readable = Vec::new();
            for section in Section::ALL {
                if decide(&mut conn, &principal, usager, section, Action::Read)
                    .await
                    .unwrap()
                    .is_some()
                {
                    readable.push(section);
                }
            }
            cases += 1;
            let at_once = readable_sections(&mut conn, &principal, usager)
                .await
                .unwrap();
            if at_once != readable {
                unexpected.push(format!(
                    "{} readable_sections perimeter={in_perimeter} glass={break_glass}: got {at_once:?}, want {readable:?}",
                    account.login
                ));
            }
            for section in Section::ALL {
                for action in [Action::Read, Action::Write] {
                    cases += 1;
                    let got = decide(&mut conn, &principal, usager, section, action)
                        .await
                        .unwrap();
                    let want = match (account.kind, account.profession) {
                        (AccountKind::Staff, Some(_))
                            if account.dpo
                                && section == Section::Audit
                                && action == Action::Read =>
                        {
                            Some(false)
                        }
                        (AccountKind::Staff, Some(p)) => {
                            expected(p, section, action, in_perimeter, break_glass)
                        }
                        _ => None,
                    };
                    if got != want {
                        unexpected.push(format!(
                            "{} {section:?} {action:?} perimeter={in_perimeter} glass={break_glass}: got {got:?}, want {want:?}",
                            account.login
                        ));
                    }
                }
            }
        }

        // And through HTTP, every record server function for this account.
        let device = app.other_device();
        device.login(&account.login).await;
        for (path, policy) in POLICIES {
            let Policy::Record { section, action } = policy else {
                continue;
            };
            for (usager, in_perimeter, break_glass) in situations {
                let Some(usager) = usager else { continue };
                cases += 1;
                let endpoint = path.trim_start_matches("/api/");
                if *path == "/api/document_depot" {
                    // Multipart: covered by the documents tests.
                    continue;
                }
                let status = match sample_json(path, usager) {
                    Some(body) => device.call_json(endpoint, &body).await.0,
                    None => {
                        let mut args = vec![("id".to_string(), usager.to_string())];
                        args.extend(sample_arguments(&app.pool, path, usager).await);
                        let args: Vec<(&str, &str)> =
                            args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                        device.call(endpoint, &args).await.0
                    }
                };
                let want = match (account.kind, account.profession) {
                    (AccountKind::Staff, Some(_))
                        if account.dpo && *section == Section::Audit && *action == Action::Read =>
                    {
                        Some(false)
                    }
                    (AccountKind::Staff, Some(p)) => {
                        expected(p, *section, *action, in_perimeter, break_glass)
                    }
                    _ => None,
                };
                let allowed = matches!(
                    status,
                    StatusCode::OK
                        | StatusCode::NOT_FOUND
                        | StatusCode::CONFLICT
                        | StatusCode::UNPROCESSABLE_ENTITY
                );
                if allowed != want.is_some() || !(allowed || status == StatusCode::FORBIDDEN) {
                    unexpected.push(format!(
                        "{} {path} perimeter={in_perimeter} glass={break_glass}: HTTP {status}",
                        account.login
                    ));
                }
            }
        }
    }
    println!(
        "authorization cases checked: {cases}, unexpected: {}",
        unexpected.len()
    );
    assert!(cases > 1000, "{cases}");
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}

#[sqlx::test(migrations = "../migrations")]
async fn every_record_access_leaves_one_chained_event_and_the_chain_verifies(pool: PgPool) {
    let app = spawn_app(pool).await;
    let lucas = crate::helpers::usager_named(&app.pool, "Lucas").await;
    // The demo's own events (the people's spaces) come before.
    let before: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM audit_event")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let demo_events = before as u64;
    app.login("educateur").await;
    for _ in 0..3 {
        let (status, _) = app.call("usager", &[("id", &lucas.to_string())]).await;
        assert_eq!(status, StatusCode::OK);
    }
    let outsider = app.other_device();
    outsider.login("aes").await;
    let (status, _) = outsider.call("usager", &[("id", &lucas.to_string())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let rows: Vec<(bool, String, Option<String>)> = sqlx::query_as(
        "SELECT allowed, section, profession FROM audit_event WHERE usager_id = $1 AND id > $2 ORDER BY id",
    )
    .bind(lucas)
    .bind(before)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 4, "one event per access, not per statement");
    assert_eq!(rows.iter().filter(|r| r.0).count(), 3);
    assert_eq!(
        rows[3],
        (false, "identite".to_string(), Some("aes_amp".to_string()))
    );
    assert_eq!(
        server::audit::verify(&app.pool).await.unwrap(),
        server::audit::Verdict::Intact {
            events: demo_events + 4
        }
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_audit_trail_is_append_only_and_tampering_is_detected(pool: PgPool) {
    let app = spawn_app(pool).await;
    let lucas = crate::helpers::usager_named(&app.pool, "Lucas").await;
    app.login("educateur").await;
    for _ in 0..3 {
        app.call("usager", &[("id", &lucas.to_string())]).await;
    }
    let refused = sqlx::query("UPDATE audit_event SET allowed = false")
        .execute(&app.pool)
        .await;
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    let refused = sqlx::query("DELETE FROM audit_event")
        .execute(&app.pool)
        .await;
    assert!(refused.is_err());

    // Someone with the power to lift the guard edits the second event.
    let second: i64 = sqlx::query_scalar("SELECT id FROM audit_event ORDER BY id OFFSET 1 LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_event SET account_id = (SELECT id FROM account WHERE login = 'directeur') WHERE id = $1")
        .bind(second)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    match server::audit::verify(&app.pool).await.unwrap() {
        server::audit::Verdict::Broken { event_id, .. } => assert_eq!(event_id, second),
        intact => panic!("tampering not detected: {intact:?}"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn removing_the_last_events_is_detected(pool: PgPool) {
    let app = spawn_app(pool).await;
    let lucas = crate::helpers::usager_named(&app.pool, "Lucas").await;
    app.login("educateur").await;
    for _ in 0..2 {
        app.call("usager", &[("id", &lucas.to_string())]).await;
    }
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(matches!(
        server::audit::verify(&app.pool).await.unwrap(),
        server::audit::Verdict::Broken { .. }
    ));
}

/// The section a note's category carries decides, for every profession,
/// who reads it (timeline and history) and who writes it.
#[sqlx::test(migrations = "../migrations")]
async fn every_profession_reads_and_writes_the_note_categories_its_sections_allow(pool: PgPool) {
    use app::transmission::Category;
    let app = spawn_app(pool).await;
    let usagers = usagers_by_name(&app.pool).await;
    let (mut cases, mut unexpected) = (0u32, Vec::new());
    for account in accounts(&app.pool).await {
        let (AccountKind::Staff, Some(p)) = (account.kind, account.profession) else {
            continue;
        };
        let inside = server::demo::expected_usagers_of(&account.login);
        let Some(usager) = usagers
            .iter()
            .find(|(_, n)| inside.contains(n))
            .map(|(id, _)| *id)
        else {
            continue;
        };
        // One note of every category about that person, by someone else.
        let mut notes = Vec::new();
        for c in Category::ALL {
            let id = Uuid::new_v4();
            sqlx::query(
                "WITH t AS (
                     INSERT INTO transmission (id, organisation_id, usager_id, author_id, category, body)
                     SELECT $1, organisation_id, id, (SELECT id FROM account WHERE login = 'infirmier'), $3,
                            'Note de la matrice' FROM usager WHERE id = $2
                     RETURNING id, organisation_id, author_id, written_at, category, body)
                 INSERT INTO transmission_version (transmission_id, version, request_key, organisation_id,
                        author_id, written_at, category, body, important, shared_family)
                 SELECT id, 1, id, organisation_id, author_id, written_at, category, body, false, false FROM t",
            )
            .bind(id)
            .bind(usager)
            .bind(c.code())
            .execute(&app.pool)
            .await
            .unwrap();
            notes.push((c, id));
        }
        let device = app.other_device();
        device.login(&account.login).await;
        let uid = usager.to_string();
        let (status, timeline) = device
            .call("transmissions", &[("id", &uid), ("filter[category]", "")])
            .await;
        let shown: Vec<String> = if status == StatusCode::OK {
            timeline["notes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_string())
                .collect()
        } else {
            Vec::new()
        };
        let reads_notes = default_permission(p, Section::Transmissions).read;
        for (c, id) in notes {
            let readable = reads_notes && default_permission(p, c.section()).read;
            let writable = default_permission(p, c.section()).write;
            cases += 3;
            if shown.contains(&id.to_string()) != readable {
                unexpected.push(format!(
                    "{} reads {c:?} in the timeline: {}",
                    account.login, !readable
                ));
            }
            let (status, _) = device
                .call(
                    "transmission_historique",
                    &[("id", &uid), ("transmission_id", &id.to_string())],
                )
                .await;
            if (status == StatusCode::OK) != readable
                || !(status == StatusCode::OK || status == StatusCode::FORBIDDEN)
            {
                unexpected.push(format!("{} history of {c:?}: HTTP {status}", account.login));
            }
            let key = Uuid::new_v4().to_string();
            let (status, _) = device
                .call(
                    "transmission",
                    &[
                        ("id", &uid),
                        ("input[id]", &key),
                        ("input[category]", c.code()),
                        ("input[body]", "Écrite par la matrice"),
                    ],
                )
                .await;
            if (status == StatusCode::OK) != writable
                || !(status == StatusCode::OK || status == StatusCode::FORBIDDEN)
            {
                unexpected.push(format!("{} writes {c:?}: HTTP {status}", account.login));
            }
        }
    }
    println!(
        "note category cases checked: {cases}, unexpected: {}",
        unexpected.len()
    );
    assert!(cases >= 13 * 7 * 3 - 7 * 3 * 3, "{cases}");
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}

/// The rounds' list functions (care round, medication round and its
/// overview, closing a medication round), for every account: allowed by the
/// profession's soins right and on the caller's own units only; anything
/// else a 403 with a denied event in the trail.
#[sqlx::test(migrations = "../migrations")]
async fn the_round_functions_answer_every_account_as_its_rights_say(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (mut cases, mut unexpected) = (0u32, Vec::new());
    let denied = |pool: PgPool| async move {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM audit_event WHERE NOT allowed")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    for account in accounts(&app.pool).await {
        // The units the account works in, as the rounds list them.
        let units: Vec<Uuid> = sqlx::query_scalar(
            "SELECT un.id FROM current_assignment s
             JOIN unit un ON un.etablissement_id = s.etablissement_id AND assignment_covers(s.unit_id, un.id)
             WHERE s.account_id = $1 ORDER BY un.name",
        )
        .bind(account.id)
        .fetch_all(&app.pool)
        .await
        .unwrap();
        // A unit of someone else, or one that does not exist.
        let elsewhere: Uuid = sqlx::query_scalar("SELECT id FROM unit WHERE id <> ALL($1) LIMIT 1")
            .bind(&units)
            .fetch_optional(&app.pool)
            .await
            .unwrap()
            .unwrap_or_else(Uuid::new_v4);
        let may = |action: Action| {
            account.kind == AccountKind::Staff
                && account
                    .profession
                    .is_some_and(|p| default_permission(p, Section::Soins).allows(action))
        };
        let device = app.other_device();
        device.login(&account.login).await;
        let today = app::time::today_paris().to_string();
        let mine = units.first().copied().unwrap_or(elsewhere).to_string();
        let calls: Vec<(&str, Vec<(&str, String)>, bool)> = vec![
            (
                "tournee",
                vec![("shift", "".into()), ("day", "".into())],
                may(Action::Read) && !units.is_empty(),
            ),
            (
                "distribution",
                vec![("slot", "midi".into()), ("day", "".into())],
                may(Action::Read) && !units.is_empty(),
            ),
            (
                "distribution",
                vec![
                    ("unit", elsewhere.to_string()),
                    ("slot", "".into()),
                    ("day", "".into()),
                ],
                false,
            ),
            ("distribution_jour", vec![], may(Action::Read)),
            (
                "distribution_cloturer",
                vec![
                    ("unit", mine.clone()),
                    ("slot", "midi".into()),
                    ("day", today.clone()),
                ],
                may(Action::Write) && !units.is_empty(),
            ),
            (
                "distribution_cloturer",
                vec![
                    ("unit", elsewhere.to_string()),
                    ("slot", "midi".into()),
                    ("day", today.clone()),
                ],
                false,
            ),
        ];
        for (endpoint, args, want) in calls {
            cases += 1;
            let before = denied(app.pool.clone()).await;
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (status, answer) = device.call(endpoint, &args).await;
            let after = denied(app.pool.clone()).await;
            // Allowed: read, closed, or refused for doses without outcome.
            let allowed = matches!(status, StatusCode::OK | StatusCode::UNPROCESSABLE_ENTITY);
            let traced = status != StatusCode::FORBIDDEN || after == before + 1;
            if allowed != want || !(allowed || status == StatusCode::FORBIDDEN) || !traced {
                unexpected.push(format!(
                    "{} {endpoint} {args:?}: HTTP {status} {answer}, denied events +{}",
                    account.login,
                    after - before
                ));
            }
        }
    }
    println!("round functions checked: {cases}");
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}
