//! Operations: parameters in every location and style, request bodies, responses, security
//! and the idempotency key, each grouped under its tag.

use super::*;

/// Extensions naming an operation's group, as other generators' users have written them into
/// their descriptions, in the order they are honoured (before the first tag).
const GROUP_EXTENSIONS: &[&str] = &["x-speakeasy-group", "x-fern-sdk-group-name"];
/// Extensions naming an operation's method (before its `operationId`).
const METHOD_EXTENSIONS: &[&str] = &["x-speakeasy-name-override", "x-fern-sdk-method-name"];

/// The first of `extensions` that `op` carries as a non-empty string, or as a list of strings
/// (Fern's nested groups, `[users, notifications]`, joined as `users.notifications`: the
/// client's groups are one level deep).
fn naming_extension(op: &openapiv3::Operation, extensions: &[&str]) -> Option<String> {
    extensions.iter().find_map(|key| {
        let name = match op.extensions.get(*key)? {
            serde_json::Value::String(name) => name.trim().to_owned(),
            serde_json::Value::Array(parts) => parts
                .iter()
                .filter_map(serde_json::Value::as_str)
                .collect::<Vec<_>>()
                .join("."),
            _ => return None,
        };
        (!name.is_empty()).then_some(name)
    })
}

impl<'a> Resolver<'a> {
    pub(super) fn operations(&mut self) -> Vec<Group> {
        let mut groups: BTreeMap<String, Group> = BTreeMap::new();
        let mut accessors = Scope::with_reserved(names::CLIENT_METHODS);
        let mut group_types = Scope::default();
        let mut features = Scope::with_reserved(names::RESERVED_FEATURES);
        let mut method_scopes: BTreeMap<String, Scope> = BTreeMap::new();
        for (path, item) in self.spec.paths.iter() {
            let path_at = pointer("/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    self.diags.warn("unsupported-ref", &path_at, format!("path item `$ref: {reference}` is not followed yet; its operations are skipped"));
                    continue;
                }
            };
            for (method, op) in item.iter() {
                let op_at = pointer(&path_at, method);
                let tag = naming_extension(op, GROUP_EXTENSIONS)
                    .or_else(|| op.tags.first().cloned())
                    .unwrap_or_else(|| "default".to_owned());
                // One group per accessor name: a tag `Links` and an `x-speakeasy-group: links`
                // are both `client.links()`.
                let key = names::field_name(&tag);
                groups.entry(key.clone()).or_insert_with(|| Group {
                    feature: features.claim(names::feature_name(&key)),
                    accessor: accessors.claim(key.clone()),
                    type_name: group_types.claim(format!("{}Api", names::type_name(&tag))),
                    description: self
                        .spec
                        .tags
                        .iter()
                        .find(|t| t.name == tag)
                        .and_then(|t| t.description.clone()),
                    tag: tag.clone(),
                    operations: Vec::new(),
                });
                let scope = method_scopes.entry(key.clone()).or_default();
                let operation_id = op
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| names::derived_operation_id(method, path));
                let method_name = scope.claim(match naming_extension(op, METHOD_EXTENSIONS) {
                    Some(name) => names::field_name(&name),
                    None => names::method_name(&operation_id, &tag),
                });
                if let Some(operation) =
                    self.operation(path, method, item, op, operation_id, method_name, &op_at)
                    && let Some(g) = groups.get_mut(&key)
                {
                    g.operations.push(operation);
                }
            }
        }
        let mut groups: Vec<Group> = groups
            .into_values()
            .filter(|g| !g.operations.is_empty())
            .collect();
        for group in &mut groups {
            group
                .operations
                .sort_by(|a, b| a.method_name.cmp(&b.method_name));
        }
        groups
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn operation(
        &mut self,
        path: &str,
        method: &str,
        item: &'a openapiv3::PathItem,
        op: &'a openapiv3::Operation,
        operation_id: String,
        method_name: String,
        at: &str,
    ) -> Option<Operation> {
        let http_method = match method {
            "get" => HttpMethod::Get,
            "put" => HttpMethod::Put,
            "post" => HttpMethod::Post,
            "delete" => HttpMethod::Delete,
            "options" => HttpMethod::Options,
            "head" => HttpMethod::Head,
            "patch" => HttpMethod::Patch,
            _ => HttpMethod::Trace,
        };
        let type_stem = names::type_name(&operation_id);
        let (path_params, params) = self.parameters(path, item, op, &type_stem, at)?;
        let body = match &op.request_body {
            None => None,
            Some(body) => self.request_body(body, &type_stem, &pointer(at, "requestBody"))?,
        };
        let (success, errors, link) = self.responses(op, &type_stem, &pointer(at, "responses"));
        let speakeasy = op.extensions.get(pagination::SPEAKEASY).cloned();
        let dropshot = op.extensions.get(pagination::DROPSHOT).cloned();
        if link || speakeasy.is_some() || dropshot.is_some() {
            let hint = pagination::PageHint {
                speakeasy,
                dropshot,
                link,
            };
            self.page_hints.insert(at.to_owned(), hint);
        }
        let auth = self.auth(op, at);
        let stream_flag = success
            .events
            .as_ref()
            .and_then(|_| self.stream_flag(body.as_ref()));
        let idempotency_key = self.idempotency_key(op, body.as_ref(), at);
        let idempotency_header = params.as_ref().and_then(|params| {
            params
                .bindings
                .iter()
                .find(|b| {
                    b.location == ParamLocation::Header
                        && ["idempotency-key", "x-idempotency-key"]
                            .iter()
                            .any(|name| b.wire_name.trim().eq_ignore_ascii_case(name))
                })
                .map(|b| b.wire_name.clone())
        });
        Some(Operation {
            operation_id,
            method_name,
            pointer: at.to_owned(),
            http_method,
            path: path.to_owned(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            path_params,
            params,
            body,
            success,
            errors,
            auth,
            auth_pointer: if op.security.is_some() {
                pointer(at, "security")
            } else {
                "/security".to_owned()
            },
            idempotent: http_method.is_idempotent(),
            idempotency_key,
            idempotency_header,
            deprecated: op.deprecated,
            pagination: None,
            stream_flag,
        })
    }

    /// Path parameters (positional) and the struct of query, header and cookie parameters.
    /// `None` when a required parameter cannot be expressed: the operation is then skipped with
    /// a warning, since a call without it could never be right.
    pub(super) fn parameters(
        &mut self,
        path: &str,
        item: &'a openapiv3::PathItem,
        op: &'a openapiv3::Operation,
        stem: &str,
        at: &str,
    ) -> Option<(Vec<Param>, Option<ParamsStruct>)> {
        let path_at = at.rsplit_once('/').map(|(a, _)| a).unwrap_or(at).to_owned();
        let mut all: BTreeMap<(u8, String), (openapiv3::Parameter, String)> = BTreeMap::new();
        let mut order = Vec::new();
        for (list, list_at) in [
            (&item.parameters, pointer(&path_at, "parameters")),
            (&op.parameters, pointer(at, "parameters")),
        ] {
            for (i, p) in list.iter().enumerate() {
                let p_at = pointer(&list_at, &i.to_string());
                let param = match self
                    .item_or_ref(p, "#/components/parameters/", |c, k| c.parameters.get(k))
                {
                    Ok(param) => param.into_owned(),
                    Err(reference) => {
                        self.diags.warn("unsupported-ref", &p_at, format!("cannot follow parameter `$ref: {reference}`; the operation is skipped"));
                        return None;
                    }
                };
                let (loc, data) = match &param {
                    openapiv3::Parameter::Path { parameter_data, .. } => (0u8, parameter_data),
                    openapiv3::Parameter::Query { parameter_data, .. } => (1, parameter_data),
                    openapiv3::Parameter::Header { parameter_data, .. } => (2, parameter_data),
                    openapiv3::Parameter::Cookie { parameter_data, .. } => (3, parameter_data),
                };
                let key = (loc, data.name.clone());
                if !all.contains_key(&key) {
                    order.push(key.clone());
                }
                // Operation-level parameters override path-level ones of the same name and place.
                all.insert(key, (param, p_at));
            }
        }
        // Locals of the generated method body (see emit/operations.rs) are reserved.
        let mut path_scope = Scope::with_reserved(names::OPERATION_LOCALS);
        let mut field_scope = Scope::default();
        let mut path_params = Vec::new();
        let mut fields = Vec::new();
        let mut bindings = Vec::new();
        for key in order {
            let Some((param, p_at)) = all.get(&key) else {
                continue;
            };
            let (data, location, style) = match param {
                openapiv3::Parameter::Path {
                    parameter_data,
                    style,
                } => {
                    if !matches!(style, openapiv3::PathStyle::Simple) {
                        self.diags.warn(
                            "unsupported-parameter",
                            p_at,
                            "label and matrix path styles are sent as `simple`",
                        );
                    }
                    (parameter_data, None, ParamStyle::Simple)
                }
                openapiv3::Parameter::Query {
                    parameter_data,
                    style,
                    ..
                } => {
                    let style = match style {
                        openapiv3::QueryStyle::Form => ParamStyle::Form {
                            explode: parameter_data.explode.unwrap_or(true),
                        },
                        openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                        openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                        openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                    };
                    (parameter_data, Some(ParamLocation::Query), style)
                }
                openapiv3::Parameter::Header { parameter_data, .. } => (
                    parameter_data,
                    Some(ParamLocation::Header),
                    ParamStyle::Simple,
                ),
                openapiv3::Parameter::Cookie { parameter_data, .. } => (
                    parameter_data,
                    Some(ParamLocation::Cookie),
                    ParamStyle::Form {
                        explode: parameter_data.explode.unwrap_or(true),
                    },
                ),
            };
            let required = data.required || location.is_none();
            if location == Some(ParamLocation::Header)
                && ["accept", "content-type", "authorization"]
                    .contains(&data.name.to_ascii_lowercase().as_str())
            {
                // OpenAPI 3.0: such header parameters SHALL be ignored.
                continue;
            }
            if location.is_none() && !path.contains(&format!("{{{}}}", data.name)) {
                self.diags.warn(
                    "unsupported-parameter",
                    p_at,
                    format!(
                        "path parameter `{}` is not in the path template; ignored",
                        data.name
                    ),
                );
                continue;
            }
            let schema = match &data.format {
                openapiv3::ParameterSchemaOrContent::Schema(s) => SchemaOrRef::from(s),
                openapiv3::ParameterSchemaOrContent::Content(content) => {
                    // `content` parameters carry one media type; JSON-encoded values are sent as JSON text.
                    match content.iter().next().and_then(|(_, m)| m.schema.as_ref()) {
                        Some(s) => SchemaOrRef::from(s),
                        None => {
                            self.diags.warn(
                                "unsupported-parameter",
                                p_at,
                                format!("`{}` has no schema; it is sent as a string", data.name),
                            );
                            SchemaOrRef::Ref("")
                        }
                    }
                }
            };
            let hint = format!("{stem}{}", names::type_name(&data.name));
            let resolved = match schema {
                SchemaOrRef::Ref("") => Resolved {
                    shape: Shape {
                        ty: TypeRef::String,
                        constraints: Constraints::default(),
                    },
                    nullable: false,
                },
                other => self.shape_of(other, &hint, &pointer(p_at, "schema")),
            };
            match location {
                None => path_params.push(Param {
                    ident: path_scope.claim(names::field_name(&data.name)),
                    wire_name: data.name.clone(),
                    shape: resolved.shape,
                    required: true,
                    description: data.description.clone(),
                    pointer: p_at.clone(),
                }),
                Some(location) => {
                    let ident = field_scope.claim(names::field_name(&data.name));
                    bindings.push(ParamBinding {
                        ident: ident.clone(),
                        wire_name: data.name.clone(),
                        location,
                        style,
                        required,
                        ty: resolved.shape.ty.clone(),
                        pointer: p_at.clone(),
                    });
                    fields.push(Field {
                        ident,
                        wire_name: data.name.clone(),
                        shape: resolved.shape,
                        required,
                        nullable: false,
                        boxed: false,
                        one_way: false,
                        explicit_null: false,
                        description: data.description.clone(),
                        // The server's default, when the schema is inline (a documented page
                        // size tells pagination where a short page ends).
                        default: match &data.format {
                            openapiv3::ParameterSchemaOrContent::Schema(
                                openapiv3::ReferenceOr::Item(s),
                            ) => s.schema_data.default.clone(),
                            _ => None,
                        },
                        deprecated: data.deprecated.unwrap_or(false),
                        additional: false,
                    });
                }
            }
        }
        let params = (!fields.is_empty()).then(|| {
            let type_name = self.type_names.claim(format!("{stem}Params"));
            let description = format!("Query, header and cookie parameters of `{stem}`.");
            self.insert(
                &type_name,
                at,
                Some(description),
                false,
                TypeKind::Struct(Struct {
                    fields,
                    min_properties: None,
                    max_properties: None,
                    alternatives: Vec::new(),
                }),
            );
            ParamsStruct {
                type_name,
                bindings,
            }
        });
        Some((path_params, params))
    }

    /// `Some(None)` for a body the SDK does not send (optional, unsupported media type); `None`
    /// to skip the operation (a required body it cannot send).
    pub(super) fn request_body(
        &mut self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        stem: &str,
        at: &str,
    ) -> Option<Option<RequestBody>> {
        let body =
            match self.item_or_ref(body, "#/components/requestBodies/", |c, k| {
                c.request_bodies.get(k)
            }) {
                Ok(body) => body,
                Err(reference) => {
                    self.diags.warn(
                "unsupported-ref",
                at,
                format!("cannot follow request body `$ref: {reference}`; the operation is skipped"),
            );
                    return None;
                }
            };
        // Prefer JSON, then forms, then the first media type.
        let pick = body
            .content
            .iter()
            .map(|(media, content)| (media_encoding(media), media, content))
            .min_by_key(|(encoding, _, _)| match encoding {
                BodyEncoding::Json => 0,
                BodyEncoding::Form => 1,
                BodyEncoding::Multipart => 2,
                BodyEncoding::Bytes(_) => 3,
                BodyEncoding::Text(_) => 4,
            });
        let Some((encoding, media, content)) = pick else {
            self.diags.warn(
                "unsupported-body",
                at,
                "a request body without content is not sent",
            );
            return Some(None);
        };
        let schema_at = pointer(&pointer(&pointer(at, "content"), media), "schema");
        let ty = match &content.schema {
            Some(schema) => {
                self.shape_of(schema.into(), &format!("{stem}Request"), &schema_at)
                    .shape
                    .ty
            }
            None => TypeRef::Any,
        };
        let field_styles = content
            .encoding
            .iter()
            .filter_map(|(name, e)| {
                // openapiv3 reads an absent `explode` as false, so `form` keeps OpenAPI's
                // default (explode) here.
                let style = match &e.style {
                    Some(openapiv3::QueryStyle::DeepObject) => ParamStyle::DeepObject,
                    Some(openapiv3::QueryStyle::SpaceDelimited) => ParamStyle::SpaceDelimited,
                    Some(openapiv3::QueryStyle::PipeDelimited) => ParamStyle::PipeDelimited,
                    Some(openapiv3::QueryStyle::Form) => ParamStyle::Form { explode: true },
                    None => return None,
                };
                Some((name.clone(), style))
            })
            .collect();
        let media_type = media
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        Some(Some(RequestBody {
            ty,
            required: body.required,
            encoding,
            media_type,
            field_styles,
        }))
    }

    pub(super) fn responses(
        &mut self,
        op: &'a openapiv3::Operation,
        stem: &str,
        at: &str,
    ) -> (SuccessResponse, Vec<ErrorResponse>, bool) {
        let mut success = SuccessResponse {
            statuses: Vec::new(),
            body: ResponseBody::Empty,
            events: None,
            description: None,
        };
        let mut decided = false;
        let mut link = false;
        let mut errors = Vec::new();
        for (code, response) in &op.responses.responses {
            let code_at = pointer(at, &code.to_string());
            let status = match code {
                StatusCode::Code(c) => *c,
                StatusCode::Range(r) => {
                    if *r == 2 {
                        success.statuses.extend(200..300);
                    }
                    continue;
                }
            };
            let response = match self.item_or_ref(response, "#/components/responses/", |c, k| {
                c.responses.get(k)
            }) {
                Ok(response) => response,
                Err(reference) => {
                    self.diags.warn(
                        "unsupported-ref",
                        &code_at,
                        format!("cannot follow response `$ref: {reference}`"),
                    );
                    continue;
                }
            };
            for name in response.headers.keys() {
                let name = name.trim().to_ascii_lowercase();
                if name.ends_with("request-id") {
                    self.request_id_headers.insert(name);
                }
            }
            if (200..300).contains(&status) {
                success.statuses.push(status);
                if decided || status == 204 {
                    continue;
                }
                decided = true;
                link = response
                    .headers
                    .keys()
                    .any(|h| h.trim().eq_ignore_ascii_case("link"));
                success.description = Some(response.description.clone()).filter(|d| !d.is_empty());
                let events = response
                    .content
                    .iter()
                    .find(|(media, _)| is_event_stream(media));
                if let Some((media, content)) = events {
                    let schema_at =
                        pointer(&pointer(&pointer(&code_at, "content"), media), "schema");
                    success.events = Some(match &content.schema {
                        Some(schema) => {
                            self.shape_of(schema.into(), &format!("{stem}Event"), &schema_at)
                                .shape
                                .ty
                        }
                        // Without a schema, each event's data is its text.
                        None => TypeRef::String,
                    });
                }
                let json = response.content.iter().find(|(media, _)| is_json(media));
                success.body = match (json, response.content.iter().next()) {
                    (Some((media, content)), _) => {
                        let schema_at =
                            pointer(&pointer(&pointer(&code_at, "content"), media), "schema");
                        // A body that may be `null` (a `$ref` to GitHub's nullable `integration`)
                        // is an `Option`.
                        ResponseBody::Json(match &content.schema {
                            Some(schema) => super::schemas::item_type(&self.shape_of(
                                schema.into(),
                                &format!("{stem}Response"),
                                &schema_at,
                            )),
                            None => TypeRef::Any,
                        })
                    }
                    (None, Some((media, _))) if media.starts_with("text/") => ResponseBody::Text,
                    (None, Some(_)) => ResponseBody::Bytes,
                    (None, None) => ResponseBody::Empty,
                };
            } else if status >= 300 {
                let json = response.content.iter().find(|(media, _)| is_json(media));
                let problem = json.is_some_and(|(media, _)| is_problem_json(media));
                let body = json.and_then(|(media, content)| {
                    let schema = content.schema.as_ref()?;
                    let schema_at =
                        pointer(&pointer(&pointer(&code_at, "content"), media), "schema");
                    Some(
                        self.shape_of(schema.into(), &format!("{stem}Error{status}"), &schema_at)
                            .shape
                            .ty,
                    )
                });
                errors.push(ErrorResponse {
                    status,
                    description: Some(response.description.clone()).filter(|d| !d.is_empty()),
                    body,
                    // Problem details by their media type; other layouts are read from the
                    // schema once every type is resolved (`passes::mark_error_formats`).
                    format: if problem {
                        ErrorFormat::Problem
                    } else {
                        ErrorFormat::Opaque
                    },
                });
            }
        }
        if success.statuses.is_empty() {
            // No documented 2xx: accept any 2xx, decode nothing.
            success.statuses = (200..300).collect();
        }
        success.statuses.sort_unstable();
        success.statuses.dedup();
        errors.sort_by_key(|e| e.status);
        (success, errors, link)
    }

    /// The JSON body's boolean property named `stream`, which asks for an event stream.
    fn stream_flag(&self, body: Option<&RequestBody>) -> Option<String> {
        let body = body.filter(|b| b.encoding == BodyEncoding::Json)?;
        let TypeRef::Named(name) = &body.ty else {
            return None;
        };
        let TypeKind::Struct(s) = &self.types.get(name)?.kind else {
            return None;
        };
        s.fields
            .iter()
            .find(|f| f.wire_name == "stream" && f.shape.ty == TypeRef::Boolean)
            .map(|f| f.wire_name.clone())
    }

    /// The operation's security requirements as alternatives of scheme keys (see
    /// [`Operation::auth`]); a requirement naming a scheme the SDK cannot send is skipped with
    /// a warning.
    pub(super) fn auth(&mut self, op: &openapiv3::Operation, at: &str) -> Vec<Vec<String>> {
        let requirements = op.security.as_ref().or(self.spec.security.as_ref());
        let Some(requirements) = requirements else {
            return Vec::new();
        };
        let at = if op.security.is_some() {
            pointer(at, "security")
        } else {
            "/security".to_owned()
        };
        let mut out: Vec<Vec<String>> = Vec::new();
        let mut skipped = false;
        for (i, requirement) in requirements.iter().enumerate() {
            let unsupported = requirement
                .keys()
                .find(|key| self.security_scheme(key).is_none());
            if let Some(key) = unsupported {
                skipped = true;
                self.diags.warn(
                    "unsupported-security",
                    &pointer(&at, &i.to_string()),
                    format!("security scheme `{key}` is not defined or not one the SDK can send (http bearer or basic, apiKey, oauth2, openIdConnect); this requirement is skipped"),
                );
                continue;
            }
            let keys: Vec<String> = requirement.keys().cloned().collect();
            if !out.contains(&keys) {
                out.push(keys);
            }
        }
        if out.is_empty() && skipped {
            // Nothing the SDK can send: calls go out without credentials (and the server says
            // what it thinks of that), as the warnings explain.
            return Vec::new();
        }
        out
    }

    /// What the scheme `key` of `components/securitySchemes` sends, if the SDK can send it.
    pub(super) fn security_scheme(&self, key: &str) -> Option<SchemeKind> {
        let scheme = self.spec.components.as_ref()?.security_schemes.get(key)?;
        let ReferenceOr::Item(scheme) = scheme else {
            return None;
        };
        match scheme {
            openapiv3::SecurityScheme::HTTP { scheme, .. }
                if scheme.eq_ignore_ascii_case("bearer") =>
            {
                Some(SchemeKind::Bearer)
            }
            openapiv3::SecurityScheme::HTTP { scheme, .. }
                if scheme.eq_ignore_ascii_case("basic") =>
            {
                Some(SchemeKind::Basic)
            }
            openapiv3::SecurityScheme::HTTP { .. } => None,
            openapiv3::SecurityScheme::APIKey { location, name, .. } => Some(match location {
                openapiv3::APIKeyLocation::Header => SchemeKind::ApiKeyHeader(name.clone()),
                openapiv3::APIKeyLocation::Query => SchemeKind::ApiKeyQuery(name.clone()),
                openapiv3::APIKeyLocation::Cookie => SchemeKind::ApiKeyCookie(name.clone()),
            }),
            openapiv3::SecurityScheme::OAuth2 { flows, .. } => {
                let client_credentials = flows.client_credentials.as_ref();
                Some(SchemeKind::OAuth2 {
                    token_url: client_credentials
                        .map(|flow| flow.token_url.trim().to_owned())
                        .filter(|url| !url.is_empty()),
                    scopes: client_credentials
                        .map(|flow| flow.scopes.keys().cloned().collect())
                        .unwrap_or_default(),
                })
            }
            openapiv3::SecurityScheme::OpenIDConnect { .. } => Some(SchemeKind::OpenIdConnect),
        }
    }

    /// The schemes the operations use, in `components/securitySchemes` order, each with the
    /// name of its `ClientBuilder` method.
    pub(super) fn security_schemes(&self, used: &BTreeSet<&str>) -> Vec<SecurityScheme> {
        let Some(components) = self.spec.components.as_ref() else {
            return Vec::new();
        };
        let mut methods = Scope::with_reserved(names::CLIENT_BUILDER_METHODS);
        components
            .security_schemes
            .iter()
            .filter(|(key, _)| used.contains(key.as_str()))
            .filter_map(|(key, scheme)| {
                let kind = self.security_scheme(key)?;
                let description = match scheme {
                    ReferenceOr::Item(scheme) => match scheme {
                        openapiv3::SecurityScheme::APIKey { description, .. }
                        | openapiv3::SecurityScheme::HTTP { description, .. }
                        | openapiv3::SecurityScheme::OAuth2 { description, .. }
                        | openapiv3::SecurityScheme::OpenIDConnect { description, .. } => {
                            description.clone()
                        }
                    },
                    ReferenceOr::Reference { .. } => None,
                };
                // A scheme named like the generic method of its kind is set by that method.
                let name = names::field_name(key);
                let generic = match kind {
                    SchemeKind::Basic => "basic_auth",
                    _ => "api_key",
                };
                let own_method = name != generic;
                let method = if own_method {
                    methods.claim(name)
                } else {
                    name
                };
                Some(SecurityScheme {
                    key: key.clone(),
                    method,
                    own_method,
                    kind,
                    description,
                })
            })
            .collect()
    }

    pub(super) fn idempotency_key(
        &mut self,
        op: &openapiv3::Operation,
        body: Option<&RequestBody>,
        at: &str,
    ) -> Option<IdempotencyKey> {
        let value = op.extensions.get(IDEMPOTENCY_KEY_EXTENSION)?;
        let ext_at = pointer(at, IDEMPOTENCY_KEY_EXTENSION);
        let Some(wire_name) = value.as_str() else {
            self.diags.warn(
                "invalid-extension",
                &ext_at,
                "must name a request body property; ignored",
            );
            return None;
        };
        let field = match body.map(|b| &b.ty) {
            Some(TypeRef::Named(name)) => match self.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Struct(s)) => s.fields.iter().find(|f| f.wire_name == wire_name),
                _ => None,
            },
            _ => None,
        };
        let Some(field) = field else {
            self.diags.warn("invalid-extension", &ext_at, format!("`{wire_name}` is not a property of the request body; the operation is treated as not idempotent"));
            return None;
        };
        if field.shape.ty != TypeRef::String {
            self.diags.warn(
                "invalid-extension",
                &ext_at,
                format!(
                    "`{wire_name}` is not a string; the operation is treated as not idempotent"
                ),
            );
            return None;
        }
        Some(IdempotencyKey {
            wire_name: wire_name.to_owned(),
            ident: field.ident.clone(),
            optional: !field.required || field.nullable,
            explicit_null: false,
        })
    }
}

/// How a body of this media type is written.
pub(super) fn media_encoding(media: &str) -> BodyEncoding {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if is_json(&essence) {
        BodyEncoding::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyEncoding::Form
    } else if essence.starts_with("multipart/") {
        BodyEncoding::Multipart
    } else if essence.starts_with("text/") {
        BodyEncoding::Text(essence)
    } else {
        BodyEncoding::Bytes(essence)
    }
}

/// Whether a media type is RFC 9457's `application/problem+json`.
fn is_problem_json(media: &str) -> bool {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case("application/problem+json")
}

/// `text/event-stream`, parameters and case aside.
fn is_event_stream(media: &str) -> bool {
    media
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/event-stream"))
}

pub(super) fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or("").trim();
    media == "application/json" || media.ends_with("+json") || media == "*/*"
}
