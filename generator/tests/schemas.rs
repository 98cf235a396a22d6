//! How schema features land in the model and the generated types: tuples, integer enums, item
//! constraints and PATCH bodies, read from small specs written for the purpose.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codeqr_codegen::Config;
use codeqr_codegen::model::{Number, TypeKind, TypeRef};

fn generate(text: &str) -> codeqr_codegen::Generated {
    Config::new()
        .generate_from_str("schemas.yaml", text, true)
        .expect("generates")
}

fn field_type<'m>(generated: &'m codeqr_codegen::Generated, ty: &str, field: &str) -> &'m TypeRef {
    let Some(TypeKind::Struct(s)) = generated.model.types.get(ty).map(|d| &d.kind) else {
        panic!("{ty} is not a struct: {:?}", generated.model.types.keys());
    };
    &s.fields
        .iter()
        .find(|f| f.wire_name == field)
        .unwrap_or_else(|| panic!("{ty} has no field {field}"))
        .shape
        .ty
}

const TUPLES_31: &str = r#"
openapi: 3.1.0
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Shapes:
      type: object
      properties:
        closed:
          type: array
          prefixItems: [{type: number}, {type: [string, 'null']}, {$ref: '#/components/schemas/Node'}]
          items: false
        byMaxItems:
          prefixItems: [{type: integer}]
          maxItems: 1
        open:
          prefixItems: [{type: integer}]
    Node:
      type: object
      properties:
        pair:
          description: Holds itself through a tuple, by value.
          type: array
          prefixItems: [{$ref: '#/components/schemas/Node'}, {type: integer}]
          items: false
"#;

#[test]
fn closed_tuples_become_rust_tuples() {
    let generated = generate(TUPLES_31);
    assert_eq!(
        field_type(&generated, "Shapes", "closed"),
        &TypeRef::Tuple(vec![
            TypeRef::Number,
            // `type: [string, 'null']`: the item may be null.
            TypeRef::Nullable(Box::new(TypeRef::String)),
            TypeRef::Named("Node".to_owned())
        ])
    );
    assert!(matches!(
        field_type(&generated, "Shapes", "byMaxItems"),
        TypeRef::Tuple(items) if items.len() == 1
    ));
    let types = &generated.files["src/types.rs"];
    assert!(
        types.contains("(f64, ::std::option::Option<::std::string::String>, Node),"),
        "{types}"
    );
    assert!(
        types.contains("pub by_max_items: ::std::option::Option<(i64,)>"),
        "{types}"
    );
}

/// An open tuple cannot be a Rust tuple: it is a list of JSON values, whose items are checked
/// by position on their JSON (type and constraints), so nothing is skipped or reported.
#[test]
fn open_tuples_are_lists_of_values_checked_by_position() {
    let generated = generate(TUPLES_31);
    assert_eq!(
        field_type(&generated, "Shapes", "open"),
        &TypeRef::Array(Box::new(TypeRef::Any))
    );
    let Some(TypeKind::Struct(s)) = generated.model.types.get("Shapes").map(|d| &d.kind) else {
        panic!("Shapes is a struct");
    };
    let open = s
        .fields
        .iter()
        .find(|f| f.wire_name == "open")
        .expect("open");
    let tuple = open
        .shape
        .constraints
        .tuple
        .as_ref()
        .expect("checked by position");
    assert_eq!(tuple.prefix.len(), 1);
    assert_eq!(tuple.prefix[0].json_types, ["integer"]);
    assert!(tuple.rest.is_none());
    assert!(
        !generated.warnings.iter().any(|w| w
            .pointer
            .starts_with("/components/schemas/Shapes/properties/open")),
        "{:?}",
        generated.warnings
    );
}

#[test]
fn a_type_holding_itself_through_a_tuple_is_boxed() {
    let generated = generate(TUPLES_31);
    let Some(TypeKind::Struct(node)) = generated.model.types.get("Node").map(|d| &d.kind) else {
        panic!("Node is a struct");
    };
    assert!(node.fields[0].boxed, "{:?}", node.fields[0]);
    assert!(
        generated.files["src/types.rs"]
            .contains("pub pair: ::std::option::Option<::std::boxed::Box<(Node, i64)>>"),
        "{}",
        generated.files["src/types.rs"]
    );
}

#[test]
fn integer_and_number_enums_are_constraints_and_nothing_is_reported() {
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Levels:
      type: object
      properties:
        level: {type: integer, enum: [1, 2, 3]}
        weight: {type: number, enum: [0.5, 1]}
"#,
    );
    let Some(TypeKind::Struct(s)) = generated.model.types.get("Levels").map(|d| &d.kind) else {
        panic!("Levels is a struct");
    };
    assert_eq!(
        s.fields[0].shape.constraints.number_enum,
        [Number::Int(1), Number::Int(2), Number::Int(3)]
    );
    assert_eq!(
        s.fields[1].shape.constraints.number_enum,
        [Number::Float(0.5), Number::Float(1.0)]
    );
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
}

#[test]
fn item_constraints_are_kept_and_nothing_is_reported() {
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Lists:
      type: object
      properties:
        tags: {type: array, items: {type: string, maxLength: 5}}
        scores: {type: object, additionalProperties: {type: integer, minimum: 0}}
"#,
    );
    let Some(TypeKind::Struct(s)) = generated.model.types.get("Lists").map(|d| &d.kind) else {
        panic!("Lists is a struct");
    };
    let tags = s.fields[0]
        .shape
        .constraints
        .items
        .as_deref()
        .expect("item constraints");
    assert_eq!(tags.max_length, Some(5));
    let scores = s.fields[1]
        .shape
        .constraints
        .items
        .as_deref()
        .expect("value constraints");
    assert!(scores.minimum.is_some());
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
}

#[test]
fn only_patch_bodies_tell_absent_from_null() {
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    patch:
      operationId: updateThing
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ThingPatch'}
      responses:
        '204': {description: Updated.}
    put:
      operationId: replaceThing
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '204': {description: Replaced.}
components:
  schemas:
    ThingPatch:
      type: object
      properties:
        note: {type: string, nullable: true}
        label: {type: string}
    Thing:
      type: object
      properties:
        note: {type: string, nullable: true}
"#,
    );
    let types = &generated.files["src/types.rs"];
    assert!(
        types.contains(
            "pub note: ::std::option::Option<::std::option::Option<::std::string::String>>"
        ),
        "{types}"
    );
    assert!(
        types.contains("pub label: ::std::option::Option<::std::string::String>"),
        "{types}"
    );
    // PUT replaces the whole value: absent and null mean the same there.
    let thing = types.split("pub struct Thing ").nth(1).expect("Thing");
    assert!(
        thing.contains("pub note: ::std::option::Option<::std::string::String>"),
        "{thing}"
    );
}

#[test]
fn all_of_parts_that_only_annotate_are_left_out_and_same_type_parts_add_up() {
    // AWS wraps every property as `allOf: [{$ref}, {xml, description}]`.
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Name: {type: string, minLength: 1}
    Holder:
      type: object
      properties:
        annotated:
          allOf:
            - $ref: '#/components/schemas/Name'
            - {xml: {name: annotated}, description: Only words.}
        narrowed:
          allOf:
            - $ref: '#/components/schemas/Name'
            - {maxLength: 5}
            - {type: string, maxLength: 3, pattern: '^a'}
        mixed:
          allOf:
            - $ref: '#/components/schemas/Name'
            - {type: integer}
"#,
    );
    let Some(TypeKind::Struct(s)) = generated.model.types.get("Holder").map(|d| &d.kind) else {
        panic!("Holder is a struct");
    };
    let named = TypeRef::Named("Name".to_owned());
    assert_eq!(s.fields[0].shape.ty, named);
    assert_eq!(s.fields[0].shape.constraints.count(), 0);
    assert_eq!(s.fields[1].shape.ty, named);
    assert_eq!(
        s.fields[1].shape.constraints.max_length,
        Some(3),
        "the stricter limit"
    );
    assert_eq!(s.fields[1].shape.constraints.pattern.as_deref(), Some("^a"));
    // Only the part of another type is reported.
    let pointers: Vec<&str> = generated
        .warnings
        .iter()
        .map(|w| w.pointer.as_str())
        .collect();
    assert_eq!(
        pointers,
        ["/components/schemas/Holder/properties/mixed/allOf"],
        "{:?}",
        generated.warnings
    );
}

#[test]
fn free_form_values_with_a_text_limit_are_held_as_json_text() {
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /bag:
    post:
      operationId: putBag
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Bag'}
      responses:
        '204': {description: Stored.}
components:
  schemas:
    Bag:
      type: object
      properties:
        meta: {type: object, additionalProperties: true, x-max-stringified-length: 100}
        anything: {description: Any JSON value., x-max-stringified-length: 100}
        labels: {type: object, additionalProperties: {type: string}, x-max-stringified-length: 100}
        note: {type: string, x-max-stringified-length: 100}
        plain: {type: object, additionalProperties: true}
        limited: {$ref: '#/components/schemas/Limited'}
    Limited:
      type: object
      x-max-stringified-length: 50
    Tagged:
      type: object
      properties:
        a: {type: string}
      x-max-stringified-length: 50
"#,
    );
    assert_eq!(
        field_type(&generated, "Bag", "meta"),
        &TypeRef::JsonText { object: true }
    );
    assert_eq!(
        field_type(&generated, "Bag", "anything"),
        &TypeRef::JsonText { object: false }
    );
    // Typed values keep their type (and are measured by walking or serializing them).
    assert_eq!(
        field_type(&generated, "Bag", "labels"),
        &TypeRef::Map(Box::new(TypeRef::String))
    );
    assert_eq!(field_type(&generated, "Bag", "note"), &TypeRef::String);
    // Without the limit, a free-form object stays a `serde_json::Map`.
    assert_eq!(field_type(&generated, "Bag", "plain"), &TypeRef::Object);
    // On a schema of its own (an alias), the limit is kept, not dropped.
    let Some(TypeKind::Alias(limited)) = generated.model.types.get("Limited").map(|d| &d.kind)
    else {
        panic!("Limited is an alias");
    };
    assert_eq!(limited.ty, TypeRef::JsonText { object: true });
    assert_eq!(limited.constraints.max_stringified_length, Some(50));
    let types = &generated.files["src/types.rs"];
    assert!(
        types.contains("pub type Limited = crate::JsonText;"),
        "{types}"
    );
    assert!(
        types.contains("v.json_object(&path, value);\n            v.max_stringified_length(&path, value, 50u64);"),
        "the alias's rules apply where it is used:\n{types}"
    );
    // Each check written once (meta's and limited's), in `check_fields`, which the struct's
    // `validate_at` and the builder's `build()` both call.
    let builders = &generated.files["src/builders.rs"];
    assert_eq!(
        types.matches("v.json_object(").count(),
        2,
        "meta and limited"
    );
    assert_eq!(builders.matches("v.json_object(").count(), 0, "{builders}");
    assert!(builders.contains("::check_fields("), "{builders}");
    // On a struct of its own it cannot be enforced (the struct's uses carry no rule): reported.
    let warnings: Vec<(&str, &str)> = generated
        .warnings
        .iter()
        .map(|w| (w.kind, w.pointer.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [(
            "skipped-constraint",
            "/components/schemas/Tagged/x-max-stringified-length"
        )]
    );
}

#[test]
fn property_counts_on_structs_are_kept_and_merged_by_all_of() {
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Contact:
      type: object
      minProperties: 1
      maxProperties: 2
      required: [kind]
      properties:
        kind: {type: string}
        email: {type: string}
        phone: {type: string}
    Narrowed:
      allOf:
        - $ref: '#/components/schemas/Contact'
        - {type: object, minProperties: 2, maxProperties: 3, properties: {fax: {type: string}}}
"#,
    );
    let counts = |name: &str| match generated.model.types.get(name).map(|d| &d.kind) {
        Some(TypeKind::Struct(s)) => (s.min_properties, s.max_properties),
        other => panic!("{name} is not a struct: {other:?}"),
    };
    assert_eq!(counts("Contact"), (Some(1), Some(2)));
    assert_eq!(
        counts("Narrowed"),
        (Some(2), Some(2)),
        "the stricter of each"
    );
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
}

#[test]
fn additional_properties_beside_named_ones_become_a_map_field() {
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Typed:
      type: object
      properties:
        name: {type: string}
      additionalProperties: {type: string, maxLength: 3}
    Any:
      type: object
      properties:
        additional_properties: {type: integer}
      additionalProperties: true
    Closed:
      type: object
      properties:
        name: {type: string}
      additionalProperties: false
    Merged:
      allOf:
        - $ref: '#/components/schemas/Closed'
        - {type: object, properties: {b: {type: string}}, additionalProperties: true}
    MergedOpen:
      description: Bitbucket's shape, every part `true`.
      allOf:
        - $ref: '#/components/schemas/Any'
        - {type: object, properties: {b: {type: string}}, additionalProperties: true}
    MergedTyped:
      allOf:
        - $ref: '#/components/schemas/Any'
        - {type: object, properties: {b: {type: string}}, additionalProperties: {type: string}}
"#,
    );
    let fields = |name: &str| match generated.model.types.get(name).map(|d| &d.kind) {
        Some(TypeKind::Struct(s)) => s.fields.clone(),
        other => panic!("{name} is not a struct: {other:?}"),
    };
    let typed = fields("Typed");
    let extra = typed.last().expect("fields");
    assert!(extra.additional && !extra.required && extra.wire_name.is_empty());
    assert_eq!(extra.ident, "additional_properties");
    assert_eq!(extra.shape.ty, TypeRef::Map(Box::new(TypeRef::String)));
    assert_eq!(
        extra
            .shape
            .constraints
            .items
            .as_ref()
            .and_then(|c| c.max_length),
        Some(3),
        "the values' constraints"
    );
    // A property of that name keeps it; the map takes the next free one.
    let any = fields("Any");
    assert_eq!(
        any.iter()
            .map(|f| (f.ident.as_str(), f.additional))
            .collect::<Vec<_>>(),
        [
            ("additional_properties", false),
            ("additional_properties2", true)
        ]
    );
    assert_eq!(any[1].shape.ty, TypeRef::Object);
    assert!(fields("Closed").iter().all(|f| !f.additional));
    // In allOf, each part's additionalProperties is relative to its own properties. `true`
    // everywhere (or absent) allows anything: kept, as any values. A `false` part allows no
    // others: nothing to keep. A schema part cannot be expressed: not kept, and said so.
    let open = fields("MergedOpen");
    let extra = open.last().expect("fields");
    assert!(extra.additional, "{open:?}");
    assert_eq!(
        extra.ident, "additional_properties2",
        "after Any's own field of that name"
    );
    assert_eq!(extra.shape.ty, TypeRef::Object);
    assert!(fields("Merged").iter().all(|f| !f.additional));
    assert!(fields("MergedTyped").iter().all(|f| !f.additional));
    let warnings: Vec<(&str, &str)> = generated
        .warnings
        .iter()
        .map(|w| (w.kind, w.pointer.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [(
            "ignored-additional-properties",
            "/components/schemas/MergedTyped/allOf/1/additionalProperties"
        )]
    );
}

#[test]
fn sized_integer_formats_pick_the_rust_integer() {
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Sizes:
      type: object
      properties:
        i8: {type: integer, format: int8}
        i16: {type: integer, format: int16}
        i32: {type: integer, format: int32}
        i64: {type: integer, format: int64}
        u8: {type: integer, format: uint8}
        u16: {type: integer, format: uint16}
        u32: {type: integer, format: uint32}
        u64: {type: integer, format: uint64}
        plain: {type: integer}
        odd: {type: integer, format: unix-time}
"#,
    );
    use codeqr_codegen::model::IntWidth::*;
    for (field, width) in [
        ("i8", I8),
        ("i16", I16),
        ("i32", I32),
        ("i64", I64),
        ("u8", U8),
        ("u16", U16),
        ("u32", U32),
        ("u64", U64),
        ("plain", I64),
        ("odd", I64),
    ] {
        assert_eq!(
            field_type(&generated, "Sizes", field),
            &TypeRef::Integer(width),
            "{field}"
        );
    }
    let types = generated.files["src/types.rs"].as_str();
    assert!(
        types.contains("pub u64: ::std::option::Option<u64>"),
        "{types}"
    );
    assert!(
        types.contains("pub i8: ::std::option::Option<i8>"),
        "{types}"
    );
}

#[test]
fn common_string_formats_are_checked_and_not_reported() {
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /x:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                wait: {type: string, format: duration}
                site: {type: string, format: url}
                host: {type: string, format: hostname}
                at: {type: string, format: google-datetime}
                ttl: {type: string, format: google-duration}
                mask: {type: string, format: google-fieldmask}
      responses:
        '204': {description: ok}
"#,
    );
    let types = &generated.files["src/types.rs"];
    for format in [
        "duration",
        "url",
        "hostname",
        "google-datetime",
        "google-duration",
    ] {
        assert!(
            types.contains(&format!("v.format(&path, value, \"{format}\")")),
            "{format}: {types}"
        );
    }
    // Only the format the runtime cannot check is reported.
    let reported: Vec<&str> = generated
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(reported.len(), 1, "{reported:?}");
    assert!(reported[0].contains("google-fieldmask"), "{reported:?}");
}

#[test]
fn discriminated_variants_say_which_values_pick_them() {
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Pet:
      description: The schema names (Cat, Dog) pick their variants too, as OpenAPI says.
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      discriminator:
        propertyName: petType
        mapping:
          cat: '#/components/schemas/Cat'
          kitten: '#/components/schemas/Cat'
    Cat: {type: object, properties: {petType: {type: string}}}
    Dog: {type: object, properties: {petType: {type: string}, bark: {type: boolean}}}
"#,
    );
    let types = &generated.files["src/types.rs"];
    let pet = types.split("pub enum Pet ").nth(1).expect("Pet");
    assert!(
        pet.contains("/// When `petType` is `cat`, `kitten` or `Cat`.\n    Cat(Cat),"),
        "{pet}"
    );
    assert!(
        pet.contains("/// When `petType` is `Dog`.\n    Dog(Dog),"),
        "{pet}"
    );
}

#[test]
fn a_map_wrapped_in_all_of_stays_a_map() {
    // AWS wraps every property as `allOf: [{$ref}, {xml, description}]`; a map-typed one
    // became a struct of no fields.
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    PoliciesMap:
      type: object
      additionalProperties: {type: string}
    Holder:
      type: object
      properties:
        policies:
          allOf:
            - $ref: '#/components/schemas/PoliciesMap'
            - {xml: {name: policies}, description: The policies.}
        both:
          allOf:
            - $ref: '#/components/schemas/PoliciesMap'
            - {type: object, properties: {a: {type: string}}}
"#,
    );
    assert_eq!(
        field_type(&generated, "Holder", "policies"),
        &TypeRef::Named("PoliciesMap".to_owned())
    );
    // Beside object parts, a map part is not merged, and that is said.
    let warnings: Vec<(&str, &str)> = generated
        .warnings
        .iter()
        .map(|w| (w.kind, w.pointer.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [(
            "unsupported-schema",
            "/components/schemas/Holder/properties/both/allOf"
        )]
    );
}

/// A schema with no `type` keeps its constraints (the JSON Schema Test Suite found them
/// dropped): each is checked on the values of the JSON type it speaks of, and the generated code
/// says so.
#[test]
fn constraints_of_untyped_schemas_are_kept_and_checked_on_the_json_value() {
    let generated = generate(
        r#"
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /loose:
    post:
      operationId: sendLoose
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Loose'}
      responses:
        '204': {description: sent}
components:
  schemas:
    Loose:
      type: object
      properties:
        bounded: {minimum: 1.5, maxLength: 3, format: ipv4}
        choice: {enum: [1, "a", null]}
        either: {type: [string, integer], uniqueItems: true}
        nothing: {type: 'null'}
        keys: {required: [a], maxProperties: 2}
"#,
    );
    let Some(TypeKind::Struct(s)) = generated.model.types.get("Loose").map(|d| &d.kind) else {
        panic!("Loose is a struct");
    };
    let field = |name: &str| {
        let f = s
            .fields
            .iter()
            .find(|f| f.wire_name == name)
            .expect("field");
        assert_eq!(f.shape.ty, TypeRef::Any, "{name}");
        &f.shape.constraints
    };
    assert_eq!(
        field("bounded").minimum.map(|b| b.value),
        Some(Number::Float(1.5))
    );
    assert_eq!(field("bounded").max_length, Some(3));
    assert_eq!(field("choice").json_enum, ["1", "\"a\"", "null"]);
    assert_eq!(field("either").json_types, ["string", "integer"]);
    assert!(field("either").unique_items);
    assert_eq!(field("nothing").json_types, ["null"]);
    assert_eq!(field("keys").required_keys, ["a"]);
    let types = &generated.files["src/types.rs"];
    for check in [
        "v.minimum_f64(",
        "v.max_length(",
        "v.format(",
        "v.enum_json(",
        "v.json_type(",
        "v.unique_json_items(",
        "v.required(",
        "v.max_properties(",
    ] {
        assert!(types.contains(check), "{check} missing from types.rs");
    }
}

#[test]
fn enums_of_booleans_are_checked_and_enums_no_value_of_the_type_equals_are_reported() {
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /flags:
    put:
      operationId: setFlags
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Flags'}
      responses:
        '204': {description: set}
components:
  schemas:
    Flags:
      type: object
      properties:
        mustBeTrue: {type: boolean, enum: [true]}
        either: {type: boolean, enum: [true, false]}
        mixedBools: {type: boolean, enum: ['0', true]}
        numbersAsStrings: {type: string, enum: [10, 20]}
        fraction: {type: integer, enum: [1.5]}
        nullOnly: {type: string, enum: [null]}
        numberWithText: {type: number, enum: ['1', 2]}
"#,
    );
    let types = &generated.files["src/types.rs"];
    assert!(
        types.contains(r#"v.enum_json(&path, &::serde_json::Value::Bool(*value), &["true"]);"#),
        "{types}"
    );
    // One check: `either` allows every boolean; the others are reported instead.
    assert_eq!(types.matches("v.enum_").count(), 1, "{types}");
    let warnings: Vec<(&str, &str, &str)> = generated
        .warnings
        .iter()
        .map(|w| (w.kind, w.pointer.as_str(), w.message.as_str()))
        .collect();
    let at = |field: &str| format!("/components/schemas/Flags/properties/{field}/enum");
    let expected = [
        (
            "mixedBools",
            "`enum` not enforced: \"0\" not of type boolean, which no boolean equals",
        ),
        (
            "numbersAsStrings",
            "`enum` not enforced: 10, 20 not of type string, which no string equals",
        ),
        (
            "fraction",
            "`enum` not enforced: 1.5 not of type integer, which no integer equals",
        ),
        (
            "nullOnly",
            "`enum` not enforced: it lists only `null`, which no string equals",
        ),
        (
            "numberWithText",
            "`enum` not enforced: \"1\" not of type number, which no number equals",
        ),
    ];
    for (field, message) in expected {
        let pointer = at(field);
        assert!(
            warnings.contains(&("skipped-constraint", pointer.as_str(), message)),
            "{field}: {warnings:#?}"
        );
    }
    assert_eq!(warnings.len(), expected.len(), "{warnings:#?}");
}

#[test]
fn constraints_on_a_file_are_reported() {
    let generated = generate(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /files:
    post:
      operationId: upload
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: {type: string, format: binary, minLength: 1, maxLength: 1000}
      responses:
        '204': {description: stored}
"#,
    );
    let warnings: Vec<&str> = generated
        .warnings
        .iter()
        .filter(|w| w.kind == "skipped-constraint")
        .map(|w| w.pointer.as_str())
        .collect();
    let at = "/paths/~1files/post/requestBody/content/multipart~1form-data/schema/properties/file";
    assert_eq!(
        warnings,
        [format!("{at}/minLength"), format!("{at}/maxLength")],
        "{:#?}",
        generated.warnings
    );
}
