//! Which operations are paginated lists, and how to fetch their next page: the `paginate` pass,
//! run on the finished model (after types are merged, so the paths it finds stay valid).
//!
//! The rules, in the order they are tried (README, "Pagination"):
//! 1. `x-speakeasy-pagination` (`offsetLimit`, `cursor`, `url`), with its JSONPath outputs;
//! 2. `x-dropshot-pagination`: `page_token` in, the page's `next_page` out, `items` the results,
//!    and pages after the first send only `limit` and the extension's `required` parameters;
//! 3. a `Link` header documented on the success response (RFC 8288, `rel="next"`);
//! 4. a token parameter (`page_token`, `pageToken`, `cursor`, `next_token`,
//!    `continuation_token`) answered by a next-token field of the page (`next_page_token`,
//!    `next_cursor`, `next_token`, `next_page`, `continuation_token`; `cursor` for a `cursor`
//!    parameter), a string, beside exactly one array field;
//! 5. Stripe's lists: a `starting_after` parameter, a page with a boolean `has_more` and a
//!    `data` array whose items have an `id`.
//!
//! A rule that names something the model does not have (a parameter that is not in the query,
//! an output path that does not lead to a field) is reported with its pointer, and the operation
//! stays an ordinary call.

use super::*;

/// What the resolver saw on one operation that the pass needs: the pagination extensions and
/// whether the success response documents a `Link` header.
#[derive(Debug, Default)]
pub(super) struct PageHint {
    pub speakeasy: Option<serde_json::Value>,
    pub dropshot: Option<serde_json::Value>,
    pub link: bool,
}

pub(super) const SPEAKEASY: &str = "x-speakeasy-pagination";
pub(super) const DROPSHOT: &str = "x-dropshot-pagination";

/// Sets [`Operation::pagination`] on every operation a rule recognises.
pub(super) fn paginate(
    model: &mut Model,
    hints: &BTreeMap<String, PageHint>,
    diags: &mut Diagnostics,
) {
    let types = &model.types;
    for group in &mut model.groups {
        for op in &mut group.operations {
            let hint = hints.get(&op.pointer);
            let found = Finder { types, op, diags }.find(hint);
            op.pagination = found;
        }
    }
}

struct Finder<'m, 'd> {
    types: &'m BTreeMap<String, TypeDef>,
    op: &'m Operation,
    diags: &'d mut Diagnostics,
}

/// A JSONPath step of the kind the extensions use (`$.data[-1].id`).
#[derive(Debug, PartialEq)]
enum PathStep {
    Field(String),
    Last,
}

impl Finder<'_, '_> {
    fn find(&mut self, hint: Option<&PageHint>) -> Option<Pagination> {
        let ResponseBody::Json(body) = &self.op.success.body else {
            if hint.is_some_and(|h| h.speakeasy.is_some() || h.dropshot.is_some()) {
                self.warn(
                    "",
                    "the success response is not JSON, so its pages cannot be read",
                );
            }
            return None;
        };
        if let Some(hint) = hint {
            if let Some(ext) = &hint.speakeasy {
                return self.speakeasy(ext, body);
            }
            if let Some(ext) = &hint.dropshot {
                return self.dropshot(ext, body);
            }
            if hint.link {
                // A `Link` header on a response that is not a list (GitHub documents it on a few
                // single objects) is no pagination: said nothing about, since nothing is lost.
                let (items, item_type) = self.sole_array(body)?;
                return Some(Pagination {
                    rule: PaginationRule::LinkHeader,
                    next: NextPage::Link,
                    items,
                    item_type,
                });
            }
        }
        self.next_token(body).or_else(|| self.has_more(body))
    }

    fn warn(&mut self, under: &str, message: &str) {
        let at = if under.is_empty() {
            self.op.pointer.clone()
        } else {
            pointer(&self.op.pointer, under)
        };
        self.diags.warn(
            "pagination-skipped",
            &at,
            format!(
                "{}: {message}; the operation returns its first page only",
                self.op.operation_id
            ),
        );
    }

    /// The query parameter with this wire name.
    fn query_param(&self, wire: &str) -> Option<&ParamBinding> {
        self.op
            .params
            .as_ref()?
            .bindings
            .iter()
            .find(|b| b.location == ParamLocation::Query && b.wire_name == wire)
    }

    /// The documented default of a parameter, as a page size.
    fn param_default(&self, wire: &str) -> Option<u64> {
        let params = self.op.params.as_ref()?;
        let TypeKind::Struct(s) = &self.types.get(&params.type_name)?.kind else {
            return None;
        };
        let default = s
            .fields
            .iter()
            .find(|f| f.wire_name == wire)?
            .default
            .as_ref()?;
        default.as_u64().or_else(|| {
            let n = default.as_f64()?;
            (n.fract() == 0.0 && (1.0..1e15).contains(&n)).then_some(n as u64)
        })
    }

    fn speakeasy(&mut self, ext: &serde_json::Value, body: &TypeRef) -> Option<Pagination> {
        let at = SPEAKEASY;
        let kind = ext.get("type").and_then(|t| t.as_str()).unwrap_or_default();
        let mut page = None;
        let mut offset = None;
        let mut limit = None;
        let mut cursor = None;
        for input in ext
            .get("inputs")
            .and_then(|i| i.as_array())
            .into_iter()
            .flatten()
        {
            let name = input
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or_default();
            let place = input
                .get("in")
                .and_then(|n| n.as_str())
                .unwrap_or("parameters");
            let role = input
                .get("type")
                .and_then(|n| n.as_str())
                .unwrap_or_default();
            if place != "parameters" {
                self.warn(
                    at,
                    &format!("input `{name}` is in the {place}; only query parameters are paged"),
                );
                return None;
            }
            if self.query_param(name).is_none() {
                self.warn(
                    at,
                    &format!("input `{name}` is not a query parameter of the operation"),
                );
                return None;
            }
            let slot = match role {
                "page" => &mut page,
                "offset" => &mut offset,
                "limit" => &mut limit,
                "cursor" => &mut cursor,
                other => {
                    self.warn(
                        at,
                        &format!("input `{name}` has the unknown type `{other}`"),
                    );
                    return None;
                }
            };
            *slot = Some(name.to_owned());
        }
        let outputs = ext.get("outputs");
        let output = |key: &str| outputs.and_then(|o| o.get(key)).and_then(|v| v.as_str());
        let results = output("results");
        let (rule, next, items) = match kind {
            "offsetLimit" => {
                let (param, offset) = match (page, offset) {
                    (Some(page), None) => (page, false),
                    (None, Some(offset)) => (offset, true),
                    _ => {
                        self.warn(at, "offsetLimit needs one input of type `page` or `offset`");
                        return None;
                    }
                };
                let default_limit = limit.as_deref().and_then(|l| self.param_default(l));
                let next = NextPage::Number {
                    param,
                    offset,
                    limit,
                    default_limit,
                };
                (
                    PaginationRule::SpeakeasyOffsetLimit,
                    next,
                    self.results(results, body, at)?,
                )
            }
            "cursor" => {
                let Some(param) = cursor else {
                    self.warn(at, "cursor pagination needs an input of type `cursor`");
                    return None;
                };
                let Some(next_path) = output("nextCursor") else {
                    self.warn(at, "cursor pagination needs `outputs.nextCursor`");
                    return None;
                };
                let path = self.parse_path(next_path, at)?;
                let (from, items) = match path.iter().position(|s| *s == PathStep::Last) {
                    Some(last) => {
                        // `$.data[-1].id`: the items are before `[-1]`, the cursor a field of
                        // the last one.
                        let (items, item_type) =
                            self.follow_array(&path[..last], body, next_path, at)?;
                        let field =
                            self.cursor_field(&path[last + 1..], &item_type, next_path, at)?;
                        (CursorFrom::LastItem(field), (items, item_type))
                    }
                    None => {
                        let field = self.cursor_field(&path, body, next_path, at)?;
                        (CursorFrom::Page(field), self.results(results, body, at)?)
                    }
                };
                let next = NextPage::Cursor {
                    param,
                    from,
                    keep: None,
                    has_more: None,
                };
                (PaginationRule::SpeakeasyCursor, next, items)
            }
            "url" => {
                let Some(next_path) = output("nextUrl") else {
                    self.warn(at, "url pagination needs `outputs.nextUrl`");
                    return None;
                };
                let path = self.parse_path(next_path, at)?;
                let field = self.cursor_field(&path, body, next_path, at)?;
                (
                    PaginationRule::SpeakeasyUrl,
                    NextPage::Url(field),
                    self.results(results, body, at)?,
                )
            }
            other => {
                self.warn(at, &format!("unknown pagination type `{other}`"));
                return None;
            }
        };
        Some(Pagination {
            rule,
            next,
            items: items.0,
            item_type: items.1,
        })
    }

    fn dropshot(&mut self, ext: &serde_json::Value, body: &TypeRef) -> Option<Pagination> {
        let at = DROPSHOT;
        if self.query_param("page_token").is_none() {
            self.warn(at, "there is no `page_token` query parameter");
            return None;
        }
        let path = [PathStep::Field("next_page".to_owned())];
        let field = self.cursor_field(&path, body, "$.next_page", at)?;
        let items = [PathStep::Field("items".to_owned())];
        let (items, item_type) = self.follow_array(&items, body, "$.items", at)?;
        let mut keep: Vec<String> = ext
            .get("required")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if self.query_param("limit").is_some() {
            keep.push("limit".to_owned());
        }
        Some(Pagination {
            rule: PaginationRule::Dropshot,
            next: NextPage::Cursor {
                param: "page_token".to_owned(),
                from: CursorFrom::Page(field),
                keep: Some(keep),
                has_more: None,
            },
            items,
            item_type,
        })
    }

    /// Rule 4: a token parameter and a next-token field beside one array.
    fn next_token(&mut self, body: &TypeRef) -> Option<Pagination> {
        const PARAMS: &[&str] = &["pagetoken", "cursor", "nexttoken", "continuationtoken"];
        const FIELDS: &[&str] = &[
            "nextpagetoken",
            "nextcursor",
            "nexttoken",
            "nextpage",
            "continuationtoken",
            "nextcontinuationtoken",
        ];
        let param = self.op.params.as_ref()?.bindings.iter().find(|b| {
            b.location == ParamLocation::Query && PARAMS.contains(&squash(&b.wire_name).as_str())
        })?;
        let param_key = squash(&param.wire_name);
        let s = self.struct_of(body)?;
        let field = s.fields.iter().find(|f| {
            let key = squash(&f.wire_name);
            !f.additional
                && (FIELDS.contains(&key.as_str()) || (param_key == "cursor" && key == "cursor"))
        })?;
        let path = [PathStep::Field(field.wire_name.clone())];
        if !matches!(self.scalar(&field.shape.ty), Some(TypeRef::String)) {
            return None;
        }
        let cursor = self.steps(&path, body)?.0;
        let (items, item_type) = self.sole_array(body)?;
        Some(Pagination {
            rule: PaginationRule::NextToken,
            next: NextPage::Cursor {
                param: param.wire_name.clone(),
                from: CursorFrom::Page(cursor),
                keep: None,
                has_more: None,
            },
            items,
            item_type,
        })
    }

    /// Rule 5: Stripe's `starting_after`, `has_more` and `data[].id`.
    fn has_more(&mut self, body: &TypeRef) -> Option<Pagination> {
        let param = self.op.params.as_ref()?.bindings.iter().find(|b| {
            b.location == ParamLocation::Query && squash(&b.wire_name) == "startingafter"
        })?;
        let s = self.struct_of(body)?;
        let more = s
            .fields
            .iter()
            .find(|f| squash(&f.wire_name) == "hasmore")?;
        if !matches!(self.scalar(&more.shape.ty), Some(TypeRef::Boolean)) {
            return None;
        }
        let more = self
            .steps(&[PathStep::Field(more.wire_name.clone())], body)?
            .0;
        let data = [PathStep::Field("data".to_owned())];
        let (items, item_type) = self.steps(&data, body)?;
        let TypeRef::Array(item_type) = self.scalar(&item_type)?.clone() else {
            return None;
        };
        let id = [PathStep::Field("id".to_owned())];
        let (id, id_type) = self.steps(&id, &item_type)?;
        if !matches!(
            self.scalar(&id_type),
            Some(TypeRef::String | TypeRef::Integer(_))
        ) {
            return None;
        }
        Some(Pagination {
            rule: PaginationRule::HasMore,
            next: NextPage::Cursor {
                param: param.wire_name.clone(),
                from: CursorFrom::LastItem(id),
                keep: None,
                has_more: Some(more),
            },
            items,
            item_type: *item_type,
        })
    }

    /// The items: at the `results` path when given, else the body when it is an array, else
    /// the body's one array field.
    fn results(
        &mut self,
        results: Option<&str>,
        body: &TypeRef,
        at: &str,
    ) -> Option<(Vec<FieldStep>, TypeRef)> {
        match results {
            Some(path_text) => {
                let path = self.parse_path(path_text, at)?;
                self.follow_array(&path, body, path_text, at)
            }
            None => {
                let found = self.sole_array(body);
                if found.is_none() {
                    self.warn(
                        at,
                        "no `outputs.results`, and the response is not a list with one array",
                    );
                }
                found
            }
        }
    }

    /// The body itself when it is an array, else its only array field.
    fn sole_array(&self, body: &TypeRef) -> Option<(Vec<FieldStep>, TypeRef)> {
        if let TypeRef::Array(item) = self.scalar(body)? {
            return Some((Vec::new(), (**item).clone()));
        }
        let s = self.struct_of(body)?;
        let mut arrays = s
            .fields
            .iter()
            .filter(|f| !f.additional && !f.explicit_null)
            .filter(|f| matches!(self.scalar(&f.shape.ty), Some(TypeRef::Array(_))));
        let field = arrays.next()?;
        if arrays.next().is_some() {
            return None;
        }
        let (steps, ty) = self.steps(&[PathStep::Field(field.wire_name.clone())], body)?;
        match self.scalar(&ty)? {
            TypeRef::Array(item) => Some((steps, (**item).clone())),
            _ => None,
        }
    }

    /// Follows `path` to an array: its steps and its item type.
    fn follow_array(
        &mut self,
        path: &[PathStep],
        body: &TypeRef,
        text: &str,
        at: &str,
    ) -> Option<(Vec<FieldStep>, TypeRef)> {
        let found = self
            .steps(path, body)
            .and_then(|(steps, ty)| match self.scalar(&ty)? {
                TypeRef::Array(item) => Some((steps, (**item).clone())),
                _ => None,
            });
        if found.is_none() {
            self.warn(
                at,
                &format!("`{text}` does not lead to an array in the response"),
            );
        }
        found
    }

    /// Follows `path` to a string or number field (a cursor or URL).
    fn cursor_field(
        &mut self,
        path: &[PathStep],
        from: &TypeRef,
        text: &str,
        at: &str,
    ) -> Option<Vec<FieldStep>> {
        let found = self.steps(path, from).filter(|(steps, ty)| {
            !steps.is_empty()
                && matches!(
                    self.scalar(ty),
                    Some(TypeRef::String | TypeRef::Integer(_) | TypeRef::Number)
                )
        });
        if found.is_none() {
            self.warn(
                at,
                &format!("`{text}` does not lead to a string or number field"),
            );
        }
        found.map(|(steps, _)| steps)
    }

    /// Follows fields (only fields: `[-1]` is handled by the caller) from `ty`: the steps, and
    /// the type reached.
    fn steps(&self, path: &[PathStep], ty: &TypeRef) -> Option<(Vec<FieldStep>, TypeRef)> {
        let mut ty = ty.clone();
        let mut steps = Vec::new();
        for step in path {
            let PathStep::Field(name) = step else {
                return None;
            };
            let s = self.struct_of(&ty)?;
            let field = s
                .fields
                .iter()
                .find(|f| !f.additional && f.wire_name == *name)?;
            if field.explicit_null {
                return None;
            }
            steps.push(FieldStep {
                ident: field.ident.clone(),
                optional: !field.required || field.nullable,
            });
            ty = field.shape.ty.clone();
        }
        Some((steps, ty))
    }

    /// `ty` with named aliases followed.
    fn scalar<'t>(&'t self, mut ty: &'t TypeRef) -> Option<&'t TypeRef> {
        for _ in 0..32 {
            let TypeRef::Named(name) = ty else {
                return Some(ty);
            };
            match &self.types.get(name)?.kind {
                TypeKind::Alias(shape) => ty = &shape.ty,
                _ => return Some(ty),
            }
        }
        None
    }

    fn struct_of(&self, ty: &TypeRef) -> Option<&'_ Struct> {
        let TypeRef::Named(name) = self.scalar(ty)? else {
            return None;
        };
        match &self.types.get(name)?.kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        }
    }

    /// Reads the JSONPath subset the extensions use: `$`, `.name`, `['name']`, `[-1]`.
    fn parse_path(&mut self, text: &str, at: &str) -> Option<Vec<PathStep>> {
        let parsed = parse_json_path(text);
        if parsed.is_none() {
            self.warn(
                at,
                &format!(
                    "cannot read the path `{text}` (supported: `$`, `.field`, `['field']`, `[-1]`)"
                ),
            );
        }
        parsed
    }
}

/// The JSONPath subset pagination outputs use: `$`, `.name`, `['name']`, `[-1]`.
fn parse_json_path(text: &str) -> Option<Vec<PathStep>> {
    let mut rest = text.trim().strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 {
                return None;
            }
            steps.push(PathStep::Field(after[..end].to_owned()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let inside = after[..end].trim();
            if inside == "-1" {
                steps.push(PathStep::Last);
            } else {
                let name = inside
                    .strip_prefix('\'')
                    .and_then(|n| n.strip_suffix('\''))
                    .or_else(|| inside.strip_prefix('"').and_then(|n| n.strip_suffix('"')))?;
                steps.push(PathStep::Field(name.to_owned()));
            }
            rest = &after[end + 1..];
        } else {
            return None;
        }
    }
    Some(steps)
}

/// A name without case or separators: `page_token`, `pageToken` and `PageToken` are one.
fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths() {
        let f = |s: &str| PathStep::Field(s.to_owned());
        assert_eq!(parse_json_path("$"), Some(vec![]));
        assert_eq!(
            parse_json_path("$[-1].id"),
            Some(vec![PathStep::Last, f("id")])
        );
        assert_eq!(
            parse_json_path("$.data['next page'][-1].id"),
            Some(vec![f("data"), f("next page"), PathStep::Last, f("id")])
        );
        assert_eq!(parse_json_path("$..id"), None);
        assert_eq!(parse_json_path("$[0]"), None);
        assert_eq!(parse_json_path("data"), None);
    }

    #[test]
    fn squashed_names() {
        assert_eq!(squash("page_token"), "pagetoken");
        assert_eq!(squash("pageToken"), "pagetoken");
        assert_eq!(squash("Next-Page"), "nextpage");
    }
}
