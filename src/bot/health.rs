//! The health (`/healthz`, JSON) and Prometheus (`/metrics`) endpoints.

use super::state::Shared;
use std::sync::Arc;

pub fn health_router(shared: Arc<Shared>) -> axum::Router {
    use axum::routing::get;
    axum::Router::new()
        .route(
            "/healthz",
            get(
                |axum::extract::State(s): axum::extract::State<Arc<Shared>>| async move {
                    let g = s.gauges();
                    axum::Json(serde_json::json!({"status": "ok", "gauges": g}))
                },
            ),
        )
        .route(
            "/metrics",
            get(
                |axum::extract::State(s): axum::extract::State<Arc<Shared>>| async move {
                    let g = s.gauges();
                    (
                        [(
                            axum::http::header::CONTENT_TYPE,
                            "text/plain; version=0.0.4",
                        )],
                        s.metrics.render(&g),
                    )
                },
            ),
        )
        .with_state(shared)
}
