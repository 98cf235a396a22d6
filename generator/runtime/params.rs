// Rendering of query, header, cookie and path parameter values per the OpenAPI 3 `style` and
// `explode` keywords. These helpers produce name/value text only; percent-encoding is done by
// the client when it builds the URL (and by `encode_path_segment` for paths).

use crate::error::Error;

/// A parameter value rendered as text: strings as they are, numbers and booleans as Rust
/// displays them (`42`, `1.5`, `true`), generated enums as their wire value.
pub(crate) trait ParamValue {
    /// The value as text.
    fn render(&self) -> String;
}

impl<T: std::fmt::Display + ?Sized> ParamValue for T {
    fn render(&self) -> String {
        self.to_string()
    }
}

/// How an array query parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArrayStyle {
    /// `form`, `explode: true` (the default): `a=1&a=2`.
    FormExplode,
    /// `form`, `explode: false`: `a=1,2`.
    FormComma,
    /// `spaceDelimited`: `a=1 2` (sent as `a=1%202`).
    SpaceDelimited,
    /// `pipeDelimited`: `a=1|2`.
    PipeDelimited,
}

/// How an object query parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObjectStyle {
    /// `form`, `explode: true` (the default): each member as its own parameter, `k1=v1&k2=v2`.
    FormExplode,
    /// `form`, `explode: false`: `name=k1,v1,k2,v2`.
    FormNoExplode,
    /// `deepObject`: `name[k1]=v1`; nested objects `name[k1][k2]=v`, arrays `name[k][0]=v`.
    DeepObject,
}

/// Adds `name=value`.
pub(crate) fn push_scalar(
    q: &mut Vec<(String, String)>,
    name: &str,
    value: &(impl ParamValue + ?Sized),
) {
    q.push((name.to_owned(), value.render()));
}

/// Adds `name=value` when the value is set.
pub(crate) fn push_optional<T: ParamValue>(
    q: &mut Vec<(String, String)>,
    name: &str,
    value: &Option<T>,
) {
    if let Some(value) = value {
        push_scalar(q, name, value);
    }
}

/// Adds the array `values` under `name` in `style`. An empty array adds nothing.
pub(crate) fn push_array<T: ParamValue>(
    q: &mut Vec<(String, String)>,
    name: &str,
    values: &[T],
    style: ArrayStyle,
) {
    if values.is_empty() {
        return;
    }
    let separator = match style {
        ArrayStyle::FormExplode => {
            q.extend(values.iter().map(|v| (name.to_owned(), v.render())));
            return;
        }
        ArrayStyle::FormComma => ",",
        ArrayStyle::SpaceDelimited => " ",
        ArrayStyle::PipeDelimited => "|",
    };
    q.push((
        name.to_owned(),
        join(values.iter().map(ParamValue::render), separator),
    ));
}

/// Adds the object `value` under `name` in `style`.
///
/// `value` is serialized with `serde_json`, so members come in the order of its map (sorted by
/// name, unless serde_json's `preserve_order` feature is on); `null` members are skipped, strings, numbers and booleans are written without quotes.
/// An array member is repeated (`k=1&k=2`) in `FormExplode`, joined with `,` in
/// `FormNoExplode`, indexed (`name[k][0]=1`) in `DeepObject`; a nested object is written as
/// compact JSON except in `DeepObject`. A value that is itself an array or a scalar is written
/// as an array or scalar parameter named `name` (`DeepObject` indexes arrays: `name[0]=a`).
///
/// Fails with [`Error::Encode`] when the value cannot be serialized.
pub(crate) fn push_object(
    q: &mut Vec<(String, String)>,
    name: &str,
    value: &(impl serde::Serialize + ?Sized),
    style: ObjectStyle,
) -> Result<(), Error> {
    let value = serde_json::to_value(value).map_err(|source| Error::Encode { source })?;
    match style {
        ObjectStyle::DeepObject => push_deep(q, name.to_owned(), &value),
        ObjectStyle::FormExplode => match &value {
            serde_json::Value::Object(members) => {
                for (key, member) in members {
                    push_exploded(q, key, member);
                }
            }
            other => push_exploded(q, name, other),
        },
        ObjectStyle::FormNoExplode => {
            let text = match &value {
                serde_json::Value::Null => None,
                serde_json::Value::Object(members) => {
                    let parts = members
                        .iter()
                        .filter(|(_, member)| !member.is_null())
                        .flat_map(|(key, member)| [key.clone(), comma_joined(member)]);
                    let text = join(parts, ",");
                    (!text.is_empty()).then_some(text)
                }
                serde_json::Value::Array(items) if items.is_empty() => None,
                other => Some(comma_joined(other)),
            };
            if let Some(text) = text {
                q.push((name.to_owned(), text));
            }
        }
    }
    Ok(())
}

/// An array or object in `simple` style (headers and path segments): `1,2,3`.
pub(crate) fn join_simple<T: ParamValue>(values: &[T]) -> String {
    join(values.iter().map(ParamValue::render), ",")
}

/// An object in `simple` style (headers and path segments): `R,100,G,200` without `explode`,
/// `R=100,G=200` with it. Serialized as in [`push_object`]; `null` members are skipped.
///
/// Fails with [`Error::Encode`] when the value cannot be serialized.
pub(crate) fn join_simple_object(
    value: &(impl serde::Serialize + ?Sized),
    explode: bool,
) -> Result<String, Error> {
    let value = serde_json::to_value(value).map_err(|source| Error::Encode { source })?;
    Ok(match &value {
        serde_json::Value::Object(members) => {
            let members = members.iter().filter(|(_, member)| !member.is_null());
            if explode {
                join(
                    members.map(|(key, member)| format!("{key}={}", comma_joined(member))),
                    ",",
                )
            } else {
                join(
                    members.flat_map(|(key, member)| [key.clone(), comma_joined(member)]),
                    ",",
                )
            }
        }
        other => comma_joined(other),
    })
}

/// Joins `parts` with `separator`.
fn join(parts: impl Iterator<Item = String>, separator: &str) -> String {
    let mut out = String::new();
    for (i, part) in parts.enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(&part);
    }
    out
}

/// A JSON scalar as parameter text: strings without quotes; arrays and objects as compact JSON;
/// `null` as empty text.
fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A value as parameter text, an array as its non-`null` items joined with `,`.
fn comma_joined(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(items) => {
            join(items.iter().filter(|i| !i.is_null()).map(scalar_text), ",")
        }
        other => scalar_text(other),
    }
}

/// `name=value`, with an array as one parameter per non-`null` item; `null` adds nothing.
fn push_exploded(q: &mut Vec<(String, String)>, name: &str, value: &serde_json::Value) {
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Array(items) => q.extend(
            items
                .iter()
                .filter(|i| !i.is_null())
                .map(|i| (name.to_owned(), scalar_text(i))),
        ),
        other => q.push((name.to_owned(), scalar_text(other))),
    }
}

/// `prefix[k]...=v` for every scalar inside `value`; `null` adds nothing.
fn push_deep(q: &mut Vec<(String, String)>, prefix: String, value: &serde_json::Value) {
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Object(members) => {
            for (key, member) in members {
                push_deep(q, format!("{prefix}[{key}]"), member);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                push_deep(q, format!("{prefix}[{i}]"), item);
            }
        }
        other => q.push((prefix, scalar_text(other))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The pairs as `a=b&c=d` (unencoded), for comparing with the OpenAPI examples.
    fn text(q: &[(String, String)]) -> String {
        join(q.iter().map(|(n, v)| format!("{n}={v}")), "&")
    }

    const COLORS: [&str; 3] = ["blue", "black", "brown"];

    /// The example's `{"R": 100, "G": 200, "B": 150}`, fields declared in sorted order so that
    /// the result is the same whether or not serde_json preserves member order. Test objects
    /// below are written with sorted keys for the same reason.
    #[derive(serde::Serialize)]
    struct Rgb {
        #[serde(rename = "B")]
        b: u8,
        #[serde(rename = "G")]
        g: u8,
        #[serde(rename = "R")]
        r: u8,
    }
    const RGB: Rgb = Rgb {
        r: 100,
        g: 200,
        b: 150,
    };

    // The "Style Examples" table of OpenAPI 3.0.3 (object members in sorted order: B, G, R).

    #[test]
    fn form_scalars() {
        let mut q = Vec::new();
        push_scalar(&mut q, "color", "blue");
        push_scalar(&mut q, "n", &42_i64);
        push_scalar(&mut q, "x", &1.5_f64);
        push_scalar(&mut q, "ok", &true);
        push_scalar(&mut q, "s", &String::from("a b"));
        assert_eq!(text(&q), "color=blue&n=42&x=1.5&ok=true&s=a b");
        push_optional(&mut q, "unset", &None::<i64>);
        push_optional(&mut q, "set", &Some(7_i64));
        assert_eq!(text(&q), "color=blue&n=42&x=1.5&ok=true&s=a b&set=7");
    }

    #[test]
    fn form_arrays() {
        let mut q = Vec::new();
        push_array(&mut q, "color", &COLORS, ArrayStyle::FormExplode);
        assert_eq!(text(&q), "color=blue&color=black&color=brown");

        let mut q = Vec::new();
        push_array(&mut q, "color", &COLORS, ArrayStyle::FormComma);
        assert_eq!(text(&q), "color=blue,black,brown");

        let mut q = Vec::new();
        push_array(&mut q, "color", &COLORS, ArrayStyle::SpaceDelimited);
        assert_eq!(text(&q), "color=blue black brown");

        let mut q = Vec::new();
        push_array(&mut q, "color", &COLORS, ArrayStyle::PipeDelimited);
        assert_eq!(text(&q), "color=blue|black|brown");

        let mut q = Vec::new();
        push_array(&mut q, "n", &[1_u32, 2, 3], ArrayStyle::FormComma);
        push_array::<u32>(&mut q, "empty", &[], ArrayStyle::FormComma);
        push_array::<u32>(&mut q, "empty", &[], ArrayStyle::FormExplode);
        assert_eq!(text(&q), "n=1,2,3");
    }

    #[test]
    fn form_objects() {
        let mut q = Vec::new();
        push_object(&mut q, "color", &RGB, ObjectStyle::FormExplode).unwrap();
        assert_eq!(text(&q), "B=150&G=200&R=100");

        let mut q = Vec::new();
        push_object(&mut q, "color", &RGB, ObjectStyle::FormNoExplode).unwrap();
        assert_eq!(text(&q), "color=B,150,G,200,R,100");

        // Nulls skipped, strings unquoted, arrays repeated / comma-joined, nested as JSON.
        let value = json!({"a": null, "list": [1, null, 2], "o": {"k": true}, "s": "x y"});
        let mut q = Vec::new();
        push_object(&mut q, "f", &value, ObjectStyle::FormExplode).unwrap();
        assert_eq!(text(&q), r#"list=1&list=2&o={"k":true}&s=x y"#);
        let mut q = Vec::new();
        push_object(&mut q, "f", &value, ObjectStyle::FormNoExplode).unwrap();
        assert_eq!(text(&q), r#"f=list,1,2,o,{"k":true},s,x y"#);

        // Null, empty, scalar and array values.
        let mut q = Vec::new();
        push_object(&mut q, "f", &json!(null), ObjectStyle::FormExplode).unwrap();
        push_object(&mut q, "f", &json!(null), ObjectStyle::FormNoExplode).unwrap();
        push_object(&mut q, "f", &json!({}), ObjectStyle::FormNoExplode).unwrap();
        push_object(&mut q, "f", &json!({"a": null}), ObjectStyle::FormNoExplode).unwrap();
        push_object(&mut q, "f", &json!([]), ObjectStyle::FormNoExplode).unwrap();
        assert!(q.is_empty(), "{q:?}");
        push_object(&mut q, "f", &Some(3), ObjectStyle::FormExplode).unwrap();
        push_object(&mut q, "g", &["a", "b"], ObjectStyle::FormExplode).unwrap();
        push_object(&mut q, "h", &["a", "b"], ObjectStyle::FormNoExplode).unwrap();
        assert_eq!(text(&q), "f=3&g=a&g=b&h=a,b");
    }

    #[test]
    fn deep_objects() {
        let mut q = Vec::new();
        push_object(&mut q, "color", &RGB, ObjectStyle::DeepObject).unwrap();
        assert_eq!(text(&q), "color[B]=150&color[G]=200&color[R]=100");

        // Stripe style: arrays are indexed, nested objects nest, nulls are skipped.
        let mut q = Vec::new();
        push_object(
            &mut q,
            "expand",
            &["customer", "invoice"],
            ObjectStyle::DeepObject,
        )
        .unwrap();
        push_object(
            &mut q,
            "metadata",
            &json!({"gone": null, "note": "", "order_id": 6735}),
            ObjectStyle::DeepObject,
        )
        .unwrap();
        push_object(
            &mut q,
            "filter",
            &json!({"created": {"gte": 1, "lt": 2.5}, "live": false, "status": ["open", "paid"]}),
            ObjectStyle::DeepObject,
        )
        .unwrap();
        push_object(
            &mut q,
            "items",
            &json!([{"price": "p_1", "quantity": 2}]),
            ObjectStyle::DeepObject,
        )
        .unwrap();
        assert_eq!(
            text(&q),
            "expand[0]=customer&expand[1]=invoice\
             &metadata[note]=&metadata[order_id]=6735\
             &filter[created][gte]=1&filter[created][lt]=2.5&filter[live]=false\
             &filter[status][0]=open&filter[status][1]=paid\
             &items[0][price]=p_1&items[0][quantity]=2"
        );

        let mut q = Vec::new();
        push_object(&mut q, "s", "plain", ObjectStyle::DeepObject).unwrap();
        push_object(&mut q, "n", &json!(null), ObjectStyle::DeepObject).unwrap();
        assert_eq!(text(&q), "s=plain");
    }

    #[test]
    fn unserializable_values_are_encode_errors() {
        let mut map = std::collections::BTreeMap::new();
        map.insert(vec![1_u8], 1);
        let mut q = Vec::new();
        let e = push_object(&mut q, "m", &map, ObjectStyle::DeepObject).unwrap_err();
        assert!(matches!(e, Error::Encode { .. }), "{e:?}");
        assert!(matches!(
            join_simple_object(&map, false),
            Err(Error::Encode { .. })
        ));
        assert!(q.is_empty());
    }

    #[test]
    fn simple_style() {
        assert_eq!(join_simple(&COLORS), "blue,black,brown");
        assert_eq!(join_simple(&[1_i32, -2]), "1,-2");
        assert_eq!(join_simple::<&str>(&[]), "");
        assert_eq!(
            join_simple_object(&RGB, false).unwrap(),
            "B,150,G,200,R,100"
        );
        assert_eq!(join_simple_object(&RGB, true).unwrap(), "B=150,G=200,R=100");
        assert_eq!(join_simple_object("blue", false).unwrap(), "blue");
        assert_eq!(
            join_simple_object(&json!({"a": [1, 2], "n": null}), true).unwrap(),
            "a=1,2"
        );
    }

    #[test]
    fn display_types_render() {
        #[derive(Debug)]
        enum Status {
            Open,
        }
        impl std::fmt::Display for Status {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    Status::Open => f.write_str("open"),
                }
            }
        }
        assert_eq!(Status::Open.render(), "open");
        assert_eq!("x".render(), "x");
        assert_eq!(u64::MAX.render(), "18446744073709551615");
        assert_eq!((-0.5_f32).render(), "-0.5");
        let mut q = Vec::new();
        push_array(
            &mut q,
            "s",
            &[Status::Open, Status::Open],
            ArrayStyle::FormComma,
        );
        assert_eq!(text(&q), "s=open,open");
    }
}
