//! The drug reference (BDPM): import of the published files, all or
//! nothing per file, updated not duplicated; search and box look-up.

use crate::helpers::spawn_app;
use app::medication::bdpm::BdpmFile;
use app::medication::server::import::{import_file, ImportError};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}

fn names(answer: &Value) -> Vec<String> {
    answer["drugs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_sample_files_import_and_a_second_import_updates_without_duplicating(pool: PgPool) {
    let app = spawn_app(pool).await;
    // The demo loads the sample.
    assert_eq!(count(&app.pool, "bdpm_specialite").await, 22);
    let boxes = count(&app.pool, "bdpm_presentation").await;
    let substances = count(&app.pool, "bdpm_composition").await;
    server::bdpm_files::import_sample(&app.pool).await.unwrap();
    assert_eq!(count(&app.pool, "bdpm_specialite").await, 22);
    assert_eq!(count(&app.pool, "bdpm_presentation").await, boxes);
    assert_eq!(count(&app.pool, "bdpm_composition").await, substances);

    // A later file renames a drug: updated in place.
    let text = app::medication::bdpm::decode(server::bdpm_files::SAMPLE[0].1)
        .replace("DOLIPRANE 1000 mg,", "DOLIPRANE 1000 mg NOUVELLE FORMULE,");
    let rows = import_file(
        &app.pool,
        BdpmFile::Specialites,
        text.as_bytes(),
        None,
        &|_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(rows, 22);
    assert_eq!(count(&app.pool, "bdpm_specialite").await, 22);
    let name: String =
        sqlx::query_scalar("SELECT name FROM bdpm_specialite WHERE name LIKE 'DOLIPRANE 1000%'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(name, "DOLIPRANE 1000 mg NOUVELLE FORMULE, comprimé");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_malformed_line_refuses_the_whole_file_with_its_line_number(pool: PgPool) {
    let app = spawn_app(pool).await;
    let before = count(&app.pool, "bdpm_presentation").await;
    let mut text = app::medication::bdpm::decode(server::bdpm_files::SAMPLE[1].1);
    // A new box first (it must not stay), then a broken line 26.
    text.push_str("61824357\t3999999\tnouvelle boîte\tPrésentation active\tDéclaration de commercialisation\t01/01/2020\t3400939999999\toui\t65%\t1,00\n");
    text.push_str("61824357\t3999998\tboîte\tPrésentation active\tDéclaration de commercialisation\t2020-01-01\t3400939999982\toui\t65%\t1,00\n");
    let err = import_file(
        &app.pool,
        BdpmFile::Presentations,
        text.as_bytes(),
        None,
        &|_, _| {},
    )
    .await
    .unwrap_err();
    let ImportError::Line(line) = err else {
        panic!("{err}")
    };
    assert_eq!(line.file, "CIS_CIP_bdpm.txt");
    assert_eq!(line.line, 26);
    assert_eq!(
        line.to_string(),
        "CIS_CIP_bdpm.txt, ligne 26 : date « 2020-01-01 » : JJ/MM/AAAA attendu"
    );
    assert_eq!(
        count(&app.pool, "bdpm_presentation").await,
        before,
        "all or nothing"
    );

    // A file of another shape (a CSV with commas) is refused at line 1.
    let err = import_file(
        &app.pool,
        BdpmFile::Specialites,
        b"cis,nom,forme\n1,2,3\n",
        None,
        &|_, _| {},
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("CIS_bdpm.txt, ligne 1 : 1 colonnes au lieu de 12"),
        "{err}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_search_by_name_or_substance_and_look_a_box_up_by_its_code(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.login("aes").await;
    // By the start of a word of the name, without accents or case.
    let (status, answer) = app.call("medicaments", &[("q", "dolip")]).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        names(&answer),
        vec!["DOLIPRANE 1000 mg, comprimé", "DOLIPRANE 500 mg, gélule"]
    );
    assert!(answer["source"]
        .as_str()
        .unwrap()
        .starts_with("Source : BDPM (ANSM, Licence Ouverte), mise à jour du "));
    // By substance: marketed drugs first, a stopped one last.
    let (_, answer) = app.call("medicaments", &[("q", "paracetamol")]).await;
    let found = names(&answer);
    assert_eq!(found.len(), 4, "{found:?}");
    assert_eq!(
        found.last().unwrap(),
        "DAFALGAN 1 g, comprimé effervescent sécable"
    );
    assert_eq!(answer["drugs"][0]["substances"][0], "PARACÉTAMOL 1000 mg");
    let (_, answer) = app.call("medicaments", &[("q", "insuline glar")]).await;
    assert_eq!(
        names(&answer),
        vec!["LANTUS 100 unités/ml, solution injectable en stylo prérempli SoloStar"]
    );
    // LIKE's own characters are not wildcards: "do%" is "do" (a word that
    // starts so: DOLIPRANE, sachet-dose), "%%" is nothing to search.
    let (_, with) = app.call("medicaments", &[("q", "do%")]).await;
    let (_, without) = app.call("medicaments", &[("q", "do")]).await;
    assert_eq!(names(&with), names(&without));
    assert!(names(&with)
        .contains(&"KARDEGIC 75 mg, poudre pour solution buvable en sachet-dose".to_string()));
    let (status, _) = app.call("medicaments", &[("q", "%%")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Too short, too long: a French refusal.
    let (status, answer) = app.call("medicaments", &[("q", "d")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.to_string().contains("Tapez au moins 2 lettres"),
        "{answer}"
    );
    let long = "a".repeat(5_000);
    let (status, _) = app.call("medicaments", &[("q", &long)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // A box by its CIP13, typed or scanned as a DataMatrix.
    let cip13: String = sqlx::query_scalar(
        "SELECT p.cip13 FROM bdpm_presentation p JOIN bdpm_specialite s USING (cis) WHERE s.name LIKE 'KEPPRA%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (status, answer) = app.call("medicament_code", &[("code", &cip13)]).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["drug"]["name"], "KEPPRA 500 mg, comprimé pelliculé");
    let scanned = format!("]d2010{cip13}17280131 10LOT7\u{1d}21X");
    let (status, _) = app.call("medicament_code", &[("code", &scanned)]).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a space is not a separator"
    );
    let scanned = format!("]d2010{cip13}1728013110LOT7\u{1d}21X");
    let (status, answer) = app.call("medicament_code", &[("code", &scanned)]).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["expiry"], "31/01/2028");
    assert_eq!(answer["lot"], "LOT7");
    // A wrong check digit, an unknown box.
    let mut wrong = cip13.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == '9' {
        '0'
    } else {
        char::from(last as u8 + 1)
    });
    let (status, answer) = app.call("medicament_code", &[("code", &wrong)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.to_string().contains("chiffre de contrôle"),
        "{answer}"
    );
    let (status, _) = app
        .call("medicament_code", &[("code", "3400939999999")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_family_account_is_refused_the_reference_and_the_refusal_is_traced(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (status, _) = app.call("medicaments", &[("q", "doliprane")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    app.login("famille.moreau").await;
    for (endpoint, arg) in [
        ("medicaments", ("q", "doliprane")),
        ("medicament_code", ("code", "x")),
    ] {
        let (status, _) = app.call(endpoint, &[arg]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{endpoint}");
    }
    let denied = app.events("medicaments").await;
    assert_eq!(denied.len(), 2);
    assert!(denied
        .iter()
        .all(|(login, allowed, _)| login == "famille.moreau" && !allowed));
}

/// Sends BDPM files as the administration page does.
async fn upload(app: &crate::helpers::TestApp, files: Vec<(&str, Vec<u8>)>) -> (StatusCode, Value) {
    let mut form = reqwest::multipart::Form::new();
    for (name, bytes) in files {
        form = form.part(
            "fichiers",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    }
    let response = app
        .client
        .post(app.url("/api/bdpm_import"))
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
async fn an_administrator_uploads_the_files_and_others_are_refused_and_traced(pool: PgPool) {
    let app = spawn_app(pool).await;
    let sample: Vec<(&str, Vec<u8>)> = server::bdpm_files::SAMPLE
        .iter()
        .map(|(f, b)| (f.file_name(), b.to_vec()))
        .rev()
        .collect();
    app.login("infirmier").await;
    let (status, _) = upload(&app, sample.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.call("bdpm_etat", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let denied = app.events("medicaments").await;
    assert_eq!(denied.len(), 2);
    assert!(denied
        .iter()
        .all(|(login, allowed, _)| login == "infirmier" && !allowed));

    let admin = app.other_device();
    admin.login("admin").await;
    // Sent in any order, imported spécialités first.
    let (status, answer) = upload(&admin, sample).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let files: Vec<(String, i64)> = answer
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["rows"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        files,
        vec![
            ("CIS_bdpm.txt".to_string(), 22),
            ("CIS_CIP_bdpm.txt".to_string(), 24),
            ("CIS_COMPO_bdpm.txt".to_string(), 28)
        ]
    );
    let (status, state) = admin.call("bdpm_etat", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        state["files"][0]["when"]
            .as_str()
            .unwrap()
            .ends_with("par Alix Système"),
        "{state}"
    );

    // A file of another name, a broken file: a French refusal naming it.
    let (status, answer) = upload(&admin, vec![("medicaments.csv", b"x".to_vec())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer
            .to_string()
            .contains("n’est pas un fichier de la BDPM"),
        "{answer}"
    );
    let (status, answer) = upload(
        &admin,
        vec![("CIS_COMPO_bdpm.txt", b"60234100\tcomprim\xe9\n".to_vec())],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.to_string().contains("CIS_COMPO_bdpm.txt, ligne 1"),
        "{answer}"
    );
    assert_eq!(
        count(&admin.pool, "bdpm_composition").await,
        28,
        "nothing of the broken file"
    );
    let (status, _) = upload(&admin, vec![]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
