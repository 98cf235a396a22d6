//! Schemas → types: classifying a schema as a named type or a plain shape, merging `allOf`,
//! building unions, fields, enums and the constraints each shape carries.

use super::*;

impl<'a> Resolver<'a> {
    /// Defines the named type `name` from `schema`: a struct for objects with properties (and
    /// `allOf`s of them), an enum for string enums, a union for `oneOf`/`anyOf`, an alias otherwise.
    pub(super) fn define(&mut self, name: &str, schema: &Schema, at: &str) {
        let data = &schema.schema_data;
        let limit = self.stringified_limit(data, at);
        let kind = match self.classify(name, schema, at) {
            Classified::Kind(kind, _) => {
                if limit.is_some() {
                    self.diags.warn(
                        "skipped-constraint",
                        &pointer(at, MAX_STRINGIFIED_LENGTH_EXTENSION),
                        "on a schema that is a struct, enum or union type of its own: not enforced \
                         (put it where the type is used)",
                    );
                }
                kind
            }
            Classified::Plain(mut resolved) => {
                with_text_limit(&mut resolved.shape, limit);
                TypeKind::Alias(Box::new(resolved.shape))
            }
        };
        self.insert(name, at, data.description.clone(), data.deprecated, kind);
    }

    /// `x-max-stringified-length`, when it is a non-negative integer (a warning otherwise).
    fn stringified_limit(&mut self, data: &openapiv3::SchemaData, at: &str) -> Option<u64> {
        let value = data.extensions.get(MAX_STRINGIFIED_LENGTH_EXTENSION)?;
        let limit = value.as_u64();
        if limit.is_none() {
            self.diags.warn(
                "skipped-constraint",
                &pointer(at, MAX_STRINGIFIED_LENGTH_EXTENSION),
                "not a non-negative integer; the limit is not enforced",
            );
        }
        limit
    }

    /// Whether `schema` becomes a named type of its own, and which.
    pub(super) fn classify(&mut self, name: &str, schema: &Schema, at: &str) -> Classified {
        if let SchemaKind::Any(a) = &schema.schema_kind
            && let Some(combined) = combinators_beside_keywords(schema, a)
        {
            return self.classify(name, &combined, at);
        }
        match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => return self.all_of(name, all_of, schema, at),
            SchemaKind::OneOf { one_of } => {
                return self.union(name, one_of, true, schema, &pointer(at, "oneOf"));
            }
            SchemaKind::AnyOf { any_of } => {
                return self.union(name, any_of, false, schema, &pointer(at, "anyOf"));
            }
            _ => {}
        }
        let nullable = schema.schema_data.nullable;
        if let Some(fields) = self.object_fields(schema, name, at) {
            let (min_properties, max_properties) = property_counts(schema);
            Classified::Kind(
                TypeKind::Struct(Struct {
                    fields,
                    min_properties,
                    max_properties,
                    alternatives: Vec::new(),
                }),
                nullable,
            )
        } else if let Some(e) = self.string_enum(schema, at) {
            Classified::Kind(TypeKind::Enum(e), nullable)
        } else {
            Classified::Plain(self.plain(schema, name, at))
        }
    }

    /// `allOf`: the properties of every object part merged into one struct (later parts win on a
    /// name clash, `required` is the union); without object parts, the one other part.
    pub(super) fn all_of(
        &mut self,
        name: &str,
        parts: &[ReferenceOr<Schema>],
        outer: &Schema,
        at: &str,
    ) -> Classified {
        let parts_at = pointer(at, "allOf");
        // `allOf: [$ref]` is how 3.0 adds `nullable` or a description to a reference: it is that
        // type, not a copy of it.
        if let [ReferenceOr::Reference { reference }] = parts {
            let ty = self.follow_ref(reference, &pointer(&parts_at, "0"));
            return Classified::Plain(Resolved {
                shape: Shape {
                    ty,
                    constraints: Constraints::default(),
                },
                nullable: outer.schema_data.nullable,
            });
        }
        let mut acc = AllOf::default();
        acc.merged.insert(at.to_owned());
        for (i, part) in parts.iter().enumerate() {
            self.collect_all_of(
                name,
                part.into(),
                &pointer(&parts_at, &i.to_string()),
                &mut acc,
                0,
            );
        }
        let nullable = outer.schema_data.nullable || acc.nullable;
        if acc.has_object {
            // Untyped parts that constrain the object as a whole (`oneOf: [{required: [a]},
            // {required: [b]}]` beside `properties`) are checked on its JSON.
            let mut alternatives = Vec::new();
            acc.others.retain_mut(|r| {
                if r.shape.ty != TypeRef::Any {
                    return true;
                }
                let mut c = std::mem::take(&mut r.shape.constraints);
                alternatives.append(&mut c.alternatives);
                if c.count() > 0 {
                    alternatives.push(Alternatives {
                        exactly_one: false,
                        sets: vec![c],
                    });
                }
                false
            });
            // A part of another kind beside the object parts (a map, a scalar, or a `$ref`
            // outside components/schemas, which this merge cannot open) is not merged into the
            // struct: say so. Parts that only annotate are no loss.
            if !acc.others.is_empty() {
                self.diags.warn(
                    "unsupported-schema",
                    &parts_at,
                    "allOf parts that are not objects with properties (a map, a scalar, or a $ref outside components/schemas) are not merged: only the other parts' properties are kept",
                );
            }
            for field in &mut acc.fields {
                field.required |= acc.required.contains(&field.wire_name) && !field.one_way;
            }
            if acc.additional_allowed && !acc.additional_restricted {
                let ident = acc.scope.claim("additional_properties".to_owned());
                acc.fields
                    .push(additional_field(ident, TypeRef::Object, None));
            }
            return Classified::Kind(
                TypeKind::Struct(Struct {
                    fields: acc.fields,
                    min_properties: acc.counts.min_properties,
                    max_properties: acc.counts.max_properties,
                    alternatives,
                }),
                nullable,
            );
        }
        // Parts that only annotate (`{description: ...}`, `{xml: ...}`: AWS wraps every
        // property so) constrain nothing: leave them out.
        let nullable = nullable || acc.others.iter().any(|r| r.nullable);
        // Typed parts first: an untyped one (`{minimum: 1}`) adds its constraints to the type.
        let (typed, untyped): (Vec<Resolved>, Vec<Resolved>) = acc
            .others
            .into_iter()
            .filter(|r| r.shape.ty != TypeRef::Any || r.shape.constraints.count() > 0)
            .partition(|r| r.shape.ty != TypeRef::Any);
        let mut others = typed.into_iter().chain(untyped);
        let Some(mut first) = others.next() else {
            return Classified::Plain(Resolved {
                shape: any_shape(),
                nullable,
            });
        };
        first.nullable = nullable;
        for other in others {
            // Parts of one type add up: `allOf: [{$ref: Name}, {maxLength: 5}]`; a list of
            // anything takes the other part's items (`[{type: array}, {items: {type: object}}]`).
            let any_list =
                |ty: &TypeRef| matches!(ty, TypeRef::Array(inner) if **inner == TypeRef::Any);
            if any_list(&first.shape.ty) && matches!(other.shape.ty, TypeRef::Array(_)) {
                first.shape.ty = other.shape.ty.clone();
            }
            let same_type = other.shape.ty == TypeRef::Any
                || any_list(&other.shape.ty) && matches!(first.shape.ty, TypeRef::Array(_))
                || base_type(&self.types, &other.shape.ty)
                    == base_type(&self.types, &first.shape.ty);
            if !same_type {
                self.diags.warn(
                    "unsupported-schema",
                    &parts_at,
                    "allOf of non-object schemas of different types: only the first is used",
                );
                break;
            }
            let constraints = if other.shape.ty == TypeRef::Any {
                let all = other.shape.constraints.count();
                let kept = other
                    .shape
                    .constraints
                    .applicable_to(&base_type(&self.types, &first.shape.ty));
                if kept.count() < all {
                    self.diags.warn(
                        "skipped-constraint",
                        &parts_at,
                        "an untyped allOf part's keywords that do not apply to the type of the \
                         others (or that the type checks elsewhere) are not enforced",
                    );
                }
                kept
            } else {
                other.shape.constraints
            };
            first.shape.constraints.add(constraints);
        }
        Classified::Plain(first)
    }

    pub(super) fn collect_all_of(
        &mut self,
        owner: &str,
        part: SchemaOrRef<'_>,
        at: &str,
        acc: &mut AllOf,
        depth: usize,
    ) {
        if depth > 32 {
            self.diags.warn(
                "unsupported-schema",
                at,
                "allOf nested too deeply (a cycle?); the rest is ignored",
            );
            return;
        }
        let (schema, at) = match part {
            SchemaOrRef::Ref(reference) => match self.component(reference) {
                // The referenced schema's own pointer: its inline parts are the same types
                // wherever it is merged.
                Some(schema) => {
                    let target = percent_decode(reference.trim_start_matches('#'));
                    if !acc.merged.insert(target.clone()) {
                        return;
                    }
                    (schema, target)
                }
                None => {
                    let resolved = self.shape_of(part, owner, at);
                    acc.others.push(resolved);
                    return;
                }
            },
            SchemaOrRef::Item(schema) => (schema, at.to_owned()),
        };
        let at = at.as_str();
        acc.nullable |= schema.schema_data.nullable;
        let object = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => {
                for (i, sub) in all_of.iter().enumerate() {
                    let sub_at = pointer(&pointer(at, "allOf"), &i.to_string());
                    self.collect_all_of(owner, sub.into(), &sub_at, acc, depth + 1);
                }
                return;
            }
            // A map (no properties, `additionalProperties` a schema or `true`) is a plain
            // shape, not an object part: AWS wraps map-typed properties as
            // `allOf: [{$ref: SomeMap}, {xml, description}]`, which merged into a struct of no
            // fields and lost the map.
            _ if is_map(schema) => None,
            SchemaKind::Type(Type::Object(o)) => {
                Some((&o.properties, &o.required, o.additional_properties.as_ref()))
            }
            SchemaKind::Any(a)
                if !a.properties.is_empty() || a.typ.as_deref() == Some("object") =>
            {
                Some((&a.properties, &a.required, a.additional_properties.as_ref()))
            }
            _ => None,
        };
        match object {
            Some((properties, required, additional)) => {
                acc.has_object = true;
                // In JSON Schema each part's `additionalProperties` is relative to that part's
                // own properties. `true` allows anything, so where no part restricts the
                // others (`false`, a schema), the merged struct keeps them; a schema is
                // relative to its part's properties, which a merged struct cannot express.
                match additional {
                    Some(AdditionalProperties::Any(true)) => acc.additional_allowed = true,
                    Some(AdditionalProperties::Any(false)) => acc.additional_restricted = true,
                    Some(AdditionalProperties::Schema(_)) => {
                        acc.additional_restricted = true;
                        self.diags.warn(
                            "ignored-additional-properties",
                            &pointer(at, "additionalProperties"),
                            "in a part of allOf, properties beyond the named ones are ignored when decoding and cannot be set",
                        );
                    }
                    None => {}
                }
                // Every part's count applies to the merged object: the stricter of each.
                let (min_properties, max_properties) = property_counts(schema);
                acc.counts.add(Constraints {
                    min_properties,
                    max_properties,
                    ..Constraints::default()
                });
                acc.required.extend(required.iter().cloned());
                let props_at = pointer(at, "properties");
                for (wire_name, property) in properties {
                    let field =
                        self.field(owner, wire_name, property, false, &props_at, &mut acc.scope);
                    match acc.fields.iter_mut().find(|f| f.wire_name == *wire_name) {
                        Some(existing) => {
                            let ident = existing.ident.clone();
                            *existing = Field { ident, ..field };
                        }
                        None => acc.fields.push(field),
                    }
                }
            }
            None => {
                let resolved = match part {
                    SchemaOrRef::Ref(_) => self.shape_of(part, owner, at),
                    SchemaOrRef::Item(schema) => self.shape_of_item(schema, owner, at),
                };
                acc.others.push(resolved);
            }
        }
    }

    /// `oneOf`/`anyOf`: a union of the distinct branch types; `{type: null}` branches make it
    /// nullable; a single remaining branch is that branch's type. Variants are told apart by the
    /// `discriminator` when there is one, else by a property of one constant value per branch
    /// when there is one (see [`Self::implicit_tag`]), else by trying each in turn.
    pub(super) fn union(
        &mut self,
        name: &str,
        branches: &[ReferenceOr<Schema>],
        exclusive: bool,
        outer: &Schema,
        at: &str,
    ) -> Classified {
        let implicit = match outer.schema_data.discriminator {
            None => self.implicit_tag(branches),
            Some(_) => None,
        };
        let mut nullable = outer.schema_data.nullable;
        let mut variants: Vec<UnionVariant> = Vec::new();
        // The branch each variant came from.
        let mut origins: Vec<usize> = Vec::new();
        let mut scope = Scope::default();
        let mut single: Option<Shape> = None;
        let mut resolved_branches = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            if is_null_schema(branch) {
                nullable = true;
                continue;
            }
            let tag = implicit.as_ref().and_then(|(_, tags)| tags.get(&i));
            let numbered = || match tag {
                // Named after its tag: `InstanceNetworkInterfaceAttachmentCreate`.
                Some(tag) => format!("{name}_{tag}"),
                None => format!("{name}{}", i + 1),
            };
            let hint = match branch {
                ReferenceOr::Item(s) => s.schema_data.title.clone().unwrap_or_else(numbered),
                ReferenceOr::Reference { .. } => numbered(),
            };
            let branch_at = pointer(at, &i.to_string());
            let resolved = self.shape_of(branch.into(), &hint, &branch_at);
            resolved_branches.push((i, hint, branch_at, resolved));
        }
        // Branches of one type that differ only in their constraints (`{type: string, anyOf:
        // [{maxLength: 2}, {minLength: 4}]}`) are that type, with the branches' constraints as
        // alternatives: as variants, the value would decode as the first and be judged by its
        // constraints alone.
        if outer.schema_data.discriminator.is_none()
            && let [(_, _, _, first), rest @ ..] = resolved_branches.as_slice()
            && !rest.is_empty()
            && rest.iter().all(|(.., r)| r.shape.ty == first.shape.ty)
        {
            let ty = first.shape.ty.clone();
            let sets: Vec<Constraints> = resolved_branches
                .iter()
                .map(|(.., r)| r.shape.constraints.clone())
                .collect();
            let nullable = nullable || resolved_branches.iter().any(|(.., r)| r.nullable);
            let any_of = !exclusive;
            // Where every value fits some set, `anyOf` adds nothing. Where two sets are alike,
            // `oneOf` would refuse every value they take: they differ in keywords the SDK does
            // not check (a format it does not know), so it is read as `anyOf`.
            let alike = sets.iter().enumerate().any(|(j, a)| sets[..j].contains(a));
            let constraints = if (any_of || alike) && sets.iter().any(|c| c.count() == 0) {
                Constraints::default()
            } else {
                Constraints {
                    alternatives: vec![Alternatives {
                        exactly_one: exclusive && !alike,
                        sets,
                    }],
                    ..Constraints::default()
                }
            };
            return Classified::Plain(Resolved {
                shape: Shape { ty, constraints },
                nullable,
            });
        }
        // One branch (besides `null`): that branch, constraints and all.
        if let [(.., only)] = resolved_branches.as_slice() {
            return Classified::Plain(Resolved {
                shape: only.shape.clone(),
                nullable: nullable || only.nullable,
            });
        }
        // Only `null` (`anyOf: [{type: "null"}]`): nothing else is valid.
        if resolved_branches.is_empty() && nullable && !branches.is_empty() {
            return Classified::Plain(Resolved {
                shape: Shape {
                    ty: TypeRef::Any,
                    constraints: Constraints {
                        json_types: vec!["null".to_owned()],
                        ..Constraints::default()
                    },
                },
                nullable: true,
            });
        }
        for (i, hint, branch_at, mut resolved) in resolved_branches {
            // Named after the kind of value, constrained or not (`String`).
            let ident = variant_ident(&resolved.shape.ty);
            // A variant holds a type, not constraints: a branch's own (`{type: string,
            // minLength: 2}`) go to an alias named after the branch, which validation checks.
            if resolved.shape.constraints.count() > 0 {
                let alias = self.type_names.claim(names::type_name(&hint));
                let shape = std::mem::replace(
                    &mut resolved.shape,
                    Shape {
                        ty: TypeRef::Named(alias.clone()),
                        constraints: Constraints::default(),
                    },
                );
                self.insert(
                    &alias,
                    &branch_at,
                    None,
                    false,
                    TypeKind::Alias(Box::new(shape)),
                );
            }
            nullable |= resolved.nullable;
            if variants.iter().any(|v| v.ty == resolved.shape.ty) {
                continue;
            }
            if single.is_none() {
                single = Some(resolved.shape.clone());
            }
            variants.push(UnionVariant {
                ident: scope.claim(ident),
                ty: resolved.shape.ty,
                boxed: false,
                tag: None,
                unit: false,
            });
            origins.push(i);
        }
        match variants.len() {
            0 => Classified::Plain(Resolved {
                shape: any_shape(),
                nullable,
            }),
            1 => Classified::Plain(Resolved {
                shape: single.unwrap_or_else(any_shape),
                nullable,
            }),
            _ => {
                let discriminator = outer
                    .schema_data
                    .discriminator
                    .as_ref()
                    .map(|d| self.discriminator(d, &variants));
                let mut union = Union {
                    variants,
                    discriminator,
                    tag_property: None,
                    unknown_variant: None,
                };
                if let Some((property, tags)) = implicit
                    && origins.len() == tags.len()
                {
                    self.apply_implicit_tag(&mut union, &origins, property, &tags, at);
                }
                Classified::Kind(TypeKind::Union(union), nullable)
            }
        }
    }

    /// A property that tells the branches of a union apart without a `discriminator`: required
    /// in every branch, one constant string per branch (`type: {enum: [create]}`, or `const`),
    /// a different one in each. Returns it and each branch's value, by branch index.
    fn implicit_tag(
        &self,
        branches: &[ReferenceOr<Schema>],
    ) -> Option<(String, BTreeMap<usize, String>)> {
        fn constant(property: &ReferenceOr<Box<Schema>>) -> Option<String> {
            let ReferenceOr::Item(s) = property else {
                return None;
            };
            if s.schema_data.nullable {
                return None;
            }
            match &s.schema_kind {
                SchemaKind::Type(Type::String(t)) if t.enumeration.len() == 1 => {
                    t.enumeration[0].clone()
                }
                SchemaKind::Any(a) if a.enumeration.len() == 1 => {
                    a.enumeration[0].as_str().map(str::to_owned)
                }
                _ => None,
            }
        }
        let mut per_branch: Vec<(usize, Vec<(&String, String)>)> = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            if is_null_schema(branch) {
                continue;
            }
            let schema = match branch {
                ReferenceOr::Item(s) => s,
                ReferenceOr::Reference { reference } => self.component(reference)?,
            };
            let (properties, required) = match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => (&o.properties, &o.required),
                SchemaKind::Any(a) if !a.properties.is_empty() => (&a.properties, &a.required),
                _ => return None,
            };
            let constants = properties
                .iter()
                .filter(|(p, _)| required.contains(p))
                .filter_map(|(p, schema)| constant(schema).map(|value| (p, value)))
                .collect();
            per_branch.push((i, constants));
        }
        let (_, first) = per_branch.first()?;
        if per_branch.len() < 2 {
            return None;
        }
        first.iter().find_map(|(property, _)| {
            let tags: BTreeMap<usize, String> = per_branch
                .iter()
                .map(|(i, constants)| {
                    constants
                        .iter()
                        .find(|(p, _)| p == property)
                        .map(|(_, value)| (*i, value.clone()))
                })
                .collect::<Option<_>>()?;
            let distinct: BTreeSet<&String> = tags.values().collect();
            (distinct.len() == tags.len()).then(|| ((*property).clone(), tags))
        })
    }

    /// Tags `union` by `property`. When every variant is an object defined inline in its branch,
    /// the variants' types drop the property (and the one-value enum made for it) and serde
    /// reads and writes it as the tag; a variant left with no fields is a unit variant. When a
    /// variant is a named schema that may be used elsewhere, its type keeps the property, and
    /// decoding picks the variant by the property's value (a discriminator).
    fn apply_implicit_tag(
        &mut self,
        union: &mut Union,
        origins: &[usize],
        property: String,
        tags: &BTreeMap<usize, String>,
        at: &str,
    ) {
        let inline = origins
            .iter()
            .zip(&union.variants)
            .all(|(i, v)| match &v.ty {
                TypeRef::Named(n) => self.types.get(n).is_some_and(|def| {
                    def.pointer == pointer(at, &i.to_string())
                        && matches!(def.kind, TypeKind::Struct(_))
                }),
                _ => false,
            });
        if !inline {
            let values = origins
                .iter()
                .zip(&union.variants)
                .filter_map(|(i, v)| Some((tags.get(i)?.clone(), v.ident.clone())))
                .collect();
            union.discriminator = Some(Discriminator { property, values });
            return;
        }
        let mut scope = Scope::default();
        for (i, variant) in origins.iter().zip(union.variants.iter_mut()) {
            let Some(tag) = tags.get(i) else { continue };
            let TypeRef::Named(type_name) = &variant.ty else {
                continue;
            };
            let type_name = type_name.clone();
            let variant_at = pointer(at, &i.to_string());
            let mut removed_type = None;
            let mut now_empty = false;
            if let Some(TypeDef {
                kind: TypeKind::Struct(s),
                ..
            }) = self.types.get_mut(&type_name)
            {
                if let Some(k) = s.fields.iter().position(|f| f.wire_name == property) {
                    let field = s.fields.remove(k);
                    removed_type = match field.shape.ty {
                        TypeRef::Named(n) => Some(n),
                        _ => None,
                    };
                }
                now_empty = s.fields.is_empty();
            }
            // The one-value enum made for the property, if nothing else can reach it.
            let property_at = pointer(&pointer(&variant_at, "properties"), &property);
            if let Some(n) = removed_type
                && self
                    .types
                    .get(&n)
                    .is_some_and(|def| def.pointer == property_at)
            {
                self.types.remove(&n);
                self.by_pointer.remove(&property_at);
            }
            if now_empty {
                self.types.remove(&type_name);
                self.by_pointer.remove(&variant_at);
                variant.ty = TypeRef::Any;
                variant.unit = true;
            }
            variant.ident = scope.claim(names::variant_name(tag));
            variant.tag = Some(tag.clone());
        }
        union.unknown_variant = Some(scope.claim("Unknown".to_owned()));
        union.tag_property = Some(property);
    }

    pub(super) fn shape_of(&mut self, schema: SchemaOrRef<'_>, hint: &str, at: &str) -> Resolved {
        match schema {
            // A component that may be `null` (GitHub's `nullable-license-simple`) may be null
            // wherever it is used: its type is shared, its nullability goes to the use.
            SchemaOrRef::Ref(reference) => Resolved {
                shape: Shape {
                    ty: self.follow_ref(reference, at),
                    constraints: Constraints::default(),
                },
                nullable: self.component_nullable(reference, 0),
            },
            SchemaOrRef::Item(schema) => self.shape_of_item(schema, hint, at),
        }
    }

    /// Whether the component `reference` names allows `null`: `nullable: true` (3.1's null
    /// type or branch, normalised to it), or an `allOf` of one such reference.
    fn component_nullable(&self, reference: &str, depth: usize) -> bool {
        let Some(schema) = self.component(reference) else {
            return false;
        };
        if schema.schema_data.nullable {
            return true;
        }
        match &schema.schema_kind {
            SchemaKind::AllOf { all_of } if depth < 8 => match all_of.as_slice() {
                [ReferenceOr::Reference { reference }] => {
                    self.component_nullable(reference, depth + 1)
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// The shape of an inline schema; objects with properties and string enums become named
    /// types called after `hint`.
    pub(super) fn shape_of_item(&mut self, schema: &Schema, hint: &str, at: &str) -> Resolved {
        let data = &schema.schema_data;
        let nullable = data.nullable;
        let constraints = Constraints {
            max_stringified_length: self.stringified_limit(data, at),
            ..Constraints::default()
        };
        // Already defined from here (a `$ref` into this spot came first): the same type.
        if let Some(name) = self.by_pointer.get(at) {
            return Resolved {
                shape: Shape {
                    ty: TypeRef::Named(name.clone()),
                    constraints,
                },
                nullable,
            };
        }
        let candidate = names::type_name(hint);
        if self.in_progress.contains(at) {
            // Reached again while being defined: refer to it by the name it will get.
            let name = match self.provisional.get(at) {
                Some(name) => name.clone(),
                None => {
                    let name = self.type_names.claim(candidate);
                    self.provisional.insert(at.to_owned(), name.clone());
                    name
                }
            };
            return Resolved {
                shape: Shape {
                    ty: TypeRef::Named(name),
                    constraints,
                },
                nullable,
            };
        }
        self.in_progress.insert(at.to_owned());
        let classified = self.classify(&candidate, schema, at);
        self.in_progress.remove(at);
        let provisional = self.provisional.remove(at);
        match classified {
            Classified::Kind(kind, kind_nullable) => {
                let name = provisional.unwrap_or_else(|| self.type_names.claim(candidate));
                self.insert(&name, at, data.description.clone(), data.deprecated, kind);
                Resolved {
                    shape: Shape {
                        ty: TypeRef::Named(name),
                        constraints,
                    },
                    nullable: nullable || kind_nullable,
                }
            }
            Classified::Plain(mut resolved) => {
                with_text_limit(&mut resolved.shape, constraints.max_stringified_length);
                if let Some(name) = provisional {
                    self.insert(
                        &name,
                        at,
                        data.description.clone(),
                        data.deprecated,
                        TypeKind::Alias(Box::new(resolved.shape.clone())),
                    );
                }
                resolved
            }
        }
    }

    /// The shape of a schema that is not a named type: primitives, arrays, maps.
    pub(super) fn plain(&mut self, schema: &Schema, hint: &str, at: &str) -> Resolved {
        let nullable = schema.schema_data.nullable;
        let mut constraints = Constraints::default();
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s))
                if matches!(
                    s.format,
                    VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)
                ) =>
            {
                // A file is streamed, never held whole: its length or content cannot be checked
                // before it is sent (Mist's non-empty uploads, `minLength: 1`).
                for (keyword, given) in [
                    ("minLength", s.min_length.is_some()),
                    ("maxLength", s.max_length.is_some()),
                    ("pattern", s.pattern.is_some()),
                ] {
                    if given {
                        self.skip(
                            &pointer(at, keyword),
                            keyword,
                            "a file (`format: binary`) is sent as a stream, never held whole",
                        );
                    }
                }
                TypeRef::File
            }
            SchemaKind::Type(Type::String(s)) => {
                constraints.min_length = s.min_length.map(|n| n as u64);
                constraints.max_length = s.max_length.map(|n| n as u64);
                constraints.pattern = s.pattern.clone();
                constraints.format = self.string_format(&s.format, at);
                // Strings listed make a string enum, resolved before: `null` alone is left.
                self.typed_enum(&json_values(&s.enumeration), "string", at);
                TypeRef::String
            }
            SchemaKind::Type(Type::Integer(i)) => {
                constraints.minimum = i.minimum.map(|v| Bound {
                    value: Number::Int(v),
                    exclusive: i.exclusive_minimum,
                });
                constraints.maximum = i.maximum.map(|v| Bound {
                    value: Number::Int(v),
                    exclusive: i.exclusive_maximum,
                });
                constraints.multiple_of = i.multiple_of.filter(|m| *m > 0).map(Number::Int);
                // `null` among the values is the schema's `nullable`, already read.
                constraints.number_enum = i
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| Number::Int(*v))
                    .collect();
                if constraints.number_enum.is_empty() {
                    self.typed_enum(&json_values(&i.enumeration), "integer", at);
                }
                let width = match &i.format {
                    VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => IntWidth::I32,
                    VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int64) => IntWidth::I64,
                    VariantOrUnknownOrEmpty::Unknown(format) => IntWidth::from_format(Some(format)),
                    VariantOrUnknownOrEmpty::Empty => IntWidth::I64,
                };
                TypeRef::Integer(width)
            }
            SchemaKind::Type(Type::Number(n)) => {
                constraints.minimum = n.minimum.map(|v| Bound {
                    value: Number::Float(v),
                    exclusive: n.exclusive_minimum,
                });
                constraints.maximum = n.maximum.map(|v| Bound {
                    value: Number::Float(v),
                    exclusive: n.exclusive_maximum,
                });
                constraints.multiple_of = n.multiple_of.filter(|m| *m > 0.0).map(Number::Float);
                constraints.number_enum = n
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| Number::Float(*v))
                    .collect();
                if constraints.number_enum.is_empty() {
                    self.typed_enum(&json_values(&n.enumeration), "number", at);
                }
                TypeRef::Number
            }
            SchemaKind::Type(Type::Boolean(b)) => {
                constraints.json_enum = self.boolean_enum(&json_values(&b.enumeration), at);
                TypeRef::Boolean
            }
            _ if schema
                .schema_data
                .extensions
                .contains_key(crate::read::TUPLE_EXTENSION) =>
            {
                let (ty, checks) = self.tuple(schema, hint, at);
                constraints.tuple = checks;
                let (min, max, unique) = match &schema.schema_kind {
                    SchemaKind::Type(Type::Array(a)) => (a.min_items, a.max_items, a.unique_items),
                    SchemaKind::Any(a) => {
                        (a.min_items, a.max_items, a.unique_items.unwrap_or(false))
                    }
                    _ => (None, None, false),
                };
                // An open tuple is a list of JSON values: its size still holds. Both keep
                // their uniqueness (a Rust tuple's, checked on its JSON).
                constraints.unique_items = unique;
                if let TypeRef::Array(_) = ty {
                    constraints.min_items = min.map(|n| n as u64);
                    constraints.max_items = max.map(|n| n as u64);
                }
                ty
            }
            SchemaKind::Type(Type::Array(a)) => {
                constraints.min_items = a.min_items.map(|n| n as u64);
                constraints.max_items = a.max_items.map(|n| n as u64);
                constraints.unique_items = a.unique_items;
                match &a.items {
                    Some(items) => {
                        let item_at = pointer(at, "items");
                        let item = self.shape_of(items.into(), &format!("{hint}Item"), &item_at);
                        let ty = item_type(&item);
                        constraints.items = item_constraints(item.shape.constraints);
                        TypeRef::Array(Box::new(ty))
                    }
                    None => TypeRef::Array(Box::new(TypeRef::Any)),
                }
            }
            SchemaKind::Type(Type::Object(o)) => {
                constraints.min_properties = o.min_properties.map(|n| n as u64);
                constraints.max_properties = o.max_properties.map(|n| n as u64);
                constraints.required_keys = o.required.clone();
                let (ty, values) = self.map_type(o.additional_properties.as_ref(), hint, at);
                constraints.items = values;
                ty
            }
            SchemaKind::Any(a)
                if a.typ.is_none()
                    && a.properties.is_empty()
                    && a.items.is_none()
                    && a.additional_properties.is_none() =>
            {
                constraints = untyped_constraints(a, &schema.schema_data);
                TypeRef::Any
            }
            SchemaKind::Any(a)
                if a.typ.as_deref() == Some("object") || a.additional_properties.is_some() =>
            {
                constraints.min_properties = a.min_properties.map(|n| n as u64);
                constraints.max_properties = a.max_properties.map(|n| n as u64);
                constraints.required_keys = a.required.clone();
                let (ty, values) = self.map_type(a.additional_properties.as_ref(), hint, at);
                constraints.items = values;
                ty
            }
            // openapiv3 reads a schema whose keywords do not fit its `type` (or that has none)
            // as untyped: recover the type the keywords imply.
            SchemaKind::Any(a) if a.items.is_some() || a.typ.as_deref() == Some("array") => {
                constraints.min_items = a.min_items.map(|n| n as u64);
                constraints.max_items = a.max_items.map(|n| n as u64);
                constraints.unique_items = a.unique_items.unwrap_or(false);
                match &a.items {
                    Some(items) => {
                        let item_at = pointer(at, "items");
                        let item = self.shape_of(items.into(), &format!("{hint}Item"), &item_at);
                        let ty = item_type(&item);
                        constraints.items = item_constraints(item.shape.constraints);
                        TypeRef::Array(Box::new(ty))
                    }
                    None => TypeRef::Array(Box::new(TypeRef::Any)),
                }
            }
            SchemaKind::Any(a) if a.typ.as_deref() == Some("string") => {
                constraints.min_length = a.min_length.map(|n| n as u64);
                constraints.max_length = a.max_length.map(|n| n as u64);
                constraints.pattern = a.pattern.clone();
                constraints.format = a.format.as_deref().and_then(checked_format);
                // A string enum is a type of its own (`string_enum`): an enum here lists other
                // values (`enum: [10, 20]`, YAML's unquoted numbers), which `typed_enum` reports.
                self.typed_enum(&a.enumeration, "string", at);
                TypeRef::String
            }
            SchemaKind::Any(a) if matches!(a.typ.as_deref(), Some("integer" | "number")) => {
                let bound = |value: Option<f64>, exclusive: Option<bool>| {
                    value.map(|v| Bound {
                        value: Number::Float(v),
                        exclusive: exclusive.unwrap_or(false),
                    })
                };
                constraints.minimum = bound(a.minimum, a.exclusive_minimum);
                constraints.maximum = bound(a.maximum, a.exclusive_maximum);
                constraints.multiple_of = a.multiple_of.filter(|m| *m > 0.0).map(Number::Float);
                if a.typ.as_deref() == Some("integer") {
                    // Integer fields compare with integer limits only; fractional ones are dropped.
                    let int = |b: Option<Bound>| {
                        b.and_then(|b| match b.value {
                            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                                Some(Bound {
                                    value: Number::Int(f as i64),
                                    exclusive: b.exclusive,
                                })
                            }
                            _ => None,
                        })
                    };
                    constraints.minimum = int(constraints.minimum);
                    constraints.maximum = int(constraints.maximum);
                    // A fractional `multipleOf` (0.5) cannot be held by an integer check: the
                    // float one is exact enough for the integers an `i64` holds.
                    constraints.multiple_of = constraints.multiple_of.map(|m| match m {
                        Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                            Number::Int(f as i64)
                        }
                        m => m,
                    });
                    constraints.number_enum = (self.typed_enum(&a.enumeration, "integer", at))
                        .unwrap_or_default()
                        .iter()
                        .filter_map(serde_json::Value::as_i64)
                        .map(Number::Int)
                        .collect();
                    TypeRef::Integer(IntWidth::from_format(a.format.as_deref()))
                } else {
                    constraints.number_enum = (self.typed_enum(&a.enumeration, "number", at))
                        .unwrap_or_default()
                        .iter()
                        .filter_map(serde_json::Value::as_f64)
                        .map(Number::Float)
                        .collect();
                    TypeRef::Number
                }
            }
            SchemaKind::Any(a) if a.typ.as_deref() == Some("boolean") => {
                constraints.json_enum = self.boolean_enum(&a.enumeration, at);
                TypeRef::Boolean
            }
            // No type and nothing that implies one: any JSON value is valid, which is what
            // `serde_json::Value` says.
            SchemaKind::Any(a) if a.typ.is_none() && a.properties.is_empty() => TypeRef::Any,
            // `not: {}`, how the boolean schema `false` is read: no value is valid.
            SchemaKind::Not { not } if is_empty_schema(not) => {
                constraints.no_value = true;
                TypeRef::Any
            }
            SchemaKind::OneOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::AllOf { .. }
            | SchemaKind::Not { .. }
            | SchemaKind::Any(_) => {
                self.diags.warn(
                    "unsupported-schema",
                    at,
                    "`not` and schemas of unknown `type` are not modelled; the value is typed as serde_json::Value",
                );
                TypeRef::Any
            }
        };
        Resolved {
            shape: Shape { ty, constraints },
            nullable,
        }
    }

    /// A tuple (see `read::TUPLE_EXTENSION`): a Rust tuple when closed; an open one (more items
    /// may follow) cannot be one, and is read as a list of JSON values. The items' constraints
    /// (an open tuple's item types too, and the schema of the items after them) are checked on
    /// the value's JSON.
    fn tuple(
        &mut self,
        schema: &Schema,
        hint: &str,
        at: &str,
    ) -> (TypeRef, Option<Box<TupleChecks>>) {
        #[derive(serde::Deserialize)]
        struct Tuple {
            items: Vec<ReferenceOr<Schema>>,
            closed: bool,
            keyword: String,
        }
        let list = TypeRef::Array(Box::new(TypeRef::Any));
        let extension = &schema.schema_data.extensions[crate::read::TUPLE_EXTENSION];
        let Ok(tuple) = serde_json::from_value::<Tuple>(extension.clone()) else {
            self.diags.warn(
                "unsupported-schema",
                at,
                "tuple items that are not schemas; typed as a list of serde_json::Value",
            );
            return (list, None);
        };
        let open = !tuple.closed || tuple.items.is_empty();
        let mut items = Vec::with_capacity(tuple.items.len());
        let mut prefix = Vec::with_capacity(tuple.items.len());
        for (i, item) in tuple.items.iter().enumerate() {
            let item_at = pointer(&pointer(at, &tuple.keyword), &i.to_string());
            let resolved = self.shape_of(item.into(), &format!("{hint}Item{i}"), &item_at);
            if open {
                prefix.push(self.json_view(&resolved, &item_at));
            } else {
                prefix.push(resolved.shape.constraints.clone());
            }
            items.push(item_type(&resolved));
        }
        let rest = match &schema.schema_kind {
            SchemaKind::Type(Type::Array(a)) => a.items.clone(),
            SchemaKind::Any(a) => a.items.clone(),
            _ => None,
        };
        let rest = match rest {
            Some(rest) if open => {
                let rest_at = pointer(at, "items");
                let resolved = self.shape_of((&rest).into(), &format!("{hint}Rest"), &rest_at);
                Some(Box::new(self.json_view(&resolved, &rest_at)))
            }
            _ => None,
        };
        let checks = TupleChecks { prefix, rest };
        let checks = (checks.prefix.iter().any(|c| c.count() > 0)
            || checks.rest.as_ref().is_some_and(|r| r.count() > 0))
        .then(|| Box::new(checks));
        if open {
            (list, checks)
        } else {
            (TypeRef::Tuple(items), checks)
        }
    }

    /// What a value of `resolved`'s shape is as JSON, for a place that holds any JSON value (an
    /// open tuple's item): its JSON type and its constraints. A named struct or union is
    /// checked for its JSON type only: said in a warning.
    fn json_view(&mut self, resolved: &Resolved, at: &str) -> Constraints {
        let mut c = resolved.shape.constraints.clone();
        let mut ty = resolved.shape.ty.clone();
        // Aliases add their constraints; at most a few deep.
        for _ in 0..8 {
            let TypeRef::Named(name) = &ty else { break };
            match self.types.get(name).map(|def| &def.kind) {
                Some(TypeKind::Alias(shape)) => {
                    c.add(shape.constraints.clone());
                    ty = shape.ty.clone();
                }
                _ => break,
            }
        }
        let json_type = match &ty {
            TypeRef::String | TypeRef::File => Some("string"),
            TypeRef::Integer(_) => Some("integer"),
            TypeRef::Number => Some("number"),
            TypeRef::Boolean => Some("boolean"),
            TypeRef::Array(_) | TypeRef::Tuple(_) => Some("array"),
            TypeRef::Map(_) | TypeRef::Object => Some("object"),
            TypeRef::Named(name) => match self.types.get(name).map(|def| &def.kind) {
                Some(TypeKind::Enum(e)) => {
                    c.json_enum = e
                        .variants
                        .iter()
                        .map(|v| serde_json::Value::String(v.wire_value.clone()).to_string())
                        .collect();
                    if resolved.nullable {
                        c.json_enum.push("null".to_owned());
                    }
                    None
                }
                Some(TypeKind::Struct(_)) => {
                    self.skip(
                        at,
                        "tuple item fields",
                        "only its JSON type (object) is checked",
                    );
                    Some("object")
                }
                _ => {
                    self.skip(at, "tuple item of several types", "not checked");
                    None
                }
            },
            _ => None,
        };
        if let Some(json_type) = json_type
            && c.json_types.is_empty()
        {
            c.json_types.push(json_type.to_owned());
            if resolved.nullable {
                c.json_types.push("null".to_owned());
            }
        }
        c
    }

    /// A map's type, and the constraints on its values.
    pub(super) fn map_type(
        &mut self,
        additional: Option<&AdditionalProperties>,
        hint: &str,
        at: &str,
    ) -> (TypeRef, Option<Box<Constraints>>) {
        match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let value_at = pointer(at, "additionalProperties");
                let value = self.shape_of((&**schema).into(), &format!("{hint}Value"), &value_at);
                match value.shape.ty {
                    // Values of any type: constraints the untyped schema names cannot be typed.
                    TypeRef::Any if value.shape.constraints.count() == 0 => (TypeRef::Object, None),
                    _ => (
                        TypeRef::Map(Box::new(item_type(&value))),
                        item_constraints(value.shape.constraints.clone()),
                    ),
                }
            }
            _ => (TypeRef::Object, None),
        }
    }

    /// The values of a typed schema's `enum`, or `None` when it is not enforced. A value of
    /// another type (`type: string, enum: [10, 20]`, YAML's unquoted numbers; `1.5` for an
    /// integer) no value of the type equals, and `null` alone leaves only `null`: JSON Schema
    /// would refuse what the author most likely meant to allow, so such an enum is not enforced
    /// and a warning says so. `Some` of nothing when there is no `enum`.
    pub(super) fn typed_enum(
        &mut self,
        values: &[serde_json::Value],
        json_type: &str,
        at: &str,
    ) -> Option<Vec<serde_json::Value>> {
        let of_type = |v: &serde_json::Value| match json_type {
            "boolean" => v.is_boolean(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            _ => v.is_string(),
        };
        let others: Vec<String> = values
            .iter()
            .filter(|v| !v.is_null() && !of_type(v))
            .map(serde_json::Value::to_string)
            .collect();
        let listed: Vec<serde_json::Value> =
            values.iter().filter(|v| of_type(v)).cloned().collect();
        let why = if !others.is_empty() {
            format!(
                "{} not of type {json_type}, which no {json_type} equals",
                others.join(", ")
            )
        } else if listed.is_empty() && !values.is_empty() {
            format!("it lists only `null`, which no {json_type} equals")
        } else {
            return Some(listed);
        };
        self.skip(&pointer(at, "enum"), "enum", &why);
        None
    }

    /// A boolean's `enum` as JSON texts to check: its one value (`enum: [true]`, GitHub's flags
    /// that must be set); nothing when both are listed, or when it is not enforced.
    fn boolean_enum(&mut self, values: &[serde_json::Value], at: &str) -> Vec<String> {
        let mut listed = self.typed_enum(values, "boolean", at).unwrap_or_default();
        listed.dedup();
        match listed.as_slice() {
            [one] => vec![one.to_string()],
            _ => Vec::new(),
        }
    }

    pub(super) fn skip(&mut self, at: &str, what: &str, why: &str) {
        self.diags.warn(
            "skipped-constraint",
            at,
            format!("`{what}` not enforced: {why}"),
        );
    }

    pub(super) fn string_format(
        &mut self,
        format: &VariantOrUnknownOrEmpty<openapiv3::StringFormat>,
        at: &str,
    ) -> Option<Format> {
        match format {
            VariantOrUnknownOrEmpty::Unknown(f) if f == "email" => Some(Format::Email),
            VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => {
                Some(Format::Named("date-time"))
            }
            VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Date) => {
                Some(Format::Named("date"))
            }
            VariantOrUnknownOrEmpty::Unknown(f) if CHECKED_FORMATS.contains(&f.as_str()) => {
                CHECKED_FORMATS
                    .iter()
                    .find(|known| **known == f.as_str())
                    .map(|known| Format::Named(known))
            }
            // Encodings and hints, not constraints: nothing to check.
            VariantOrUnknownOrEmpty::Unknown(f) if ANNOTATION_FORMATS.contains(&f.as_str()) => None,
            VariantOrUnknownOrEmpty::Unknown(f) => {
                let entry = self
                    .unchecked_formats
                    .entry(f.clone())
                    .or_insert_with(|| (pointer(at, "format"), 0));
                entry.1 += 1;
                None
            }
            // date, date-time, byte, binary, password: annotations on strings; sent as given.
            _ => None,
        }
    }

    pub(super) fn is_string_enum(&self, schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => s.enumeration.iter().any(Option::is_some),
            // `null` alone (3.1's `const: null`) is no string enum: the value is checked as JSON.
            SchemaKind::Any(a) => {
                a.enumeration.iter().any(|v| v.is_string())
                    && a.enumeration.iter().all(|v| v.is_string() || v.is_null())
            }
            _ => false,
        }
    }

    pub(super) fn string_enum(&mut self, schema: &Schema, at: &str) -> Option<StringEnum> {
        if !self.is_string_enum(schema) {
            return None;
        }
        let values: Vec<String> = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => s.enumeration.iter().flatten().cloned().collect(),
            SchemaKind::Any(a) => a
                .enumeration
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let mut scope = Scope::default();
        let mut seen = BTreeSet::new();
        let mut variants = Vec::new();
        for value in values {
            if !seen.insert(value.clone()) {
                self.diags.warn(
                    "duplicate-enum-value",
                    &pointer(at, "enum"),
                    format!("`{value}` is listed twice; kept once"),
                );
                continue;
            }
            variants.push(Variant {
                ident: scope.claim(names::variant_name(&value)),
                wire_value: value,
            });
        }
        let unknown_variant = scope.claim("Unknown".to_owned());
        let default = schema
            .schema_data
            .default
            .as_ref()
            .and_then(|d| d.as_str())
            .and_then(|d| variants.iter().find(|v| v.wire_value == d))
            .map(|v| v.ident.clone());
        Some(StringEnum {
            variants,
            unknown_variant,
            default,
        })
    }

    /// One property of a struct named `owner`.
    pub(super) fn field(
        &mut self,
        owner: &str,
        wire_name: &str,
        property: &ReferenceOr<Box<Schema>>,
        required: bool,
        props_at: &str,
        scope: &mut Scope,
    ) -> Field {
        let field_at = pointer(props_at, wire_name);
        let hint = format!("{owner}{}", names::type_name(wire_name));
        let resolved = self.shape_of(property.into(), &hint, &field_at);
        let documented = match property {
            ReferenceOr::Item(s) => Some(&**s),
            // A `$ref` has no siblings in 3.0: document the field from the schema it names.
            ReferenceOr::Reference { reference } => self.component(reference),
        };
        let (description, default, deprecated) = match documented {
            Some(s) => (
                s.schema_data.description.clone(),
                s.schema_data.default.clone().filter(|d| !d.is_null()),
                s.schema_data.deprecated,
            ),
            None => (None, None, false),
        };
        // One struct serves requests and responses: a `readOnly` property is absent from
        // requests and a `writeOnly` one from responses, so neither can be required of both.
        let one_way =
            documented.is_some_and(|s| s.schema_data.read_only || s.schema_data.write_only);
        let required = required && !one_way;
        Field {
            ident: scope.claim(names::field_name(wire_name)),
            wire_name: wire_name.to_owned(),
            shape: resolved.shape,
            required,
            nullable: resolved.nullable,
            boxed: false,
            one_way,
            explicit_null: false,
            description,
            default,
            deprecated,
            additional: false,
        }
    }

    /// The tag values of a discriminated union: the `mapping`, then each variant's schema name.
    pub(super) fn discriminator(
        &self,
        d: &openapiv3::Discriminator,
        variants: &[UnionVariant],
    ) -> Discriminator {
        let variant_of = |ty: &TypeRef| {
            variants
                .iter()
                .find(|v| v.ty == *ty)
                .map(|v| v.ident.clone())
        };
        let mut values: Vec<(String, String)> = Vec::new();
        for (tag, target) in &d.mapping {
            let key = target.strip_prefix(SCHEMA_PREFIX).unwrap_or(target);
            let ty = self
                .components
                .get(&unescape_pointer(key))
                .map(|name| TypeRef::Named(name.clone()));
            if let Some(ident) = ty.as_ref().and_then(variant_of) {
                values.push((tag.clone(), ident));
            }
        }
        for (key, name) in &self.components {
            if values.iter().any(|(tag, _)| tag == key) {
                continue;
            }
            if let Some(ident) = variant_of(&TypeRef::Named(name.clone())) {
                values.push((key.clone(), ident));
            }
        }
        Discriminator {
            property: d.property_name.clone(),
            values,
        }
    }

    /// The fields of an object schema with properties, or `None` for anything else.
    pub(super) fn object_fields(
        &mut self,
        schema: &Schema,
        owner: &str,
        at: &str,
    ) -> Option<Vec<Field>> {
        let (properties, required, additional) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => {
                (&o.properties, &o.required, o.additional_properties.as_ref())
            }
            SchemaKind::Any(a) if !a.properties.is_empty() => {
                (&a.properties, &a.required, a.additional_properties.as_ref())
            }
            _ => return None,
        };
        let props_at = pointer(at, "properties");
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for (wire_name, property) in properties {
            let is_required = required.contains(wire_name);
            fields.push(self.field(
                owner,
                wire_name,
                property,
                is_required,
                &props_at,
                &mut scope,
            ));
        }
        for name in required {
            if !properties.contains_key(name) {
                self.diags.warn(
                    "unknown-required",
                    &pointer(at, "required"),
                    format!("`{name}` is required but not among the properties; ignored"),
                );
            }
        }
        if let Some(AdditionalProperties::Schema(_) | AdditionalProperties::Any(true)) = additional
        {
            // Claimed after the properties, so a property of that name keeps it.
            let ident = scope.claim("additional_properties".to_owned());
            let (ty, values) = self.map_type(additional, &format!("{owner}Additional"), at);
            fields.push(additional_field(ident, ty, values));
        }
        Some(fields)
    }
}

/// What a schema becomes: a named type's definition (and whether `null` is allowed), or a
/// plain shape.
// Returned once per schema and taken apart at once, never stored: boxing would only add an
// allocation.
#[allow(clippy::large_enum_variant)]
pub(super) enum Classified {
    Kind(TypeKind, bool),
    Plain(Resolved),
}

/// What the parts of an `allOf` add up to.
#[derive(Default)]
pub(super) struct AllOf {
    /// The schemas (by pointer) already merged in: merging one again adds nothing, and a cycle
    /// (`A: allOf [B]`, `B: allOf [A]`) would otherwise be walked until the depth limit, twice
    /// more at each level where a part repeats (found by fuzzing: exponential).
    merged: BTreeSet<String>,
    fields: Vec<Field>,
    required: BTreeSet<String>,
    scope: Scope,
    has_object: bool,
    nullable: bool,
    /// The object parts' `minProperties`/`maxProperties`, merged (the rest unused).
    counts: Constraints,
    /// An object part says `additionalProperties: true`.
    additional_allowed: bool,
    /// An object part says `additionalProperties: false` or gives a schema.
    additional_restricted: bool,
    others: Vec<Resolved>,
}

/// The field holding a struct's additional properties: a map of type `ty` (`Map` or `Object`)
/// whose values have the constraints `values`.
fn additional_field(ident: String, ty: TypeRef, values: Option<Box<Constraints>>) -> Field {
    Field {
        ident,
        wire_name: String::new(),
        shape: Shape {
            ty,
            constraints: Constraints {
                items: values,
                ..Constraints::default()
            },
        },
        required: false,
        nullable: false,
        boxed: false,
        one_way: false,
        explicit_null: false,
        description: None,
        default: None,
        deprecated: false,
        additional: true,
    }
}

/// Whether `schema` is a map: an object with no named properties whose `additionalProperties`
/// is a schema or `true`.
fn is_map(schema: &Schema) -> bool {
    let (properties, additional) = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => (&o.properties, o.additional_properties.as_ref()),
        SchemaKind::Any(a) => (&a.properties, a.additional_properties.as_ref()),
        _ => return false,
    };
    properties.is_empty()
        && matches!(
            additional,
            Some(AdditionalProperties::Schema(_) | AdditionalProperties::Any(true))
        )
}

/// An object schema's `minProperties` and `maxProperties` (`None`s for other schemas).
fn property_counts(schema: &Schema) -> (Option<u64>, Option<u64>) {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => (
            o.min_properties.map(|n| n as u64),
            o.max_properties.map(|n| n as u64),
        ),
        SchemaKind::Any(a) => (
            a.min_properties.map(|n| n as u64),
            a.max_properties.map(|n| n as u64),
        ),
        _ => (None, None),
    }
}

pub(super) fn any_shape() -> Shape {
    Shape {
        ty: TypeRef::Any,
        constraints: Constraints::default(),
    }
}

/// `{type: null}` (3.1 style, after normalisation an untyped nullable) or `{nullable: true}` alone.
pub(super) fn is_null_schema(branch: &ReferenceOr<Schema>) -> bool {
    match branch {
        ReferenceOr::Item(s) => match &s.schema_kind {
            SchemaKind::Any(a) => {
                a.typ.as_deref() == Some("null")
                    || (s.schema_data.nullable
                        && a.properties.is_empty()
                        && a.items.is_none()
                        && a.enumeration.is_empty()
                        && a.typ.is_none())
            }
            _ => false,
        },
        ReferenceOr::Reference { .. } => false,
    }
}

/// The type of an array's item, a map's value, a tuple's item or a response body: `Nullable`
/// when it may be `null` (a field's nullability is the field's; `Any` holds `null` already).
pub(super) fn item_type(item: &Resolved) -> TypeRef {
    match &item.shape.ty {
        TypeRef::Any => TypeRef::Any,
        ty if item.nullable => TypeRef::Nullable(Box::new(ty.clone())),
        ty => ty.clone(),
    }
}

/// A union variant's name from its type: the type's own name, or what kind of value it is.
pub(super) fn variant_ident(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String => "String".to_owned(),
        TypeRef::Integer(_) => "Integer".to_owned(),
        TypeRef::Number => "Number".to_owned(),
        TypeRef::Boolean => "Boolean".to_owned(),
        TypeRef::Array(inner) => format!("{}List", variant_ident(inner)),
        TypeRef::Map(inner) => format!("{}Map", variant_ident(inner)),
        TypeRef::Tuple(_) => "Tuple".to_owned(),
        TypeRef::OrEmpty(inner) => format!("{}OrEmpty", variant_ident(inner)),
        TypeRef::Nullable(inner) => format!("Nullable{}", variant_ident(inner)),
        TypeRef::Object => "Object".to_owned(),
        TypeRef::JsonText { .. } => "JsonText".to_owned(),
        TypeRef::File => "File".to_owned(),
        TypeRef::Any => "Value".to_owned(),
    }
}

/// Gives `shape` the schema's `x-max-stringified-length` (`limit`) unless it has one already.
/// A free-form value (any JSON, or any JSON object) whose limit is on its JSON text is then held
/// as that text (`crate::JsonText`): validation reads a length measured once instead of walking
/// the value, and the request body copies the text instead of serializing the value again.
fn with_text_limit(shape: &mut Shape, limit: Option<u64>) {
    let own = &mut shape.constraints.max_stringified_length;
    *own = own.or(limit);
    if own.is_none() {
        return;
    }
    match shape.ty {
        TypeRef::Object => shape.ty = TypeRef::JsonText { object: true },
        TypeRef::Any => shape.ty = TypeRef::JsonText { object: false },
        _ => {}
    }
}

/// The constraints of an array's items or a map's values, kept when there are any.
fn item_constraints(constraints: Constraints) -> Option<Box<Constraints>> {
    (constraints.count() > 0).then(|| Box::new(constraints))
}

/// The constraints of a schema that names no type and implies none (`{minimum: 1}`,
/// `{format: ipv4}`, `{enum: [1, "a"]}`): held as any JSON, each applies to the values of its
/// JSON type, as JSON Schema says (a `minimum` ignores strings), and validation checks it there.
fn untyped_constraints(a: &openapiv3::AnySchema, data: &openapiv3::SchemaData) -> Constraints {
    let bound = |value: Option<f64>, exclusive: Option<bool>| {
        value.map(|v| Bound {
            value: Number::Float(v),
            exclusive: exclusive.unwrap_or(false),
        })
    };
    let size = |n: Option<usize>| n.map(|n| n as u64);
    Constraints {
        min_length: size(a.min_length),
        max_length: size(a.max_length),
        pattern: a.pattern.clone(),
        format: a.format.as_deref().and_then(checked_format),
        minimum: bound(a.minimum, a.exclusive_minimum),
        maximum: bound(a.maximum, a.exclusive_maximum),
        multiple_of: a.multiple_of.filter(|m| *m > 0.0).map(Number::Float),
        min_items: size(a.min_items),
        max_items: size(a.max_items),
        unique_items: a.unique_items.unwrap_or(false),
        min_properties: size(a.min_properties),
        max_properties: size(a.max_properties),
        json_enum: a.enumeration.iter().map(|v| v.to_string()).collect(),
        required_keys: a.required.clone(),
        json_types: data
            .extensions
            .get(crate::read::TYPES_EXTENSION)
            .and_then(|t| t.as_array())
            .map(|types| {
                types
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        ..Constraints::default()
    }
}

/// A typed schema's `enum` (`openapiv3` keeps each value as `Option<T>`, `None` for `null`) as
/// the JSON values `Resolver::typed_enum` reads.
fn json_values<T: serde::Serialize>(values: &[Option<T>]) -> Vec<serde_json::Value> {
    values.iter().map(|v| serde_json::json!(v)).collect()
}

/// The format the SDK checks that `name` names, if it checks it.
fn checked_format(name: &str) -> Option<Format> {
    if name == "email" {
        return Some(Format::Email);
    }
    CHECKED_FORMATS
        .iter()
        .find(|f| **f == name)
        .map(|f| Format::Named(f))
}

/// `{}`: a schema that says nothing (what `not` negates in `not: {}`).
fn is_empty_schema(schema: &ReferenceOr<Schema>) -> bool {
    match schema {
        ReferenceOr::Item(schema) => {
            schema.schema_kind == SchemaKind::Any(openapiv3::AnySchema::default())
                && !schema.schema_data.nullable
        }
        ReferenceOr::Reference { .. } => false,
    }
}

/// A schema with `oneOf`, `anyOf` or `allOf` beside other keywords (`type: object` with an
/// `allOf`, `properties` with a `oneOf`, two combinators), which `openapiv3` reads as untyped with
/// the combinators on the side, rewritten as the one combinator JSON Schema means: a lone
/// combinator beside `type` is that combinator (its parts carry their types); otherwise an
/// `allOf` of the other keywords and each combinator, which the `allOf` merge then builds (or
/// reports what it cannot merge). `None` when there is no combinator. (Found by the JSON Schema
/// Test Suite: the combinators were dropped without a word.)
fn combinators_beside_keywords(schema: &Schema, a: &openapiv3::AnySchema) -> Option<Schema> {
    let present = [&a.one_of, &a.any_of, &a.all_of]
        .iter()
        .filter(|parts| !parts.is_empty())
        .count();
    if present == 0 {
        return None;
    }
    let rest = openapiv3::AnySchema {
        one_of: Vec::new(),
        any_of: Vec::new(),
        all_of: Vec::new(),
        ..a.clone()
    };
    let kind = |parts: &Vec<ReferenceOr<Schema>>,
                make: fn(Vec<ReferenceOr<Schema>>) -> SchemaKind| {
        make(parts.to_vec())
    };
    let only_type = openapiv3::AnySchema {
        typ: None,
        ..rest.clone()
    } == openapiv3::AnySchema::default();
    let lone = match (a.one_of.is_empty(), a.any_of.is_empty()) {
        (false, true) => Some((&a.one_of, true)),
        (true, false) => Some((&a.any_of, false)),
        _ => None,
    };
    // Keywords of one JSON type beside a lone `oneOf`/`anyOf` whose branches each declare a
    // type (`{items: {...}, oneOf: [{type: object}, {type: array}]}`, Slack's): they speak of
    // the branch of that type only, as JSON Schema reads them; merged into it, the others kept.
    if present == 1
        && rest.typ.is_none()
        && a.all_of.is_empty()
        && let Some(implied) = implied_type(&rest)
        && let Some((branches, one_of)) = lone
        && branches.iter().all(|b| declared_type(b).is_some())
    {
        let branches: Vec<ReferenceOr<Schema>> = branches
            .iter()
            .map(|branch| {
                if declared_type(branch) != Some(implied) {
                    return branch.clone();
                }
                ReferenceOr::Item(Schema {
                    schema_data: openapiv3::SchemaData::default(),
                    schema_kind: SchemaKind::AllOf {
                        all_of: vec![
                            branch.clone(),
                            ReferenceOr::Item(Schema {
                                schema_data: openapiv3::SchemaData::default(),
                                schema_kind: SchemaKind::Any(openapiv3::AnySchema {
                                    typ: Some(implied.to_owned()),
                                    ..rest.clone()
                                }),
                            }),
                        ],
                    },
                })
            })
            .collect();
        let schema_kind = if one_of {
            SchemaKind::OneOf { one_of: branches }
        } else {
            SchemaKind::AnyOf { any_of: branches }
        };
        return Some(Schema {
            schema_data: schema.schema_data.clone(),
            schema_kind,
        });
    }
    let schema_kind = if present == 1 && only_type {
        // Inline parts without a type of their own take the schema's (`{type: string, anyOf:
        // [{maxLength: 2}, {minLength: 4}]}`).
        let typed = |parts: &Vec<ReferenceOr<Schema>>| -> Vec<ReferenceOr<Schema>> {
            parts
                .iter()
                .map(|part| match part {
                    ReferenceOr::Item(Schema {
                        schema_data,
                        schema_kind: SchemaKind::Any(b),
                    }) if b.typ.is_none() && a.typ.is_some() => ReferenceOr::Item(Schema {
                        schema_data: schema_data.clone(),
                        schema_kind: SchemaKind::Any(openapiv3::AnySchema {
                            typ: a.typ.clone(),
                            ..b.clone()
                        }),
                    }),
                    part => part.clone(),
                })
                .collect()
        };
        if !a.one_of.is_empty() {
            kind(&typed(&a.one_of), |one_of| SchemaKind::OneOf { one_of })
        } else if !a.any_of.is_empty() {
            kind(&typed(&a.any_of), |any_of| SchemaKind::AnyOf { any_of })
        } else {
            kind(&typed(&a.all_of), |all_of| SchemaKind::AllOf { all_of })
        }
    } else {
        let part = |schema_kind| {
            ReferenceOr::Item(Schema {
                schema_data: openapiv3::SchemaData::default(),
                schema_kind,
            })
        };
        let mut parts = Vec::new();
        if rest != openapiv3::AnySchema::default() {
            parts.push(part(SchemaKind::Any(rest)));
        }
        if !a.one_of.is_empty() {
            parts.push(part(SchemaKind::OneOf {
                one_of: a.one_of.clone(),
            }));
        }
        if !a.any_of.is_empty() {
            parts.push(part(SchemaKind::AnyOf {
                any_of: a.any_of.clone(),
            }));
        }
        parts.extend(a.all_of.iter().cloned());
        SchemaKind::AllOf { all_of: parts }
    };
    Some(Schema {
        schema_data: schema.schema_data.clone(),
        schema_kind,
    })
}

/// The one JSON type an untyped schema's keywords speak of (`items` of arrays, `properties` of
/// objects...), if they speak of exactly one.
fn implied_type(a: &openapiv3::AnySchema) -> Option<&'static str> {
    let object = !a.properties.is_empty()
        || !a.required.is_empty()
        || a.additional_properties.is_some()
        || a.min_properties.is_some()
        || a.max_properties.is_some();
    let array = a.items.is_some()
        || a.min_items.is_some()
        || a.max_items.is_some()
        || a.unique_items.is_some();
    let string = a.pattern.is_some() || a.min_length.is_some() || a.max_length.is_some();
    let number = a.minimum.is_some() || a.maximum.is_some() || a.multiple_of.is_some();
    match (object, array, string, number) {
        (true, false, false, false) => Some("object"),
        (false, true, false, false) => Some("array"),
        (false, false, true, false) => Some("string"),
        (false, false, false, true) => Some("number"),
        _ => None,
    }
}

/// The `type` an inline branch declares (`integer` counts as `number`); `None` for a `$ref` or
/// an untyped branch.
fn declared_type(branch: &ReferenceOr<Schema>) -> Option<&'static str> {
    let ReferenceOr::Item(schema) = branch else {
        return None;
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(_)) => Some("object"),
        SchemaKind::Type(Type::Array(_)) => Some("array"),
        SchemaKind::Type(Type::String(_)) => Some("string"),
        SchemaKind::Type(Type::Number(_) | Type::Integer(_)) => Some("number"),
        SchemaKind::Type(Type::Boolean(_)) => Some("boolean"),
        SchemaKind::Any(b) => match b.typ.as_deref()? {
            "object" => Some("object"),
            "array" => Some("array"),
            "string" => Some("string"),
            "number" | "integer" => Some("number"),
            "boolean" => Some("boolean"),
            _ => None,
        },
        _ => None,
    }
}
