//! Column types the runtime adds to what sqlx, serde and chrono give, so that values reach
//! JSON as CONTRACT.md says: [`Decimal`] as an exact string, [`Bytes`] as base64, and
//! [`AnyValue`] for SQLite columns without a declared type. Each is read and written by every
//! backend.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A UUID, a JSON string (`"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"`).
pub type Uuid = uuid::Uuid;

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

/// Whether `text` spells a decimal number: `-12`, `3.5`, `.5`, `1e-3`.
pub(crate) fn is_decimal(text: &str) -> bool {
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

/// Decimal text split into its parts, without exponent: `-12.5e1` -> (true, "125", "").
#[cfg(feature = "postgres")]
fn plain_decimal(text: &str) -> (bool, String, String) {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], body[at + 1..].parse::<i64>().unwrap_or(0)),
        None => (body, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = whole.chars().chain(fraction.chars()).collect();
    // The position of the decimal point within `digits`.
    let point = i64::try_from(whole.len()).unwrap_or(i64::MAX) + exponent;
    let (mut whole, fraction) = if point <= 0 {
        let zeros = "0".repeat(usize::try_from(-point).unwrap_or(0));
        (String::new(), format!("{zeros}{digits}"))
    } else {
        let point = usize::try_from(point).unwrap_or(usize::MAX);
        if point >= digits.len() {
            let zeros = "0".repeat(point - digits.len());
            (format!("{digits}{zeros}"), String::new())
        } else {
            (digits[..point].to_owned(), digits[point..].to_owned())
        }
    };
    let trimmed = whole.trim_start_matches('0').len();
    whole.drain(..whole.len() - trimmed);
    (negative, whole, fraction)
}

#[cfg(feature = "postgres")]
mod postgres {
    //! PostgreSQL reads and writes these types in its binary format. `NUMERIC` is sent as
    //! base-10000 digits (`numeric_send` in PostgreSQL's `numeric.c`); [`Decimal`] converts
    //! them to and from exact decimal text.

    use sqlx::encode::IsNull;
    use sqlx::error::BoxDynError;
    use sqlx::postgres::types::Oid;
    use sqlx::postgres::{PgArgumentBuffer, PgHasArrayType, PgTypeInfo, PgValueRef, Postgres};
    use sqlx::{Decode, Encode, Type, TypeInfo, ValueRef};

    use super::{AnyValue, Bytes, Decimal, plain_decimal};

    const NUMERIC: PgTypeInfo = PgTypeInfo::with_oid(Oid(1700));
    const NUMERIC_ARRAY: PgTypeInfo = PgTypeInfo::with_oid(Oid(1231));
    const POSITIVE: u16 = 0x0000;
    const NEGATIVE: u16 = 0x4000;
    const NAN: u16 = 0xC000;
    const INFINITY: u16 = 0xD000;
    const NEGATIVE_INFINITY: u16 = 0xF000;

    impl Type<Postgres> for Decimal {
        fn type_info() -> PgTypeInfo {
            NUMERIC
        }

        fn compatible(ty: &PgTypeInfo) -> bool {
            ty.oid() == Some(Oid(1700))
        }
    }

    impl PgHasArrayType for Decimal {
        fn array_type_info() -> PgTypeInfo {
            NUMERIC_ARRAY
        }
    }

    impl Encode<'_, Postgres> for Decimal {
        fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
            buf.extend_from_slice(&encode_numeric(self.as_str())?);
            Ok(IsNull::No)
        }
    }

    impl<'r> Decode<'r, Postgres> for Decimal {
        fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
            match value.format() {
                sqlx::postgres::PgValueFormat::Binary => {
                    Ok(Decimal(decode_numeric(value.as_bytes()?)?))
                }
                sqlx::postgres::PgValueFormat::Text => Ok(Decimal(value.as_str()?.to_owned())),
            }
        }
    }

    fn read_u16(bytes: &[u8], at: usize) -> Result<u16, BoxDynError> {
        bytes
            .get(at..at + 2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .ok_or_else(|| "a NUMERIC value is cut short".into())
    }

    /// PostgreSQL's binary `NUMERIC` as decimal text with exactly its display scale.
    pub(super) fn decode_numeric(bytes: &[u8]) -> Result<String, BoxDynError> {
        let count = usize::from(read_u16(bytes, 0)?);
        let weight = i32::from(read_u16(bytes, 2)?.cast_signed());
        let sign = read_u16(bytes, 4)?;
        let scale = usize::from(read_u16(bytes, 6)?);
        let digits = (0..count)
            .map(|i| read_u16(bytes, 8 + 2 * i))
            .collect::<Result<Vec<u16>, _>>()?;
        match sign {
            NAN => return Ok("NaN".to_owned()),
            INFINITY => return Ok("Infinity".to_owned()),
            NEGATIVE_INFINITY => return Ok("-Infinity".to_owned()),
            POSITIVE | NEGATIVE => {}
            other => return Err(format!("unknown NUMERIC sign {other:#x}").into()),
        }
        let digit = |index: i32| -> u16 {
            usize::try_from(index)
                .ok()
                .and_then(|index| digits.get(index).copied())
                .unwrap_or(0)
        };
        let mut text = String::new();
        if sign == NEGATIVE && digits.iter().any(|d| *d != 0) {
            text.push('-');
        }
        if weight < 0 {
            text.push('0');
        } else {
            for index in 0..=weight {
                if index == 0 {
                    text.push_str(&digit(index).to_string());
                } else {
                    text.push_str(&format!("{:04}", digit(index)));
                }
            }
        }
        if scale > 0 {
            let mut fraction = String::with_capacity(scale + 4);
            let mut index = weight + 1;
            while fraction.len() < scale {
                fraction.push_str(&format!("{:04}", digit(index)));
                index += 1;
            }
            fraction.truncate(scale);
            text.push('.');
            text.push_str(&fraction);
        }
        Ok(text)
    }

    /// Decimal text as PostgreSQL's binary `NUMERIC`.
    pub(super) fn encode_numeric(text: &str) -> Result<Vec<u8>, BoxDynError> {
        let special = match text {
            "NaN" => Some(NAN),
            "Infinity" => Some(INFINITY),
            "-Infinity" => Some(NEGATIVE_INFINITY),
            _ => None,
        };
        if let Some(sign) = special {
            let mut out = Vec::with_capacity(8);
            for part in [0, 0, sign, 0] {
                out.extend_from_slice(&part.to_be_bytes());
            }
            return Ok(out);
        }
        let (negative, whole, fraction) = plain_decimal(text);
        let scale = u16::try_from(fraction.len()).map_err(|_| "too many decimal digits")?;
        // Base-10000 groups: the whole part padded on the left, the fraction on the right.
        let whole_pad = (4 - whole.len() % 4) % 4;
        let fraction_pad = (4 - fraction.len() % 4) % 4;
        let padded = format!(
            "{}{whole}{fraction}{}",
            "0".repeat(whole_pad),
            "0".repeat(fraction_pad)
        );
        let mut groups: Vec<u16> = padded
            .as_bytes()
            .chunks(4)
            .map(|chunk| {
                chunk
                    .iter()
                    .fold(0u16, |acc, b| acc * 10 + u16::from(b - b'0'))
            })
            .collect();
        let mut weight = i32::try_from((whole.len() + whole_pad) / 4).unwrap_or(i32::MAX) - 1;
        let leading = groups.iter().take_while(|g| **g == 0).count();
        groups.drain(..leading);
        weight -= i32::try_from(leading).unwrap_or(0);
        while groups.last() == Some(&0) {
            groups.pop();
        }
        if groups.is_empty() {
            weight = 0;
        }
        let count = u16::try_from(groups.len()).map_err(|_| "too many digits")?;
        let weight = i16::try_from(weight).map_err(|_| "the number is too large")?;
        let sign = if negative && !groups.is_empty() {
            NEGATIVE
        } else {
            POSITIVE
        };
        let mut out = Vec::with_capacity(8 + groups.len() * 2);
        out.extend_from_slice(&count.to_be_bytes());
        out.extend_from_slice(&weight.to_be_bytes());
        out.extend_from_slice(&sign.to_be_bytes());
        out.extend_from_slice(&scale.to_be_bytes());
        for group in groups {
            out.extend_from_slice(&group.to_be_bytes());
        }
        Ok(out)
    }

    impl Type<Postgres> for Bytes {
        fn type_info() -> PgTypeInfo {
            <Vec<u8> as Type<Postgres>>::type_info()
        }

        fn compatible(ty: &PgTypeInfo) -> bool {
            <Vec<u8> as Type<Postgres>>::compatible(ty)
        }
    }

    impl PgHasArrayType for Bytes {
        fn array_type_info() -> PgTypeInfo {
            <Vec<u8> as PgHasArrayType>::array_type_info()
        }
    }

    impl Encode<'_, Postgres> for Bytes {
        fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
            <Vec<u8> as Encode<Postgres>>::encode_by_ref(&self.0, buf)
        }
    }

    impl<'r> Decode<'r, Postgres> for Bytes {
        fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
            <Vec<u8> as Decode<Postgres>>::decode(value).map(Bytes)
        }
    }

    /// Numbers and text as they come; the generator never gives a PostgreSQL column this type.
    impl Type<Postgres> for AnyValue {
        fn type_info() -> PgTypeInfo {
            <String as Type<Postgres>>::type_info()
        }

        fn compatible(_ty: &PgTypeInfo) -> bool {
            true
        }
    }

    impl Encode<'_, Postgres> for AnyValue {
        fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
            match self {
                AnyValue::Integer(value) => <i64 as Encode<Postgres>>::encode_by_ref(value, buf),
                AnyValue::Real(value) => <f64 as Encode<Postgres>>::encode_by_ref(value, buf),
                AnyValue::Text(value) => <String as Encode<Postgres>>::encode_by_ref(value, buf),
                AnyValue::Blob(value) => <Bytes as Encode<Postgres>>::encode_by_ref(value, buf),
            }
        }

        fn produces(&self) -> Option<PgTypeInfo> {
            Some(match self {
                AnyValue::Integer(_) => <i64 as Type<Postgres>>::type_info(),
                AnyValue::Real(_) => <f64 as Type<Postgres>>::type_info(),
                AnyValue::Text(_) => <String as Type<Postgres>>::type_info(),
                AnyValue::Blob(_) => <Bytes as Type<Postgres>>::type_info(),
            })
        }
    }

    impl<'r> Decode<'r, Postgres> for AnyValue {
        fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
            let type_info = value.type_info().into_owned();
            match type_info.name() {
                "INT2" => Ok(AnyValue::Integer(
                    <i16 as Decode<Postgres>>::decode(value)?.into(),
                )),
                "INT4" => Ok(AnyValue::Integer(
                    <i32 as Decode<Postgres>>::decode(value)?.into(),
                )),
                "INT8" => Ok(AnyValue::Integer(<i64 as Decode<Postgres>>::decode(value)?)),
                "FLOAT4" => Ok(AnyValue::Real(
                    <f32 as Decode<Postgres>>::decode(value)?.into(),
                )),
                "FLOAT8" => Ok(AnyValue::Real(<f64 as Decode<Postgres>>::decode(value)?)),
                "BYTEA" => Ok(AnyValue::Blob(<Bytes as Decode<Postgres>>::decode(value)?)),
                _ => Ok(AnyValue::Text(<String as Decode<Postgres>>::decode(value)?)),
            }
        }
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    //! MySQL sends `DECIMAL` as text, in both of its protocols.

    use sqlx::encode::IsNull;
    use sqlx::error::BoxDynError;
    use sqlx::mysql::{MySql, MySqlTypeInfo, MySqlValueRef};
    use sqlx::{Decode, Encode, Type, TypeInfo, ValueRef};

    use super::{AnyValue, Bytes, Decimal};

    impl Type<MySql> for Decimal {
        fn type_info() -> MySqlTypeInfo {
            <str as Type<MySql>>::type_info()
        }

        fn compatible(ty: &MySqlTypeInfo) -> bool {
            ty.name() == "DECIMAL" || <str as Type<MySql>>::compatible(ty)
        }
    }

    impl Encode<'_, MySql> for Decimal {
        fn encode_by_ref(&self, buf: &mut Vec<u8>) -> Result<IsNull, BoxDynError> {
            <&str as Encode<MySql>>::encode(self.as_str(), buf)
        }
    }

    impl<'r> Decode<'r, MySql> for Decimal {
        fn decode(value: MySqlValueRef<'r>) -> Result<Self, BoxDynError> {
            Ok(Decimal::parse(<&str as Decode<MySql>>::decode(value)?)?)
        }
    }

    impl Type<MySql> for Bytes {
        fn type_info() -> MySqlTypeInfo {
            <Vec<u8> as Type<MySql>>::type_info()
        }

        fn compatible(ty: &MySqlTypeInfo) -> bool {
            <Vec<u8> as Type<MySql>>::compatible(ty)
        }
    }

    impl Encode<'_, MySql> for Bytes {
        fn encode_by_ref(&self, buf: &mut Vec<u8>) -> Result<IsNull, BoxDynError> {
            <Vec<u8> as Encode<MySql>>::encode_by_ref(&self.0, buf)
        }
    }

    impl<'r> Decode<'r, MySql> for Bytes {
        fn decode(value: MySqlValueRef<'r>) -> Result<Self, BoxDynError> {
            <Vec<u8> as Decode<MySql>>::decode(value).map(Bytes)
        }
    }

    /// Numbers and text as they come; the generator never gives a MySQL column this type.
    impl Type<MySql> for AnyValue {
        fn type_info() -> MySqlTypeInfo {
            <str as Type<MySql>>::type_info()
        }

        fn compatible(_ty: &MySqlTypeInfo) -> bool {
            true
        }
    }

    impl Encode<'_, MySql> for AnyValue {
        fn encode_by_ref(&self, buf: &mut Vec<u8>) -> Result<IsNull, BoxDynError> {
            match self {
                AnyValue::Integer(value) => <i64 as Encode<MySql>>::encode_by_ref(value, buf),
                AnyValue::Real(value) => <f64 as Encode<MySql>>::encode_by_ref(value, buf),
                AnyValue::Text(value) => <String as Encode<MySql>>::encode_by_ref(value, buf),
                AnyValue::Blob(value) => <Bytes as Encode<MySql>>::encode_by_ref(value, buf),
            }
        }

        fn produces(&self) -> Option<MySqlTypeInfo> {
            Some(match self {
                AnyValue::Integer(_) => <i64 as Type<MySql>>::type_info(),
                AnyValue::Real(_) => <f64 as Type<MySql>>::type_info(),
                AnyValue::Text(_) => <String as Type<MySql>>::type_info(),
                AnyValue::Blob(_) => <Bytes as Type<MySql>>::type_info(),
            })
        }
    }

    impl<'r> Decode<'r, MySql> for AnyValue {
        fn decode(value: MySqlValueRef<'r>) -> Result<Self, BoxDynError> {
            let type_info = value.type_info().into_owned();
            let name = type_info.name();
            if name.ends_with("INT") || name.contains("INT ") {
                Ok(AnyValue::Integer(<i64 as Decode<MySql>>::decode(value)?))
            } else if matches!(name, "FLOAT" | "DOUBLE") {
                Ok(AnyValue::Real(<f64 as Decode<MySql>>::decode(value)?))
            } else if name.contains("BLOB") || name.contains("BINARY") {
                Ok(AnyValue::Blob(<Bytes as Decode<MySql>>::decode(value)?))
            } else {
                Ok(AnyValue::Text(<String as Decode<MySql>>::decode(value)?))
            }
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

    #[cfg(feature = "postgres")]
    #[test]
    fn decimal_text_splits_without_exponent() {
        assert_eq!(plain_decimal("-12.50"), (true, "12".into(), "50".into()));
        assert_eq!(
            plain_decimal("1.5e3"),
            (false, "1500".into(), String::new())
        );
        assert_eq!(
            plain_decimal("1.5E-3"),
            (false, String::new(), "0015".into())
        );
        assert_eq!(plain_decimal("007"), (false, "7".into(), String::new()));
        assert_eq!(plain_decimal("+.5"), (false, String::new(), "5".into()));
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn postgres_numerics_round_trip_exactly() {
        use super::postgres::{decode_numeric, encode_numeric};
        for (text, expected) in [
            ("0", "0"),
            ("0.00", "0.00"),
            ("12.50", "12.50"),
            ("-12.50", "-12.50"),
            ("10000", "10000"),
            (
                "123456789012345678901234567890.000000000000000000001",
                "123456789012345678901234567890.000000000000000000001",
            ),
            ("0.0001", "0.0001"),
            ("0.00000123", "0.00000123"),
            ("-0.5", "-0.5"),
            ("99999999.99", "99999999.99"),
            ("1e5", "100000"),
            ("NaN", "NaN"),
            ("-Infinity", "-Infinity"),
        ] {
            let bytes = encode_numeric(text).unwrap();
            assert_eq!(decode_numeric(&bytes).unwrap(), expected, "{text}");
        }
        // 12.5 as PostgreSQL sends it: 2 digits, weight 0, positive, scale 2: 12, 5000.
        let sent = [0, 2, 0, 0, 0, 0, 0, 2, 0, 12, 0x13, 0x88];
        assert_eq!(decode_numeric(&sent).unwrap(), "12.50");
        assert_eq!(encode_numeric("12.50").unwrap(), sent);
    }
}
