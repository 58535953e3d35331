//! JSONL input: one JSON object per line.
//!
//! Fields: `id` (string or number; a number is taken as written, so that ids beyond 64 bits
//! keep every digit), `text` (aliases `body`, `content`), and the optional `title`,
//! `published` (alias `date`), `source`, `url`, `lang`. The field names of [`ReadOptions`]
//! (`id_field`, `text_field`, `title_field`, `date_field`, `source_field`, `url_field`)
//! replace the default names (no aliases then). With an epoch [`ReadOptions::date_format`]
//! the date may be a JSON number. Extra fields are ignored, `null` counts as missing, blank
//! lines are skipped. When the id or the text is missing, the record's keys are listed in
//! the error.

use serde::de;
use serde_json::Value;

use super::next_bounded;
use super::records::{BoundedRecords, Split};
use super::{
    decode_utf8, fill_auto_id, ErrorKind, Field, Fields, Raw, ReadOptions, SkipReport, Source,
    Step, Stream,
};

/// Reads JSONL records from a stream.
pub(crate) struct JsonlSource {
    lines: BoundedRecords<Box<dyn std::io::BufRead + Send>>,
    gz: bool,
    file: String,
    stem: String,
}

impl JsonlSource {
    /// Read JSONL from `stream`; `file` names it in locations, `stem` prefixes auto ids.
    pub fn new(stream: Stream, file: String, stem: String, opts: &ReadOptions) -> Self {
        JsonlSource {
            lines: BoundedRecords::new(stream.reader, opts.max_bytes, Split::Lines),
            gz: stream.gz,
            file,
            stem,
        }
    }
}

impl Source for JsonlSource {
    fn next_step(&mut self, opts: &ReadOptions, report: &mut SkipReport) -> Option<Step> {
        loop {
            let (location, rec) =
                match next_bounded(&mut self.lines, &self.file, self.gz, opts.max_bytes) {
                    Ok(Some(next)) => next,
                    Ok(None) => return None,
                    Err(step) => return Some(*step),
                };
            let mut bytes = rec.bytes;
            if rec.line == 1 && bytes.starts_with(b"\xEF\xBB\xBF") {
                bytes.drain(..3);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let fields = parse_line(&bytes, opts, report)
                .map(|mut f| {
                    fill_auto_id(&mut f, opts, &self.stem, rec.line);
                    f
                })
                .map_err(|e| bare_cr_hint(e, &bytes));
            return Some(Step::Record {
                location,
                fields,
                raw: Raw::Line(bytes),
            });
        }
    }
}

/// Add a hint to invalid JSON on a line holding a carriage return before its end: records
/// separated by `\r` alone read as one line (JSON strings cannot hold a raw `\r`).
fn bare_cr_hint(e: ErrorKind, line: &[u8]) -> ErrorKind {
    let inner = line.strip_suffix(b"\r").unwrap_or(line);
    match e {
        ErrorKind::InvalidJson(msg) if inner.contains(&b'\r') => ErrorKind::InvalidJson(format!(
            "{msg} (the line holds a bare carriage return: line breaks must be \\n or \\r\\n, \
             not \\r alone)"
        )),
        e => e,
    }
}

/// Parse one JSONL line into raw fields.
///
/// The object is read straight into one slot per key name that a field can come from (the
/// configured id and text names, their aliases, `title`, `published`, `date`, `source`, `url`,
/// `lang`); other keys are parsed and dropped without building a map. A key given twice keeps
/// its last value, as a JSON map would. Errors are serde_json's, as when parsing a `Value`.
pub(crate) fn parse_line(
    bytes: &[u8],
    opts: &ReadOptions,
    report: &mut SkipReport,
) -> Result<Fields, ErrorKind> {
    let text = decode_utf8(bytes, opts, report)?;
    let mut slots = Slots::new(opts);
    let mut de = serde_json::Deserializer::from_str(&text);
    let top = de::DeserializeSeed::deserialize(TopSeed(&mut slots), &mut de)
        .and_then(|top| de.end().map(|()| top))
        .map_err(|e| ErrorKind::InvalidJson(e.to_string()))?;
    if let Top::Not(found) = top {
        return Err(ErrorKind::InvalidJson(format!(
            "expected a JSON object, found {found}"
        )));
    }
    let id_name = opts.names(Field::Id).first();
    exact_float_id(&mut slots.values[ID_SLOT], &text, id_name);
    fields_from(|name| slots.take(name), opts).map(|f| with_found(f, &text, opts))
}

/// `fields` with the keys of the object `line` listed in [`Fields::found`] when the id or the
/// text is missing (only then: it parses the line again).
fn with_found(mut fields: Fields, line: &str, opts: &ReadOptions) -> Fields {
    if fields.text.is_none() || (fields.id.is_none() && !opts.auto_id) {
        if let Ok(RawObject(entries)) = serde_json::from_str::<RawObject>(line) {
            for (key, _) in entries {
                if !fields.found.contains(&key) {
                    fields.found.push(key);
                }
            }
        }
    }
    fields
}

/// The slot of the id field (the first one added).
const ID_SLOT: usize = 0;

/// For an id read as a float (an integer beyond 64 bits, or a number with a fraction or an
/// exponent): the number as written in `line` (the last value of key `id_name` of the
/// top-level object), so that distinct ids never collide through rounding.
fn exact_float_id(id: &mut Option<Value>, line: &str, id_name: &str) {
    if !matches!(id, Some(Value::Number(n)) if n.is_f64()) {
        return;
    }
    if let Ok(RawObject(entries)) = serde_json::from_str::<RawObject>(line) {
        if let Some((_, raw)) = entries.into_iter().rev().find(|(k, _)| k == id_name) {
            *id = Some(Value::String(raw.get().to_string()));
        }
    }
}

/// An object's entries in order, values as raw JSON text.
pub(crate) struct RawObject(pub(crate) Vec<(String, Box<serde_json::value::RawValue>)>);

impl<'de> de::Deserialize<'de> for RawObject {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> de::Visitor<'de> for Entries {
            type Value = RawObject;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut m: A) -> Result<RawObject, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = m.next_entry()? {
                    entries.push(entry);
                }
                Ok(RawObject(entries))
            }
        }
        d.deserialize_map(Entries)
    }
}

/// Most distinct key names a field can be read from: id, three text names, title, published,
/// date, source, url, lang.
const MAX_KEYS: usize = 10;

/// The values of the keys fields are read from, by key name.
struct Slots<'n> {
    names: [&'n str; MAX_KEYS],
    len: usize,
    values: [Option<Value>; MAX_KEYS],
}

impl<'n> Slots<'n> {
    fn new(opts: &'n ReadOptions) -> Self {
        let mut slots = Slots {
            names: [""; MAX_KEYS],
            len: 0,
            values: Default::default(),
        };
        for field in Field::ALL {
            for name in opts.names(field).as_slice() {
                slots.add(name);
            }
        }
        slots
    }

    fn add(&mut self, name: &'n str) {
        if self.index(name).is_none() {
            self.names[self.len] = name;
            self.len += 1;
        }
    }

    fn index(&self, key: &str) -> Option<usize> {
        self.names[..self.len].iter().position(|n| *n == key)
    }

    /// Remove and return the value of `name` (as removing it from a map would).
    fn take(&mut self, name: &str) -> Option<Value> {
        self.index(name).and_then(|i| self.values[i].take())
    }
}

/// What the top level of a line was.
enum Top {
    Object,
    /// Not an object: the kind of value found, for the error message.
    Not(&'static str),
}

/// Reads the top-level value, filling the slots when it is an object.
struct TopSeed<'s, 'n>(&'s mut Slots<'n>);

impl<'de> de::DeserializeSeed<'de> for TopSeed<'_, '_> {
    type Value = Top;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Top, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for TopSeed<'_, '_> {
    type Value = Top;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Top, E> {
        Ok(Top::Not("a boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Top, E> {
        Ok(Top::Not("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Top, E> {
        Ok(Top::Not("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Top, E> {
        Ok(Top::Not("a number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Top, E> {
        Ok(Top::Not("a string"))
    }
    fn visit_unit<E>(self) -> Result<Top, E> {
        Ok(Top::Not("null"))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Top::Not("an array"))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        while let Some(slot) = map.next_key_seed(KeySeed(self.0))? {
            match slot {
                Some(i) => self.0.values[i] = Some(map.next_value::<Value>()?),
                None => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        Ok(Top::Object)
    }
}

/// Reads an object key as the index of its slot (`None`: a key no field is read from).
struct KeySeed<'s, 'n>(&'s Slots<'n>);

impl<'de> de::DeserializeSeed<'de> for KeySeed<'_, '_> {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for KeySeed<'_, '_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string key")
    }
    fn visit_str<E>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.index(key))
    }
}

/// Any JSON value, parsed in full (numbers included, so errors are those of a `Value`) and
/// dropped.
struct Skip;

impl<'de> de::Deserialize<'de> for Skip {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Skip, D::Error> {
        d.deserialize_any(Skip)
    }
}

impl<'de> de::Visitor<'de> for Skip {
    type Value = Skip;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_key::<Skip>()?.is_some() {
            map.next_value::<Skip>()?;
        }
        Ok(Skip)
    }
}

/// Remove and return, with `take`, the first of `names` present with a non-null value.
fn take_first(
    take: &mut impl FnMut(&str) -> Option<Value>,
    names: &[&str],
) -> Option<(String, Value)> {
    for name in names {
        match take(name) {
            None | Some(Value::Null) => continue,
            Some(v) => return Some((name.to_string(), v)),
        }
    }
    None
}

/// An optional string field (first of `names` present); other types are errors.
fn string_field(
    take: &mut impl FnMut(&str) -> Option<Value>,
    names: &[&str],
) -> Result<Option<String>, ErrorKind> {
    written_field(take, names, false)
}

/// An optional field (first of `names` present) that is a string, or with `numbers` also a
/// number (taken as written); other types are errors.
fn written_field(
    take: &mut impl FnMut(&str) -> Option<Value>,
    names: &[&str],
    numbers: bool,
) -> Result<Option<String>, ErrorKind> {
    match take_first(take, names) {
        None => Ok(None),
        Some((_, Value::String(s))) => Ok(Some(s)),
        Some((_, Value::Number(n))) if numbers => Ok(Some(n.to_string())),
        Some((field, _)) => Err(ErrorKind::WrongType {
            field,
            expected: if numbers {
                "string or number"
            } else {
                "string"
            },
        }),
    }
}

/// Extract the article fields of an object whose values `take` removes by field name.
fn fields_from(
    mut take: impl FnMut(&str) -> Option<Value>,
    opts: &ReadOptions,
) -> Result<Fields, ErrorKind> {
    let take = &mut take;
    let id = written_field(take, opts.names(Field::Id).as_slice(), true)?;
    let text = string_field(take, opts.names(Field::Text).as_slice())?;
    // An epoch date may be a JSON number.
    let epoch = opts.date_format.as_ref().is_some_and(|f| f.is_epoch());
    let published = written_field(take, opts.names(Field::Published).as_slice(), epoch)?;
    Ok(Fields {
        id,
        text,
        title: string_field(take, opts.names(Field::Title).as_slice())?,
        published,
        source: string_field(take, opts.names(Field::Source).as_slice())?,
        url: string_field(take, opts.names(Field::Url).as_slice())?,
        lang: string_field(take, opts.names(Field::Lang).as_slice())?,
        found: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The `Value`-based parser the slot parser replaced: the reference it must agree with.
    fn reference(bytes: &[u8], opts: &ReadOptions) -> Result<Fields, ErrorKind> {
        let mut report = SkipReport::default();
        let text = decode_utf8(bytes, opts, &mut report)?;
        let value: Value =
            serde_json::from_str(&text).map_err(|e| ErrorKind::InvalidJson(e.to_string()))?;
        let Value::Object(mut obj) = value else {
            return Err(ErrorKind::InvalidJson(format!(
                "expected a JSON object, found {}",
                type_name(&value)
            )));
        };
        let id_name = opts.id_field.as_deref().unwrap_or("id");
        let mut id = obj.remove(id_name);
        exact_float_id(&mut id, &text, id_name);
        if let Some(id) = id {
            obj.insert(id_name.to_string(), id);
        }
        // The field rules are shared ([`fields_from`]): what is checked is the parse.
        fields_from(|name| obj.remove(name), opts).map(|f| with_found(f, &text, opts))
    }

    #[test]
    fn integer_ids_keep_every_digit() {
        let opts = ReadOptions::default();
        let mut report = SkipReport::default();
        let id = |line: &str| {
            parse_line(line.as_bytes(), &opts, &mut SkipReport::default())
                .expect("valid")
                .id
        };
        assert_eq!(
            id(r#"{"id": 18446744073709551616, "text": "x"}"#).as_deref(),
            Some("18446744073709551616")
        );
        assert_ne!(
            id(r#"{"id": 100000000000000000000001, "text": "x"}"#),
            id(r#"{"id": 100000000000000000000002, "text": "x"}"#)
        );
        assert_eq!(id(r#"{"id": -7, "text": "x"}"#).as_deref(), Some("-7"));
        assert_eq!(id(r#"{"id": 1e3, "text": "x"}"#).as_deref(), Some("1e3"));
        assert_eq!(id(r#"{"id": "s", "id": 1.50}"#).as_deref(), Some("1.50"));
        let wrong = parse_line(br#"{"id": [1], "text": "x"}"#, &opts, &mut report);
        assert!(
            matches!(wrong, Err(ErrorKind::WrongType { .. })),
            "{wrong:?}"
        );
    }

    fn type_name(v: &Value) -> &'static str {
        match v {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    fn json_value() -> impl Strategy<Value = String> {
        let leaf = prop::sample::select(vec![
            "null",
            "true",
            "false",
            "0",
            "-7",
            "18446744073709551615",
            "18446744073709551616",
            "3.5",
            "-1e400",
            "1e400",
            "\"x\"",
            "\"a\\nb\\u00e9\\\"\"",
            "\"\\ud800\"",
            "\"caf\u{e9} \u{2019}\"",
            "\"\"",
            "\"2021-07-17\"",
        ])
        .prop_map(String::from);
        leaf.prop_recursive(3, 12, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec(("[a-z]{1,3}", inner), 0..3).prop_map(|v| {
                    let items: Vec<String> =
                        v.into_iter().map(|(k, x)| format!("\"{k}\":{x}")).collect();
                    format!("{{{}}}", items.join(","))
                }),
            ]
        })
    }

    fn json_line() -> impl Strategy<Value = String> {
        let key = prop::sample::select(vec![
            "id",
            "text",
            "body",
            "content",
            "title",
            "published",
            "date",
            "source",
            "url",
            "lang",
            "extra",
            "doc_id",
            "t\\u0065xt",
            "",
        ]);
        let object = prop::collection::vec((key, json_value()), 0..8).prop_map(|v| {
            let items: Vec<String> = v
                .into_iter()
                .map(|(k, x)| format!("\"{k}\": {x}"))
                .collect();
            format!("{{{}}}", items.join(", "))
        });
        (
            prop_oneof![4 => object, 1 => json_value()],
            prop::sample::select(vec!["", " ", "}", "x", ",", "\"", "\u{0}"]),
            0usize..4,
        )
            .prop_map(|(s, tail, cut)| {
                // Sometimes damaged: a trailing character, or cut short.
                let mut s = s + tail;
                if cut == 3 && !s.is_empty() {
                    let mut at = s.len() / 2;
                    while !s.is_char_boundary(at) {
                        at -= 1;
                    }
                    s.truncate(at);
                }
                s
            })
    }

    proptest! {
        #[test]
        fn slot_parser_matches_value_parser(line in json_line(), override_names in 0usize..3) {
            let mut opts = ReadOptions::default();
            if override_names == 1 {
                opts.id_field = Some("doc_id".into());
                opts.text_field = Some("title".into());
            } else if override_names == 2 {
                opts.id_field = Some("text".into());
                opts.text_field = Some("extra".into());
            }
            let mut report = SkipReport::default();
            let got = parse_line(line.as_bytes(), &opts, &mut report);
            prop_assert_eq!(got, reference(line.as_bytes(), &opts), "line {}", line);
        }
    }
}
