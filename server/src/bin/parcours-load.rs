//! The load harness (`scripts/load` runs it; see `docs/load.md`):
//!
//! - `grow`: fills the database of a server started with the demo up to N
//!   usagers and M transmissions, in SQL, printing progress;
//! - `run`: T simulated tablets, each signed in as a demo staff account
//!   with the people of its perimeter, do a mix of actions with a random
//!   think time (exponential, mean `--think`) and print p50/p90/p99 per
//!   action and the throughput;
//! - `pgbench`: the SQL a note's write runs (the note, its first version,
//!   its chained audit event) through pgbench, for comparison.

use anyhow::{bail, Context as _, Result};
use clap::{Parser, Subcommand};
use hdrhistogram::Histogram;
use rand::Rng;
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

#[derive(Parser)]
#[command(name = "parcours-load", about = "Banc de charge de Parcours")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Grows the database (DATABASE_URL) to this many usagers and notes.
    Grow {
        #[arg(long, default_value_t = 10_000)]
        usagers: i64,
        #[arg(long, default_value_t = 10_000_000)]
        notes: i64,
    },
    /// Simulates tablets against a running server.
    Run {
        #[arg(long, default_value = "http://127.0.0.1:3200")]
        url: String,
        #[arg(long, default_value_t = 200)]
        tablets: usize,
        /// Mean think time between two actions of a tablet, in seconds (0:
        /// none, which measures the saturation throughput).
        #[arg(long, default_value_t = 5.0)]
        think: f64,
        /// Measured seconds (after every tablet has signed in).
        #[arg(long, default_value_t = 60)]
        duration: u64,
        /// Only notes (to compare with `pgbench` at the same concurrency).
        #[arg(long)]
        notes_only: bool,
    },
    /// The write SQL of a note through pgbench (DATABASE_URL).
    Pgbench {
        #[arg(long, default_value_t = 16)]
        clients: u32,
        #[arg(long, default_value_t = 30)]
        duration: u32,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Grow { usagers, notes } => grow(&pool().await?, usagers, notes).await,
        Command::Run {
            url,
            tablets,
            think,
            duration,
            notes_only,
        } => {
            let mix: &[(Act, u32)] = if notes_only { &[(Act::Note, 100)] } else { MIX };
            run(&url, tablets, think, Duration::from_secs(duration), mix).await
        }
        Command::Pgbench { clients, duration } => pgbench(&pool().await?, clients, duration).await,
    }
}

async fn pool() -> Result<PgPool> {
    let url = std::env::var("DATABASE_URL").context("DATABASE_URL manquant")?;
    Ok(PgPool::connect(&url).await?)
}

async fn count(pool: &PgPool, table: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(pool)
        .await?)
}

/// Usagers accompanied by the demo units in turn; notes over the last
/// twelve months by the staff accounts, one in twenty important, each with
/// its first version. Batches commit one by one: an interrupted growth
/// goes on from where it stopped.
async fn grow(pool: &PgPool, usagers: i64, notes: i64) -> Result<()> {
    let org: Uuid = sqlx::query_scalar("SELECT id FROM organisation ORDER BY name LIMIT 1")
        .fetch_one(pool)
        .await
        .context("no organisation: start the server with PARCOURS_DEMO=true first")?;
    let start = Instant::now();
    loop {
        let have = count(pool, "usager").await?;
        println!(
            "usagers : {have} / {usagers} ({:.0} s)",
            start.elapsed().as_secs_f64()
        );
        if have >= usagers {
            break;
        }
        let batch = (usagers - have).min(5_000);
        sqlx::query(
            "WITH units AS (SELECT id, etablissement_id, row_number() OVER (ORDER BY id) - 1 AS n,
                                   count(*) OVER () AS total FROM unit),
                  new AS (
                     INSERT INTO usager (id, organisation_id, used_first_name, used_last_name, birth_date,
                                         birth_last_name, birth_first_names, sex)
                     SELECT gen_random_uuid(), $1, 'Prénom' || g, 'Nom' || g, date '1960-01-01' + (g % 15000)::int,
                            'NOM' || chr(65 + (g % 26)::int), 'PRENOM', CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END
                     FROM generate_series($2::bigint + 1, $2::bigint + $3::bigint) g
                     RETURNING id)
             INSERT INTO accompagnement (id, organisation_id, usager_id, etablissement_id, unit_id, start_date)
             SELECT gen_random_uuid(), $1, n.id, u.etablissement_id, u.id, date '2020-01-01'
             FROM (SELECT id, row_number() OVER () AS r FROM new) n
             JOIN units u ON u.n = n.r % u.total",
        )
        .bind(org)
        .bind(have)
        .bind(batch)
        .execute(pool)
        .await
        .context("adding usagers")?;
    }
    let total = count(pool, "usager").await?;
    loop {
        let have = count(pool, "transmission").await?;
        println!(
            "notes : {have} / {notes} ({:.0} %, {:.0} s)",
            100.0 * have as f64 / notes.max(1) as f64,
            start.elapsed().as_secs_f64()
        );
        if have >= notes {
            break;
        }
        let batch = (notes - have).min(200_000);
        let mut tx = pool.begin().await?;
        sqlx::query(
            "WITH staff AS (SELECT array_agg(id ORDER BY id) AS ids FROM account WHERE kind = 'staff'),
                  u AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM usager),
                  new AS (
                     INSERT INTO transmission (id, organisation_id, usager_id, author_id, written_at, category,
                                               body, important)
                     SELECT gen_random_uuid(), $1, u.id, staff.ids[1 + (g % array_length(staff.ids, 1))::int],
                            now() - random() * interval '365 days',
                            (ARRAY['educatif','vie_quotidienne','soin','travail','sante_psychique','incident','famille'])[1 + (g % 7)::int],
                            'Transmission de charge numéro ' || g || '. Journée sans particularité, repas pris, activités suivies.',
                            g % 20 = 0
                     FROM generate_series($2::bigint + 1, $2::bigint + $3::bigint) g
                     CROSS JOIN staff
                     JOIN u ON u.n = (g * 7919) % $4::bigint
                     RETURNING id, organisation_id, author_id, written_at, category, body, important)
             INSERT INTO transmission_version (transmission_id, version, request_key, organisation_id, author_id,
                                               written_at, category, body, important, shared_family)
             SELECT id, 1, id, organisation_id, author_id, written_at, category, body, important, false FROM new",
        )
        .bind(org)
        .bind(have)
        .bind(batch)
        .bind(total)
        .execute(&mut *tx)
        .await
        .context("adding notes")?;
        tx.commit().await?;
    }
    sqlx::query("ANALYZE").execute(pool).await?;
    println!(
        "base prête : {total} usagers, {} notes, en {:.0} s",
        count(pool, "transmission").await?,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// What a tablet does, with its share of the mix (in %).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Act {
    /// Opening a record in the app: its band and its overview (two server functions).
    Overview,
    /// Opening the transmissions section: the first page of the timeline.
    Section,
    /// The record overview page as the server renders it (a reload, a link).
    Page,
    /// Writing a note.
    Note,
}

const MIX: &[(Act, u32)] = &[
    (Act::Overview, 40),
    (Act::Section, 20),
    (Act::Page, 20),
    (Act::Note, 20),
];

impl Act {
    fn label(self) -> &'static str {
        match self {
            Act::Overview => "aperçu du dossier (2 appels)",
            Act::Section => "section transmissions",
            Act::Page => "page du dossier (HTML)",
            Act::Note => "écrire une note",
        }
    }
}

struct Tablet {
    client: reqwest::Client,
    base: String,
    usagers: Vec<String>,
}

impl Tablet {
    async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> Result<reqwest::Response> {
        Ok(self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await?)
    }

    async fn sign_in(base: &str, login: &str) -> Result<Tablet> {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .timeout(Duration::from_secs(30))
            .build()?;
        let mut tablet = Tablet {
            client,
            base: base.to_string(),
            usagers: Vec::new(),
        };
        // Password checks are rationed server-wide: wait for a turn.
        tablet
            .call_until_ok(
                "connexion",
                &[("login", login), ("password", "parcours-demo")],
                60,
            )
            .await
            .with_context(|| format!("{login} : connexion refusée"))?;
        // While 200 tablets sign in at once, a list may be refused as
        // Unavailable (no connection free within a second): try again.
        let list: serde_json::Value = tablet
            .call_until_ok("mes_usagers", &[], 10)
            .await
            .with_context(|| format!("{login} : Mes usagers refusé"))?
            .json()
            .await?;
        tablet.usagers = list["usagers"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|u| u["id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if tablet.usagers.is_empty() {
            bail!("{login} : aucun usager dans le périmètre");
        }
        Ok(tablet)
    }

    /// `call`, tried again every half second while the answer is not a
    /// success, at most `tries` times; the last refusal is the error.
    async fn call_until_ok(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        tries: u32,
    ) -> Result<reqwest::Response> {
        let mut refusal = String::new();
        for _ in 0..tries {
            let r = self.call(endpoint, form).await?;
            if r.status().is_success() {
                return Ok(r);
            }
            refusal = format!("{} {}", r.status(), r.text().await.unwrap_or_default());
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        bail!("{refusal}")
    }

    async fn act(&self, act: Act, usager: &str) -> Result<()> {
        let ok = |r: reqwest::Response| async move {
            let status = r.status();
            let _ = r.bytes().await?;
            if !status.is_success() {
                bail!("{status}");
            }
            Ok(())
        };
        match act {
            Act::Overview => {
                ok(self.call("usager", &[("id", usager)]).await?).await?;
                ok(self.call("dossier_apercu", &[("id", usager)]).await?).await
            }
            Act::Section => {
                ok(self
                    .call("transmissions", &[("id", usager), ("filter[category]", "")])
                    .await?)
                .await
            }
            Act::Page => {
                ok(self
                    .client
                    .get(format!("{}/usagers/{usager}", self.base))
                    .header("accept-encoding", "br")
                    .send()
                    .await?)
                .await
            }
            Act::Note => {
                let key = Uuid::new_v4().to_string();
                ok(self
                    .call(
                        "transmission",
                        &[
                            ("id", usager),
                            ("input[id]", &key),
                            ("input[category]", "vie_quotidienne"),
                            (
                                "input[body]",
                                "Repas pris, bonne humeur, sieste après le déjeuner.",
                            ),
                        ],
                    )
                    .await?)
                .await
            }
        }
    }
}

#[derive(Default)]
struct Results {
    times: BTreeMap<Act, Histogram<u64>>,
    errors: BTreeMap<Act, u64>,
    /// The first error of each action, to say what went wrong.
    first_error: BTreeMap<Act, String>,
    requests: u64,
}

async fn logins(base: &str) -> Result<Vec<String>> {
    // The demo staff accounts that have people in their perimeter and
    // whose profession writes transmissions (every action of the mix).
    let pool = pool().await?;
    let logins: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT a.login FROM current_perimeter p JOIN account a ON a.id = p.account_id
         WHERE a.kind = 'staff' AND a.active
           AND EXISTS (SELECT 1 FROM section_permission sp
                       WHERE sp.organisation_id = a.organisation_id AND sp.profession = a.profession
                         AND sp.section = 'transmissions' AND sp.can_write)
         ORDER BY 1",
    )
    .fetch_all(&pool)
    .await?;
    if logins.is_empty() {
        bail!("aucun compte avec un périmètre sur {base}");
    }
    Ok(logins)
}

async fn run(
    base: &str,
    tablets: usize,
    think: f64,
    duration: Duration,
    mix: &'static [(Act, u32)],
) -> Result<()> {
    let logins = logins(base).await?;
    println!(
        "{tablets} tablettes ({} comptes), attente moyenne {think} s, {} s mesurées",
        logins.len(),
        duration.as_secs()
    );
    let started = Instant::now();
    let mut signing = tokio::task::JoinSet::new();
    for i in 0..tablets {
        let login = logins[i % logins.len()].clone();
        let base = base.to_string();
        signing.spawn(async move { Tablet::sign_in(&base, &login).await });
    }
    let mut ready = Vec::new();
    while let Some(t) = signing.join_next().await {
        ready.push(t??);
    }
    println!("connectées en {:.1} s", started.elapsed().as_secs_f64());
    let results = Arc::new(Mutex::new(Results::default()));
    let start = Instant::now();
    let end = start + duration;
    let mut running = tokio::task::JoinSet::new();
    for tablet in ready {
        let results = results.clone();
        running.spawn(async move {
            // Spread the first actions over one think time.
            let mut first = true;
            loop {
                let wait = {
                    let mut rng = rand::thread_rng();
                    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
                    if first {
                        first = false;
                        think * u
                    } else {
                        -think * u.ln()
                    }
                };
                tokio::time::sleep(Duration::from_secs_f64(wait)).await;
                if Instant::now() >= end {
                    break;
                }
                let (act, usager) = {
                    let mut rng = rand::thread_rng();
                    let mut pick = rng.gen_range(0..100);
                    let act = mix
                        .iter()
                        .find(|(_, share)| {
                            if pick < *share {
                                true
                            } else {
                                pick -= share;
                                false
                            }
                        })
                        .map_or(Act::Overview, |(a, _)| *a);
                    let usager = tablet.usagers[rng.gen_range(0..tablet.usagers.len())].clone();
                    (act, usager)
                };
                let t = Instant::now();
                if t >= end {
                    break;
                }
                let outcome = tablet.act(act, &usager).await;
                let micros = t.elapsed().as_micros() as u64;
                let mut r = results.lock().expect("results lock");
                r.requests += if act == Act::Overview { 2 } else { 1 };
                match outcome {
                    Ok(()) => {
                        r.times
                            .entry(act)
                            .or_insert_with(|| {
                                Histogram::new_with_bounds(1, 120_000_000, 3).expect("histogram")
                            })
                            .saturating_record(micros);
                    }
                    Err(e) => {
                        *r.errors.entry(act).or_default() += 1;
                        r.first_error.entry(act).or_insert_with(|| e.to_string());
                    }
                }
            }
        });
    }
    while running.join_next().await.is_some() {}
    // Actions start within the measured window; the last ones may end after.
    let elapsed = duration.as_secs_f64();
    let r = results.lock().expect("results lock");
    println!(
        "{:<30} {:>8} {:>9} {:>9} {:>9} {:>9} {:>7}",
        "action", "nombre", "p50 ms", "p90 ms", "p99 ms", "max ms", "erreurs"
    );
    let ms = |h: &Histogram<u64>, q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    let mut actions = 0;
    for (act, _) in mix {
        let errors = r.errors.get(act).copied().unwrap_or(0);
        match r.times.get(act) {
            Some(h) => {
                actions += h.len();
                println!(
                    "{:<30} {:>8} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>7}",
                    act.label(),
                    h.len(),
                    ms(h, 0.5),
                    ms(h, 0.9),
                    ms(h, 0.99),
                    h.max() as f64 / 1000.0,
                    errors
                )
            }
            None => println!("{:<30} {:>8} {:>47}", act.label(), 0, errors),
        }
    }
    println!(
        "débit : {:.1} actions/s, {:.1} requêtes/s ({} requêtes commencées en {elapsed:.0} s)",
        actions as f64 / elapsed,
        r.requests as f64 / elapsed,
        r.requests
    );
    for (act, e) in &r.first_error {
        println!("première erreur ({}) : {e}", act.label());
    }
    Ok(())
}

/// The note's write as the server sends it (`write_transmission`, then
/// `trail::append_all`), one transaction per note, the chained hash
/// computed in SQL instead of Rust.
const PGBENCH_SCRIPT: &str = r#"\set n random(0, :usagers - 1)
BEGIN;
SELECT id AS usager, organisation_id AS org FROM load_usager WHERE n = :n \gset
INSERT INTO transmission (id, organisation_id, usager_id, author_id, category, body, important, shared_family)
  VALUES (gen_random_uuid(), :org, :usager, :author, 'vie_quotidienne',
          'Repas pris, bonne humeur, sieste après le déjeuner.', false, false)
  ON CONFLICT (id) DO NOTHING RETURNING id AS note, written_at \gset
INSERT INTO transmission_version (transmission_id, version, request_key, organisation_id, author_id, written_at,
                                  category, body, important, shared_family)
  VALUES (:note, 1, :note, :org, :author, :written_at, 'vie_quotidienne',
          'Repas pris, bonne humeur, sieste après le déjeuner.', false, false);
INSERT INTO audit_chain (organisation_id, last_id, last_hash) VALUES (:org, 0, '\x00')
  ON CONFLICT (organisation_id) DO NOTHING;
SELECT last_hash AS prev FROM audit_chain WHERE organisation_id = :org FOR UPDATE \gset
SELECT nextval('audit_event_id_seq') AS event \gset
INSERT INTO audit_event (id, organisation_id, at, account_id, profession, usager_id, section, action, object_id,
                         allowed, break_glass, request_id, prev_hash, hash)
  VALUES (:event, :org, now(), :author, 'educateur', :usager, 'transmissions', 'write', :note,
          true, false, 'pgbench', :prev, sha256(convert_to((:prev)::text || (:event)::text || (:note)::text, 'UTF8')));
UPDATE audit_chain SET last_id = :event,
       last_hash = sha256(convert_to((:prev)::text || (:event)::text || (:note)::text, 'UTF8'))
  WHERE organisation_id = :org;
COMMIT;
"#;

async fn pgbench(pool: &PgPool, clients: u32, duration: u32) -> Result<()> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS load_usager AS
         SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, organisation_id FROM usager",
    )
    .execute(pool)
    .await?;
    let usagers = count(pool, "load_usager").await?;
    let author: Uuid = sqlx::query_scalar("SELECT id FROM account WHERE login = 'educateur'")
        .fetch_one(pool)
        .await?;
    let script = std::env::temp_dir().join("parcours-note.sql");
    std::fs::write(&script, PGBENCH_SCRIPT)?;
    let url = std::env::var("DATABASE_URL")?;
    let bin = std::env::var("PGBENCH").unwrap_or_else(|_| "pgbench".into());
    let out = tokio::process::Command::new(&bin)
        .args([
            "-n",
            "-M",
            "prepared",
            "-c",
            &clients.to_string(),
            "-j",
            "2",
        ])
        .args(["-T", &duration.to_string(), "-f"])
        .arg(&script)
        .args([
            "-D",
            &format!("usagers={usagers}"),
            "-D",
            &format!("author={author}"),
        ])
        .arg(&url)
        .output()
        .await
        .with_context(|| format!("lancement de {bin}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("pgbench : {}{}", text, String::from_utf8_lossy(&out.stderr));
    }
    for line in text.lines().filter(|l| {
        l.starts_with("tps") || l.contains("latency average") || l.contains("transactions actually")
    }) {
        println!("pgbench ({clients} connexions) : {line}");
    }
    sqlx::query("DROP TABLE load_usager").execute(pool).await?;
    Ok(())
}
