//! Column types the runtime adds to what sqlx, serde and chrono give, so that values reach
//! JSON as CONTRACT.md says: [`Decimal`] as an exact string, [`Bytes`] as base64, and
//! [`AnyValue`] for SQLite columns without a declared type.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact decimal number (SQL `NUMERIC`/`DECIMAL`), kept as its decimal text.
///
/// It is a JSON string (`"0.99"`), so no digit is lost to floating point. It accepts a JSON
/// string or number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

impl Decimal {
    /// The decimal's text, for example `"-12.50"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses decimal text: an optional sign, digits, an optional fraction and exponent.
    pub fn parse(text: &str) -> Result<Self, DecimalError> {
        let trimmed = text.trim();
        if is_decimal(trimmed) {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(DecimalError(text.to_owned()))
        }
    }

    /// The shortest text that reads back as `value` (no exponent).
    pub fn from_f64(value: f64) -> Self {
        Self(value.to_string())
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Text that is not a decimal number.
#[derive(Debug, thiserror::Error)]
#[error("{0:?} is not a decimal number; write it like \"12.50\"")]
pub struct DecimalError(String);

fn is_decimal(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(whole)
        && fraction.is_none_or(digits)
        && (!whole.is_empty() || fraction.is_some_and(|f| !f.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Text {
            String(String),
            Number(serde_json::Number),
        }
        match Text::deserialize(deserializer) {
            Ok(Text::String(text)) => Decimal::parse(&text).map_err(serde::de::Error::custom),
            Ok(Text::Number(number)) => Ok(Decimal(number.to_string())),
            Err(_) => Err(serde::de::Error::custom(
                "expected a decimal number as a string, like \"12.50\"",
            )),
        }
    }
}

impl JsonSchema for Decimal {
    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "decimal"
        })
    }
}

/// Binary data (SQL `BLOB`/`BYTEA`), a base64 string in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Bytes(pub Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&BASE64.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        BASE64
            .decode(text.trim())
            .map(Bytes)
            .map_err(|error| serde::de::Error::custom(format!("expected base64 data: {error}")))
    }
}

impl JsonSchema for Bytes {
    fn schema_name() -> Cow<'static, str> {
        "Bytes".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "contentEncoding": "base64"
        })
    }
}

/// A value of a SQLite column without a declared type, which holds whatever was stored: a
/// JSON number for an integer or a real, a JSON string for text (and for binary data, as
/// base64). Filters compare like with like, so `{"gt": 8}` compares numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyValue {
    /// An integer.
    Integer(i64),
    /// A floating-point number.
    Real(f64),
    /// Text.
    Text(String),
    /// Binary data.
    Blob(Bytes),
}

impl Serialize for AnyValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AnyValue::Integer(value) => serializer.serialize_i64(*value),
            AnyValue::Real(value) => serializer.serialize_f64(*value),
            AnyValue::Text(value) => serializer.serialize_str(value),
            AnyValue::Blob(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for AnyValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Scalar {
            Integer(i64),
            Real(f64),
            Text(String),
        }
        match Scalar::deserialize(deserializer) {
            Ok(Scalar::Integer(value)) => Ok(AnyValue::Integer(value)),
            Ok(Scalar::Real(value)) => Ok(AnyValue::Real(value)),
            Ok(Scalar::Text(value)) => Ok(AnyValue::Text(value)),
            Err(_) => Err(serde::de::Error::custom("expected a number or a string")),
        }
    }
}

impl JsonSchema for AnyValue {
    fn schema_name() -> Cow<'static, str> {
        "AnyValue".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": ["number", "string"]
        })
    }
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use sqlx::encode::IsNull;
    use sqlx::error::BoxDynError;
    use sqlx::sqlite::{Sqlite, SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef};
    use sqlx::{Decode, Encode, Type, TypeInfo, ValueRef};

    use super::{AnyValue, Bytes, Decimal};

    /// A column without a declared type takes values of every storage class.
    impl Type<Sqlite> for AnyValue {
        fn type_info() -> SqliteTypeInfo {
            <String as Type<Sqlite>>::type_info()
        }

        fn compatible(_ty: &SqliteTypeInfo) -> bool {
            true
        }
    }

    impl Encode<'_, Sqlite> for AnyValue {
        fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
            match self {
                AnyValue::Integer(value) => <i64 as Encode<Sqlite>>::encode_by_ref(value, buf),
                AnyValue::Real(value) => <f64 as Encode<Sqlite>>::encode_by_ref(value, buf),
                AnyValue::Text(value) => <String as Encode<Sqlite>>::encode_by_ref(value, buf),
                AnyValue::Blob(value) => <Bytes as Encode<Sqlite>>::encode_by_ref(value, buf),
            }
        }
    }

    impl<'r> Decode<'r, Sqlite> for AnyValue {
        fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
            let type_info = value.type_info();
            match type_info.name() {
                "INTEGER" | "BOOLEAN" => {
                    Ok(AnyValue::Integer(<i64 as Decode<Sqlite>>::decode(value)?))
                }
                "REAL" => Ok(AnyValue::Real(<f64 as Decode<Sqlite>>::decode(value)?)),
                "BLOB" => Ok(AnyValue::Blob(<Bytes as Decode<Sqlite>>::decode(value)?)),
                _ => Ok(AnyValue::Text(<String as Decode<Sqlite>>::decode(value)?)),
            }
        }
    }

    /// SQLite keeps NUMERIC values as INTEGER, REAL or TEXT: all of them read as a decimal.
    impl Type<Sqlite> for Decimal {
        fn type_info() -> SqliteTypeInfo {
            <String as Type<Sqlite>>::type_info()
        }

        fn compatible(ty: &SqliteTypeInfo) -> bool {
            matches!(
                ty.name(),
                "INTEGER" | "REAL" | "TEXT" | "NUMERIC" | "BOOLEAN"
            )
        }
    }

    impl Encode<'_, Sqlite> for Decimal {
        fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
            // Text compared with a NUMERIC or REAL column takes the column's numeric affinity.
            <String as Encode<Sqlite>>::encode_by_ref(&self.0, buf)
        }
    }

    impl<'r> Decode<'r, Sqlite> for Decimal {
        fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
            let type_info = value.type_info();
            match type_info.name() {
                "INTEGER" | "BOOLEAN" => {
                    Ok(Decimal(<i64 as Decode<Sqlite>>::decode(value)?.to_string()))
                }
                "REAL" => Ok(Decimal::from_f64(<f64 as Decode<Sqlite>>::decode(value)?)),
                _ => Ok(Decimal::parse(&<String as Decode<Sqlite>>::decode(value)?)?),
            }
        }
    }

    impl Type<Sqlite> for Bytes {
        fn type_info() -> SqliteTypeInfo {
            <Vec<u8> as Type<Sqlite>>::type_info()
        }

        fn compatible(ty: &SqliteTypeInfo) -> bool {
            <Vec<u8> as Type<Sqlite>>::compatible(ty)
        }
    }

    impl Encode<'_, Sqlite> for Bytes {
        fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
            <Vec<u8> as Encode<Sqlite>>::encode_by_ref(&self.0, buf)
        }
    }

    impl<'r> Decode<'r, Sqlite> for Bytes {
        fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
            <Vec<u8> as Decode<Sqlite>>::decode(value).map(Bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_text_is_checked() {
        for good in ["0", "-1.5", "+2.", ".5", "1e10", "12.50", "1E-3"] {
            assert!(Decimal::parse(good).is_ok(), "{good}");
        }
        for bad in ["", ".", "1.2.3", "abc", "1e", "--1", "0x10"] {
            assert!(Decimal::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn decimal_is_a_json_string_and_reads_numbers() {
        let value: Decimal = serde_json::from_str("0.99").unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), "\"0.99\"");
        let value: Decimal = serde_json::from_str("\"12.50\"").unwrap();
        assert_eq!(value.as_str(), "12.50");
        assert!(serde_json::from_str::<Decimal>("true").is_err());
    }

    #[test]
    fn any_values_are_numbers_or_strings() {
        assert_eq!(serde_json::to_string(&AnyValue::Integer(8)).unwrap(), "8");
        assert_eq!(serde_json::to_string(&AnyValue::Real(2.5)).unwrap(), "2.5");
        assert_eq!(
            serde_json::from_str::<AnyValue>("8").unwrap(),
            AnyValue::Integer(8)
        );
        assert_eq!(
            serde_json::from_str::<AnyValue>("8.5").unwrap(),
            AnyValue::Real(8.5)
        );
        assert_eq!(
            serde_json::from_str::<AnyValue>("\"x\"").unwrap(),
            AnyValue::Text("x".to_owned())
        );
        assert!(serde_json::from_str::<AnyValue>("true").is_err());
    }

    #[test]
    fn bytes_are_base64() {
        let bytes = Bytes(vec![0, 1, 2, 255]);
        let json = serde_json::to_string(&bytes).unwrap();
        assert_eq!(json, "\"AAEC/w==\"");
        assert_eq!(serde_json::from_str::<Bytes>(&json).unwrap(), bytes);
        assert!(serde_json::from_str::<Bytes>("\"%%%\"").is_err());
    }
}
