//! The state boundary: where incremental cursors live between runs.
//!
//! Core reads and writes stream state through [`StateStore`]; durable stores (SQLite, PostgreSQL)
//! live outside core, and [`MemoryStateStore`] keeps state in memory for tests and one-off reads.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use serde_json::Value;

/// Why state could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("state store: {0}")]
pub struct StoreError(pub String);

/// Identifies one stream of one connection.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamKey {
    /// The connection (configured connector instance).
    pub connection: String,
    /// The stream name.
    pub stream: String,
}

/// Keeps each stream's state: a small JSON value such as `{"cursor": "2024-05-01T00:00:00Z"}`.
///
/// The engine commits state only after the records read under it were delivered, so a store only
/// needs atomic `put`s, not transactions across streams.
#[async_trait]
pub trait StateStore: Send + Sync {
    /// The stored state, or `None` before the first commit.
    async fn get(&self, key: &StreamKey) -> Result<Option<Value>, StoreError>;
    /// Replaces the stored state.
    async fn put(&self, key: &StreamKey, state: Value) -> Result<(), StoreError>;
}

/// State in memory, lost when dropped.
#[derive(Debug, Default)]
pub struct MemoryStateStore {
    states: Mutex<BTreeMap<StreamKey, Value>>,
}

impl MemoryStateStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl StateStore for MemoryStateStore {
    async fn get(&self, key: &StreamKey) -> Result<Option<Value>, StoreError> {
        let states = self
            .states
            .lock()
            .map_err(|_| StoreError("memory store poisoned by a panic".into()))?;
        Ok(states.get(key).cloned())
    }

    async fn put(&self, key: &StreamKey, state: Value) -> Result<(), StoreError> {
        let mut states = self
            .states
            .lock()
            .map_err(|_| StoreError("memory store poisoned by a panic".into()))?;
        states.insert(key.clone(), state);
        Ok(())
    }
}

/// The engine's clock, injected so core never reads the system time and tests are repeatable.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> jiff::Timestamp;
}

/// A clock that always says the same instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub jiff::Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> jiff::Timestamp {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_keeps_state_per_stream() {
        let store = MemoryStateStore::new();
        let orders = StreamKey {
            connection: "shop".into(),
            stream: "orders".into(),
        };
        let stock = StreamKey {
            connection: "shop".into(),
            stream: "stock".into(),
        };
        futures::executor::block_on(async {
            assert_eq!(store.get(&orders).await.unwrap(), None);
            store
                .put(&orders, serde_json::json!({"cursor": 5}))
                .await
                .unwrap();
            assert_eq!(
                store.get(&orders).await.unwrap(),
                Some(serde_json::json!({"cursor": 5}))
            );
            assert_eq!(store.get(&stock).await.unwrap(), None);
        });
    }
}
