//! A reader for the JSON dialect Python's `json` module writes.
//!
//! `json.dumps` writes standard JSON plus three bare tokens for the floats
//! JSON has no literal for (`NaN`, `Infinity`, `-Infinity`), and integers
//! of any size; Keras configs saved from Python can hold either
//! (`VarianceScaling(scale=float("nan"))`, a seed of 2**64). This reader
//! takes that dialect in one pass and keeps every number as Python reads
//! it: an integer stays an integer (`-0` is the integer 0), a float literal
//! is the nearest binary64, and what binary64 or a 64-bit integer cannot
//! hold is kept as written ([`Number::Raw`]), so the config key it belongs
//! to can reject it with the right status and show it as the caller wrote
//! it.
//!
//! Everything else follows serde_json's reader exactly: the grammar, the
//! nesting limit (128 levels), duplicate keys (the last one wins, as in
//! Python), lone surrogates rejected, and the wording and the line and
//! (byte) column of each syntax error. The three tokens are accepted where
//! a value may stand, never as an object key.

use std::collections::BTreeMap;
use std::fmt;

/// Containers nested this deep are an error (as in serde_json).
const MAX_DEPTH: usize = 128;

/// A parsed JSON value.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Json {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, `NaN`, `Infinity` or `-Infinity`.
    Number(Number),
    /// A string, its escapes decoded.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object; a key given twice holds its last value, as in Python.
    Object(BTreeMap<String, Json>),
}

/// A number as Python's `json` module reads it.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Number {
    /// An integer literal in `[i64::MIN, u64::MAX]` (`-0` is 0).
    Int(i128),
    /// A float literal (with `.`, `e` or `E`) whose binary64 value is
    /// finite: the nearest binary64.
    Float(f64),
    /// `NaN`, `Infinity`, `-Infinity`, a float literal beyond binary64's
    /// range or an integer beyond `[i64::MIN, u64::MAX]`, as written.
    Raw(Box<str>),
}

impl Number {
    /// The number a literal (already checked against the grammar) stands
    /// for; `float` if it has a fraction or an exponent.
    fn from_literal(text: &str, float: bool) -> Number {
        let exact = if float {
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(Number::Float)
        } else {
            text.parse::<i128>()
                .ok()
                .filter(|v| (i128::from(i64::MIN)..=i128::from(u64::MAX)).contains(v))
                .map(Number::Int)
        };
        exact.unwrap_or_else(|| Number::Raw(text.into()))
    }

    /// The value as Python's `float()` gives it: correctly rounded, an
    /// infinity beyond binary64's range, NaN for `NaN`.
    pub(super) fn as_f64(&self) -> f64 {
        match self {
            // i128 -> f64 rounds to nearest, ties to even, as parsing does
            Number::Int(v) => *v as f64,
            Number::Float(v) => *v,
            Number::Raw(text) => match &**text {
                "NaN" => f64::NAN,
                "Infinity" => f64::INFINITY,
                "-Infinity" => f64::NEG_INFINITY,
                other => other.parse().unwrap_or(f64::NAN),
            },
        }
    }

    /// The value if it is an integer in `[0, 2^64)`.
    pub(super) fn as_u64(&self) -> Option<u64> {
        match self {
            Number::Int(v) => u64::try_from(*v).ok(),
            _ => None,
        }
    }

    /// The value if it is an integer in `[-2^63, 2^63)`.
    pub(super) fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(v) => i64::try_from(*v).ok(),
            _ => None,
        }
    }
}

impl fmt::Display for Number {
    /// Integers in decimal, floats as serde_json writes them, the others as
    /// written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(v) => write!(f, "{v}"),
            Number::Float(v) => write!(f, "{}", serde_json::Value::from(*v)),
            Number::Raw(text) => f.write_str(text),
        }
    }
}

impl fmt::Display for Json {
    /// Compact JSON (keys in sorted order), numbers as [`Number`] shows
    /// them; for messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(b) => write!(f, "{b}"),
            Json::Number(n) => write!(f, "{n}"),
            Json::String(s) => f.write_str(&quoted(s)),
            Json::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Json::Object(map) => {
                f.write_str("{")?;
                for (i, (key, value)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}:{value}", quoted(key))?;
                }
                f.write_str("}")
            }
        }
    }
}

/// `s` as a JSON string literal, escaped as serde_json escapes it.
pub(super) fn quoted(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// Why a text is not JSON, in serde_json's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Problem {
    EofWhileParsingList,
    EofWhileParsingObject,
    EofWhileParsingString,
    EofWhileParsingValue,
    ExpectedColon,
    ExpectedListCommaOrEnd,
    ExpectedObjectCommaOrEnd,
    ExpectedSomeIdent,
    ExpectedSomeValue,
    InvalidEscape,
    InvalidNumber,
    ControlCharacterWhileParsingString,
    KeyMustBeAString,
    LoneLeadingSurrogateInHexEscape,
    TrailingComma,
    TrailingCharacters,
    UnexpectedEndOfHexEscape,
    RecursionLimitExceeded,
}

impl Problem {
    fn text(self) -> &'static str {
        match self {
            Problem::EofWhileParsingList => "EOF while parsing a list",
            Problem::EofWhileParsingObject => "EOF while parsing an object",
            Problem::EofWhileParsingString => "EOF while parsing a string",
            Problem::EofWhileParsingValue => "EOF while parsing a value",
            Problem::ExpectedColon => "expected `:`",
            Problem::ExpectedListCommaOrEnd => "expected `,` or `]`",
            Problem::ExpectedObjectCommaOrEnd => "expected `,` or `}`",
            Problem::ExpectedSomeIdent => "expected ident",
            Problem::ExpectedSomeValue => "expected value",
            Problem::InvalidEscape => "invalid escape",
            Problem::InvalidNumber => "invalid number",
            Problem::ControlCharacterWhileParsingString => {
                "control character (\\u0000-\\u001F) found while parsing a string"
            }
            Problem::KeyMustBeAString => "key must be a string",
            Problem::LoneLeadingSurrogateInHexEscape => "lone leading surrogate in hex escape",
            Problem::TrailingComma => "trailing comma",
            Problem::TrailingCharacters => "trailing characters",
            Problem::UnexpectedEndOfHexEscape => "unexpected end of hex escape",
            Problem::RecursionLimitExceeded => "recursion limit exceeded",
        }
    }
}

/// A syntax error: what is wrong, and where (1-based line; column in bytes
/// from the start of the line, as serde_json counts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct SyntaxError {
    problem: Problem,
    /// A number written where a key must be, as written (cut short).
    received: Option<String>,
    line: usize,
    column: usize,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.problem.text())?;
        if let Some(received) = &self.received {
            write!(f, "; received: {received}")?;
        }
        write!(f, " at line {} column {}", self.line, self.column)
    }
}

/// Reads `text` as Python's `json.loads` would, with serde_json's limits
/// and messages (see the module docs).
pub(super) fn parse(text: &str) -> Result<Json, SyntaxError> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let value = reader.value(0)?;
    match reader.skip_whitespace() {
        Some(_) => Err(reader.peek_error(Problem::TrailingCharacters)),
        None => Ok(value),
    }
}

/// The reading position in a text.
struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Bytes consumed so far.
    pos: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    /// Skips whitespace; the next byte, not consumed.
    fn skip_whitespace(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.pos += 1;
        }
        self.peek()
    }

    /// Skips ASCII digits; how many.
    fn skip_digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// An error about the byte just consumed.
    fn error(&self, problem: Problem) -> SyntaxError {
        self.error_at(problem, self.pos)
    }

    /// An error about the next byte (not yet consumed).
    fn peek_error(&self, problem: Problem) -> SyntaxError {
        self.error_at(problem, (self.pos + 1).min(self.bytes.len()))
    }

    /// An error whose position is `end`, a count of bytes: its line, and
    /// the bytes of it that are on that line.
    fn error_at(&self, problem: Problem, end: usize) -> SyntaxError {
        let before = &self.bytes[..end];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        SyntaxError {
            problem,
            received: None,
            line: 1 + before[..line_start].iter().filter(|&&b| b == b'\n').count(),
            column: end - line_start,
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        let Some(b) = self.skip_whitespace() else {
            return Err(self.peek_error(Problem::EofWhileParsingValue));
        };
        match b {
            b'n' => self.ident("null", Json::Null),
            b't' => self.ident("true", Json::Bool(true)),
            b'f' => self.ident("false", Json::Bool(false)),
            b'-' | b'0'..=b'9' | b'N' | b'I' => match self.number()? {
                Some(n) => Ok(Json::Number(n)),
                None => Err(self.peek_error(Problem::ExpectedSomeValue)),
            },
            b'"' => {
                self.pos += 1;
                Ok(Json::String(self.string()?))
            }
            b'[' | b'{' => {
                if depth + 1 >= MAX_DEPTH {
                    return Err(self.peek_error(Problem::RecursionLimitExceeded));
                }
                self.pos += 1;
                if b == b'[' {
                    self.array(depth + 1)
                } else {
                    self.object(depth + 1)
                }
            }
            _ => Err(self.peek_error(Problem::ExpectedSomeValue)),
        }
    }

    /// `null`, `true` or `false`, whose first byte is the next one.
    fn ident(&mut self, word: &str, value: Json) -> Result<Json, SyntaxError> {
        self.pos += 1;
        for &expected in &word.as_bytes()[1..] {
            match self.next() {
                None => return Err(self.error(Problem::EofWhileParsingValue)),
                Some(b) if b != expected => return Err(self.error(Problem::ExpectedSomeIdent)),
                Some(_) => {}
            }
        }
        Ok(value)
    }

    /// A number, or Python's `NaN`, `Infinity`, `-Infinity`, starting at
    /// the next byte (`-`, a digit, `N` or `I`). `None` (nothing consumed)
    /// for an `N` or `I` that does not start one of those tokens.
    fn number(&mut self) -> Result<Option<Number>, SyntaxError> {
        let rest = &self.bytes[self.pos..];
        if let Some(token) = ["NaN", "Infinity", "-Infinity"]
            .into_iter()
            .find(|t| rest.starts_with(t.as_bytes()))
        {
            self.pos += token.len();
            return Ok(Some(Number::Raw(token.into())));
        }
        if matches!(rest.first(), Some(b'N' | b'I')) {
            return Ok(None);
        }
        // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.next() {
            None => return Err(self.error(Problem::EofWhileParsingValue)),
            // only one leading zero
            Some(b'0') if self.peek().is_some_and(|b| b.is_ascii_digit()) => {
                return Err(self.peek_error(Problem::InvalidNumber));
            }
            Some(b'0') => {}
            Some(b'1'..=b'9') => {
                self.skip_digits();
            }
            Some(_) => return Err(self.error(Problem::InvalidNumber)),
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            float = true;
            self.pos += 1;
            if self.skip_digits() == 0 {
                return Err(self.peek_error(match self.peek() {
                    Some(_) => Problem::InvalidNumber,
                    None => Problem::EofWhileParsingValue,
                }));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            float = true;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            match self.next() {
                None => return Err(self.error(Problem::EofWhileParsingValue)),
                Some(b'0'..=b'9') => {
                    self.skip_digits();
                }
                Some(_) => return Err(self.error(Problem::InvalidNumber)),
            }
        }
        // the grammar above admits ASCII only: both ends are char
        // boundaries
        Ok(Some(Number::from_literal(
            &self.text[start..self.pos],
            float,
        )))
    }

    /// The rest of a string whose opening quote was consumed.
    fn string(&mut self) -> Result<String, SyntaxError> {
        let mut out = String::new();
        loop {
            let start = self.pos;
            while self
                .peek()
                .is_some_and(|b| b != b'"' && b != b'\\' && b >= 0x20)
            {
                self.pos += 1;
            }
            // stopped at an ASCII byte or the end: a char boundary
            out.push_str(&self.text[start..self.pos]);
            match self.next() {
                None => return Err(self.error(Problem::EofWhileParsingString)),
                Some(b'"') => return Ok(out),
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => return Err(self.error(Problem::ControlCharacterWhileParsingString)),
            }
        }
    }

    /// An escape whose backslash was consumed.
    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let c = match self.next() {
            None => return Err(self.error(Problem::EofWhileParsingString)),
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => self.unicode_escape()?,
            Some(_) => return Err(self.error(Problem::InvalidEscape)),
        };
        out.push(c);
        Ok(())
    }

    /// The character of a `\u` escape whose `\u` was consumed; a leading
    /// surrogate must be followed by a `\u` escape of a trailing one.
    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        if (0xDC00..=0xDFFF).contains(&first) {
            return Err(self.error(Problem::LoneLeadingSurrogateInHexEscape));
        }
        if !(0xD800..=0xDBFF).contains(&first) {
            return char::from_u32(first).ok_or_else(|| self.error(Problem::InvalidEscape));
        }
        for expected in [b'\\', b'u'] {
            match self.next() {
                None => return Err(self.error(Problem::EofWhileParsingString)),
                Some(b) if b != expected => {
                    return Err(self.error(Problem::UnexpectedEndOfHexEscape));
                }
                Some(_) => {}
            }
        }
        let second = self.hex4()?;
        if !(0xDC00..=0xDFFF).contains(&second) {
            return Err(self.error(Problem::LoneLeadingSurrogateInHexEscape));
        }
        let c = 0x1_0000 + ((first - 0xD800) << 10) + (second - 0xDC00);
        char::from_u32(c).ok_or_else(|| self.error(Problem::InvalidEscape))
    }

    /// Four hex digits.
    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let Some(digits) = self.bytes.get(self.pos..self.pos + 4) else {
            self.pos = self.bytes.len();
            return Err(self.error(Problem::EofWhileParsingString));
        };
        self.pos += 4;
        digits
            .iter()
            .try_fold(0, |n, &d| Some(n * 16 + char::from(d).to_digit(16)?))
            .ok_or_else(|| self.error(Problem::InvalidEscape))
    }

    /// The rest of an array whose `[` was consumed.
    fn array(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        let mut items = Vec::new();
        loop {
            match self.skip_whitespace() {
                None => return Err(self.peek_error(Problem::EofWhileParsingList)),
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                Some(_) if items.is_empty() => {}
                Some(b',') => {
                    self.pos += 1;
                    match self.skip_whitespace() {
                        None => return Err(self.peek_error(Problem::EofWhileParsingValue)),
                        Some(b']') => return Err(self.peek_error(Problem::TrailingComma)),
                        Some(_) => {}
                    }
                }
                Some(_) => return Err(self.peek_error(Problem::ExpectedListCommaOrEnd)),
            }
            items.push(self.value(depth)?);
        }
    }

    /// The rest of an object whose `{` was consumed.
    fn object(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        let mut map = BTreeMap::new();
        let mut first = true;
        loop {
            match self.skip_whitespace() {
                None => return Err(self.peek_error(Problem::EofWhileParsingObject)),
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Object(map));
                }
                Some(_) if first => first = false,
                Some(b',') => {
                    self.pos += 1;
                    match self.skip_whitespace() {
                        None => return Err(self.peek_error(Problem::EofWhileParsingValue)),
                        Some(b'}') => return Err(self.peek_error(Problem::TrailingComma)),
                        Some(_) => {}
                    }
                }
                Some(_) => return Err(self.peek_error(Problem::ExpectedObjectCommaOrEnd)),
            }
            if self.peek() != Some(b'"') {
                return Err(self.not_a_key());
            }
            self.pos += 1;
            let key = self.string()?;
            match self.skip_whitespace() {
                Some(b':') => self.pos += 1,
                Some(_) => return Err(self.peek_error(Problem::ExpectedColon)),
                None => return Err(self.peek_error(Problem::EofWhileParsingObject)),
            }
            // a key given twice keeps its last value, as in Python
            map.insert(key, self.value(depth)?);
        }
    }

    /// The error for a key that does not start with `"`; it names the
    /// number (or `NaN`, `Infinity`) written there, if one is.
    fn not_a_key(&mut self) -> SyntaxError {
        let mut e = self.peek_error(Problem::KeyMustBeAString);
        let start = self.pos;
        if let Some(b'-' | b'0'..=b'9' | b'N' | b'I') = self.peek()
            && let Ok(Some(_)) = self.number()
        {
            e.received = Some(super::truncate(&self.text[start..self.pos]));
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::error::ErrorKind;

    fn num(text: &str) -> Number {
        match parse(text) {
            Ok(Json::Number(n)) => n,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn error(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn literals_strings_arrays_objects() {
        assert_eq!(parse(" null "), Ok(Json::Null));
        assert_eq!(parse("true"), Ok(Json::Bool(true)));
        assert_eq!(parse("\tfalse\r\n"), Ok(Json::Bool(false)));
        assert_eq!(
            parse(r#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00\u0000é""#),
            Ok(Json::String("a\"\\/\u{8}\u{c}\n\r\té😀\0é".into()))
        );
        assert_eq!(
            parse(r#"[1, [], {}, "x"]"#),
            Ok(Json::Array(vec![
                Json::Number(Number::Int(1)),
                Json::Array(vec![]),
                Json::Object(BTreeMap::new()),
                Json::String("x".into()),
            ]))
        );
        let Ok(Json::Object(map)) = parse(r#"{"b": 1, "a": {"c": null}}"#) else {
            panic!("not an object");
        };
        assert_eq!(map.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(map["a"], parse(r#"{"c": null}"#).unwrap());
    }

    #[test]
    fn duplicate_keys_keep_the_last_value() {
        let Ok(Json::Object(map)) = parse(r#"{"a": 1, "b": 2, "a": [3], "\u0061": 4}"#) else {
            panic!("not an object");
        };
        assert_eq!(map.len(), 2);
        assert_eq!(map["a"], Json::Number(Number::Int(4)));
        assert_eq!(map["b"], Json::Number(Number::Int(2)));
    }

    #[test]
    fn integers_as_python_reads_them() {
        assert_eq!(num("0"), Number::Int(0));
        assert_eq!(num("-0"), Number::Int(0));
        assert_eq!(num("-0").as_u64(), Some(0));
        assert_eq!(num("-0").as_f64().to_bits(), 0.0f64.to_bits());
        assert_eq!(num("18446744073709551615").as_u64(), Some(u64::MAX));
        assert_eq!(num("18446744073709551615").as_i64(), None);
        assert_eq!(num("-9223372036854775808").as_i64(), Some(i64::MIN));
        assert_eq!(num("-1").as_u64(), None);
        // beyond 64 bits: kept as written, the nearest binary64 as a float
        for big in [
            "18446744073709551616",
            "-9223372036854775809",
            "340282366920938463463374607431768211456",
        ] {
            assert_eq!(num(big), Number::Raw(big.into()));
            assert_eq!(num(big).as_u64(), None);
            assert_eq!(num(big).as_i64(), None);
            assert_eq!(num(big).as_f64(), big.parse::<f64>().unwrap());
        }
        let long = "7".repeat(5000);
        assert_eq!(num(&long).to_string(), long);
        assert_eq!(num(&long).as_f64(), f64::INFINITY);
        assert_eq!(num("100000000000000000000000").as_f64(), 1e23);
        // the nearest binary64, ties to even
        assert_eq!(num("9007199254740993").as_f64(), 9007199254740992.0);
    }

    #[test]
    fn floats_as_python_reads_them() {
        assert_eq!(num("1.5"), Number::Float(1.5));
        assert_eq!(num("-0.0").as_f64().to_bits(), (-0.0f64).to_bits());
        assert_eq!(num("-0.0").as_u64(), None);
        assert_eq!(num("1e2"), Number::Float(100.0));
        assert_eq!(num("1E+2"), Number::Float(100.0));
        assert_eq!(num("25e-1"), Number::Float(2.5));
        assert_eq!(num("1e-400"), Number::Float(0.0));
        assert_eq!(num("-1e-400").as_f64().to_bits(), (-0.0f64).to_bits());
        assert_eq!(num("0e99999999999"), Number::Float(0.0));
        assert_eq!(num("1.7976931348623157e308"), Number::Float(f64::MAX));
        for (text, value) in [
            ("1e999", f64::INFINITY),
            ("-1e999", f64::NEG_INFINITY),
            ("1.8e308", f64::INFINITY),
            ("1e99999999999", f64::INFINITY),
        ] {
            assert_eq!(num(text), Number::Raw(text.into()));
            assert_eq!(num(text).as_f64(), value);
        }
        assert_eq!(num("0.1").as_f64().to_bits(), 0.1f64.to_bits());
    }

    #[test]
    fn python_special_tokens_are_values() {
        assert!(num("NaN").as_f64().is_nan());
        assert_eq!(num("Infinity").as_f64(), f64::INFINITY);
        assert_eq!(num(" -Infinity ").as_f64(), f64::NEG_INFINITY);
        assert_eq!(num("NaN").to_string(), "NaN");
        assert_eq!(
            parse(r#"[NaN,{"a":Infinity},-Infinity]"#)
                .unwrap()
                .to_string(),
            r#"[NaN,{"a":Infinity},-Infinity]"#
        );
        // inside strings they are text
        assert_eq!(parse(r#""NaN""#), Ok(Json::String("NaN".into())));
        // only the exact tokens, only where a value stands
        for (text, at) in [
            ("Nan", "expected value at line 1 column 1"),
            ("nan", "expected ident at line 1 column 2"),
            ("inf", "expected value at line 1 column 1"),
            ("Inf", "expected value at line 1 column 1"),
            ("+Infinity", "expected value at line 1 column 1"),
            ("-NaN", "invalid number at line 1 column 2"),
            ("--Infinity", "invalid number at line 1 column 2"),
            ("-Inf", "invalid number at line 1 column 2"),
            ("NaNx", "trailing characters at line 1 column 4"),
            ("[NaN NaN]", "expected `,` or `]` at line 1 column 6"),
            (r#"{"a" NaN}"#, "expected `:` at line 1 column 6"),
            ("nuNaN", "expected ident at line 1 column 3"),
            ("1.NaN", "invalid number at line 1 column 3"),
            ("1eNaN", "invalid number at line 1 column 3"),
        ] {
            assert_eq!(error(text), at, "{text}");
        }
    }

    #[test]
    fn numbers_and_specials_are_never_keys() {
        for (text, at) in [
            (
                "{NaN: 1}",
                "key must be a string; received: NaN at line 1 column 2",
            ),
            (
                r#"{"a": 1, Infinity: 1}"#,
                "key must be a string; received: Infinity at line 1 column 10",
            ),
            (
                "[{-Infinity: 0}]",
                "key must be a string; received: -Infinity at line 1 column 3",
            ),
            (
                "{1e999: 1}",
                "key must be a string; received: 1e999 at line 1 column 2",
            ),
            (
                "{-0: 1}",
                "key must be a string; received: -0 at line 1 column 2",
            ),
            (
                "{1: 2}",
                "key must be a string; received: 1 at line 1 column 2",
            ),
            ("{x: 1}", "key must be a string at line 1 column 2"),
            ("{01: 1}", "key must be a string at line 1 column 2"),
            ("{Nab: 1}", "key must be a string at line 1 column 2"),
        ] {
            assert_eq!(error(text), at, "{text}");
        }
        let long = "1".repeat(5000);
        assert!(error(&format!("{{{long}: 1}}")).len() < 300);
    }

    #[test]
    fn syntax_errors_as_serde_json_reports_them() {
        // the same text and position as serde_json for plain JSON
        for text in [
            "",
            " ",
            "{",
            "[",
            "[1",
            "[1,",
            "[1,]",
            "[1 2]",
            r#"{"a""#,
            r#"{"a":"#,
            r#"{"a":1"#,
            r#"{"a":1,"#,
            r#"{"a":1,}"#,
            r#"{"a":1 "b":2}"#,
            r#"{"a" 1}"#,
            "\"abc",
            "\"a\\",
            "\"a\\x\"",
            "\"\\u12\"",
            "\"\\u12",
            "\"\\u12g4\"",
            "\"\\ud800\"",
            "\"\\ud800",
            "\"\\ud800\\n\"",
            "\"\\ud800\\u0041\"",
            "\"\\udc00\"",
            "\"a\nb\"",
            "\"\t\"",
            "-",
            "-a",
            "01",
            "-01",
            "1.",
            "1.x",
            "1e",
            "1e+",
            "1ex",
            "1.5e-",
            "tru",
            "trux",
            "nul",
            "falsy",
            "1 2",
            "[] x",
            "\n\n  x",
            "[\n1,\n2\n3]",
            "é",
            "[1é]",
            "\u{feff}1",
            "{\"a\":1}\n\n}",
            "[1,\n]",
            "[\"\\u00e9\" x]",
        ] {
            let theirs = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
            assert_eq!(error(text), theirs.to_string(), "{text:?}");
        }
        // and the same values where both read the text
        for text in [
            r#"{"a":[1,-2,3.5,-0.0,1e-7,1e300,"x\u00e9\ud83d\ude00"],"b":{"c":null,"d":true}}"#,
            "18446744073709551615",
            "-9223372036854775808",
            "[0.1, 2.5e-324, 4.9e-324, 1.7976931348623157e308]",
        ] {
            let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                parse(text).unwrap().to_string(),
                theirs.to_string(),
                "{text}"
            );
        }
    }

    #[test]
    fn positions_are_in_the_callers_text() {
        for (text, at) in [
            ("[NaN, NaN, NaN, x]", "line 1 column 17"),
            (
                "{\"a\": NaN,\n \"b\": [1e999, -0, 99999999999999999999999] x}",
                "line 2 column 44",
            ),
            ("[NaN", "EOF while parsing a list at line 1 column 4"),
            ("[-0", "EOF while parsing a list at line 1 column 3"),
            ("\"\\u0000", "EOF while parsing a string at line 1 column 7"),
            (
                "[-Infinity,\n NaN,\n  1e999 ,]",
                "trailing comma at line 3 column 10",
            ),
        ] {
            let e = error(text);
            assert!(e.ends_with(at), "{text:?}: {e}");
        }
    }

    #[test]
    fn nesting_limit_is_serde_jsons() {
        let arrays = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(parse(&arrays(127)).is_ok());
        assert_eq!(
            error(&arrays(128)),
            "recursion limit exceeded at line 1 column 128"
        );
        let objects = |n: usize| format!("{}1{}", r#"{"a":"#.repeat(n), "}".repeat(n));
        assert!(parse(&objects(127)).is_ok());
        assert!(error(&objects(128)).starts_with("recursion limit exceeded"));
        // deep input is an error, not a stack overflow
        assert!(error(&"[".repeat(100_000)).starts_with("recursion limit exceeded"));
        for n in [127, 128, 200] {
            let text = arrays(n);
            assert_eq!(
                parse(&text).map_err(|e| e.to_string()),
                serde_json::from_str::<serde_json::Value>(&text)
                    .map(|_| parse(&text).unwrap())
                    .map_err(|e| e.to_string()),
                "{n}"
            );
        }
    }

    // end to end, through the config reader

    /// A number, `NaN` or `Infinity` as an object key is not JSON, at any
    /// depth and whatever else is wrong.
    #[test]
    fn numbers_as_keys_are_not_json() {
        for json in [
            r#"{"class_name":"HeNormal","config":{},"shared_object_id":{NaN:1}}"#,
            r#"{"class_name":"HeNormal","config":{},"shared_object_id":{1e999:1,99999999999999999999:2}}"#,
            r#"{"scale": -1, "mode": {NaN: 1}}"#,
            r#"{"mode": {Infinity: 1}}"#,
            r#"{NaN: 1}"#,
            r#"[[{"a": [{-Infinity: 0}]}]]"#,
        ] {
            let e = Config::from_json(json).unwrap_err();
            assert_eq!(
                e.kind(),
                ErrorKind::InvalidConfig,
                "{json}: {}",
                e.message()
            );
            assert!(
                e.message().contains("key must be a string"),
                "{json}: {}",
                e.message()
            );
            assert!(
                !e.message().contains("vs-raw-number"),
                "{json}: {}",
                e.message()
            );
        }
    }

    /// Syntax errors give the line and column of the caller's text (as
    /// Python's json module does).
    #[test]
    fn syntax_errors_point_into_the_callers_text() {
        for (json, at) in [
            ("[NaN, NaN, NaN, x]", "line 1 column 17"),
            (r#"{"mode":"\u0000\u0000\u0000", x}"#, "line 1 column 31"),
            (
                "{\"a\": NaN,\n \"b\": [1e999, -0, 99999999999999999999999] x}",
                "line 2 column 44",
            ),
            ("{\"seed\": 1 x}", "line 1 column 12"),
        ] {
            let e = Config::from_json(json).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidConfig);
            assert!(e.message().contains(at), "{json}: {}", e.message());
        }
    }

    /// JSON nested 128 levels deep or more is an error, not a stack
    /// overflow; 127 levels still parse (and are then the wrong type).
    #[test]
    fn nesting_limit() {
        let nested = |n: usize| format!(r#"{{"mode": {}{}}}"#, "[".repeat(n), "]".repeat(n));
        let e = Config::from_json(&nested(126)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidMode, "{}", e.message());
        let e = Config::from_json(&nested(127)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{}", e.message());
        assert!(e.message().contains("recursion limit"), "{}", e.message());
    }
}
