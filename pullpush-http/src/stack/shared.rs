//! A cloneable, type-erased transport.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use pullpush_core::{HttpRequest, HttpResponse, Transport, TransportError};

/// Any transport behind an `Arc`: cheap to clone, one type whatever the layers inside (like
/// tower's `BoxService`), so a stack can be shared by every stream and stored in a struct.
#[derive(Clone)]
pub struct SharedTransport {
    inner: Arc<dyn Transport>,
}

impl SharedTransport {
    /// Puts `transport` behind an `Arc`.
    pub fn new(transport: impl Transport + 'static) -> Self {
        SharedTransport {
            inner: Arc::new(transport),
        }
    }
}

impl fmt::Debug for SharedTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedTransport")
    }
}

#[async_trait]
impl Transport for SharedTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.inner.send(request).await
    }
}
