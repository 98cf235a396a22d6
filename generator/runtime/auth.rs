// Credentials: the API's security schemes (`SecurityScheme`, generated from the spec), what the
// caller sets for them on the `ClientBuilder` (kept only as secrets, redacted in every `Debug`),
// which to send for an operation (the first of its security requirements the client can
// satisfy), and OAuth 2 client credentials: a token fetched from the scheme's token URL, cached
// until shortly before it expires, shared by concurrent calls, and refreshed once on a 401.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderName, HeaderValue};

use crate::client::OperationInfo;
use crate::error::Error;

/// One security scheme of the API (`components/securitySchemes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityScheme {
    /// Its key in the spec, as operations' requirements name it.
    pub name: &'static str,
    /// The `ClientBuilder` method that sets its credential.
    pub method: &'static str,
    /// What it sends, and where.
    pub kind: SchemeKind,
}

/// What a security scheme sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic base64(username:password)`.
    Basic,
    /// The key in the header with this name.
    ApiKeyHeader(&'static str),
    /// The key in the query parameter with this name.
    ApiKeyQuery(&'static str),
    /// The key in the cookie with this name.
    ApiKeyCookie(&'static str),
    /// OAuth 2: `Authorization: Bearer <access token>`; with a token URL (a client-credentials
    /// flow), the SDK can fetch the token itself.
    OAuth2 {
        /// The client-credentials flow's `tokenUrl` (relative to the base URL if relative).
        token_url: Option<&'static str>,
    },
    /// OpenID Connect: `Authorization: Bearer <token>`.
    OpenIdConnect,
}

impl SchemeKind {
    /// Whether the scheme takes one secret (a token or key), as `ClientBuilder::api_key` gives.
    fn takes_token(self) -> bool {
        !matches!(self, SchemeKind::Basic)
    }

    /// In a few words, for messages.
    fn describe(self) -> &'static str {
        match self {
            SchemeKind::Bearer => "a bearer token",
            SchemeKind::Basic => "a username and password",
            SchemeKind::ApiKeyHeader(_)
            | SchemeKind::ApiKeyQuery(_)
            | SchemeKind::ApiKeyCookie(_) => "an API key",
            SchemeKind::OAuth2 { token_url: Some(_) } => {
                "an OAuth 2 access token, or client credentials"
            }
            SchemeKind::OAuth2 { token_url: None } => "an OAuth 2 access token",
            SchemeKind::OpenIdConnect => "an OpenID Connect token",
        }
    }
}

/// A secret kept as text; `Debug` never shows it.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A credential set for one scheme.
#[derive(Clone, Debug)]
pub(crate) enum Given {
    /// A token or key.
    Token(Secret),
    /// A username and password.
    Basic(Secret, Secret),
}

/// What the caller set on the builder, prepared by `Credentials::prepare` at `build()`.
#[derive(Clone, Default)]
pub(crate) struct GivenCredentials {
    /// For every scheme that takes a token or key.
    pub(crate) api_key: Option<Secret>,
    /// For every basic scheme.
    pub(crate) basic: Option<(Secret, Secret)>,
    /// For every OAuth 2 scheme with a client-credentials flow.
    pub(crate) client_credentials: Option<(Secret, Secret)>,
    /// The scopes to ask for with client credentials (none: the server's default).
    pub(crate) scopes: Vec<String>,
    /// For one scheme each, over the above; the last set wins.
    pub(crate) per_scheme: Vec<(&'static str, Given)>,
}

impl fmt::Debug for GivenCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |set: bool| set.then_some("[redacted]");
        let schemes: Vec<&str> = self.per_scheme.iter().map(|(name, _)| *name).collect();
        f.debug_struct("Credentials")
            .field("api_key", &redacted(self.api_key.is_some()))
            .field("basic_auth", &redacted(self.basic.is_some()))
            .field(
                "oauth2_client_credentials",
                &redacted(self.client_credentials.is_some()),
            )
            .field("oauth2_scopes", &self.scopes)
            .field("schemes", &schemes)
            .finish()
    }
}

/// A credential ready to send.
pub(crate) enum Credential {
    /// This header (its value sensitive).
    Header(HeaderName, HeaderValue),
    /// This query parameter.
    Query(&'static str, Secret),
    /// This cookie.
    Cookie(&'static str, Secret),
    /// A bearer token fetched with client credentials.
    OAuth2(Arc<TokenSource>),
    /// Set, but unusable for this reason (a header name the spec got wrong): the error of an
    /// operation that would send it.
    Unusable(String),
}

/// The client's credentials: one slot per scheme of the API.
pub(crate) struct Credentials {
    schemes: &'static [SecurityScheme],
    slots: Vec<Option<Credential>>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The schemes with a credential; never the credential.
        f.debug_map()
            .entries(
                self.schemes
                    .iter()
                    .zip(&self.slots)
                    .filter(|(_, slot)| slot.is_some())
                    .map(|(scheme, _)| (scheme.name, "[redacted]")),
            )
            .finish()
    }
}

impl Credentials {
    /// Prepares what `given` sets for each of `schemes`. A key or password that cannot be sent
    /// in a header is an error here, without the secret in the message.
    pub(crate) fn prepare(
        given: &GivenCredentials,
        schemes: &'static [SecurityScheme],
        base_url: &str,
    ) -> Result<Credentials, Error> {
        let api_key = given
            .api_key
            .as_ref()
            .map(|key| key.0.trim())
            .filter(|key| !key.is_empty());
        let mut slots = Vec::with_capacity(schemes.len());
        for scheme in schemes {
            let own = given
                .per_scheme
                .iter()
                .rev()
                .find(|(name, _)| *name == scheme.name)
                .map(|(_, given)| given);
            let slot = match (scheme.kind, own) {
                (SchemeKind::Basic, Some(Given::Basic(user, password))) => {
                    Some(basic_header(&user.0, &password.0)?)
                }
                (SchemeKind::Basic, _) => given
                    .basic
                    .as_ref()
                    .map(|(user, password)| basic_header(&user.0, &password.0))
                    .transpose()?,
                (kind, Some(Given::Token(token))) => {
                    let token = token.0.trim();
                    (!token.is_empty())
                        .then(|| token_credential(kind, token))
                        .transpose()?
                }
                (
                    SchemeKind::OAuth2 {
                        token_url: Some(url),
                    },
                    _,
                ) if given.client_credentials.is_some() => {
                    let (id, secret) = given
                        .client_credentials
                        .as_ref()
                        .map(|(id, secret)| (id.0.as_str(), secret.0.as_str()))
                        .unwrap_or_default();
                    Some(Credential::OAuth2(Arc::new(TokenSource::new(
                        url,
                        base_url,
                        id,
                        secret,
                        &given.scopes,
                    )?)))
                }
                (kind, _) if kind.takes_token() => {
                    api_key.map(|key| token_credential(kind, key)).transpose()?
                }
                (_, _) => None,
            };
            slots.push(slot);
        }
        Ok(Credentials { schemes, slots })
    }

    /// Whether no scheme has a credential.
    pub(crate) fn is_empty(&self) -> bool {
        self.slots.iter().all(Option::is_none)
    }

    /// The credential set for the scheme `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&Credential> {
        let at = self.schemes.iter().position(|s| s.name == name)?;
        self.slots.get(at)?.as_ref()
    }

    /// The schemes to send for `op`: those of its first security requirement whose schemes
    /// all have a credential; none when it has no requirements, or allows an anonymous call and
    /// none can be met. Otherwise an error saying what to set, before anything is sent.
    pub(crate) fn choose(&self, op: &OperationInfo) -> Result<&'static [&'static str], Error> {
        let mut anonymous = op.auth.is_empty();
        for requirement in op.auth {
            if requirement.is_empty() {
                anonymous = true;
                continue;
            }
            if requirement.iter().all(|name| self.get(name).is_some()) {
                for name in *requirement {
                    if let Some(Credential::Unusable(reason)) = self.get(name) {
                        return Err(Error::Config(reason.clone()));
                    }
                }
                return Ok(requirement);
            }
        }
        if anonymous {
            return Ok(&[]);
        }
        Err(Error::Config(format!(
            "operation {} needs credentials: {}",
            op.operation_id,
            self.wanted(op)
        )))
    }

    /// What would satisfy one of `op`'s requirements, in builder methods.
    fn wanted(&self, op: &OperationInfo) -> String {
        let alternatives: Vec<String> = op
            .auth
            .iter()
            .map(|requirement| {
                let parts: Vec<String> = requirement
                    .iter()
                    .map(|name| match self.schemes.iter().find(|s| s.name == *name) {
                        Some(scheme) => {
                            let generic: &[&str] = match scheme.kind {
                                SchemeKind::Basic => &["basic_auth"],
                                SchemeKind::OAuth2 { token_url: Some(_) } => {
                                    &["api_key", "oauth2_client_credentials"]
                                }
                                _ => &["api_key"],
                            };
                            // A scheme named like its generic method has no other.
                            let mut methods = vec![scheme.method];
                            methods.extend(generic.iter().filter(|m| **m != scheme.method));
                            format!(
                                "ClientBuilder::{} ({} for `{name}`)",
                                methods.join(" or "),
                                scheme.kind.describe()
                            )
                        }
                        None => format!("the scheme `{name}`"),
                    })
                    .collect();
                parts.join(" and ")
            })
            .collect();
        format!("set {}", alternatives.join("; or "))
    }

    /// The token source among the schemes of `requirement`, if one fetches its token.
    pub(crate) fn token_source(&self, requirement: &[&str]) -> Option<&Arc<TokenSource>> {
        requirement.iter().find_map(|name| match self.get(name) {
            Some(Credential::OAuth2(source)) => Some(source),
            _ => None,
        })
    }
}

/// The credential a token or key makes for a scheme that takes one.
fn token_credential(kind: SchemeKind, token: &str) -> Result<Credential, Error> {
    let invalid = || {
        Error::Config(String::from(
            "the API key contains characters that cannot be sent in an HTTP header",
        ))
    };
    Ok(match kind {
        SchemeKind::ApiKeyHeader(name) => {
            let mut value = HeaderValue::try_from(token).map_err(|_| invalid())?;
            value.set_sensitive(true);
            match HeaderName::try_from(name) {
                Ok(name) => Credential::Header(name, value),
                Err(_) => Credential::Unusable(format!(
                    "the API key header {name:?} the API describes is not a valid HTTP header name"
                )),
            }
        }
        SchemeKind::ApiKeyQuery(name) => Credential::Query(name, Secret(token.to_owned())),
        SchemeKind::ApiKeyCookie(name) => Credential::Cookie(name, Secret(token.to_owned())),
        SchemeKind::Bearer
        | SchemeKind::OAuth2 { .. }
        | SchemeKind::OpenIdConnect
        | SchemeKind::Basic => {
            let mut value =
                HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| invalid())?;
            value.set_sensitive(true);
            Credential::Header(header::AUTHORIZATION, value)
        }
    })
}

/// The sensitive `Authorization: Basic` header for a username and password.
fn basic_header(username: &str, password: &str) -> Result<Credential, Error> {
    if username.contains(':') {
        return Err(Error::Config(String::from(
            "the basic-auth username must not contain ':' (RFC 7617)",
        )));
    }
    let mut value = HeaderValue::try_from(format!(
        "Basic {}",
        base64(format!("{username}:{password}").as_bytes())
    ))
    .map_err(|_| Error::Config(String::from("the basic-auth credentials are invalid")))?;
    value.set_sensitive(true);
    Ok(Credential::Header(header::AUTHORIZATION, value))
}

/// Standard base64 (RFC 4648, with padding), written out here so that every generated SDK does
/// not need a dependency for the one `Authorization: Basic` header that uses it.
pub(crate) fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 0x3f) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Characters percent-encoded in a client id or secret before they go into the Basic header
/// (RFC 6749 §2.3.1: `application/x-www-form-urlencoded` first): all but unreserved ones.
const FORM_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// How long before its expiry a cached token is replaced: a tenth of its lifetime, at most a
/// minute, so a call never leaves with a token about to expire.
fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(Duration::from_secs(60))
}

/// OAuth 2 client credentials (RFC 6749 §4.4) and the token they got.
pub(crate) struct TokenSource {
    token_url: reqwest::Url,
    /// `Basic base64(id:secret)`, sensitive.
    client_auth: HeaderValue,
    /// The `scope` parameter, if any.
    scope: Option<String>,
    /// The current token. An async mutex: the call that finds it missing or stale fetches a
    /// new one while holding it, and concurrent calls wait for that one fetch.
    cached: tokio::sync::Mutex<Option<Token>>,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("token_url", &self.token_url.as_str())
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// A cached access token.
struct Token {
    /// `Bearer <token>`, sensitive.
    bearer: HeaderValue,
    /// When to fetch another; `None` when the server gave no lifetime (then until a 401).
    refresh_at: Option<Instant>,
    /// Which fetch this was, so a 401 discards only the token it was sent with.
    serial: u64,
}

/// What a token endpoint answers (RFC 6749 §5.1).
#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

impl TokenSource {
    fn new(
        token_url: &str,
        base_url: &str,
        client_id: &str,
        client_secret: &str,
        scopes: &[String],
    ) -> Result<TokenSource, Error> {
        let base = reqwest::Url::parse(&format!("{}/", base_url.trim_end_matches('/')))
            .map_err(|e| Error::Config(format!("the base URL is not a URL: {e}")))?;
        let token_url = base.join(token_url).map_err(|e| {
            Error::Config(format!(
                "the OAuth 2 token URL {token_url:?} is not a URL: {e}"
            ))
        })?;
        let encode =
            |text: &str| percent_encoding::utf8_percent_encode(text, FORM_COMPONENT).to_string();
        let mut client_auth = HeaderValue::try_from(format!(
            "Basic {}",
            base64(format!("{}:{}", encode(client_id), encode(client_secret)).as_bytes())
        ))
        .map_err(|_| Error::Config(String::from("the OAuth 2 client credentials are invalid")))?;
        client_auth.set_sensitive(true);
        let scope = (!scopes.is_empty()).then(|| scopes.join(" "));
        Ok(TokenSource {
            token_url,
            client_auth,
            scope,
            cached: tokio::sync::Mutex::new(None),
        })
    }

    /// The current `Authorization` value and its serial: the cached token while it is fresh,
    /// else a new one (one fetch, whoever else is waiting).
    pub(crate) async fn bearer(
        &self,
        http: &reqwest::Client,
        timeout: Duration,
    ) -> Result<(HeaderValue, u64), Error> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.as_ref()
            && token.refresh_at.is_none_or(|at| Instant::now() < at)
        {
            return Ok((token.bearer.clone(), token.serial));
        }
        let serial = cached
            .as_ref()
            .map_or(1, |token| token.serial.wrapping_add(1));
        let token = self.fetch(http, timeout, serial).await?;
        let bearer = token.bearer.clone();
        *cached = Some(token);
        Ok((bearer, serial))
    }

    /// Forgets the token with this serial (the server refused it), unless another call has
    /// already replaced it.
    pub(crate) async fn invalidate(&self, serial: u64) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|token| token.serial == serial) {
            if let Some(token) = cached.as_mut() {
                token.refresh_at = Some(Instant::now());
            }
        }
    }

    /// Asks the token endpoint for a token.
    async fn fetch(
        &self,
        http: &reqwest::Client,
        timeout: Duration,
        serial: u64,
    ) -> Result<Token, Error> {
        let failed = |message: String, status: Option<u16>, body: Option<String>| Error::Auth {
            message,
            status,
            body,
        };
        let mut form = vec![("grant_type", "client_credentials")];
        if let Some(scope) = &self.scope {
            form.push(("scope", scope));
        }
        let started = Instant::now();
        let response = http
            .post(self.token_url.clone())
            .header(header::AUTHORIZATION, self.client_auth.clone())
            .header(header::ACCEPT, "application/json")
            .form(&form)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| {
                failed(
                    format!(
                        "the token endpoint {} could not be reached: {e}",
                        self.token_url
                    ),
                    None,
                    None,
                )
            })?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(|e| {
            failed(
                format!("the token endpoint's answer could not be read: {e}"),
                Some(status),
                None,
            )
        })?;
        if !(200..300).contains(&status) {
            return Err(failed(
                format!(
                    "the token endpoint {} answered HTTP {status}",
                    self.token_url
                ),
                Some(status),
                Some(body),
            ));
        }
        // The body holds the token: it is not kept in any error.
        let answer: TokenResponse = serde_json::from_str(&body).map_err(|e| {
            failed(
                format!("the token endpoint's answer is not an OAuth 2 token response: {e}"),
                Some(status),
                None,
            )
        })?;
        if let Some(kind) = &answer.token_type
            && !kind.eq_ignore_ascii_case("bearer")
        {
            return Err(failed(
                format!("the token endpoint gave a {kind:?} token; the SDK sends bearer tokens"),
                Some(status),
                None,
            ));
        }
        let mut bearer =
            HeaderValue::try_from(format!("Bearer {}", answer.access_token)).map_err(|_| {
                failed(
                    String::from("the access token cannot be sent in an HTTP header"),
                    Some(status),
                    None,
                )
            })?;
        bearer.set_sensitive(true);
        // `expires_in` is a number of seconds; some servers send it as a string.
        let lifetime = match &answer.expires_in {
            Some(serde_json::Value::Number(n)) => n.as_f64(),
            Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
        .filter(|secs| secs.is_finite() && *secs >= 0.0)
        .map(|secs| Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX));
        let refresh_at = lifetime.and_then(|lifetime| {
            started.checked_add(lifetime.saturating_sub(refresh_margin(lifetime)))
        });
        Ok(Token {
            bearer,
            refresh_at,
            serial,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        for (input, output) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
            ("Aladdin:open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
        ] {
            assert_eq!(base64(input.as_bytes()), output, "{input}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd, 0x00]), "//79AA==");
    }

    #[test]
    fn refresh_margins() {
        assert_eq!(
            refresh_margin(Duration::from_secs(3600)),
            Duration::from_secs(60)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(10)),
            Duration::from_secs(1)
        );
        assert_eq!(refresh_margin(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn token_urls_resolve_against_the_base_url() {
        let source = |url: &str| {
            TokenSource::new(url, "https://api.example.com/v1", "id", "secret", &[])
                .unwrap()
                .token_url
                .to_string()
        };
        assert_eq!(
            source("/oauth/token"),
            "https://api.example.com/oauth/token"
        );
        assert_eq!(
            source("oauth/token"),
            "https://api.example.com/v1/oauth/token"
        );
        assert_eq!(
            source("https://auth.example.com/token"),
            "https://auth.example.com/token"
        );
    }

    #[test]
    fn client_credentials_are_form_encoded_then_basic() {
        let source = TokenSource::new(
            "/token",
            "https://api.example.com",
            "id:1",
            "s&cr t",
            &["read".to_owned(), "write".to_owned()],
        )
        .unwrap();
        assert!(source.client_auth.is_sensitive());
        assert_eq!(
            source.client_auth.to_str().unwrap(),
            format!("Basic {}", base64(b"id%3A1:s%26cr%20t"))
        );
        assert_eq!(source.scope.as_deref(), Some("read write"));
        let shown = format!("{source:?}");
        assert!(!shown.contains("Basic"), "{shown}");
    }
}
