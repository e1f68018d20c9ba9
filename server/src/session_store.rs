//! The session store: tower-sessions' PostgreSQL store, except that saving
//! never brings back a session that was deleted. Sessions are saved at the
//! end of every request (their expiry follows inactivity), so without this
//! a request still running when the person signs out — a page's data
//! arriving late — would write the signed-out session back. And a database
//! found unreachable (`DbHealth`) fails at once here too: the session
//! layer's own load and save at the end of a request do not wait again.

use app::state::DbHealth;
use async_trait::async_trait;
use sqlx::PgPool;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};
use tower_sessions_sqlx_store::PostgresStore;

#[derive(Debug, Clone)]
pub struct Sessions {
    inner: PostgresStore,
    pool: PgPool,
    health: DbHealth,
}

impl Sessions {
    pub fn new(inner: PostgresStore, pool: PgPool, health: DbHealth) -> Sessions {
        Sessions {
            inner,
            pool,
            health,
        }
    }

    /// Runs a store call unless the database is known to be down, and
    /// remembers a backend failure for the others.
    async fn guarded<T>(&self, call: impl std::future::Future<Output = Result<T>>) -> Result<T> {
        if self.health.is_down() {
            return Err(Error::Backend("database unreachable".into()));
        }
        let result = call.await;
        if let Err(Error::Backend(_)) = &result {
            self.health.mark_down();
        }
        result
    }
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> Result<()> {
        self.guarded(self.inner.create(record)).await
    }

    /// Updates the session if it still exists; a deleted one stays deleted.
    async fn save(&self, record: &Record) -> Result<()> {
        let data = rmp_serde::to_vec(record).map_err(|e| Error::Encode(e.to_string()))?;
        self.guarded(async {
            sqlx::query(
                "UPDATE tower_sessions.session SET data = $2, expiry_date = $3 WHERE id = $1",
            )
            .bind(record.id.to_string())
            .bind(data)
            .bind(record.expiry_date)
            .execute(&self.pool)
            .await
            .map_err(|e| Error::Backend(e.to_string()))
        })
        .await?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        self.guarded(self.inner.load(id)).await
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.guarded(self.inner.delete(id)).await
    }
}
