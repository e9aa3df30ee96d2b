//! The lifecycle both servers of this crate share: serve a router on a bound listener until
//! asked to stop (or dropped), then let requests in flight finish.

use std::io;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A router being served in a background task.
#[derive(Debug)]
pub(crate) struct Serving {
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl Serving {
    /// Serves `app` on `listener` in a background task.
    pub(crate) fn spawn(listener: TcpListener, app: Router) -> Self {
        let (shutdown, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    // A dropped sender stops the server too.
                    let _ = signal.await;
                })
                .await
        });
        Serving {
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    /// Stops accepting connections, lets requests in flight finish, and waits for the task.
    pub(crate) async fn shutdown(mut self) -> io::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
