//! Demo data: one fictitious association, loaded into an empty database the
//! first time Parcours runs. Every name here is invented.

use anyhow::{Context, Result};
use app::access::{default_permission, Section};
use app::auth::server::hash_password;
use app::organisation::{EtablissementKind, Finess, Profession};
use app::usager::identity::{normalise_trait, Nir, TrustStatus, INS_OIDS};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "parcours-demo";

/// Where a staff member works: (établissement index, unit index or None
/// for the whole établissement).
type Places = &'static [(usize, Option<usize>)];

/// The demo accounts: login, first name, last name, profession, and where
/// they work.
pub const DEMO_STAFF: &[(&str, &str, &str, Profession, Places)] = &[
    (
        "educateur",
        "Camille",
        "Martin",
        Profession::Educateur,
        &[(0, Some(0))],
    ),
    (
        "moniteur.educateur",
        "Julien",
        "Bernard",
        Profession::MoniteurEducateur,
        &[(0, Some(1))],
    ),
    (
        "aes",
        "Sarah",
        "Lambert",
        Profession::AesAmp,
        &[(2, Some(0))],
    ),
    (
        "aide.soignant",
        "Nicolas",
        "Roux",
        Profession::AideSoignant,
        &[(2, Some(1))],
    ),
    (
        "educateur.fam",
        "Lucie",
        "Blanc",
        Profession::Educateur,
        &[(2, Some(1))],
    ),
    (
        "moniteur.atelier",
        "Thomas",
        "Girard",
        Profession::MoniteurAtelier,
        &[(1, Some(0))],
    ),
    (
        "moniteur.atelier2",
        "Amandine",
        "Faure",
        Profession::MoniteurAtelier,
        &[(1, Some(1))],
    ),
    (
        "infirmier",
        "Claire",
        "Fontaine",
        Profession::Infirmier,
        &[(2, None)],
    ),
    (
        "medecin",
        "Paul",
        "Mercier",
        Profession::Medecin,
        &[(0, None), (2, None)],
    ),
    (
        "psychologue",
        "Inès",
        "Chevalier",
        Profession::Psychologue,
        &[(0, None), (1, None)],
    ),
    (
        "assistant.social",
        "Karim",
        "Benali",
        Profession::AssistantSocial,
        &[(0, None), (1, None), (2, None)],
    ),
    (
        "secretaire",
        "Nathalie",
        "Perrin",
        Profession::Secretaire,
        &[(0, None)],
    ),
    (
        "chef.service",
        "Olivier",
        "Garnier",
        Profession::ChefService,
        &[(0, None)],
    ),
    (
        "chef.service.fam",
        "Isabelle",
        "Rousseau",
        Profession::ChefService,
        &[(2, None)],
    ),
    (
        "directeur",
        "Bernard",
        "Lefebvre",
        Profession::Directeur,
        &[(0, None), (1, None), (2, None)],
    ),
    ("admin", "Alix", "Système", Profession::Administrateur, &[]),
    ("dpo", "Dominique", "Prévost", Profession::Dpo, &[]),
];

/// The usagers a family account follows: (usager index, relationship).
type Links = &'static [(usize, &'static str)];

/// Family accounts: login, first name, last name, linked usagers.
pub const DEMO_FAMILIES: &[(&str, &str, &str, Links)] = &[
    ("famille.moreau", "Martine", "Moreau", &[(0, "Mère")]),
    (
        "tuteur.dupuis",
        "Jean",
        "Dupuis",
        &[
            (22, "Mandataire judiciaire (tutelle)"),
            (23, "Mandataire judiciaire (curatelle)"),
        ],
    ),
];

const ETABLISSEMENTS: [(&str, &str, EtablissementKind, [&str; 2]); 3] = [
    (
        "Foyer Les Glycines",
        "61999901",
        EtablissementKind::FoyerHebergement,
        ["Maison Hortensia", "Maison Iris"],
    ),
    (
        "ESAT Les Ateliers du Bocage",
        "61999902",
        EtablissementKind::Esat,
        ["Atelier espaces verts", "Atelier conditionnement"],
    ),
    (
        "FAM Le Clos Fleuri",
        "61999903",
        EtablissementKind::Fam,
        ["Unité Lilas", "Unité Capucine"],
    ),
];

/// Forty invented people.
pub const USAGERS: [(&str, &str); 40] = [
    ("Lucas", "Moreau"),
    ("Emma", "Fournier"),
    ("Hugo", "Lemoine"),
    ("Léa", "Marchand"),
    ("Nathan", "Brunet"),
    ("Chloé", "Gauthier"),
    ("Théo", "Perrot"),
    ("Manon", "Renaud"),
    ("Louis", "Barbier"),
    ("Camille", "Arnaud"),
    ("Jules", "Colin"),
    ("Inès", "Vidal"),
    ("Gabriel", "Leclerc"),
    ("Sarah", "Hamon"),
    ("Adam", "Picard"),
    ("Zoé", "Rolland"),
    ("Raphaël", "Aubert"),
    ("Lina", "Guillot"),
    ("Arthur", "Dumas"),
    ("Jade", "Charpentier"),
    ("Maël", "Lacroix"),
    ("Lou", "Bertin"),
    ("Paul", "Caron"),
    ("Alice", "Boyer"),
    ("Noé", "Meunier"),
    ("Rose", "Carré"),
    ("Victor", "Huet"),
    ("Anna", "Lebrun"),
    ("Sacha", "Noël"),
    ("Hélène", "Lefèvre-Dubois"),
    ("Martin", "Gaillard"),
    ("Eva", "Poulain"),
    ("Simon", "Dupré"),
    ("Margaux", "Benoît"),
    ("Yanis", "Marty"),
    ("Juliette", "Bailly"),
    ("Antoine", "Cordier"),
    ("Mila", "Tessier"),
    ("Baptiste", "Royer"),
    ("Agathe", "Pichon"),
];

/// Where usager `i` is accompanied: (établissement, unit, started so many
/// days ago, ended so many days ago). A negative start is a planned admission.
fn accompagnements(i: usize) -> Vec<(usize, usize, i32, Option<i32>)> {
    let i32_i = i as i32;
    let mut a = Vec::new();
    match i {
        0..=13 => {
            a.push((0, if i < 7 { 0 } else { 1 }, 400 + 37 * i32_i, None));
            if i % 7 < 5 {
                a.push((1, i % 2, 300 + 21 * i32_i, None));
            }
        }
        14..=21 => a.push((1, i % 2, 200 + 45 * i32_i, None)),
        22..=33 => a.push((2, if i < 28 { 0 } else { 1 }, 500 + 30 * i32_i, None)),
        34..=37 => a.push((0, 0, 2000 + 10 * i32_i, Some(300 - i32_i))),
        _ => a.push((2, 0, -(20 + i32_i), None)),
    }
    a
}

/// Loads the demo organisation if the database has no organisation yet.
/// Returns whether it did.
pub async fn load_if_empty(pool: &PgPool) -> Result<bool> {
    let mut tx = pool.begin().await?;
    // Serialises concurrent first starts.
    sqlx::query!("LOCK TABLE organisation IN EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    let any = sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM organisation) AS "any!""#)
        .fetch_one(&mut *tx)
        .await?;
    if any {
        return Ok(false);
    }
    load(&mut tx).await.context("loading demo data")?;
    tx.commit().await?;
    // The drug reference's sample, unless real files were imported already.
    let reference =
        sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM bdpm_specialite) AS "any!""#)
            .fetch_one(pool)
            .await?;
    if !reference {
        crate::bdpm_files::import_sample(pool).await?;
    }
    // Prescriptions name the reference's drugs: loaded after it.
    crate::demo_medication::load(pool)
        .await
        .context("loading demo prescriptions")?;
    Ok(true)
}

async fn load(tx: &mut Transaction<'_, Postgres>) -> Result<()> {
    let org = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO organisation (id, name) VALUES ($1, $2)",
        org,
        "Association Les Tilleuls (démonstration)"
    )
    .execute(&mut **tx)
    .await?;

    seed_permissions(tx, org).await?;

    let mut etabs = Vec::new();
    let mut units = Vec::new();
    for (name, finess, kind, unit_names) in ETABLISSEMENTS {
        let id = Uuid::new_v4();
        let finess = Finess::with_key(finess);
        sqlx::query!(
            "INSERT INTO etablissement (id, organisation_id, name, finess, kind) VALUES ($1, $2, $3, $4, $5)",
            id,
            org,
            name,
            finess.as_str(),
            kind.code()
        )
        .execute(&mut **tx)
        .await?;
        let mut these = Vec::new();
        for unit_name in unit_names {
            let unit = Uuid::new_v4();
            sqlx::query!(
                "INSERT INTO unit (id, organisation_id, etablissement_id, name) VALUES ($1, $2, $3, $4)",
                unit,
                org,
                id,
                unit_name
            )
            .execute(&mut **tx)
            .await?;
            these.push(unit);
        }
        etabs.push(id);
        units.push(these);
    }

    let mut usagers = Vec::new();
    for (i, (first, last)) in USAGERS.iter().enumerate() {
        let id = Uuid::new_v4();
        let (year, month, day) = (
            1960 + (i as i32 * 7) % 43,
            1 + (i as i32 * 5) % 12,
            1 + (i as i32 * 11) % 28,
        );
        let identity = demo_identity(i, first, last, year, month, day);
        sqlx::query!(
            "INSERT INTO usager (id, organisation_id, used_first_name, used_last_name, birth_date,
                                 birth_last_name, birth_first_names, sex, birthplace_insee, identity_status,
                                 identity_doubtful, ins_matricule, ins_oid, address, phone)
             VALUES ($1, $2, $3, $4, make_date($5, $6, $7), $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            id,
            org,
            first,
            last,
            year,
            month,
            day,
            identity.birth_last_name,
            identity.birth_first_names,
            identity.sex,
            identity.birthplace,
            identity.status.code(),
            identity.doubtful,
            identity.matricule,
            identity.matricule.as_ref().map(|_| INS_OIDS[0].0),
            format!("{} rue des Tilleuls, 61000 Alençon", 1 + i * 3),
            format!("02 33 {:02} {:02} {:02}", 10 + i, (i * 7) % 100, (i * 13) % 100)
        )
        .execute(&mut **tx)
        .await?;
        for (e, u, started_ago, ended_ago) in accompagnements(i) {
            sqlx::query!(
                "INSERT INTO accompagnement (id, organisation_id, usager_id, etablissement_id, unit_id, start_date, end_date,
                                             exit_mode)
                 VALUES ($1, $2, $3, $4, $5, paris_today() - $6::int, paris_today() - $7::int,
                         CASE WHEN $7::int IS NULL THEN NULL ELSE 'fin_de_prise_en_charge' END)",
                Uuid::new_v4(),
                org,
                id,
                etabs[e],
                units[e][u],
                started_ago,
                ended_ago
            )
            .execute(&mut **tx)
            .await?;
        }
        usagers.push(id);
    }

    for (login, first, last, profession, places) in DEMO_STAFF {
        let account = insert_account(tx, org, login, first, last, Some(*profession)).await?;
        for (e, u) in *places {
            sqlx::query!(
                "INSERT INTO staff_assignment (id, organisation_id, account_id, etablissement_id, unit_id, start_date)
                 VALUES ($1, $2, $3, $4, $5, paris_today() - 1095)",
                Uuid::new_v4(),
                org,
                account,
                etabs[*e],
                u.map(|u| units[*e][u])
            )
            .execute(&mut **tx)
            .await?;
        }
    }
    sqlx::query!("UPDATE account SET dpo = true WHERE login = 'dpo'")
        .execute(&mut **tx)
        .await?;
    for (login, first, last, links) in DEMO_FAMILIES {
        let account = insert_account(tx, org, login, first, last, None).await?;
        for (i, relationship) in *links {
            sqlx::query!(
                "INSERT INTO family_link (organisation_id, account_id, usager_id, relationship) VALUES ($1, $2, $3, $4)",
                org,
                account,
                usagers[*i],
                relationship
            )
            .execute(&mut **tx)
            .await?;
        }
    }
    crate::demo_record::load(tx, org, &usagers).await?;
    crate::demo_projet::load(tx, org).await?;
    crate::demo_soins::load(tx, org).await?;
    crate::demo_espace::load(tx, org).await?;
    Ok(())
}

/// The INS identity of demo usager `i`: every trust status is represented,
/// a quarter of them qualified (with a matricule whose key is right).
struct DemoIdentity {
    birth_last_name: String,
    birth_first_names: String,
    sex: &'static str,
    birthplace: &'static str,
    status: TrustStatus,
    doubtful: bool,
    matricule: Option<String>,
}

const FEMALE: [&str; 19] = [
    "Emma", "Léa", "Chloé", "Manon", "Camille", "Inès", "Sarah", "Zoé", "Lina", "Jade", "Lou",
    "Alice", "Rose", "Anna", "Hélène", "Eva", "Margaux", "Juliette", "Mila",
];

fn demo_identity(
    i: usize,
    first: &str,
    last: &str,
    year: i32,
    month: i32,
    day: i32,
) -> DemoIdentity {
    const PLACES: [&str; 6] = ["61001", "14118", "75056", "76540", "72181", "61006"];
    let _ = day;
    let sex = if FEMALE.contains(&first) || first == "Agathe" {
        "F"
    } else {
        "M"
    };
    let birthplace = PLACES[i % PLACES.len()];
    let status = [
        TrustStatus::Qual,
        TrustStatus::Vali,
        TrustStatus::Prov,
        TrustStatus::Recup,
    ][i % 4];
    let second = ["Marie", "Jean", "Louise", "Pierre"][i % 4];
    let matricule = (status == TrustStatus::Qual).then(|| {
        let first13 = format!(
            "{}{:02}{:02}{}{:03}",
            if sex == "F" { 2 } else { 1 },
            year % 100,
            month,
            birthplace,
            100 + i
        );
        Nir::with_key(&first13).as_str().to_string()
    });
    DemoIdentity {
        birth_last_name: normalise_trait(last).unwrap_or_else(|_| last.to_uppercase()),
        birth_first_names: normalise_trait(&format!("{first} {second}"))
            .unwrap_or_else(|_| first.to_uppercase()),
        sex,
        birthplace,
        status,
        doubtful: i == 2,
        matricule,
    }
}

/// Copies the shipped permission matrix to a new organisation.
pub async fn seed_permissions(tx: &mut Transaction<'_, Postgres>, org: Uuid) -> Result<()> {
    for profession in Profession::ALL {
        for section in Section::ALL {
            let p = default_permission(profession, section);
            sqlx::query!(
                "INSERT INTO section_permission (organisation_id, profession, section, can_read, can_write)
                 VALUES ($1, $2, $3, $4, $5)",
                org,
                profession.code(),
                section.code(),
                p.read,
                p.write
            )
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

async fn insert_account(
    tx: &mut Transaction<'_, Postgres>,
    org: Uuid,
    login: &str,
    first: &str,
    last: &str,
    profession: Option<Profession>,
) -> Result<Uuid> {
    let id = Uuid::new_v4();
    let hash = hash_password(DEMO_PASSWORD)?;
    sqlx::query!(
        "INSERT INTO account (id, organisation_id, login, password_hash, kind, first_name, last_name, profession)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        id,
        org,
        login,
        hash,
        if profession.is_some() { "staff" } else { "family" },
        first,
        last,
        profession.map(Profession::code)
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// The usagers a demo staff member sees today, as "Prénom NOM", computed
/// from the demo layout (tests compare the app's answer with it).
pub fn expected_usagers_of(login: &str) -> Vec<String> {
    let Some((_, _, _, _, places)) = DEMO_STAFF.iter().find(|s| s.0 == login) else {
        return Vec::new();
    };
    let mut names: Vec<String> = USAGERS
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            accompagnements(*i)
                .iter()
                .any(|(e, u, started_ago, ended_ago)| {
                    *started_ago >= 0
                        && ended_ago.is_none_or(|ago| ago <= 0)
                        && places
                            .iter()
                            .any(|(pe, pu)| pe == e && pu.is_none_or(|pu| pu == *u))
                })
        })
        .map(|(_, (first, last))| format!("{first} {}", last.to_uppercase()))
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_covers_every_profession_and_dual_accompaniments() {
        for p in Profession::ALL {
            assert!(DEMO_STAFF.iter().any(|s| s.3 == p), "no demo {p:?}");
        }
        let dual = (0..40).filter(|i| accompagnements(*i).len() == 2).count();
        assert!(dual >= 5, "{dual} usagers with two établissements");
        assert_eq!(expected_usagers_of("educateur").len(), 7);
        assert!(expected_usagers_of("admin").is_empty());
    }
}
