//! The embedded PostgreSQL: a private cluster in the project's data folder,
//! run from the system's PostgreSQL binaries.
//!
//! PostgreSQL refuses to run as root, so when we are root the cluster folder
//! belongs to the `postgres` user and every command runs through `runuser`.
//! The cluster listens on 127.0.0.1 only, with a password generated at
//! creation. A cluster already running (a previous run that did not stop it)
//! is reused and left running; one we start is stopped by `stop`.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A cluster we found or started.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    data_dir: PathBuf,
    run_as: Option<String>,
    port: u16,
    password: String,
    /// Whether this process started it (and so should stop it).
    started_here: bool,
}

const DATABASE: &str = "parcours";
const SUPERUSER: &str = "parcours";

impl EmbeddedPostgres {
    /// Finds the cluster under `data_root` (creating it the first time) and
    /// makes sure it runs on `port`.
    pub fn ensure_running(data_root: &Path, port: u16) -> Result<EmbeddedPostgres> {
        let mut pg = EmbeddedPostgres::open(data_root, port)?;
        if pg.is_running()? {
            tracing::info!(data_dir = %pg.data_dir.display(), "PostgreSQL embarqué déjà démarré : réutilisé");
        } else {
            pg.start()?;
            pg.started_here = true;
        }
        pg.ensure_database()?;
        Ok(pg)
    }

    /// Finds the cluster under `data_root`, creating it the first time,
    /// without starting it.
    pub fn open(data_root: &Path, port: u16) -> Result<EmbeddedPostgres> {
        let bin_dir = find_bin_dir()?;
        let run_as = if nix::unistd::geteuid().is_root() {
            Some("postgres".to_string())
        } else {
            None
        };
        let data_root = absolute(data_root)?;
        std::fs::create_dir_all(&data_root)
            .with_context(|| format!("création du dossier {}", data_root.display()))?;
        let data_dir = data_root.join("pgdata");
        let password_file = data_root.join("pg-password");

        let mut pg = EmbeddedPostgres {
            bin_dir,
            data_dir,
            run_as,
            port,
            password: String::new(),
            started_here: false,
        };
        if !pg.data_dir.join("PG_VERSION").exists() {
            pg.init(&password_file)?;
        }
        pg.password = std::fs::read_to_string(&password_file)
            .with_context(|| format!("lecture de {}", password_file.display()))?
            .trim()
            .to_string();
        Ok(pg)
    }

    /// The connection URL of the application database.
    pub fn url(&self) -> String {
        format!(
            "postgres://{SUPERUSER}:{}@127.0.0.1:{}/{DATABASE}",
            self.password, self.port
        )
    }

    /// The URL of the maintenance database (for tools that create databases).
    pub fn admin_url(&self) -> String {
        format!(
            "postgres://{SUPERUSER}:{}@127.0.0.1:{}/postgres",
            self.password, self.port
        )
    }

    /// Whether this process started the cluster.
    pub fn started_here(&self) -> bool {
        self.started_here
    }

    /// Stops the cluster if this process started it.
    pub fn stop_if_started_here(&self) -> Result<()> {
        if self.started_here {
            self.stop()
        } else {
            Ok(())
        }
    }

    /// Stops the cluster (fast shutdown: open sessions are ended cleanly).
    pub fn stop(&self) -> Result<()> {
        let out = self.pg_ctl(&["stop", "-m", "fast", "-w"])?;
        if !out.status.success() {
            bail!(
                "arrêt de PostgreSQL : {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        tracing::info!("PostgreSQL embarqué arrêté");
        Ok(())
    }

    fn init(&self, password_file: &Path) -> Result<()> {
        tracing::info!(data_dir = %self.data_dir.display(), "création du PostgreSQL embarqué");
        std::fs::create_dir_all(&self.data_dir)?;
        let password = uuid::Uuid::new_v4().simple().to_string();
        std::fs::write(password_file, &password)?;
        restrict(password_file)?;
        // initdb reads the password from a file the cluster owner can read.
        let pwfile = self.data_dir.with_file_name("initdb-pw");
        std::fs::write(&pwfile, &password)?;
        self.give_to_owner(&self.data_dir)?;
        self.give_to_owner(&pwfile)?;
        let initdb = self.bin_dir.join("initdb");
        let data = self.data_dir.to_string_lossy().to_string();
        let pw = pwfile.to_string_lossy().to_string();
        let out = self.run(
            &initdb,
            &[
                "-D",
                &data,
                "-U",
                SUPERUSER,
                "--pwfile",
                &pw,
                "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
        );
        let _ = std::fs::remove_file(&pwfile);
        let out = out?;
        if !out.status.success() {
            bail!(
                "initdb a échoué : {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    }

    /// Whether the cluster's server is up.
    pub fn is_running(&self) -> Result<bool> {
        Ok(self.pg_ctl(&["status"])?.status.success())
    }

    fn start(&self) -> Result<()> {
        let log = self.data_dir.join("server.log");
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {}",
            self.port,
            self.data_dir.display()
        );
        tracing::info!(port = self.port, "démarrage du PostgreSQL embarqué");
        let out = self.pg_ctl(&[
            "start",
            "-w",
            "-t",
            "60",
            "-l",
            &log.to_string_lossy(),
            "-o",
            &options,
        ])?;
        if !out.status.success() {
            let tail = std::fs::read_to_string(&log)
                .map(|l| {
                    l.lines()
                        .rev()
                        .take(5)
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default();
            bail!(
                "le PostgreSQL embarqué n’a pas démarré sur le port {} (port déjà utilisé ? \
                 choisissez-en un autre avec PARCOURS_PG_PORT) :\n{tail}",
                self.port
            );
        }
        Ok(())
    }

    fn ensure_database(&self) -> Result<()> {
        let psql = self.bin_dir.join("psql");
        let port = self.port.to_string();
        let host = self.data_dir.to_string_lossy().to_string();
        let exists = self.run_with_password(
            &psql,
            &[
                "-h",
                &host,
                "-p",
                &port,
                "-U",
                SUPERUSER,
                "-d",
                "postgres",
                "-tAc",
                &format!("SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"),
            ],
        )?;
        if !exists.status.success() {
            bail!(
                "connexion au PostgreSQL embarqué : {}",
                String::from_utf8_lossy(&exists.stderr)
            );
        }
        if String::from_utf8_lossy(&exists.stdout).trim() != "1" {
            let out = self.run_with_password(
                &psql,
                &[
                    "-h",
                    &host,
                    "-p",
                    &port,
                    "-U",
                    SUPERUSER,
                    "-d",
                    "postgres",
                    "-c",
                    &format!("CREATE DATABASE {DATABASE}"),
                ],
            )?;
            if !out.status.success() {
                bail!(
                    "création de la base : {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        Ok(())
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<Output> {
        let data = self.data_dir.to_string_lossy().to_string();
        let mut all = vec!["-D", &data];
        all.extend_from_slice(args);
        self.run(&self.bin_dir.join("pg_ctl"), &all)
    }

    fn run(&self, program: &Path, args: &[&str]) -> Result<Output> {
        self.command(program, args)
            .output()
            .with_context(|| format!("lancement de {}", program.display()))
    }

    fn run_with_password(&self, program: &Path, args: &[&str]) -> Result<Output> {
        self.command(program, args)
            .env("PGPASSWORD", &self.password)
            .output()
            .with_context(|| format!("lancement de {}", program.display()))
    }

    fn command(&self, program: &Path, args: &[&str]) -> Command {
        match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                // Without --login, runuser keeps the environment (PGPASSWORD included).
                c.args(["-u", user, "--"]).arg(program).args(args);
                c.current_dir("/");
                c
            }
            None => {
                let mut c = Command::new(program);
                c.args(args);
                c
            }
        }
    }

    fn give_to_owner(&self, path: &Path) -> Result<()> {
        let Some(user) = &self.run_as else {
            return Ok(());
        };
        let u = nix::unistd::User::from_name(user)?
            .with_context(|| format!("l’utilisateur système {user} n’existe pas"))?;
        std::os::unix::fs::chown(path, Some(u.uid.as_raw()), Some(u.gid.as_raw()))
            .with_context(|| format!("chown {}", path.display()))?;
        // The cluster owner must be able to reach the folder through its parents.
        let check = Command::new("runuser")
            .args(["-u", user, "--", "test", "-r"])
            .arg(path)
            .status()?;
        if !check.success() {
            bail!(
                "l’utilisateur {user} ne peut pas accéder à {} : un dossier parent lui est fermé. \
                 Choisissez un dossier accessible avec PARCOURS_DATA_DIR (par exemple /var/lib/parcours).",
                path.display()
            );
        }
        Ok(())
    }
}

fn restrict(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(())
}

fn absolute(p: &Path) -> Result<PathBuf> {
    Ok(if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    })
}

/// The folder of `initdb`/`pg_ctl`: `PARCOURS_PG_BIN`, else the newest
/// `/usr/lib/postgresql/<version>/bin`, else `pg_config --bindir`.
fn find_bin_dir() -> Result<PathBuf> {
    if let Ok(dir) = std::env::var("PARCOURS_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").exists() {
            return Ok(dir);
        }
    }
    bail!(
        "PostgreSQL est introuvable : installez-le (apt-get install postgresql) \
         ou indiquez une base existante avec DATABASE_URL"
    )
}
