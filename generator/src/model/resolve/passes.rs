//! Passes over the finished model: which types requests reach, merging identical inline
//! types, and boxing recursion.

use super::*;

/// Marks every type a request body or parameter reaches, following named references.
pub(super) fn mark_request_types(model: &mut Model) {
    let mut roots: Vec<String> = Vec::new();
    for op in model.operations() {
        if let Some(body) = &op.body {
            collect_named(&body.ty, &mut roots);
        }
        if let Some(params) = &op.params {
            roots.push(params.type_name.clone());
        }
        for p in &op.path_params {
            collect_named(&p.shape.ty, &mut roots);
        }
    }
    for name in reachable(model, roots) {
        if let Some(def) = model.types.get_mut(&name) {
            def.in_request = true;
        }
    }
}

/// Which groups' operations reach each type (through parameters, bodies and responses), for
/// the cargo feature per group: a type compiles when one of them is on. The schemas no
/// operation reaches (GitHub's webhook payloads) are a group of their own,
/// [`names::OTHER_SCHEMAS_FEATURE`], with what they reach. A type every group reaches keeps an
/// empty list: always compiled. (Reachability is closed under references, so whatever a
/// compiled type names is compiled too.)
pub(super) fn mark_groups(model: &mut Model) {
    let mut reached: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut all = model.groups.len();
    for group in &model.groups {
        let mut roots: Vec<String> = Vec::new();
        for op in &group.operations {
            if let Some(body) = &op.body {
                collect_named(&body.ty, &mut roots);
            }
            if let Some(params) = &op.params {
                roots.push(params.type_name.clone());
            }
            for p in &op.path_params {
                collect_named(&p.shape.ty, &mut roots);
            }
            if let ResponseBody::Json(ty) = &op.success.body {
                collect_named(ty, &mut roots);
            }
            if let Some(ty) = &op.success.events {
                collect_named(ty, &mut roots);
            }
            for error in &op.errors {
                if let Some(ty) = &error.body {
                    collect_named(ty, &mut roots);
                }
            }
        }
        for name in reachable(model, roots) {
            reached.entry(name).or_default().push(group.feature.clone());
        }
    }
    let others: Vec<String> = model
        .types
        .keys()
        .filter(|name| !reached.contains_key(*name))
        .cloned()
        .collect();
    if !others.is_empty() {
        all += 1;
        for name in reachable(model, others) {
            reached
                .entry(name)
                .or_default()
                .push(crate::names::OTHER_SCHEMAS_FEATURE.to_owned());
        }
    }
    for (name, groups) in reached {
        if let Some(def) = model.types.get_mut(&name)
            && groups.len() < all
        {
            def.groups = groups;
        }
    }
}

/// Decides the layout of each documented error body from its type, so that `ApiError` reads
/// `code`, `message` and `doc_url` only where the spec puts them: `{"error": {"message"...}}`
/// (or `{"error": "text"}`) is nested, a top-level string `message` is flat, `title` or
/// `detail` beside `type` or `status` are problem details (already decided where the media type
/// says `application/problem+json`), and anything else is opaque.
pub(super) fn mark_error_formats(model: &mut Model) {
    let types = &model.types;
    let fields_of = |ty: &TypeRef| -> Option<&Vec<Field>> {
        match base_type(types, ty) {
            TypeRef::Named(name) => match types.get(&name).map(|d| &d.kind) {
                Some(TypeKind::Struct(s)) => Some(&s.fields),
                _ => None,
            },
            _ => None,
        }
    };
    let field = |fields: &'_ Vec<Field>, wire: &str| -> Option<TypeRef> {
        fields
            .iter()
            .find(|f| f.wire_name == wire)
            .map(|f| base_type(types, &f.shape.ty))
    };
    let is_text = |ty: &Option<TypeRef>| matches!(ty, Some(TypeRef::String));
    let format_of = |ty: &TypeRef| -> ErrorFormat {
        let Some(fields) = fields_of(ty) else {
            return ErrorFormat::Opaque;
        };
        if let Some(inner) = field(fields, "error") {
            if inner == TypeRef::String {
                return ErrorFormat::Nested;
            }
            if let Some(inner) = fields_of(&inner)
                && (is_text(&field(inner, "message")) || field(inner, "code").is_some())
            {
                return ErrorFormat::Nested;
            }
        }
        if is_text(&field(fields, "message")) {
            return ErrorFormat::Flat;
        }
        let problem_words = ["type", "title", "status", "detail", "instance"]
            .iter()
            .filter(|w| field(fields, w).is_some())
            .count();
        if (is_text(&field(fields, "title")) || is_text(&field(fields, "detail")))
            && problem_words >= 2
        {
            return ErrorFormat::Problem;
        }
        ErrorFormat::Opaque
    };
    let decided: Vec<Vec<ErrorFormat>> = model
        .groups
        .iter()
        .flat_map(|g| &g.operations)
        .map(|op| {
            op.errors
                .iter()
                .map(|e| match (&e.body, e.format) {
                    (_, ErrorFormat::Problem) | (None, _) => e.format,
                    (Some(ty), _) => format_of(ty),
                })
                .collect()
        })
        .collect();
    let ops = model.groups.iter_mut().flat_map(|g| &mut g.operations);
    for (op, formats) in ops.zip(decided) {
        for (error, format) in op.errors.iter_mut().zip(formats) {
            error.format = format;
        }
    }
}

/// Gives the optional, nullable fields of every type a JSON `PATCH` body reaches an explicit
/// `null` (see [`Field::explicit_null`]): there, leaving a field out and sending `null` mean
/// different things. Elsewhere (a `POST` whose default is `null`, say) they do not, and a plain
/// `Option` is easier to use.
pub(super) fn mark_explicit_nulls(model: &mut Model) {
    let mut roots: Vec<String> = Vec::new();
    for op in model.operations() {
        if op.http_method == HttpMethod::Patch
            && let Some(body) = &op.body
            && body.encoding == BodyEncoding::Json
        {
            collect_named(&body.ty, &mut roots);
        }
    }
    let patched = reachable(model, roots);
    for name in &patched {
        if let Some(TypeDef {
            kind: TypeKind::Struct(s),
            ..
        }) = model.types.get_mut(name)
        {
            for f in &mut s.fields {
                f.explicit_null = !f.required && f.nullable;
            }
        }
    }
    // An idempotency key among them is read through the extra `Option`.
    let types = &model.types;
    for group in &mut model.groups {
        for op in &mut group.operations {
            let (Some(key), Some(body)) = (&mut op.idempotency_key, &op.body) else {
                continue;
            };
            let TypeRef::Named(name) = &body.ty else {
                continue;
            };
            if let Some(TypeDef {
                kind: TypeKind::Struct(s),
                ..
            }) = types.get(name)
            {
                key.explicit_null = s
                    .fields
                    .iter()
                    .any(|f| f.ident == key.ident && f.explicit_null);
            }
        }
    }
}

/// Every named type reachable from `roots` through fields, aliases, union variants, arrays and
/// maps (the roots included).
fn reachable(model: &Model, mut pending: Vec<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        let Some(def) = model.types.get(&name) else {
            continue;
        };
        if !seen.insert(name) {
            continue;
        }
        match &def.kind {
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    collect_named(&f.shape.ty, &mut pending);
                }
            }
            TypeKind::Alias(shape) => collect_named(&shape.ty, &mut pending),
            TypeKind::Union(u) => {
                for v in &u.variants {
                    collect_named(&v.ty, &mut pending);
                }
            }
            TypeKind::Enum(_) => {}
        }
    }
    seen
}

pub(super) fn collect_named(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(n) => out.push(n.clone()),
        TypeRef::Array(inner)
        | TypeRef::Map(inner)
        | TypeRef::OrEmpty(inner)
        | TypeRef::Nullable(inner) => collect_named(inner, out),
        TypeRef::Tuple(items) => {
            for item in items {
                collect_named(item, out);
            }
        }
        _ => {}
    }
}

/// Merges inline types that came out identical (Stripe repeats the same inline object hundreds of
/// times, GitHub the same `read`/`write` enum 894 times): each group keeps one definition, a
/// `components/schemas` one if there is one, and every other becomes a type alias of it. The
/// aliases keep the names users see, in field types, signatures and docs (`patch_pool(..,
/// PatchPoolParams)`, not the first identical operation's `PatchDagParams`), at one line each
/// instead of a type with its impls, builder and checks. Types are compared with the aliases
/// seen through, and the merge repeated until nothing changes, since merging children can make
/// their parents identical. `components/schemas` entries are never made aliases: each keeps a
/// type of its own, as its schema is one.
pub(super) fn dedup_types(model: &mut Model) {
    // Merged name → the definition kept.
    let mut merged: BTreeMap<String, String> = BTreeMap::new();
    let is_component = |def: &crate::model::TypeDef| {
        def.pointer
            .strip_prefix("/components/schemas/")
            .is_some_and(|rest| !rest.contains('/'))
    };
    for _ in 0..8 {
        // Each merged name → the definition it ends at (a name kept in one round may be merged
        // in a later one).
        let resolved: BTreeMap<String, String> = merged
            .keys()
            .map(|name| {
                let mut to = name;
                while let Some(next) = merged.get(to) {
                    to = next;
                }
                (name.clone(), to.clone())
            })
            .collect();
        // Aliases of one shape (a union branch's `{type: string, format: date-time}`, once per
        // GitHub webhook payload) are the same type to what holds them: compared as one, so
        // that their holders merge, while each alias keeps its own definition and name.
        let mut alike: BTreeMap<String, String> = BTreeMap::new();
        {
            let mut shapes: BTreeMap<u64, Vec<(&String, TypeKind)>> = BTreeMap::new();
            for (name, def) in &model.types {
                if !matches!(def.kind, TypeKind::Alias(_)) || resolved.contains_key(name) {
                    continue;
                }
                let mut kind = def.kind.clone();
                rename_in_kind(&mut kind, &resolved);
                let bucket = shapes.entry(kind_hash(&kind)).or_default();
                match bucket.iter().find(|(_, seen)| *seen == kind) {
                    Some((first, _)) => {
                        alike.insert(name.clone(), (*first).clone());
                    }
                    None => bucket.push((name, kind)),
                }
            }
        }
        let compared_as: BTreeMap<String, String> = resolved
            .iter()
            .chain(&alike)
            .map(|(from, to)| (from.clone(), to.clone()))
            .collect();
        // Each definition with the merged names in it replaced by the names kept.
        let normalised: BTreeMap<&String, TypeKind> = model
            .types
            .iter()
            .filter(|(_, def)| !matches!(def.kind, TypeKind::Alias(_)))
            .map(|(name, def)| {
                let mut kind = def.kind.clone();
                rename_in_kind(&mut kind, &compared_as);
                (name, kind)
            })
            .collect();
        // Bucket by a hash of the definition, then split each bucket into truly equal ones.
        let mut buckets: BTreeMap<u64, Vec<&String>> = BTreeMap::new();
        for (name, kind) in &normalised {
            buckets.entry(kind_hash(kind)).or_default().push(name);
        }
        let mut groups: Vec<Vec<&String>> = Vec::new();
        for names in buckets.into_values().filter(|names| names.len() > 1) {
            let mut split: Vec<Vec<&String>> = Vec::new();
            for name in names {
                let kind = &normalised[name];
                match split.iter_mut().find(|g| normalised[g[0]] == *kind) {
                    Some(group) => group.push(name),
                    None => split.push(vec![name]),
                }
            }
            groups.extend(split.into_iter().filter(|g| g.len() > 1));
        }
        let component = |n: &&String| model.types.get(*n).is_some_and(is_component);
        let mut round: BTreeMap<String, String> = BTreeMap::new();
        for names in groups {
            let canonical = names
                .iter()
                .filter(|n| component(n))
                .min()
                .or_else(|| names.iter().min_by_key(|n| (n.len(), n.as_str())));
            let Some(canonical) = canonical else { continue };
            for name in &names {
                if name != canonical && !component(name) {
                    round.insert((*name).clone(), (*canonical).clone());
                }
            }
        }
        if round.is_empty() {
            return;
        }
        for (name, to) in &round {
            if let Some(def) = model.types.get_mut(name) {
                def.kind = TypeKind::Alias(Box::new(Shape {
                    ty: TypeRef::Named(to.clone()),
                    constraints: Constraints::default(),
                }));
            }
        }
        merged.extend(round);
    }
}

/// Makes each union of a value and the empty string (`anyOf: [X, {type: string, enum: [""]}]`)
/// an alias of `crate::OrEmpty<X>`. Stripe's description has 516 of them (of its 712 unions), its
/// way of letting a request clear a field; as enums each had its derives, decoder, validation
/// and `From`s, an eighth of the crate's `cargo check`, where one generic runtime type says it
/// once. Only where the value comes first, since `OrEmpty` tries the value first as the union
/// did, and where the value does not reach the union again (an alias cannot contain itself).
pub(super) fn or_empty_unions(model: &mut Model) {
    let is_empty_string = |ty: &TypeRef| match base_type(&model.types, ty) {
        TypeRef::Named(n) => matches!(
            model.types.get(&n).map(|d| &d.kind),
            Some(TypeKind::Enum(e)) if matches!(e.variants.as_slice(), [only] if only.wire_value.is_empty())
        ),
        _ => false,
    };
    let found: Vec<(String, TypeRef)> = model
        .types
        .iter()
        .filter_map(|(name, def)| {
            let TypeKind::Union(u) = &def.kind else {
                return None;
            };
            if u.discriminator.is_some() || u.tag_property.is_some() {
                return None;
            }
            let [value, empty] = u.variants.as_slice() else {
                return None;
            };
            if value.unit || empty.unit || is_empty_string(&value.ty) || !is_empty_string(&empty.ty)
            {
                return None;
            }
            let mut held = Vec::new();
            collect_named(&value.ty, &mut held);
            if reachable(model, held).contains(name) {
                return None;
            }
            Some((name.clone(), value.ty.clone()))
        })
        .collect();
    for (name, ty) in found {
        if let Some(def) = model.types.get_mut(&name) {
            def.kind = TypeKind::Alias(Box::new(Shape {
                ty: TypeRef::OrEmpty(Box::new(ty)),
                constraints: Constraints::default(),
            }));
        }
    }
}

/// Rewrites the names in a definition through `renames`.
fn rename_in_kind(kind: &mut TypeKind, renames: &BTreeMap<String, String>) {
    if renames.is_empty() {
        return;
    }
    let rename = |ty: &mut TypeRef| rename_named(ty, renames);
    match kind {
        TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| rename(&mut f.shape.ty)),
        TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| rename(&mut v.ty)),
        TypeKind::Alias(shape) => rename(&mut shape.ty),
        TypeKind::Enum(_) => {}
    }
}

/// A hash of a type definition's shape (equal shapes hash alike), to bucket candidates for merging.
pub(super) fn kind_hash(kind: &TypeKind) -> u64 {
    use std::hash::{Hash as _, Hasher as _};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    kind.hash(&mut hasher);
    hasher.finish()
}

pub(super) fn rename_named(ty: &mut TypeRef, renames: &BTreeMap<String, String>) {
    match ty {
        TypeRef::Named(n) => {
            if let Some(to) = renames.get(n) {
                *n = to.clone();
            }
        }
        TypeRef::Array(inner)
        | TypeRef::Map(inner)
        | TypeRef::OrEmpty(inner)
        | TypeRef::Nullable(inner) => rename_named(inner, renames),
        TypeRef::Tuple(items) => {
            for item in items {
                rename_named(item, renames);
            }
        }
        _ => {}
    }
}

/// A Rust type alias cannot refer to itself, even through a `Vec` (`type E = Vec<E>;` does not
/// compile), while a schema can: `E: {type: array, items: {$ref: E}}`, or `C: {$ref: D}` beside
/// `D: {$ref: C}`. In aliases that reach themselves through aliases only (a struct or a union on
/// the way is a type of its own, which breaks the cycle), the references back into the cycle are
/// typed as `serde_json::Value`, with a warning.
pub(super) fn break_alias_cycles(model: &mut Model, diags: &mut Diagnostics) {
    let aliases: Vec<String> = model
        .types
        .iter()
        .filter(|(_, def)| matches!(def.kind, TypeKind::Alias(_)))
        .map(|(name, _)| name.clone())
        .collect();
    let index: BTreeMap<&str, usize> = aliases
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = aliases
        .iter()
        .map(|name| {
            let mut named = Vec::new();
            if let Some(TypeKind::Alias(shape)) = model.types.get(name).map(|d| &d.kind) {
                collect_named(&shape.ty, &mut named);
            }
            named
                .iter()
                .filter_map(|n| index.get(n.as_str()).copied())
                .collect()
        })
        .collect();
    let component = strongly_connected(&edges);
    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    for c in &component {
        *sizes.entry(*c).or_default() += 1;
    }
    fn untie(ty: &mut TypeRef, cycle: &BTreeSet<&str>) {
        match ty {
            TypeRef::Named(n) if cycle.contains(n.as_str()) => *ty = TypeRef::Any,
            TypeRef::Array(inner)
            | TypeRef::Map(inner)
            | TypeRef::OrEmpty(inner)
            | TypeRef::Nullable(inner) => untie(inner, cycle),
            TypeRef::Tuple(items) => items.iter_mut().for_each(|item| untie(item, cycle)),
            _ => {}
        }
    }
    for (i, name) in aliases.iter().enumerate() {
        if sizes.get(&component[i]).copied().unwrap_or(0) < 2 && !edges[i].contains(&i) {
            continue;
        }
        let cycle: BTreeSet<&str> = aliases
            .iter()
            .enumerate()
            .filter(|(j, _)| component[*j] == component[i])
            .map(|(_, n)| n.as_str())
            .collect();
        let shown = cycle.iter().copied().collect::<Vec<_>>().join(", ");
        if let Some(def) = model.types.get_mut(name)
            && let TypeKind::Alias(shape) = &mut def.kind
        {
            untie(&mut shape.ty, &cycle);
            diags.warn(
                "unsupported-schema",
                &def.pointer,
                format!(
                    "an alias that refers back to itself (through {shown}), which a Rust type \
                     alias cannot; its references into that cycle are typed as serde_json::Value"
                ),
            );
        }
    }
}

/// Boxes every struct field and union variant that holds, by value, a type of its own strongly
/// connected component (a type that contains itself), so the Rust types have a finite size.
pub(super) fn box_recursion(model: &mut Model) {
    let names: Vec<String> = model.types.keys().cloned().collect();
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    // The types held by value: the named type itself, a tuple's items, or what an `OrEmpty`
    // holds (a `Vec` or map is an indirection already).
    fn by_value(ty: &TypeRef, index: &BTreeMap<&str, usize>, out: &mut Vec<usize>) {
        match ty {
            TypeRef::Named(n) => out.extend(index.get(n.as_str()).copied()),
            TypeRef::OrEmpty(inner) | TypeRef::Nullable(inner) => by_value(inner, index, out),
            TypeRef::Tuple(items) => {
                for item in items {
                    by_value(item, index, out);
                }
            }
            _ => {}
        }
    }
    let held = |ty: &TypeRef| {
        let mut out = Vec::new();
        by_value(ty, &index, &mut out);
        out
    };
    let edges: Vec<Vec<usize>> = names
        .iter()
        .map(|name| match model.types.get(name).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => s.fields.iter().flat_map(|f| held(&f.shape.ty)).collect(),
            Some(TypeKind::Union(u)) => u.variants.iter().flat_map(|v| held(&v.ty)).collect(),
            Some(TypeKind::Alias(shape)) => held(&shape.ty),
            _ => Vec::new(),
        })
        .collect();
    let component = strongly_connected(&edges);
    let same = |owner: usize, ty: &TypeRef| {
        held(ty)
            .into_iter()
            .any(|t| component[t] == component[owner])
    };
    let mut boxed_fields: Vec<(String, usize)> = Vec::new();
    let mut boxed_variants: Vec<(String, usize)> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        match model.types.get(name).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => {
                for (j, f) in s.fields.iter().enumerate() {
                    if same(i, &f.shape.ty) {
                        boxed_fields.push((name.clone(), j));
                    }
                }
            }
            Some(TypeKind::Union(u)) => {
                for (j, v) in u.variants.iter().enumerate() {
                    if same(i, &v.ty) {
                        boxed_variants.push((name.clone(), j));
                    }
                }
            }
            _ => {}
        }
    }
    for (name, j) in boxed_fields {
        if let Some(TypeKind::Struct(s)) = model.types.get_mut(&name).map(|d| &mut d.kind)
            && let Some(f) = s.fields.get_mut(j)
        {
            f.boxed = true;
        }
    }
    for (name, j) in boxed_variants {
        if let Some(TypeKind::Union(u)) = model.types.get_mut(&name).map(|d| &mut d.kind)
            && let Some(v) = u.variants.get_mut(j)
        {
            v.boxed = true;
        }
    }
}

/// Tarjan's algorithm, iterative (deep type chains must not overflow the stack): the component
/// number of each node.
pub(super) fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![UNSEEN; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some((node, edge)) = work.pop() {
            if edge == 0 {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&next) = edges[node].get(edge) {
                work.push((node, edge + 1));
                if index[next] == UNSEEN {
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cycles() {
        // 0 → 1 → 2 → 0, 3 → 3, 4 → 0
        let c = strongly_connected(&[vec![1], vec![2], vec![0], vec![3], vec![0]]);
        assert!(c[0] == c[1] && c[1] == c[2]);
        assert_ne!(c[3], c[0]);
        assert_ne!(c[4], c[0]);
    }
}
