//! Malformed input to the browsable API's parts (form overrides, format suffixes, cookies,
//! login fields) gets a 4xx or a page, never a server error.

mod browsable_common;
mod common;

use browsable_common::{login, login_page_token, BROWSER_ACCEPT};
use common::{spawn_app, ADMIN};

#[tokio::test]
async fn form_overrides_with_bad_values_are_client_errors() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN).await;
    let token = session.csrf_token.as_str();

    let cases: [&[(&str, &str)]; 7] = [
        &[("_method", "BREW")],
        &[("_method", "")],
        &[("_method", "GET\r\nX-Injected: 1")],
        &[
            ("_content_type", "text/plain\r\nX-Injected: 1"),
            ("_content", "x"),
        ],
        &[
            ("_content_type", "application/json"),
            ("_content", "{not json"),
        ],
        &[
            ("_content_type", "application/x-www-form-urlencoded"),
            ("_content", "%%%"),
        ],
        &[("_content_type", "image/png"), ("_content", "\u{0}\u{1}")],
    ];
    for fields in cases {
        let mut fields = fields.to_vec();
        fields.push(("csrfmiddlewaretoken", token));
        let response = session
            .cookies(app.post("/api/tweets/"))
            .header("Accept", BROWSER_ACCEPT)
            .form(&fields)
            .send()
            .await
            .unwrap();
        let status = response.status();

        assert!(status.is_client_error(), "{fields:?} gave {status}");
        assert!(response.headers().get("x-injected").is_none(), "{fields:?}");
    }
}

#[tokio::test]
async fn odd_paths_get_no_server_error() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN).await;

    let paths = [
        "/api/tweets.json.json",
        "/api/.api/",
        "/api/tweets/abc.api",
        "/api/tweets/1.xml",
        "/api/../api/.json",
        "/api/tweets/?format=api&format=json",
        "/api/tweets/?format=",
        "/api/tweets/?status=%FF",
        "/api/actions/?page=-1",
        "/api/actions/?page=99999999999999999999",
    ];
    let accepts = [
        BROWSER_ACCEPT,
        "text/html;q=abc",
        "text/*",
        ",,,",
        "application/json;q=0",
    ];
    for path in paths {
        for accept in accepts {
            let response = session
                .cookies(app.get(path))
                .header("Accept", accept)
                .send()
                .await
                .unwrap();
            let status = response.status();

            assert!(
                !status.is_server_error(),
                "GET {path} with Accept {accept:?}: {status}"
            );
        }
    }
}

#[tokio::test]
async fn bad_cookies_and_logins_get_no_server_error() {
    let app = spawn_app().await;
    let csrf = login_page_token(&app).await;

    let cookies = [
        "sessionid=",
        "sessionid=\"\"",
        "sessionid=zz; csrftoken=",
        "csrftoken=%00%00; sessionid=../../etc/passwd",
        ";;;=;",
    ];
    for cookie in cookies {
        for path in ["/", "/api/", "/api-auth/login/", "/api-auth/logout/"] {
            let response = app
                .get(path)
                .header("Accept", BROWSER_ACCEPT)
                .header("Cookie", cookie)
                .send()
                .await
                .unwrap();

            assert!(
                !response.status().is_server_error(),
                "GET {path} with Cookie {cookie:?}"
            );
        }
    }

    let forms: [&[(&str, &str)]; 4] = [
        &[],
        &[("username", ""), ("password", "")],
        &[
            ("username", "\u{0}"),
            ("password", "x"),
            ("next", "\r\n/evil"),
        ],
        &[
            ("username", &"a".repeat(10_000)),
            ("password", &"b".repeat(10_000)),
        ],
    ];
    for fields in forms {
        let mut fields = fields.to_vec();
        fields.push(("csrfmiddlewaretoken", csrf.as_str()));
        let response = app
            .post("/api-auth/login/")
            .header("Cookie", format!("csrftoken={csrf}"))
            .form(&fields)
            .send()
            .await
            .unwrap();

        assert_eq!(
            response.status(),
            200,
            "the login form shows again for {fields:?}"
        );
    }
}
