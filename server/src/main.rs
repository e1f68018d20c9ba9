//! `parcours`: serves the application (default), manages the embedded
//! PostgreSQL for scripts (`parcours db start|stop`), checks the trail
//! (`parcours audit verify`) and imports the drug reference (`parcours bdpm
//! import DIR`).

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use server::config::Config;
use server::embedded_pg::EmbeddedPostgres;
use server::{demo, startup};

#[derive(Parser)]
#[command(
    name = "parcours",
    about = "Parcours, dossier usager informatisé",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serves Parcours (the default).
    Serve,
    /// Checks the audit trail.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Manages the embedded PostgreSQL.
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
    /// The drug reference (BDPM).
    Bdpm {
        #[command(subcommand)]
        action: BdpmAction,
    },
}

#[derive(Subcommand)]
enum BdpmAction {
    /// Imports CIS_bdpm.txt, CIS_CIP_bdpm.txt and CIS_COMPO_bdpm.txt from a
    /// folder, as published (each file whole or not at all).
    Import { dir: std::path::PathBuf },
    /// Writes full-size files in the published format (for benchmarks).
    Generate {
        dir: std::path::PathBuf,
        /// How many spécialités (the real files have about 15 800).
        #[arg(long, default_value_t = 15_800)]
        specialites: usize,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Recomputes the hash chain and reports the first broken link.
    Verify,
}

#[derive(Subcommand)]
enum DbAction {
    /// Starts it (creating it the first time) and prints DATABASE_URL.
    Start,
    /// Stops it.
    Stop,
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let result = match Config::from_env() {
        Ok(config) => {
            startup::init_tracing(config.log_format);
            match cli.command.unwrap_or(Command::Serve) {
                Command::Serve => serve(config).await,
                Command::Db {
                    action: DbAction::Start,
                } => db_start(&config),
                Command::Db {
                    action: DbAction::Stop,
                } => db_stop(&config),
                Command::Audit {
                    action: AuditAction::Verify,
                } => audit_verify(&config).await,
                Command::Bdpm {
                    action: BdpmAction::Import { dir },
                } => bdpm_import(&config, &dir).await,
                Command::Bdpm {
                    action: BdpmAction::Generate { dir, specialites },
                } => server::bdpm_files::generate(&dir, specialites),
            }
        }
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        eprintln!("Erreur : {e:#}");
        std::process::exit(1);
    }
}

/// The database of a command: `DATABASE_URL`, else the embedded one.
async fn command_pool(config: &Config) -> Result<sqlx::PgPool> {
    let url = match &config.database_url {
        Some(url) => url.clone(),
        None => EmbeddedPostgres::ensure_running(&config.data_dir, config.embedded_pg_port)?.url(),
    };
    startup::connect(&url, config.db_connect_timeout_secs).await
}

async fn bdpm_import(config: &Config, dir: &std::path::Path) -> Result<()> {
    use indicatif::{ProgressBar, ProgressStyle};
    let pool = command_pool(config).await?;
    startup::migrate(&pool).await?;
    let style = ProgressStyle::with_template("{msg:20} [{bar:40}] {pos}/{len} lignes")
        .context("progress bar template")?
        .progress_chars("=> ");
    let bar = ProgressBar::new(0).with_style(style);
    let started = std::time::Instant::now();
    let done =
        app::medication::server::import::import_dir(&pool, dir, None, &|file, done, total| {
            bar.set_message(file.file_name());
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        })
        .await;
    bar.finish_and_clear();
    let done = done.map_err(|e| anyhow::anyhow!("{e}"))?;
    if done.is_empty() {
        anyhow::bail!(
            "aucun fichier de la BDPM dans {} (CIS_bdpm.txt, CIS_CIP_bdpm.txt, CIS_COMPO_bdpm.txt)",
            dir.display()
        );
    }
    for (file, rows) in done {
        println!("{} : {rows} lignes importées", file.file_name());
    }
    println!(
        "Import terminé en {:.1} s.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn audit_verify(config: &Config) -> Result<()> {
    let pool = command_pool(config).await?;
    match server::audit::verify(&pool).await? {
        server::audit::Verdict::Intact { events } => {
            println!("Traçabilité intacte : {events} événements vérifiés.");
            Ok(())
        }
        server::audit::Verdict::Broken {
            organisation_id,
            event_id,
            reason,
        } => {
            anyhow::bail!("chaîne rompue à l’événement {event_id} (organisation {organisation_id}) : {reason}")
        }
    }
}

fn db_start(config: &Config) -> Result<()> {
    let pg = EmbeddedPostgres::ensure_running(&config.data_dir, config.embedded_pg_port)?;
    println!("{}", pg.url());
    Ok(())
}

fn db_stop(config: &Config) -> Result<()> {
    let pg = EmbeddedPostgres::open(&config.data_dir, config.embedded_pg_port)?;
    if pg.is_running()? {
        pg.stop()?;
    }
    Ok(())
}

async fn serve(config: Config) -> Result<()> {
    let embedded = match &config.database_url {
        Some(_) => None,
        None => {
            let (dir, port) = (config.data_dir.clone(), config.embedded_pg_port);
            Some(
                tokio::task::spawn_blocking(move || EmbeddedPostgres::ensure_running(&dir, port))
                    .await
                    .context("embedded PostgreSQL task")??,
            )
        }
    };
    let result = serve_with(&config, embedded.as_ref().map(|pg| pg.url())).await;
    if let Some(pg) = embedded {
        if let Err(e) = pg.stop_if_started_here() {
            tracing::warn!(error = %e, "arrêt du PostgreSQL embarqué");
        }
    }
    result
}

async fn serve_with(config: &Config, embedded_url: Option<String>) -> Result<()> {
    let url = config
        .database_url
        .clone()
        .or(embedded_url)
        .expect("either DATABASE_URL or the embedded PostgreSQL");
    let pool = startup::connect(&url, config.db_connect_timeout_secs).await?;
    startup::migrate(&pool).await?;
    if config.load_demo && demo::load_if_empty(&pool).await? {
        tracing::info!("données de démonstration chargées");
    }
    let store = startup::session_store(&pool).await?;
    let sweeper = tokio::task::spawn(
        tower_sessions::ExpiredDeletion::continuously_delete_expired(
            store.clone(),
            tokio::time::Duration::from_secs(60),
        ),
    );

    let options = startup::leptos_options(config);
    let router = startup::router(
        pool.clone(),
        options,
        config.auth.clone(),
        store,
        config.secure_cookies,
    );
    let listener = startup::bind(config.addr).await?;
    tracing::info!("Parcours est prêt : http://{}", config.addr);
    // The peer's address reaches sign-in throttling.
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving HTTP")?;
    sweeper.abort();
    pool.close().await;
    tracing::info!("Parcours arrêté");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("arrêt demandé");
}
