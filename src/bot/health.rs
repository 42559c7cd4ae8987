//! The health (`/healthz`, JSON) and Prometheus (`/metrics`) endpoints.
//! `/healthz` answers 503 with the problems when intake or the sender is
//! stuck (see [`super::liveness`]), 200 otherwise.

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
                    let problems = s.problems();
                    let (code, status) = if problems.is_empty() {
                        (axum::http::StatusCode::OK, "ok")
                    } else {
                        (axum::http::StatusCode::SERVICE_UNAVAILABLE, "unhealthy")
                    };
                    (
                        code,
                        axum::Json(
                            serde_json::json!({"status": status, "problems": problems, "gauges": g}),
                        ),
                    )
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
