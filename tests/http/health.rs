use antar_tests::{on_both_backends, TestApp};
use reqwest::{Method, StatusCode};

async fn readyz_answers_when_the_database_does(app: TestApp) {
    let a = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    let a = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["database"], app.state.backend.name());
    assert!(a.headers.contains_key("x-request-id"));
}

async fn unknown_api_paths_answer_problem_json(app: TestApp) {
    let a = app.call(Method::GET, "/api/v1/nothing-here", None, None).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.content_type, "application/problem+json");
    assert_eq!(a.body["status"], 404);
}

on_both_backends!(readyz_answers_when_the_database_does, unknown_api_paths_answer_problem_json);
