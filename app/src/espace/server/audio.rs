//! "Écouter": the spoken version of a block, made on the server by
//! espeak-ng (French voice) so that it plays in a plain `<audio controls>`,
//! without JavaScript. A text is spoken once, the first time it is asked
//! for after it changed, and kept by the SHA-256 of the voice and the text
//! (`audio_clip`); the audio is served only through the page that shows the
//! text, with the page's authorization.

use super::{pages, require_person};
use crate::error::AppError;
use crate::espace::SpacePage;
use crate::state::db_error;
use anyhow::Context as _;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::time::Duration;

/// The voice and its speed (words per minute, slower than the default 175
/// for readers who need time).
const VOICE: &str = "fr";
const SPEED: &str = "140";

/// At most this many texts are spoken at once (each is one espeak-ng
/// process, a fraction of a second of one core).
fn speakers() -> &'static tokio::sync::Semaphore {
    static S: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    S.get_or_init(|| tokio::sync::Semaphore::new(2))
}

/// The cache key of a text in this voice.
pub fn clip_key(text: &str) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(format!("espeak-ng|{VOICE}|{SPEED}|").as_bytes());
    h.update(text.as_bytes());
    h.finalize().to_vec()
}

/// Runs espeak-ng on `text` and returns the WAV it writes.
pub async fn speak(text: &str) -> anyhow::Result<Vec<u8>> {
    use tokio::io::AsyncWriteExt as _;
    let _permit = speakers()
        .acquire()
        .await
        .context("waiting for a speaker")?;
    let mut child = tokio::process::Command::new("espeak-ng")
        .args(["-v", VOICE, "-s", SPEED, "--stdout", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("starting espeak-ng (paquet Debian espeak-ng)")?;
    let mut stdin = child.stdin.take().context("espeak-ng's input")?;
    stdin
        .write_all(text.as_bytes())
        .await
        .context("writing to espeak-ng")?;
    drop(stdin);
    let out = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .context("espeak-ng took longer than 30 s")?
        .context("running espeak-ng")?;
    anyhow::ensure!(
        out.status.success() && out.stdout.starts_with(b"RIFF"),
        "espeak-ng failed: {}",
        out.status
    );
    Ok(out.stdout)
}

/// The spoken text, from the cache or made now and kept. Returns the WAV
/// and whether it came from the cache.
pub async fn spoken(pool: &PgPool, text: &str) -> Result<(Vec<u8>, bool), AppError> {
    let key = clip_key(text);
    let cached = sqlx::query_scalar!("SELECT wav FROM audio_clip WHERE text_hash = $1", &key[..])
        .fetch_optional(pool)
        .await
        .context("reading a spoken text")
        .map_err(db_error)?;
    if let Some(wav) = cached {
        return Ok((wav, true));
    }
    let wav = speak(text).await.map_err(crate::state::internal)?;
    sqlx::query!(
        "INSERT INTO audio_clip (text_hash, wav) VALUES ($1, $2) ON CONFLICT (text_hash) DO NOTHING",
        &key[..],
        &wav
    )
    .execute(pool)
    .await
    .context("keeping a spoken text")
    .map_err(db_error)?;
    Ok((wav, false))
}

/// The audio of one block of a page of the signed-in person's space: the
/// page is read again (same authorization, traced like a read) and the
/// block's text spoken.
pub async fn block_audio(page: &str, block: &str) -> Result<Vec<u8>, AppError> {
    let person = require_person().await?;
    let page = SpacePage::parse(page).ok_or(AppError::NotFound)?;
    let view = pages::read(&person, page).await?;
    let block = view
        .blocks
        .iter()
        .find(|b| b.key == block)
        .ok_or(AppError::NotFound)?;
    Ok(spoken(&person.state.pool, &block.spoken()).await?.0)
}
